"""Where each image container ends, so nothing rides along after it.

A polyglot is a file that is two things at once, such as a JPEG that is also a ZIP
archive. Each function here walks one container format's structure (JPEG markers, PNG
chunks, the RIFF header of WebP, the boxes of HEIF) to find where the image really
ends; :func:`check_container` refuses trailing data beyond a small tolerance and any
file that also opens as a ZIP archive.
"""

from __future__ import annotations

import mmap
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from sync.errors import InvalidImage

Buffer = bytes | mmap.mmap

# Bytes allowed after the end of an image (some encoders pad); anything longer is refused.
TRAILING_TOLERANCE = 64

# In JPEG entropy-coded data a 0xFF is followed by 0x00 (stuffing), a restart marker
# (0xD0-0xD7) or more 0xFF fill; anything else is the next marker.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_container(path: Path, image_format: str) -> None:
    """Refuse a file with data after its image, a broken structure, or a ZIP archive inside.

    ``image_format`` is Pillow's name for the format (``JPEG``, ``PNG``, ``WEBP``, ``HEIF``).
    Raises :class:`InvalidImage` saying what is wrong.
    """
    find_end = _ENDS.get(image_format)
    if find_end is None:
        raise InvalidImage(f"{image_format} is not an accepted image format")
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        end = find_end(data, 0)
        if image_format == "JPEG":
            end = _jpeg_followers_end(data, end)
        trailing = len(data) - end
        if trailing > TRAILING_TOLERANCE:
            raise InvalidImage(
                f"{trailing} bytes follow the end of the {image_format} image; "
                "a file carrying other data (a polyglot) is not accepted as evidence"
            )
    if _opens_as_zip(path):
        raise InvalidImage("the file is also a ZIP archive (a polyglot); it is not accepted as evidence")


def jpeg_end(data: Buffer, start: int) -> int:
    """The offset just past the end-of-image marker of the JPEG beginning at ``start``."""
    if data[start : start + 2] != b"\xff\xd8":
        raise InvalidImage("not a JPEG: no start-of-image marker")
    pos = start + 2
    size = len(data)
    while True:
        if pos + 2 > size:
            raise InvalidImage("the JPEG is truncated: it ends before its end-of-image marker")
        if data[pos] != 0xFF:
            raise InvalidImage(f"the JPEG is corrupt: no marker at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:
            return pos + 2
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        pos = _after_segment(data, pos, marker)


def _after_segment(data: Buffer, pos: int, marker: int) -> int:
    """The offset after the JPEG segment whose marker is at ``pos`` (for a start of scan, after its image data)."""
    size = len(data)
    if pos + 4 > size:
        raise InvalidImage("the JPEG is truncated inside a segment header")
    length: int = struct.unpack_from(">H", data, pos + 2)[0]
    pos += 2 + length
    if length < 2 or pos > size:
        raise InvalidImage("the JPEG is truncated: a segment runs past the end of the file")
    if marker == 0xDA:  # start of scan: entropy-coded data runs to the next marker
        found = _JPEG_MARKER.search(data, pos)
        if found is None:
            raise InvalidImage("the JPEG is truncated: its image data has no end-of-image marker")
        pos = found.start()
    return pos


def _jpeg_followers_end(data: Buffer, end: int) -> int:
    """Further JPEGs right after the first (MPF: phones store previews and depth maps so)."""
    while data[end : end + 2] == b"\xff\xd8":
        end = jpeg_end(data, end)
    return end


def png_end(data: Buffer, start: int) -> int:
    """The offset just past the IEND chunk of the PNG beginning at ``start``."""
    if data[start : start + 8] != _PNG_SIGNATURE:
        raise InvalidImage("not a PNG: wrong signature")
    pos = start + 8
    size = len(data)
    while True:
        if pos + 12 > size:
            raise InvalidImage("the PNG is truncated: it ends before its IEND chunk")
        length: int = struct.unpack_from(">I", data, pos)[0]
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if pos > size:
            raise InvalidImage("the PNG is truncated: a chunk runs past the end of the file")
        if kind == b"IEND":
            return pos


def webp_end(data: Buffer, start: int) -> int:
    """The offset just past the RIFF container of the WebP beginning at ``start``."""
    if data[start : start + 4] != b"RIFF" or data[start + 8 : start + 12] != b"WEBP":
        raise InvalidImage("not a WebP: wrong RIFF header")
    length: int = struct.unpack_from("<I", data, start + 4)[0]
    end = start + 8 + length
    if end > len(data):
        raise InvalidImage("the WebP is truncated: the file is shorter than its RIFF header says")
    return end


def heif_end(data: Buffer, start: int) -> int:
    """The offset just past the last top-level box of the HEIF file beginning at ``start``."""
    if data[start + 4 : start + 8] != b"ftyp":
        raise InvalidImage("not a HEIF file: no ftyp box first")
    pos = start
    size = len(data)
    while pos + 8 <= size:
        length: int = struct.unpack_from(">I", data, pos)[0]
        kind = bytes(data[pos + 4 : pos + 8])
        if kind not in _HEIF_BOXES:  # not a top-level box: whatever follows is not part of the image
            return pos
        header = 8
        if length == 1:
            if pos + 16 > size:
                raise InvalidImage("the HEIF file is truncated inside a box header")
            (length,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif length == 0:  # the last box runs to the end of the file
            return size
        if length < header or pos + length > size:
            raise InvalidImage(f"the HEIF file is truncated: box {kind!r} runs past the end of the file")
        pos += length
    return pos


# Top-level ISOBMFF boxes found in HEIF files (ISO/IEC 14496-12 and 23008-12).
_HEIF_BOXES = {
    *(b"ftyp", b"meta", b"mdat", b"moov", b"free", b"skip"),
    *(b"uuid", b"idat", b"pdin", b"moof", b"mfra", b"wide"),
}

_ENDS: dict[str, Callable[[Buffer, int], int]] = {
    "JPEG": jpeg_end,
    "PNG": png_end,
    "WEBP": webp_end,
    "HEIF": heif_end,
}


def _opens_as_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, NotImplementedError):
        return False
