"""Load and check the checklist catalog: every template file, decoded and cross-checked.

A malformed template raises :class:`TemplateError` naming the file and the field,
which stops the server at start-up.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import msgspec

from schemas.answer_records import has_decimals
from schemas.template import (
    Group,
    Item,
    Number,
    PassFail,
    Photo,
    Range,
    Signature,
    SingleChoice,
    Template,
    Text,
    decode_template,
    encode_template,
)
from schemas.template_checks import check_template_located
from schemas.template_messages import dollar_path

TEMPLATES_DIR = Path(__file__).parent / "templates"


class TemplateError(ValueError):
    """A template that cannot be published; the message names the source and the field."""


class VersionExists(ValueError):
    """A different template is already published under this checklist id and version."""


@dataclass(frozen=True)
class TemplateIndex:
    """Lookups the merge engine needs on every op, computed once per version."""

    template: Template
    items: dict[str, Item]
    signatures: tuple[str, ...]
    has_photos: bool
    # top-level scalar items (pass/fail, choice, number, text) and a type accepting valid answers to them
    plain: frozenset[str]
    plain_type: type[msgspec.Struct]
    # plain number items and their decimals, which msgspec cannot check: a float answer is rounded to see
    decimals: tuple[tuple[str, int], ...] = ()

    def fits_plain(self, answers: dict[str, Any]) -> bool:
        """Whether every answer is to a plain item and valid for it, checked at once (by msgspec, in C).

        ``False`` says nothing more: :func:`schemas.answers.check_value` tells what is wrong, if anything.
        """
        try:
            msgspec.convert(answers, self.plain_type)
        except msgspec.ValidationError:
            return False
        return all(
            type(value := answers.get(item_id)) is not float or has_decimals(value, places)
            for item_id, places in self.decimals
        )


_FINITE = sys.float_info.max


def _plain_type(item: PassFail | Number | SingleChoice | Text) -> Any:
    """The msgspec type of a valid answer to ``item``, exactly as strict as ``check_value`` (or stricter)."""
    if isinstance(item, PassFail):
        return Literal["pass", "fail", "na"] if item.allow_na else Literal["pass", "fail"]
    if isinstance(item, SingleChoice):
        return cast(Any, Literal)[tuple(o.value for o in item.options)]
    if isinstance(item, Text):
        return Annotated[str, msgspec.Meta(max_length=item.max_length)]
    rng = item.bounds if item.bounds is not None else Range()
    low, high = rng.min, rng.max
    # ints are compared exactly (as check_value does), floats must also be finite; an exclusive end is not reached
    whole_low = {} if low is None else {"gt": math.floor(low)} if rng.min_exclusive else {"ge": math.ceil(low)}
    whole_high = {} if high is None else {"lt": math.ceil(high)} if rng.max_exclusive else {"le": math.floor(high)}
    whole = Annotated[int, msgspec.Meta(**whole_low, **whole_high)]
    real_low = {"gt": low} if low is not None and rng.min_exclusive else {"ge": -_FINITE if low is None else low}
    real_high = {"lt": high} if high is not None and rng.max_exclusive else {"le": _FINITE if high is None else high}
    real = Annotated[float, msgspec.Meta(**real_low, **real_high)]
    return whole | real


def index_template(template: Template) -> TemplateIndex:
    """Lookups by item id, and the type that accepts valid answers to the plain items in one go."""
    items = {item.id: item for section in template.sections for item in section.items}
    signatures = tuple(i for i, item in items.items() if isinstance(item, Signature))
    photos = any(
        isinstance(item, Photo) or (isinstance(item, Group) and any(isinstance(c, Photo) for c in item.items))
        for item in items.values()
    )
    scalar = PassFail | Number | SingleChoice | Text
    plain = {i: item for i, item in items.items() if isinstance(item, scalar)}
    # field names f0, f1… renamed to the item ids (an id may be a Python keyword)
    plain_type = msgspec.defstruct(
        f"PlainAnswers_{template.checklist_id}_{template.version}",
        [(f"f{n}", _plain_type(item) | None, None) for n, item in enumerate(plain.values())],
        rename={f"f{n}": i for n, i in enumerate(plain)},
        forbid_unknown_fields=True,
        gc=False,
    )
    decimals = tuple((i, item.decimals) for i, item in plain.items() if isinstance(item, Number))
    return TemplateIndex(template, items, signatures, photos, frozenset(plain), plain_type, decimals)


@dataclass(frozen=True)
class Catalog:
    """Every published checklist version, by ``(checklist_id, version)``."""

    templates: dict[tuple[str, int], Template] = field(default_factory=dict)
    indexes: dict[tuple[str, int], TemplateIndex] = field(default_factory=dict)
    # asked for a version not held (another app server may have published it): the server's look-up
    missing: Callable[[str, int], Template | None] | None = field(default=None, compare=False)

    def get(self, checklist_id: str, version: int) -> Template | None:
        """The template of one published version, or ``None``; a version not held is looked up by ``missing``."""
        held = self.templates.get((checklist_id, version))
        if held is None and self.missing is not None:
            held = self.missing(checklist_id, version)
            if held is not None:
                self.templates.setdefault((checklist_id, version), held)
        return held

    def index(self, checklist_id: str, version: int) -> TemplateIndex | None:
        """The version's lookups, built on first use (versions are immutable)."""
        key = (checklist_id, version)
        held = self.indexes.get(key)
        if held is None and key in self.templates:
            held = self.indexes[key] = index_template(self.templates[key])
        return held

    def versions(self, checklist_id: str) -> list[int]:
        """The published versions of a checklist, oldest first."""
        return sorted(v for (cid, v) in self.templates if cid == checklist_id)

    def checklist_ids(self) -> list[str]:
        """Every checklist with a published version, by id."""
        return sorted({cid for (cid, _) in self.templates})

    def latest(self, checklist_id: str) -> Template | None:
        """The newest published version of a checklist, or ``None``."""
        versions = self.versions(checklist_id)
        return self.templates[(checklist_id, versions[-1])] if versions else None

    def add(self, template: Template) -> bool:
        """Add a version; ``False`` if the identical version is already there.

        Raises :class:`VersionExists` if different content holds that version.
        """
        key = (template.checklist_id, template.version)
        held = self.templates.get(key)
        if held is not None:
            if encode_template(held) == encode_template(template):
                return False
            raise VersionExists(
                f"checklist {template.checklist_id!r} version {template.version} is already "
                "published with different content; publish a new version instead"
            )
        self.templates[key] = template
        return True


def parse_template(data: bytes, source: str) -> Template:
    """Decode and cross-check one template; errors name ``source`` and the field."""
    try:
        template = decode_template(data)
    except msgspec.ValidationError as exc:
        raise TemplateError(f"{source}: {exc}") from None
    except msgspec.DecodeError as exc:
        raise TemplateError(f"{source}: not valid JSON: {exc}") from None
    problems = list(check_template(template))
    if problems:
        raise TemplateError(f"{source}: " + "; ".join(problems))
    return template


def check_template(template: Template) -> Iterator[str]:
    """Yield every cross-field problem: duplicate ids, bad conditions, bad ranges (in English, by JSON path)."""
    for found in check_template_located(template):
        yield f"{dollar_path(found.path)}: {found.en}"


def load_catalog(root: Path = TEMPLATES_DIR) -> Catalog:
    """Load every ``<checklist_id>/<version>.json`` under ``root``.

    The file's folder and name must match the template's id and version.
    """
    catalog = Catalog()
    for path in sorted(root.glob("*/*.json")):
        template = parse_template(path.read_bytes(), str(path.relative_to(root.parent)))
        if path.parent.name != template.checklist_id or path.stem != str(template.version):
            raise TemplateError(
                f"{path.relative_to(root.parent)}: file holds {template.checklist_id!r} "
                f"version {template.version}; expected {path.parent.name!r} version {path.stem}"
            )
        catalog.add(template)
    return catalog


def iter_items(template: Template) -> Iterable[Item]:
    """Top-level items of every section, in order."""
    for section in template.sections:
        yield from section.items


def main(argv: list[str]) -> int:
    """``python -m schemas.catalog``: check every template and print a summary."""
    try:
        catalog = load_catalog(Path(argv[0]) if argv else TEMPLATES_DIR)
    except TemplateError as exc:
        print(f"invalid template: {exc}", file=sys.stderr)
        return 1
    for (cid, version), template in sorted(catalog.templates.items()):
        count = sum(1 + (len(i.items) if isinstance(i, Group) else 0) for i in iter_items(template))
        print(f"{cid} v{version}: {template.title.zh} / {template.title.en}: {count} items")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
