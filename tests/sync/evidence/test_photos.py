"""The photo pipeline on real images: orientation, sizes, metadata, stripping, and refusals."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from sync.errors import InvalidImage
from sync.evidence.photos import process_photo
from tests.images import BLUE, GREEN, RED, YELLOW, close, encode, phone_jpeg, png_bomb, quadrants, zip_bytes


def write(tmp_path: Path, data: bytes, name: str = "photo.jpg") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def corners(data: bytes) -> list[tuple[int, ...]]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = image.size
    return [image.getpixel(xy) for xy in [(10, 10), (w - 10, 10), (10, h - 10), (w - 10, h - 10)]]  # type: ignore[misc]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_each_exif_orientation_is_applied_to_the_derived_versions(tmp_path: Path, orientation: int) -> None:
    data = phone_jpeg(orientation, size=(800, 600))
    photo = process_photo(write(tmp_path, data))
    assert (photo.width, photo.height) == (800, 600)
    assert photo.meta.orientation == orientation
    display = Image.open(io.BytesIO(photo.display))
    assert display.size == (800, 600)
    assert all(close(c, e) for c, e in zip(corners(photo.display), [RED, GREEN, BLUE, YELLOW], strict=True))
    thumb = Image.open(io.BytesIO(photo.thumb))
    assert thumb.size == (320, 240)
    assert all(close(c, e) for c, e in zip(corners(photo.thumb), [RED, GREEN, BLUE, YELLOW], strict=True))


def test_the_original_bytes_stay_untouched(tmp_path: Path) -> None:
    data = phone_jpeg(6, gps=(30.25, 120.16))
    path = write(tmp_path, data)
    process_photo(path)
    assert path.read_bytes() == data


def test_a_12_megapixel_photo_gets_a_1600_px_display_and_a_320_px_thumbnail(tmp_path: Path) -> None:
    data = phone_jpeg(6, size=(4000, 3000))
    photo = process_photo(write(tmp_path, data))
    assert (photo.width, photo.height) == (4000, 3000)
    assert Image.open(io.BytesIO(photo.display)).size == (1600, 1200)
    assert Image.open(io.BytesIO(photo.thumb)).size == (320, 240)
    assert all(close(c, e) for c, e in zip(corners(photo.display), [RED, GREEN, BLUE, YELLOW], strict=True))


def test_gps_and_capture_time_are_read_and_never_reach_the_derived_versions(tmp_path: Path) -> None:
    photo = process_photo(write(tmp_path, phone_jpeg(1, gps=(30.2741, -120.1551))))
    assert photo.meta.gps is not None
    assert photo.meta.gps.lat == pytest.approx(30.2741, abs=1e-5)
    assert photo.meta.gps.lon == pytest.approx(-120.1551, abs=1e-5)
    assert photo.meta.captured_at == "2025-03-14T09:26:53+08:00"
    assert (photo.meta.device_make, photo.meta.device_model) == ("Huawei", "P60 Pro")
    for derived in (photo.display, photo.thumb):
        assert b"Exif" not in derived
        assert b"Huawei" not in derived
        image = Image.open(io.BytesIO(derived))
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


@pytest.mark.parametrize(
    ("image_format", "media_type", "mode"),
    [("PNG", "image/png", "RGBA"), ("WEBP", "image/webp", "RGB"), ("HEIF", "image/heic", "RGB")],
)
def test_png_webp_and_heic_photos_are_accepted(tmp_path: Path, image_format: str, media_type: str, mode: str) -> None:
    data = encode(quadrants(640, 480).convert(mode), image_format)
    photo = process_photo(write(tmp_path, data, "photo.bin"))
    assert photo.media_type == media_type
    assert (photo.width, photo.height) == (640, 480)
    assert Image.open(io.BytesIO(photo.display)).format == "JPEG"
    assert all(close(c, e) for c, e in zip(corners(photo.display), [RED, GREEN, BLUE, YELLOW], strict=True))


def test_a_photo_without_exif_has_empty_metadata(tmp_path: Path) -> None:
    photo = process_photo(write(tmp_path, encode(quadrants(), "JPEG")))
    assert photo.meta.gps is None
    assert photo.meta.captured_at is None
    assert photo.meta.orientation == 1


@pytest.mark.parametrize(
    ("size", "words"),
    [
        ((20000, 20000), "decompression bomb"),  # past Pillow's own hard limit
        ((10000, 10000), "decompression bomb"),  # Pillow warns; the warning is a refusal
        ((8000, 8000), "decompression bomb"),  # under Pillow's limit, over the 60 MP one per call
    ],
)
def test_decompression_bombs_are_refused_before_decoding(tmp_path: Path, size: tuple[int, int], words: str) -> None:
    data = png_bomb(*size)
    assert len(data) < 200_000
    with pytest.raises(InvalidImage, match=words):
        process_photo(write(tmp_path, data, "bomb.png"))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "HEIF"])
@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_a_truncated_image_is_refused(tmp_path: Path, image_format: str, keep: float) -> None:
    data = encode(Image.effect_noise((300, 200), 60).convert("RGB"), image_format)
    with pytest.raises(InvalidImage, match="truncated"):
        process_photo(write(tmp_path, data[: int(len(data) * keep)], "photo.bin"))


def test_a_text_file_named_jpg_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidImage, match="not a recognised image"):
        process_photo(write(tmp_path, "巡检记录: 一切正常\n".encode() * 50, "notes.jpg"))


def test_a_gif_is_not_an_accepted_photo(tmp_path: Path) -> None:
    with pytest.raises(InvalidImage, match="GIF images are not accepted"):
        process_photo(write(tmp_path, encode(quadrants(), "GIF"), "photo.gif"))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_an_image_with_a_zip_appended_is_a_refused_polyglot(tmp_path: Path, image_format: str) -> None:
    data = encode(quadrants(), image_format) + zip_bytes()
    with pytest.raises(InvalidImage, match="polyglot"):
        process_photo(write(tmp_path, data, "photo.bin"))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_an_image_with_a_script_appended_is_a_refused_polyglot(tmp_path: Path, image_format: str) -> None:
    data = encode(quadrants(), image_format) + b"<html><script>fetch('/api/auth/me')</script></html>" * 4
    with pytest.raises(InvalidImage, match="follow the end"):
        process_photo(write(tmp_path, data, "photo.bin"))


def test_a_zip_hidden_inside_a_jpeg_comment_is_a_refused_polyglot(tmp_path: Path) -> None:
    payload = zip_bytes()
    data = encode(quadrants(), "JPEG", comment=payload)
    with pytest.raises(InvalidImage, match="ZIP"):
        process_photo(write(tmp_path, data))


def test_a_few_padding_bytes_after_the_image_are_tolerated(tmp_path: Path) -> None:
    photo = process_photo(write(tmp_path, encode(quadrants(), "JPEG") + b"\x00" * 16))
    assert photo.media_type == "image/jpeg"


def test_a_jpeg_followed_by_its_preview_jpeg_is_accepted(tmp_path: Path) -> None:
    """Phones store a preview or depth map as a second JPEG after the first (MPF)."""
    data = encode(quadrants(), "JPEG") + encode(quadrants(80, 60), "JPEG")
    assert process_photo(write(tmp_path, data)).media_type == "image/jpeg"


def test_a_corrupt_jpeg_body_is_refused(tmp_path: Path) -> None:
    data = bytearray(encode(quadrants(800, 600), "JPEG"))
    start = data.index(b"\xff\xda") + 20
    data[start : start + 400] = b"\xff\xc4" + b"\x13" * 398  # a marker in the middle of the scan
    with pytest.raises(InvalidImage):
        process_photo(write(tmp_path, bytes(data)))
