"""The phone's content hash (pwa/src/lib/canonical.js) equals the server's (schemas/canonical.py).

Random answers of every kind for every published checklist are hashed by both, through the
same JSON the phone and the server exchange.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from schemas.canonical import content_hash
from schemas.catalog import load_catalog
from schemas.json_schema import to_json_schema
from schemas.template import (
    DateTime,
    Gps,
    Group,
    Item,
    MultiChoice,
    Number,
    PassFail,
    Photo,
    Signature,
    SingleChoice,
    Template,
    Text,
)

CANONICAL_JS = Path(__file__).resolve().parents[2] / "pwa" / "src" / "lib" / "canonical.js"
SCRIPT = """
import { contentHash } from %s
let input = ''
for await (const chunk of process.stdin) input += chunk
const { schemas, cases } = JSON.parse(input)
const out = []
for (const c of cases) out.push(await contentHash(schemas[c.schema], c.answers, c.signature))
process.stdout.write(JSON.stringify(out))
"""
NUMBERS = [-18, -18.0, -12.5, 0, 0.0, 5, 60.25, 1e-5, -1.5e-5, 0.0001, 123456.789, 1e21, 3.14159, -0.1, 99999999]
TEXTS = ["王经理", "a\nb", 'quote " and \\ slash', "emoji 🧊 ok", "\u0001ctl", "  spaced  ", "中文，全角。"]


def value_for(item: Item, rng: random.Random) -> Any:
    if isinstance(item, PassFail):
        return rng.choice(["pass", "fail", "na"])
    if isinstance(item, Number):
        return rng.choice(NUMBERS)
    if isinstance(item, SingleChoice):
        return rng.choice(item.options).value
    if isinstance(item, MultiChoice):
        return rng.sample([o.value for o in item.options], rng.randint(0, len(item.options)))
    if isinstance(item, Text):
        return rng.choice(TEXTS)
    if isinstance(item, Photo):
        return [rng.randbytes(32).hex() for _ in range(rng.randint(0, 4))]
    if isinstance(item, Gps):
        return {"lat": 30.25 + rng.random(), "lon": 120.17, "accuracy_m": rng.choice([5, 12.5])}
    if isinstance(item, DateTime):
        return "2026-11-22" if item.date_only else "2026-11-22T10:00:00+08:00"
    if isinstance(item, Signature):
        return {"status": "signed", "image_sha256": "a" * 64, "signer_name": "李", "signer_role": "店长",
                "signed_at": "2026-11-22T10:00:00+08:00", "content_hash": "b" * 64}  # fmt: skip
    assert isinstance(item, Group)
    entries: dict[str, Any] = {}
    for _ in range(rng.randint(0, 3)):
        entries[str(uuid.UUID(int=rng.getrandbits(128), version=4))] = {
            child.id: value_for(child, rng) for child in item.items if rng.random() < 0.8
        }
    return entries


def random_answers(template: Template, rng: random.Random) -> dict[str, Any]:
    return {
        item.id: value_for(item, rng) for section in template.sections for item in section.items if rng.random() < 0.7
    }


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_the_phone_and_the_server_hash_signed_content_alike() -> None:
    catalog = load_catalog()
    templates = list(catalog.templates.values())
    rng = random.Random(20261122)
    cases: list[dict[str, Any]] = []
    expected: list[str] = []
    for index, template in enumerate(templates):
        signatures = [i.id for s in template.sections for i in s.items if isinstance(i, Signature)]
        for _ in range(40):
            answers = random_answers(template, rng)
            # what the phone receives is JSON: the server's view of the answers
            answers = json.loads(json.dumps(answers))
            signature = rng.choice(signatures)
            cases.append({"schema": index, "answers": answers, "signature": signature})
            expected.append(content_hash(template, answers, signature))
    schemas = [to_json_schema(t) for t in templates]
    node = shutil.which("node")
    assert node is not None
    script = SCRIPT % json.dumps(CANONICAL_JS.as_uri())
    result = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps({"schemas": schemas, "cases": cases}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == expected
    assert len(set(expected)) > len(expected) * 0.9
