"""Voice memos are known by their bytes: WebM (EBML with the webm document type), Ogg, MP4; nothing else."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from sync.errors import UnsupportedMediaType
from sync.evidence.audio import audio_type
from tests.audio import WEBM, ogg_crc, ogg_opus
from tests.images import phone_jpeg

M4A_HEAD = struct.pack(">I4s4sI", 24, b"ftyp", b"M4A ", 0) + b"M4A isom" + struct.pack(">I4s", 8, b"mdat")


@pytest.mark.parametrize(
    ("data", "found"),
    [(WEBM.read_bytes(), "audio/webm"), (ogg_opus(0.2), "audio/ogg"), (M4A_HEAD, "audio/mp4")],
    ids=["chromium-webm", "ogg-opus", "m4a"],
)
def test_the_container_is_read_from_the_first_bytes(tmp_path: Path, data: bytes, found: str) -> None:
    path = tmp_path / "memo"
    path.write_bytes(data)
    assert audio_type(path) == found


@pytest.mark.parametrize(
    "data",
    [
        phone_jpeg(1),
        b"",
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska" + bytes(40),
        b"RIFF\x24\x00\x00\x00WAVEfmt ",
        b"ID3\x04\x00\x00\x00\x00\x00\x00",
    ],
    ids=["jpeg", "empty", "matroska", "wav", "mp3"],
)
def test_anything_else_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "memo"
    path.write_bytes(data)
    with pytest.raises(UnsupportedMediaType):
        audio_type(path)


def test_the_built_ogg_pages_carry_their_checksums() -> None:
    data = ogg_opus(0.1)
    first_length = 27 + data[26] + sum(data[27 : 27 + data[26]])
    page = bytearray(data[:first_length])
    stored = struct.unpack_from("<I", page, 22)[0]
    page[22:26] = bytes(4)
    assert ogg_crc(bytes(page)) == stored
    assert data.count(b"OggS") == 3 and b"OpusHead" in data and b"OpusTags" in data
