"""The ``note`` op's voice memo (issue 18): optional, so notes of earlier app builds decode and merge as
before; a memo is named by hash with its container, length and size; stored documents without one
read unchanged; two phones' notes on one item: the later wins, whole (text and memo)."""

from __future__ import annotations

import uuid

import msgspec
import pytest

from sync.clock import uuid7
from sync.engine.document import Document, NoteState
from sync.engine.ops import Note, Voice, op_decoder
from tests.audio import WEBM, ogg_opus
from tests.clients import Client, World, device, started
from tests.evidence import sha256, upload

VOICE = {"sha256": "a" * 64, "mime": "audio/webm", "duration_ms": 4200, "bytes": 9000}


def note(**body: object) -> bytes:
    head = {"kind": "note", "op_id": uuid7(), "client_seq": 1, "inspection_id": str(uuid.uuid4()), "hlc": 1}
    return msgspec.json.encode({**head, "path": "licence", **body})


def test_a_note_of_an_earlier_app_build_decodes_without_a_memo() -> None:
    old = op_decoder.decode(note(text="执照过期"))
    assert isinstance(old, Note)
    assert (old.text, old.voice) == ("执照过期", None)


def test_a_note_carries_its_memo_by_hash_container_length_and_size() -> None:
    decoded = op_decoder.decode(note(voice=VOICE))
    assert isinstance(decoded, Note)
    assert decoded.voice == Voice("a" * 64, "audio/webm", 4200, 9000)
    assert decoded.text == ""


@pytest.mark.parametrize(
    "voice",
    [
        {**VOICE, "mime": "video/webm"},
        {**VOICE, "sha256": "A" * 64},
        {**VOICE, "bytes": 0},
        {**VOICE, "duration_ms": -1},
        {**VOICE, "extra": 1},
        {k: v for k, v in VOICE.items() if k != "bytes"},
    ],
    ids=["video", "upper-hash", "empty", "negative-length", "unknown-field", "no-size"],
)
def test_a_malformed_memo_is_refused_when_decoded(voice: dict[str, object]) -> None:
    with pytest.raises(msgspec.ValidationError):
        op_decoder.decode(note(voice=voice))


def test_a_stored_document_without_memos_reads_as_before() -> None:
    stored = b'{"notes":{"licence":{"text":"\xe6\x97\xa7","by":"u","fv":3}}}'
    doc = msgspec.json.decode(stored, type=Document)
    assert doc.notes["licence"] == NoteState("旧", "u", 3)
    assert msgspec.json.encode(doc) == stored  # a note without a memo is written as before
    with_memo = Document(notes={"licence": NoteState("旧", "u", 3, Voice("a" * 64, "audio/ogg", 1, 2))})
    assert msgspec.json.decode(msgspec.json.encode(with_memo), type=Document) == with_memo


def test_two_phones_notes_on_one_item_the_later_wins_whole(client: Client, world: World, probe: None) -> None:
    first = device(client, name="phone-a")
    inspection_id = started(client, world, first)
    second = device(client, name="phone-b")
    second.sync()
    recorded, built = WEBM.read_bytes(), ogg_opus(0.5)
    for phone, data in ((first, recorded), (second, built)):
        assert upload(client, phone.headers, data, kind="audio", media_type="audio/webm").status_code == 204
    voice = {"sha256": sha256(recorded), "mime": "audio/webm", "duration_ms": 700, "bytes": len(recorded)}
    first.enqueue("note", inspection_id, path="licence", text="甲：执照过期", voice=voice)
    second.enqueue("note", inspection_id, path="licence", text="乙：执照已补办")  # not seen the first
    first.push()
    [result] = second.push()
    assert result["outcome"] == "applied"  # notes do not conflict: the later one wins
    notes = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()["notes"]
    assert notes["licence"]["text"] == "乙：执照已补办"
    assert "voice" not in notes["licence"]  # whole: the later note had no memo
    later = {"sha256": sha256(built), "mime": "audio/ogg", "duration_ms": 500, "bytes": len(built)}
    first.enqueue("note", inspection_id, path="licence", text="", voice=later)
    first.push()
    notes = client.get(f"/api/inspections/{inspection_id}", headers=world.headers["supervisor1"]).json()["notes"]
    assert notes["licence"]["voice"] == later
    assert notes["licence"]["text"] == ""
