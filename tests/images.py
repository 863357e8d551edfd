"""Real images made with Pillow for the evidence tests: nothing binary is committed."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import ExifTags, Image
from pillow_heif import register_heif_opener

RED, GREEN, BLUE, YELLOW = (230, 20, 20), (20, 200, 20), (20, 20, 230), (230, 230, 20)

# EXIF orientation -> how the camera stored an upright scene (EXIF 2.32, tag 0x0112):
# 2 mirrored left-right, 3 turned half way, 4 mirrored top-bottom, 5 mirrored along the
# main diagonal, 6 turned a quarter counter-clockwise (the phone held upright, top to the
# left: the display turns it clockwise), 7 mirrored along the other diagonal, 8 turned a
# quarter clockwise.
STORED_AS: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def quadrants(width: int = 400, height: int = 300) -> Image.Image:
    """An upright scene whose corners say which way is up: red, green / blue, yellow."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(GREEN, (width // 2, 0, width, height // 2))
    image.paste(BLUE, (0, height // 2, width // 2, height))
    image.paste(YELLOW, (width // 2, height // 2, width, height))
    return image


def phone_exif(
    orientation: int = 1, gps: tuple[float, float] | None = None, captured_at: str = "2025:03:14 09:26:53"
) -> Image.Exif:
    """EXIF as a phone writes it: device, capture time with its UTC offset, optional GPS."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Huawei"
    exif[ExifTags.Base.Model] = "P60 Pro"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = captured_at
    details[ExifTags.Base.OffsetTimeOriginal] = "+08:00"
    if gps is not None:
        place = exif.get_ifd(ExifTags.IFD.GPSInfo)
        for (ref, value), (positive, negative) in zip(
            [(ExifTags.GPS.GPSLatitudeRef, gps[0]), (ExifTags.GPS.GPSLongitudeRef, gps[1])],
            [("N", "S"), ("E", "W")],
            strict=True,
        ):
            place[ref] = positive if value >= 0 else negative
            place[ref + 1] = _dms(abs(value))
    return exif


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return float(degrees), float(minutes), seconds


def phone_jpeg(
    orientation: int = 1, *, size: tuple[int, int] = (400, 300), gps: tuple[float, float] | None = None
) -> bytes:
    """A JPEG of :func:`quadrants` stored the way a phone held in ``orientation`` stores it."""
    scene = quadrants(*size)
    turn = STORED_AS[orientation]
    stored = scene if turn is None else scene.transpose(turn)
    return encode(stored, "JPEG", exif=phone_exif(orientation, gps), quality=90)


def encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    register_heif_opener()
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert('polyglot')</script>" * 20)
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid, tiny, black bilevel PNG of ``width`` x ``height`` pixels: it inflates enormously."""
    row = b"\x00" * (1 + (width + 7) // 8)
    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def close(colour: float | tuple[int, ...] | None, expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    """Whether a pixel (as Pillow's ``getpixel`` gives it) is within ``tolerance`` of ``expected``."""
    assert isinstance(colour, tuple), f"not a colour pixel: {colour!r}"
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True))


def noise_jpeg(width: int = 1400, height: int = 1100) -> bytes:
    """A JPEG of random noise: large for its size in pixels (1400x1100: about 1.5 MB), as a detailed photo is."""
    noise = Image.merge("RGB", [Image.effect_noise((width, height), 60) for _ in range(3)])
    return encode(noise, "JPEG", quality=95)


def camera_jpeg(width: int = 4000, height: int = 3000, *, seed: int = 40) -> bytes:
    """A camera-sized JPEG with sensor-like noise (several MB, as a phone's camera writes), with EXIF and GPS."""
    noise = Image.effect_noise((width, height), seed)
    scene = quadrants(width, height)
    image = Image.merge("RGB", [Image.blend(band, noise, 0.35) for band in scene.split()])
    return encode(image, "JPEG", exif=phone_exif(1, (30.2741, 120.1551)), quality=92)
