"""The published vocabulary of the checklist schemas: a 2020-12 meta-schema declaring every ``x-`` keyword.

The meta-schema (``vocabulary.json`` beside this module) is a dialect: JSON Schema 2020-12 plus
the ``x-`` keywords of :mod:`schemas.json_schema`, each with the schema of its value. Validating
a checklist schema against it checks those values at every depth (``$dynamicAnchor``). A strict
validator accepts the checklist schemas once it knows the keywords (Ajv: ``addVocabulary`` or
``addKeyword`` for each of :data:`KEYWORDS`). ``x-decimals`` is the one assertion (:data:`ASSERTIONS`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import msgspec

SOURCE = Path(__file__).with_name("vocabulary.json")
BODY = SOURCE.read_bytes()
META_SCHEMA: dict[str, Any] = msgspec.json.decode(BODY)
META_SCHEMA_ID: str = META_SCHEMA["$id"]
KEYWORDS: tuple[str, ...] = tuple(sorted(META_SCHEMA["properties"]))
ASSERTIONS: tuple[str, ...] = ("x-decimals",)
ETAG = '"' + hashlib.sha256(BODY).hexdigest()[:32] + '"'


def keywords_used(schema: Any) -> set[str]:
    """Every ``x-`` keyword in a schema, at any depth (inside keyword values such as ``x-options`` too)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.update(k for k in node if isinstance(k, str) and k.startswith("x-"))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
