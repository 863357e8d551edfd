"""Voice memos as evidence: audio recorded on the phone, checked by what its bytes are.

A phone records with ``MediaRecorder``: Chromium writes WebM (Opus), Firefox Ogg (Opus), iOS
Safari MP4 (AAC). The declared media type is not trusted: the container is known by its first
bytes (WebM's EBML header ``1A 45 DF A3`` with the ``webm`` document type, Ogg's ``OggS`` page,
an MP4 ``ftyp`` box) and that is the type recorded and served. Anything else is refused.
The memo's length in time is what the phone measured (it travels in the ``note`` op); the server
keeps the bytes untouched, as it keeps a photo's original.
"""

from __future__ import annotations

from pathlib import Path

from sync.errors import UnsupportedMediaType

AUDIO_TYPES = ("audio/webm", "audio/ogg", "audio/mp4")
MAX_AUDIO_BYTES = 10 * 1024 * 1024

_EBML = b"\x1a\x45\xdf\xa3"
_DOCTYPE_WEBM = b"\x42\x82\x84webm"  # EBML DocType element, 4 bytes: "webm"
_HEAD_BYTES = 64


def audio_type(path: Path) -> str:
    """The audio container of the file at ``path`` by its first bytes: ``audio/webm``, ``audio/ogg`` or ``audio/mp4``.

    Raises :class:`UnsupportedMediaType` for anything else (an image, a text, a Matroska video).
    """
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
    if head.startswith(_EBML):
        if _DOCTYPE_WEBM not in head:
            raise UnsupportedMediaType("an EBML file that is not WebM (its document type is not webm)")
        return "audio/webm"
    if head.startswith(b"OggS") and len(head) >= 27 and head[4] == 0:  # Ogg page, stream structure version 0
        return "audio/ogg"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    raise UnsupportedMediaType(
        "a voice memo must be WebM, Ogg or MP4 audio; these bytes are none of them (checked by content)"
    )
