"""Node tools for the schema tests: the scripts in pwa/test/standard/ run on the schemas of the real catalog."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from schemas.template import Template
from tests.schemas.answer_cases import HASH, UUID, WHEN, answer_slots, option_values

ROOT = Path(__file__).resolve().parents[2]
AJV_JS = ROOT / "pwa" / "test" / "standard" / "ajv_verdicts.mjs"
RJSF_JS = ROOT / "pwa" / "test" / "standard" / "rjsf_render.mjs"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None or not (ROOT / "pwa" / "node_modules").is_dir(), reason="needs Node")


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
