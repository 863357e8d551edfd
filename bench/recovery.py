"""How a device recovers from a restore of the server (``sync/db/epochs.py``), as ``pwa/src/sync/recover.js`` does.

When a push or pull names another epoch than the device last saw, the server was restored from
a backup whose op log ends at ``restored_seq``, and it holds this device's ops up to ``last_seq``
(``client.last_seq``, learnt by an empty push under the new epoch). The device then:

1. keeps the ops with ``client_seq <= last_seq`` as they are (the server holds them: a replay);
2. re-offers its own inspections changed after ``restored_seq`` (their inspector is the device's
   user): from the document it holds, ops that bring back what it wrote (the create, entries
   added or removed, the answers its user wrote, photos, signatures, a submission or deletion),
   each based on ``restored_seq``, so that the server merges them like any push: applied where
   nobody changed the field since the restore, a conflict where someone did with another value;
3. re-sends every other op it still holds after those, field versions it was based on cut to
   ``restored_seq`` (versions after it were lost with the restore);
4. numbers 2 and 3 from ``last_seq + 1`` (op ids kept: exactly once still holds, since the
   server holds no op after ``last_seq`` of this client), marks them ``recovered`` for the
   restore report, and pulls again from 0.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def is_photo_list(value: Any) -> bool:
    """A photo answer: a non-empty list of SHA-256 hashes (a choice list holds option ids)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and SHA256.match(v) for v in value)


def is_signature(value: Any) -> bool:
    """A signature answer: a signed record with its image."""
    return isinstance(value, dict) and value.get("status") == "signed" and "image_sha256" in value


def reoffer(doc: dict[str, Any], restored_seq: int) -> list[dict[str, Any]]:
    """Op bodies (no op id, sequence or clock yet) that bring back what ``doc`` holds after ``restored_seq``."""
    inspection_id, mark = doc["id"], restored_seq
    create = {"checklist_id": doc["checklist_id"], "version": doc["version"], "site_id": doc["site_id"]}
    ops: list[dict[str, Any]] = [{"kind": "create", "inspection_id": inspection_id, **create}]
    for key, entry in doc["entries"].items():
        group, entry_id = key.split("/")
        if entry["removed"] > mark:
            ops.append(_op("remove_entry", inspection_id, group=group, entry_id=entry_id, base_fv=mark))
        elif entry["fv"] > mark:
            ops.append(_op("add_entry", inspection_id, group=group, entry_id=entry_id))
    answers: dict[str, Any] = {}
    for path, field in doc["fields"].items():
        if field["fv"] <= mark or field["by"] != doc["inspector_id"]:
            continue
        value = field["value"]
        if is_photo_list(value):
            ops += [_op("attach", inspection_id, path=path, sha256=sha) for sha in value]
        elif is_signature(value):
            ops.append(_op("sign", inspection_id, path=path, value=value, base_fv=mark))
        else:
            answers[path] = value
    if answers:
        ops.append(_op("set", inspection_id, answers=answers, base=dict.fromkeys(answers, mark)))
    if doc["status"] in ("submitted", "deleted"):
        kind = "transition" if doc["status"] == "submitted" else "delete"
        ops.append(_op(kind, inspection_id, **({"to": "submitted"} if kind == "transition" else {})))
    return ops


def _op(kind: str, inspection_id: str, **body: Any) -> dict[str, Any]:
    return {"kind": kind, "inspection_id": inspection_id, **body}


def cut_bases(op: dict[str, Any], restored_seq: int) -> dict[str, Any]:
    """An op with the field versions it was based on cut to ``restored_seq`` (later ones were lost)."""
    cut = dict(op)
    if "base_fv" in cut:
        cut["base_fv"] = min(cut["base_fv"], restored_seq)
    if "base" in cut:
        cut["base"] = {path: min(fv, restored_seq) for path, fv in cut["base"].items()}
    if "changes" in cut:
        cut["changes"] = [{**c, "base_fv": min(c.get("base_fv", 0), restored_seq)} for c in cut["changes"]]
    return cut


def created_hlc(created_at: str) -> int:
    """A clock stamp at an inspection's start (RFC 3339), for its re-offered create: it keeps its start time."""
    return int(datetime.fromisoformat(created_at).timestamp() * 1000) << 16
