"""The published vocabulary: a 2020-12 meta-schema declaring every x- keyword, and Ajv's strict mode with it.

Ajv (JSON Schema 2020-12, strict mode; pwa/test/standard/ajv_verdicts.mjs) refuses the schemas
until it loads the vocabulary, then gives ``check_answers``' verdict on every generated answer:
the deterministic cases of every kind, valid and invalid (tests/schemas/answer_cases.py), and
seeded arbitrary JSON at every answer slot.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from schemas import json_schema
from schemas.answers import check_answers
from schemas.catalog import load_catalog
from schemas.json_schema import item_schemas, to_json_schema
from schemas.template import Template
from schemas.vocabulary import ASSERTIONS, KEYWORDS, META_SCHEMA, META_SCHEMA_ID, keywords_used
from tests.schemas.answer_cases import answer_cases
from tests.schemas.standard_tools import AJV_JS, fuzz_cases, needs_node, run_node

TEMPLATES = [pytest.param(t, id=f"{cid}-v{v}") for (cid, v), t in sorted(load_catalog().templates.items())]


# --- the vocabulary --------------------------------------------------------------------------------------------

META = jsonschema_rs.validator_for(META_SCHEMA, registry=jsonschema_rs.Registry([(META_SCHEMA_ID, META_SCHEMA)]))


def test_the_vocabulary_is_a_valid_2020_12_meta_schema_with_its_own_vocabulary() -> None:
    jsonschema_rs.meta.validate(META_SCHEMA)
    assert META_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert META_SCHEMA["$dynamicAnchor"] == "meta"
    assert META_SCHEMA["$vocabulary"]["urn:xunjian:vocab:checklist:1"] is False
    assert all(k.startswith("x-") for k in KEYWORDS)
    assert set(ASSERTIONS) <= set(KEYWORDS)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_x_keyword_the_schemas_use_is_declared_and_every_value_fits_its_declaration(template: Template) -> None:
    schema = to_json_schema(template)

    assert keywords_used(schema) - set(KEYWORDS) == set()
    assert [e.message for e in META.iter_errors(schema)] == []


def test_the_vocabulary_declares_no_keyword_the_schemas_never_write() -> None:
    source = Path(json_schema.__file__).read_text(encoding="utf-8")
    assert [k for k in KEYWORDS if f'"{k}"' not in source] == []


@pytest.mark.parametrize(
    ("keyword", "bad"),
    [("x-decimals", "two"), ("x-decimals", 7), ("x-severity", "huge"), ("x-label", {"zh": "温度"}), ("x-unit", 3)],
)
def test_a_wrong_keyword_value_deep_in_a_schema_is_refused_by_the_meta_schema(keyword: str, bad: Any) -> None:
    template = load_catalog().latest("supermarket_service")
    assert template is not None
    schema = to_json_schema(template)
    broken = copy.deepcopy(schema)
    number = next(s for s in item_schemas(broken).values() if s["x-kind"] == "number")
    number[keyword] = bad

    assert META.is_valid(schema)
    assert not META.is_valid(broken)


@needs_node
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
