"""Signature images as evidence: a small PNG, or an SVG of plain strokes.

The signature answer itself (signer, role, time, content hash) belongs to the sync
engine; here only the drawn image is checked. An SVG is parsed with ``defusedxml``
(no DTDs, no entities) and must hold only drawing elements: no scripts, foreign
objects, styles, images or references outside the file.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from PIL import Image, UnidentifiedImageError

from sync.errors import InvalidImage
from sync.evidence.formats import check_container
from sync.evidence.photos import check_pixels

MAX_SIGNATURE_BYTES = 200 * 1024
MAX_SIGNATURE_PIXELS = 4_000_000
SIGNATURE_TYPES = ("image/png", "image/svg+xml")

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_DRAWING = {"svg", "g", "path", "polyline", "polygon", "line", "circle", "ellipse", "rect", "title", "desc"}
_ATTRIBUTES = {
    "id", "class", "width", "height", "viewBox", "version", "preserveAspectRatio", "transform",
    "d", "points", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "fill", "fill-opacity", "fill-rule", "opacity", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "stroke-opacity", "stroke-miterlimit", "stroke-dasharray",
}  # fmt: skip
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")


@dataclass(frozen=True)
class Signature:
    """A checked signature image: its media type and size in pixels (``None`` when an SVG has none)."""

    media_type: str
    width: int | None
    height: int | None


def check_signature(path: Path) -> Signature:
    """Check the signature image at ``path``: a PNG of at most 4 MP, or a plain-strokes SVG.

    Both are at most 200 KB. Raises :class:`InvalidImage` saying what is wrong.
    """
    size = path.stat().st_size
    if size > MAX_SIGNATURE_BYTES:
        raise InvalidImage(f"a signature may be at most {MAX_SIGNATURE_BYTES} bytes; this one has {size}")
    with path.open("rb") as file:
        head = file.read(8)
    if head.startswith(b"\x89PNG"):
        return _check_png(path)
    return _check_svg(path.read_bytes())


def _check_png(path: Path) -> Signature:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                if image.format != "PNG":
                    raise InvalidImage("a signature must be a PNG or an SVG image")
                check_pixels(image.width, image.height, MAX_SIGNATURE_PIXELS)
                check_container(path, "PNG")
                image.load()
                return Signature("image/png", image.width, image.height)
        except InvalidImage:
            raise
        except UnidentifiedImageError as exc:
            raise InvalidImage("the signature is not a readable PNG image") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InvalidImage(f"the signature claims too many pixels (a decompression bomb): {exc}") from exc
        except Exception as exc:  # any decoder failure on untrusted bytes is a broken image
            raise InvalidImage(f"the signature PNG could not be decoded; it is truncated or corrupt ({exc})") from exc


def _check_svg(data: bytes) -> Signature:
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise InvalidImage(f"a signature must be a PNG or a well-formed SVG image without a DTD ({exc})") from exc
    if root.tag != _SVG + "svg":
        raise InvalidImage("a signature must be a PNG or an SVG image (root element <svg> in the SVG namespace)")
    for element in root.iter():
        _check_element(element)
    return Signature("image/svg+xml", _length(root.get("width")), _length(root.get("height")))


def _check_element(element: Element) -> None:
    tag = element.tag if isinstance(element.tag, str) else "?"
    name = tag.removeprefix(_SVG)
    if name == tag or name not in _DRAWING:
        raise InvalidImage(
            f"the signature SVG holds <{tag}>; only drawing elements are allowed (no scripts or objects)"
        )
    for attribute, value in element.attrib.items():
        if attribute in {_XLINK_HREF, "href"}:
            raise InvalidImage("the signature SVG refers to another resource (href); it must be self-contained")
        if attribute not in _ATTRIBUTES:
            raise InvalidImage(f"the signature SVG has the attribute {attribute!r} on <{name}>, which is not allowed")
        if "url(" in value.lower() or "javascript:" in value.lower():
            raise InvalidImage(f"the signature SVG attribute {attribute!r} refers to another resource")


def _length(value: str | None) -> int | None:
    match = _LENGTH.match(value or "")
    return round(float(match.group(1))) if match else None
