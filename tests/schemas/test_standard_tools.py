"""Standard tools read the published schemas: Ajv agrees with the server, a JSON Schema form library shows them.

Both run in Node (scripts in pwa/test/standard/) on the schemas of the real catalog:

* Ajv, JSON Schema 2020-12 in strict mode, refuses the schemas until it loads the published
  vocabulary, then gives ``check_answers``' verdict on every generated answer: the deterministic
  cases of every kind, valid and invalid (tests/schemas/test_json_schema.py), and seeded arbitrary
  JSON at every answer slot;
* react-jsonschema-form (``@rjsf/core``, rendered to static HTML) shows the Chinese labels of the
  choices and shows a conditional item only once its condition holds.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from schemas.answers import check_answers, holds
from schemas.catalog import iter_items, load_catalog
from schemas.json_schema import to_json_schema
from schemas.template import MultiChoice, SingleChoice, Template
from schemas.vocabulary import META_SCHEMA
from tests.schemas.test_json_schema import HASH, UUID, WHEN, answer_cases, answer_slots, option_values

ROOT = Path(__file__).resolve().parents[2]
AJV_JS = ROOT / "pwa" / "test" / "standard" / "ajv_verdicts.mjs"
RJSF_JS = ROOT / "pwa" / "test" / "standard" / "rjsf_render.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None or not (ROOT / "pwa" / "node_modules").is_dir(), reason="needs Node")


def run_node(script: Path, payload: Any) -> Any:
    assert NODE is not None
    result = subprocess.run(
        [NODE, str(script)], input=json.dumps(payload), capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def arbitrary(rng: random.Random, extra: list[Any], depth: int = 0) -> Any:
    """Seeded arbitrary JSON, weighted to what answers hold: options, hashes, times, numbers with decimals."""
    roll = rng.random()
    if depth < 2 and roll < 0.15:
        return [arbitrary(rng, extra, depth + 1) for _ in range(rng.randrange(4))]
    if depth < 2 and roll < 0.3:
        keys = [UUID, "lat", "lon", "status", "signer_name", "x", *map(str, extra)]
        return {rng.choice(keys): arbitrary(rng, extra, depth + 1) for _ in range(rng.randrange(4))}
    scalars: list[Any] = [
        None,
        True,
        rng.randrange(-100, 100),
        round(rng.uniform(-100, 100), rng.randrange(4)),
        rng.uniform(-1e6, 1e6),
        0.1 + 0.2,
        "",
        "合格",
        HASH,
        WHEN,
        "2026-05-01",
        "2026-02-30",
        "pass",
        "na",
        *extra,
    ]
    return rng.choice(scalars)


def fuzz_cases(template: Template, count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    slots = answer_slots(template)
    extra = option_values(template)
    out = []
    for _ in range(count):
        item_id, child_id = rng.choice(slots)
        value = arbitrary(rng, extra)
        out.append({item_id: value if child_id is None else {UUID: {child_id: value}}})
    return out


def test_ajv_strict_with_the_vocabulary_agrees_with_the_server_on_every_generated_answer() -> None:
    templates = [t for _, t in sorted(load_catalog().templates.items())]
    schemas = [to_json_schema(t) for t in templates]
    cases: list[dict[str, Any]] = []
    expected: list[bool] = []
    labels: list[str] = []
    for index, template in enumerate(templates):
        generated = [(what, answers) for what, answers, _ in answer_cases(template)]
        generated += [(f"fuzz {n}", a) for n, a in enumerate(fuzz_cases(template, 400, seed=index))]
        for what, answers in generated:
            try:
                text = json.dumps(answers, allow_nan=False)
            except ValueError:
                continue  # NaN and infinity have no JSON form: no phone can send them
            cases.append({"schema": index, "answers": json.loads(text)})
            expected.append(not check_answers(template, answers))
            labels.append(f"{template.checklist_id}: {what}: {answers!r:.120}")

    out = run_node(AJV_JS, {"vocabulary": META_SCHEMA, "schemas": schemas, "cases": cases})

    assert "strict mode: unknown keyword" in out["refusedWithout"]
    assert out["fitsDialect"] == [True] * len(schemas)
    disagreements = [
        f"{label}: server={e}" for label, e, v in zip(labels, expected, out["verdicts"], strict=True) if e != v
    ]
    assert disagreements == []
    assert sum(expected) > 100 and len(expected) - sum(expected) > 100


def test_a_json_schema_form_library_shows_chinese_choice_labels_and_hides_conditional_items() -> None:
    template = load_catalog().latest("complaint_handling")
    assert template is not None
    schema = to_json_schema(template)
    top = list(iter_items(template))
    always = [i for s in template.sections if s.show_if is None for i in s.items if i.show_if is None]
    choices = [i for i in always if isinstance(i, SingleChoice | MultiChoice)]
    assert choices
    conditional = next(i for s in template.sections for i in s.items if i.show_if is not None and s.show_if is None)
    condition = conditional.show_if
    assert condition is not None
    trigger = next(i for i in top if i.id == condition.item)
    shown_by: Any = condition.any_of[0]
    if isinstance(trigger, MultiChoice):
        shown_by = [shown_by]
    other = next(
        (o.value for o in getattr(trigger, "options", []) if o.value not in condition.any_of),
        None,
    )
    forms: dict[str, dict[str, Any]] = {"empty": {}, "shown": {trigger.id: shown_by}}
    if other is not None:
        forms["not shown"] = {trigger.id: [other] if isinstance(trigger, MultiChoice) else other}

    html = run_node(RJSF_JS, {"schema": schema, "forms": forms})

    assert holds(condition, forms["shown"]) and not holds(condition, forms["empty"])
    field = f'id="root_{conditional.id}"'
    assert field not in html["empty"]
    assert field in html["shown"]
    if "not shown" in forms:
        assert field not in html["not shown"]
    for item in choices:
        assert f'id="root_{item.id}"' in html["empty"]
        for option in item.options:
            assert f">{option.label.zh}<" in html["empty"], (item.id, option.value)
