"""The wire format: ids (UUIDv7 made in time order and accepted where any UUID is); the ``note`` op's voice memo,
optional so notes of earlier app builds decode as before, and stored documents without one read unchanged."""

from __future__ import annotations

import re
import uuid

import msgspec
import pytest

from sync.clock import uuid7
from sync.engine.document import Document, NoteState
from sync.engine.ops import Note, PushBatch, Voice, op_decoder, push_decoder


def test_a_uuid7_carries_its_millisecond_version_and_variant() -> None:
    made = uuid.UUID(uuid7(0x0123456789AB))
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert str(made).startswith("01234567-89ab-7")


def test_ids_made_later_sort_later_and_ids_of_one_millisecond_differ() -> None:
    ids = [uuid7(ms) for ms in (1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000)]
    assert sorted(ids) == ids
    same = {uuid7(1_700_000_000_000) for _ in range(1000)}
    assert len(same) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in same)


def test_a_push_takes_uuid7_and_uuid4_ids_alike() -> None:
    ops = [
        {"kind": "delete", "op_id": op_id, "client_seq": n, "inspection_id": uuid7(), "hlc": 1}
        for n, op_id in enumerate([uuid7(), str(uuid.uuid4())], start=1)
    ]
    body = msgspec.json.encode({"client_id": str(uuid.uuid4()), "ops": ops})
    decoded = push_decoder.decode(body)
    assert isinstance(decoded, PushBatch)
    assert [op.op_id for op in decoded.ops] == [o["op_id"] for o in ops]


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
