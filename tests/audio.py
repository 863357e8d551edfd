"""Real voice memos for tests: a WebM recorded by Chromium and an Ogg/Opus file built here.

``voice.webm`` (in ``tests/fixtures``) is what Chromium's ``MediaRecorder`` wrote (``audio/webm;codecs=opus``,
0.7 s of its fake microphone's tone, recorded with ``--use-fake-device-for-media-stream``).
:func:`ogg_opus` builds an Ogg/Opus file in pure Python (RFC 7845): the ``OpusHead`` and
``OpusTags`` pages, then 20 ms packets of Opus silence (the CELT frame ``F8 FF FE``), each page
with its CRC; browsers decode it (the browser test plays one).
"""

from __future__ import annotations

import struct
from pathlib import Path

WEBM = Path(__file__).parent / "fixtures" / "voice.webm"

_PRE_SKIP = 312
_SILENCE = b"\xf8\xff\xfe"  # TOC: CELT fullband 20 ms, mono, one frame; the frame decodes to silence
_SAMPLES_PER_PACKET = 960  # 20 ms at 48 kHz


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        crc = n << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        table.append(crc & 0xFFFFFFFF)
    return table


_TABLE = _crc_table()


def ogg_crc(data: bytes) -> int:
    """The Ogg page checksum (CRC-32, polynomial 0x04C11DB7, not reflected, no final xor)."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _TABLE[((crc >> 24) & 0xFF) ^ byte]
    return crc


def _page(packets: list[bytes], *, flags: int, granule: int, serial: int, sequence: int) -> bytes:
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, serial, sequence, 0, len(lacing))
    page = header + bytes(lacing) + b"".join(packets)
    return page[:22] + struct.pack("<I", ogg_crc(page)) + page[26:]


def ogg_opus(seconds: float = 1.0, serial: int = 0x58554E4A) -> bytes:
    """An Ogg/Opus file of ``seconds`` of silence, mono, 48 kHz."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, _PRE_SKIP, 48000, 0, 0)
    vendor = b"xunjian tests"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    count = max(1, round(seconds * 50))
    pages = [
        _page([head], flags=0x02, granule=0, serial=serial, sequence=0),
        _page([tags], flags=0, granule=0, serial=serial, sequence=1),
        _page(
            [_SILENCE] * count,
            flags=0x04,
            granule=_PRE_SKIP + count * _SAMPLES_PER_PACKET,
            serial=serial,
            sequence=2,
        ),
    ]
    return b"".join(pages)
