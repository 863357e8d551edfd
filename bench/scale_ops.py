"""The scale bench's inspections as a phone sends them: answers with failed items, a signature, the ops.

:func:`answer_plan` finds a complete passing answer set of the supermarket checklist (the
conditional sections hidden); :func:`draw_answers` fails about 2.5 items of it (most from the site's
weak spots, a critical one now and then); :func:`inspection_ops` makes create → set → sign → submit;
:func:`fresh_push` a push body of 50 new inspections made now, for the timed submits.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

import sync.clock
from bench.scale_city import BATCH, CHECKLIST, City, Shape, det_uuid7
from schemas.answers import visible_items
from schemas.canonical import content_hash
from schemas.catalog import Catalog, load_catalog
from schemas.template import MultiChoice, Number, PassFail, SingleChoice, Template, Text
from sync.engine.ops import Create, Op, PushBatch, SetAnswers, Sign, Transition, encoder, make_hlc

SIGNED = "store_manager_signature"
SIGNATURE_SHA = "5" * 64  # the signature image every inspection names (phones upload it separately)


# ---- answers ----


@dataclass(frozen=True)
class Answers:
    """A complete passing answer set for the checklist and the items that may fail."""

    template: Template
    base: dict[str, Any]
    checks: list[str]  # visible pass/fail items
    critical: list[str]


def answer_plan(catalog: Catalog) -> Answers:
    template = catalog.get(CHECKLIST, 1)
    assert template is not None
    every: dict[str, Any] = {}
    for section in template.sections:
        for item in section.items:
            value = _passing(item)
            if value is not None:
                every[item.id] = value
    shown = {item.id for item in visible_items(template, every)}
    base = {k: v for k, v in every.items() if k in shown}
    checks = [i.id for s in template.sections for i in s.items if isinstance(i, PassFail) and i.id in shown]
    critical = [
        i.id
        for s in template.sections
        for i in s.items
        if isinstance(i, PassFail) and i.id in shown and i.severity == "critical"
    ]
    return Answers(template, base, checks, critical)


def _passing(item: Any) -> Any:
    if isinstance(item, PassFail):
        return "pass"
    if isinstance(item, Number):
        return 1200 if item.id == "sales_area_m2" else 0
    if isinstance(item, SingleChoice):
        return item.options[-1].value  # "no" / "none": the conditional sections stay hidden
    if isinstance(item, MultiChoice):
        return [item.options[-1].value]
    if isinstance(item, Text):
        return "现场检查,情况如实记录。"
    return None


def draw_answers(plan: Answers, rng: random.Random, weak: list[str]) -> dict[str, Any]:
    """A site's inspection: ~2.5 failed items (most from the site's weak spots), a critical one now and then."""
    answers = dict(plan.base)
    fails = sum(rng.random() < 0.5 for _ in range(5))
    for _ in range(fails):
        answers[rng.choice(weak) if rng.random() < 0.7 else rng.choice(plan.checks)] = "fail"
    if rng.random() < 0.08:
        answers[rng.choice(plan.critical)] = "fail"
    answers["inspector_remarks"] = f"发现问题 {fails} 项,已当场告知负责人。"
    return answers


# ---- one inspection ----

Made = tuple[type[Op], int, dict[str, Any]]  # an op's kind, clock (ms) and fields, before its id and sequence


def weak_items(plan: Answers, shape: Shape, site: int) -> list[str]:
    """The items a site tends to fail (so findings repeat there)."""
    return random.Random(f"{shape.seed}:weak:{site}").sample(plan.checks, 6)


def signature(plan: Answers, answers: dict[str, Any], username: str) -> dict[str, Any]:
    """The store manager's signature over ``answers``."""
    return {
        "status": "signed",
        "image_sha256": SIGNATURE_SHA,
        "signer_name": f"店长({username})",
        "signer_role": "负责人",
        "signed_at": "2026-11-22T10:00:00+08:00",
        "content_hash": content_hash(plan.template, answers, SIGNED),
    }


def inspection_ops(
    plan: Answers, site_id: str, inspection_id: str, answers: dict[str, Any], username: str, millis: int
) -> list[Made]:
    """A whole inspection as a phone sends it: create, every answer, the signature, submit."""
    return [
        (Create, millis, {"inspection_id": inspection_id, "checklist_id": CHECKLIST, "version": 1, "site_id": site_id}),
        (SetAnswers, millis + 1, {"inspection_id": inspection_id, "answers": answers}),
        (
            Sign,
            millis + 2,
            {"inspection_id": inspection_id, "path": SIGNED, "value": signature(plan, answers, username)},
        ),
        (Transition, millis + 3, {"inspection_id": inspection_id, "to": "submitted"}),
    ]


def numbered(rng: random.Random, made: list[Made], first_seq: int) -> list[Op]:
    """The ops of ``made`` with ids from ``rng`` and client sequences from ``first_seq`` on."""
    return [
        kind(op_id=det_uuid7(rng, millis), client_seq=first_seq + n, hlc=make_hlc(millis), **body)
        for n, (kind, millis, body) in enumerate(made)
    ]


def fresh_push(city: City, shape: Shape, username: str, seed: int) -> bytes:
    """A push body of 50 new, whole inspections by ``username`` at its sites, made now (the timed submits)."""
    plan = answer_plan(load_catalog())
    rng = random.Random(f"{shape.seed}:fresh:{seed}")
    inspector = city.inspectors.index(username)
    sites = [s for s, k in enumerate(city.site_inspector) if k == inspector]
    now = sync.clock.now_ms() - 120_000
    made: list[Made] = []
    for n in range(BATCH):
        site = rng.choice(sites)
        answers = draw_answers(plan, rng, weak_items(plan, shape, site))
        made += inspection_ops(plan, city.sites[site], det_uuid7(rng, now + n), answers, username, now + 4 * n)
    client_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return encoder.encode(PushBatch(client_id, numbered(rng, made, 1)))
