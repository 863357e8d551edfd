"""The wire format's ids: UUIDv7 made in time order and accepted where any UUID is."""

from __future__ import annotations

import re
import uuid

import msgspec

from sync.clock import uuid7
from sync.engine.ops import PushBatch, push_decoder


def test_a_uuid7_carries_its_millisecond_version_and_variant() -> None:
    made = uuid.UUID(uuid7(0x0123456789AB))
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert str(made).startswith("01234567-89ab-7")


def test_ids_made_later_sort_later_and_ids_of_one_millisecond_differ() -> None:
    ids = [uuid7(ms) for ms in (1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000)]
    assert sorted(ids) == ids
    same = {uuid7(1_700_000_000_000) for _ in range(1000)}
    assert len(same) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in same)


def test_a_push_takes_uuid7_and_uuid4_ids_alike() -> None:
    ops = [
        {"kind": "delete", "op_id": op_id, "client_seq": n, "inspection_id": uuid7(), "hlc": 1}
        for n, op_id in enumerate([uuid7(), str(uuid.uuid4())], start=1)
    ]
    body = msgspec.json.encode({"client_id": str(uuid.uuid4()), "ops": ops})
    decoded = push_decoder.decode(body)
    assert isinstance(decoded, PushBatch)
    assert [op.op_id for op in decoded.ops] == [o["op_id"] for o in ops]
