"""The photo pipeline: a whole, safe image in; display and thumbnail versions and metadata out.

The original bytes stay untouched as evidence. The derived versions have the EXIF
orientation applied and carry no EXIF, comment or XMP, so GPS never leaks through them.
A JPEG is decoded once, at the reduced scale the display version needs (``draft``).
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msgspec import Struct
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from sync.errors import InvalidImage
from sync.evidence.formats import check_container

PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
MAX_PIXELS = 60_000_000
DISPLAY_SIDE = 1600
THUMB_SIDE = 320
DISPLAY_QUALITY = 82
THUMB_QUALITY = 75

_EXIF_DATETIME = re.compile(r"^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$")
_UTC_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")


class Gps(Struct, frozen=True):
    """Where the photo was taken, in decimal degrees (WGS 84, as the camera wrote it)."""

    lat: float
    lon: float
    alt: float | None = None


class PhotoMeta(Struct, frozen=True):
    """What the camera recorded: capture time (RFC 3339, with offset when known), device and place."""

    captured_at: str | None = None
    device_make: str | None = None
    device_model: str | None = None
    gps: Gps | None = None
    orientation: int = 1


@dataclass(frozen=True)
class Photo:
    """A checked photo: its real media type, its size as seen (oriented), metadata, derived JPEGs."""

    media_type: str
    width: int
    height: int
    meta: PhotoMeta
    display: bytes
    thumb: bytes


def process_photo(path: Path, *, max_pixels: int = MAX_PIXELS) -> Photo:
    """Check the photo at ``path`` and derive its display (1600 px) and thumbnail (320 px) versions.

    Raises :class:`InvalidImage` for anything that is not a whole JPEG, PNG, WebP or
    HEIC image: other data, decompression bombs (more than ``max_pixels``), truncated
    or corrupt files, and polyglots (data after the image, or a ZIP inside).
    """
    register_heif_opener()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # corrupt EXIF loses the metadata, not the photo
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _process(path, max_pixels)
        except InvalidImage:
            raise
        except UnidentifiedImageError as exc:
            raise InvalidImage("not a recognised image: send a JPEG, PNG, WebP or HEIC photo") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InvalidImage(f"the image claims too many pixels (a decompression bomb): {exc}") from exc
        except Exception as exc:  # any decoder failure on untrusted bytes is a broken image
            raise InvalidImage(f"the image could not be decoded; it is truncated or corrupt ({exc})") from exc


def _process(path: Path, max_pixels: int) -> Photo:
    with Image.open(path) as image:
        image_format = image.format or "unknown"
        media_type = PHOTO_TYPES.get(image_format)
        if media_type is None:
            raise InvalidImage(f"{image_format} images are not accepted: send a JPEG, PNG, WebP or HEIC photo")
        width, height = image.size
        check_pixels(width, height, max_pixels)
        check_container(path, image_format)
        meta = read_meta(image.getexif())
        if image_format == "JPEG":
            image.draft("RGB", fit_within(image.size, DISPLAY_SIDE))
        image.load()  # decodes every byte: truncated or corrupt data fails here
        icc = image.info.get("icc_profile")
        # BOX averages every covered pixel: antialiased at any scale, and the cheapest filter
        image.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE), Image.Resampling.BOX)
        display = _plain_rgb(ImageOps.exif_transpose(image))
    thumb = display.resize(fit_within(display.size, THUMB_SIDE), Image.Resampling.BOX)
    if meta.orientation in (5, 6, 7, 8):
        width, height = height, width
    return Photo(
        media_type,
        width,
        height,
        meta,
        encode_jpeg(display, DISPLAY_QUALITY, icc),
        encode_jpeg(thumb, THUMB_QUALITY, icc),
    )


def check_pixels(width: int, height: int, max_pixels: int) -> None:
    """Refuse an image whose header claims more than ``max_pixels`` before decoding any of it."""
    if width <= 0 or height <= 0:
        raise InvalidImage(f"the image claims an empty size {width}x{height}")
    if width * height > max_pixels:
        raise InvalidImage(
            f"the image claims {width}x{height} pixels ({width * height / 1e6:.0f} MP), more than the"
            f" {max_pixels / 1e6:.0f} MP allowed (a decompression bomb?)"
        )


def fit_within(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled so its longer side is at most ``side``, keeping the aspect ratio."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def encode_jpeg(image: Image.Image, quality: int, icc: bytes | None = None) -> bytes:
    """``image`` as a baseline JPEG with no metadata but its colour profile."""
    options: dict[str, Any] = {"quality": quality}
    if icc:
        options["icc_profile"] = icc
    out = io.BytesIO()
    image.save(out, "JPEG", **options)
    return out.getvalue()


def _plain_rgb(image: Image.Image) -> Image.Image:
    """``image`` (a copy of no use elsewhere) as RGB with transparency flattened onto white.

    Its info is dropped, so no EXIF, comment or XMP is carried over.
    """
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = image.convert("RGB") if image.mode != "RGB" else image
    flat.info = {}
    return flat


def read_meta(exif: Image.Exif) -> PhotoMeta:
    """Capture time, device and GPS from EXIF; anything missing or malformed is left out."""
    orientation = exif.get(ExifTags.Base.Orientation, 1)
    return PhotoMeta(
        captured_at=_captured_at(_ifd(exif, ExifTags.IFD.Exif)),
        device_make=_text(exif.get(ExifTags.Base.Make)),
        device_model=_text(exif.get(ExifTags.Base.Model)),
        gps=_gps(_ifd(exif, ExifTags.IFD.GPSInfo)),
        orientation=orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else 1,
    )


def _ifd(exif: Image.Exif, ifd: int) -> dict[int, Any]:
    try:
        found = exif.get_ifd(ifd)
    except Exception:  # a malformed IFD loses that metadata, not the photo
        return {}
    return found if isinstance(found, dict) else {}


def _text(value: Any, limit: int = 100) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value[:limit] or None


def _captured_at(exif_ifd: dict[int, Any]) -> str | None:
    stamp = _text(exif_ifd.get(ExifTags.Base.DateTimeOriginal))
    match = _EXIF_DATETIME.match(stamp or "")
    if match is None:
        return None
    year, month, day, hour, minute, second = match.groups()
    offset = _text(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal)) or ""
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}" + (offset if _UTC_OFFSET.match(offset) else "")


def _gps(gps_ifd: dict[int, Any]) -> Gps | None:
    lat = _degrees(gps_ifd.get(ExifTags.GPS.GPSLatitude), gps_ifd.get(ExifTags.GPS.GPSLatitudeRef), "S", 90)
    lon = _degrees(gps_ifd.get(ExifTags.GPS.GPSLongitude), gps_ifd.get(ExifTags.GPS.GPSLongitudeRef), "W", 180)
    if lat is None or lon is None:
        return None
    alt = _number(gps_ifd.get(ExifTags.GPS.GPSAltitude))
    if alt is not None and gps_ifd.get(ExifTags.GPS.GPSAltitudeRef) in (1, b"\x01"):
        alt = -alt
    return Gps(round(lat, 7), round(lon, 7), None if alt is None else round(alt, 2))


def _degrees(value: Any, ref: Any, negative: str, limit: float) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    parts = [_number(v) for v in value]
    if any(p is None for p in parts):
        return None
    degrees, minutes, seconds = (float(p or 0) for p in parts)
    result = degrees + minutes / 60 + seconds / 3600
    if _text(ref) == negative:
        result = -result
    return result if abs(result) <= limit else None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None
