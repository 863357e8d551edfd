"""Signature images: a small PNG or a plain-strokes SVG; nothing that runs or fetches."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from sync.errors import InvalidImage
from sync.evidence.signatures import check_signature
from tests.images import encode, png_bomb, zip_bytes

# What signature_pad's toSVG() writes.
PAD_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 300 150"'
    ' width="300" height="150"><rect width="100%" height="100%" fill="rgb(255,255,255)"/>'
    '<path d="M 20 80 C 40 20, 65 20, 95 80 S 150 150, 180 80" stroke-width="2.5" stroke="rgb(0, 0, 0)"'
    ' fill="none" stroke-linecap="round"/><circle r="1.5" cx="200" cy="90" fill="rgb(0, 0, 0)"/></svg>'
)


def write(tmp_path: Path, data: bytes | str, name: str = "signature") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def drawn_png() -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 150), (120, 40), (260, 160), (420, 50)], fill=(0, 0, 0, 255), width=4)
    return encode(image, "PNG")


def test_a_drawn_png_signature_is_accepted(tmp_path: Path) -> None:
    signature = check_signature(write(tmp_path, drawn_png()))
    assert (signature.media_type, signature.width, signature.height) == ("image/png", 600, 200)


def test_a_signature_pad_svg_is_accepted(tmp_path: Path) -> None:
    signature = check_signature(write(tmp_path, PAD_SVG))
    assert (signature.media_type, signature.width, signature.height) == ("image/svg+xml", 300, 150)


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<script>alert(1)</script>", "script"),
        ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>', "foreignObject"),
        ('<image href="https://example.invalid/x.png" width="10" height="10"/>', "image"),
        ('<use xlink:href="https://example.invalid/s.svg#a"/>', "use"),
        ('<path d="M0 0" onload="alert(1)"/>', "onload"),
        ('<path d="M0 0" fill="url(https://example.invalid/p)"/>', "another resource"),
        ('<path d="M0 0" style="fill:url(https://example.invalid/p)"/>', "style"),
        ("<style>@import url(https://example.invalid/x.css);</style>", "style"),
        ('<a href="javascript:alert(1)"><path d="M0 0"/></a>', "<{http://www.w3.org/2000/svg}a>"),
    ],
)
def test_svg_with_scripts_objects_or_references_is_refused(tmp_path: Path, body: str, words: str) -> None:
    with pytest.raises(InvalidImage, match=words.replace("{", r"\{").replace("}", r"\}")):
        check_signature(write(tmp_path, SVG_OPEN + body + "</svg>"))


def test_svg_with_a_dtd_or_entities_is_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><title>&b;</title></svg>'
    )
    with pytest.raises(InvalidImage, match="DTD"):
        check_signature(write(tmp_path, laughs))


def test_xml_that_is_not_svg_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidImage, match="root element"):
        check_signature(write(tmp_path, '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'))


def test_a_signature_over_200_kb_is_refused(tmp_path: Path) -> None:
    strokes = "".join(f'<path d="M {i} 0 L {i} 100" stroke="black"/>' for i in range(8000))
    with pytest.raises(InvalidImage, match="at most"):
        check_signature(write(tmp_path, SVG_OPEN + strokes + "</svg>"))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (png_bomb(3000, 3000), "decompression bomb"),
        (drawn_png()[:-40], "truncated"),
        (drawn_png() + zip_bytes(), "polyglot"),
        (encode(Image.new("RGB", (50, 20)), "JPEG"), "PNG or"),
        (b"not a signature at all", "PNG or"),
    ],
)
def test_broken_or_unsafe_signature_images_are_refused(tmp_path: Path, data: bytes, words: str) -> None:
    with pytest.raises(InvalidImage, match=words):
        check_signature(write(tmp_path, data))
