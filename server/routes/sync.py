"""``/api/sync``: push a batch of ops, pull changes after a checkpoint.

The push's answer is encoded here (:func:`push_answer`) for the route and the fast lane
(:mod:`server.fast_push`) alike.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, ValidationException
from litestar.params import QueryParameter
from msgspec import Struct

from schemas.catalog import Catalog
from server.dependencies import Caller
from server.nesting import check_nesting
from server.params import Seq
from server.problems import expand_rejection
from server.settings import Settings
from server.workers import run
from sync.db.store import Store
from sync.engine.ops import OpResult, PushBatch, PushResult, push_decoder
from sync.pull import PullPage, pull, window_start
from sync.push import apply_push


class PushResponse(Struct):
    results: list[dict[str, Any]]
    last_seq: int
    server_hlc: int
    epoch: str = ""


def decode_body(body: bytes) -> PushBatch:
    """Decode a push straight into its types (one pass); bad input becomes a 400 problem with a pointer."""
    check_nesting(body)
    try:
        return push_decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise ValidationException("the push does not fit the op format", extra=[{"message": str(exc)}]) from None
    except msgspec.DecodeError as exc:
        raise ClientException(f"JSON is malformed: {exc}") from None


def result_body(result: OpResult) -> dict[str, Any]:
    """An op result with its rejection expanded into a full problem object."""
    body: dict[str, Any] = msgspec.to_builtins(result)
    if result.problem is not None:
        body["problem"] = expand_rejection(result.problem)
    return body


_encoder = msgspec.json.Encoder()


def push_answer(result: PushResult) -> bytes:
    """The JSON of :class:`PushResponse` for ``result``, encoded at once (results without a problem as they are)."""
    results = [r if r.problem is None else result_body(r) for r in result.results]
    body = {"results": results, "last_seq": result.last_seq, "server_hlc": result.server_hlc, "epoch": result.epoch}
    return _encoder.encode(body)


PUSH_MAX_BYTES = 16 * 1024 * 1024
PULL_LIMIT_MAX = 500
EPOCH_MAX_LENGTH = 64


@post("/push", status_code=200, request_max_body_size=PUSH_MAX_BYTES)
async def push_ops(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
) -> PushResponse:
    """Apply a batch of ops; one outcome per op (applied, merged, conflict, rejected, gap), durable when answered.

    In service, ``server.fast_push`` answers the pushes that go well before they reach here.
    """
    body = await request.body()
    result = await run(_apply, store, catalog, caller, body)
    return PushResponse([result_body(r) for r in result.results], result.last_seq, result.server_hlc, result.epoch)


def _apply(store: Store, catalog: Catalog, caller: Caller, body: bytes) -> PushResult:
    """Decode and apply a push (in a worker thread)."""
    return apply_push(store, catalog, caller.user, caller.device_id, decode_body(body))


@get("/pull", sync_to_thread=True)
def pull_changes(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    settings: NamedDependency[Settings],
    checkpoint: Seq = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=PULL_LIMIT_MAX)] = 100,
    epoch: Annotated[str, QueryParameter(max_length=EPOCH_MAX_LENGTH)] = "",
) -> PullPage:
    """Inspections changed after ``checkpoint`` in the caller's scope and window, a page at a time.

    ``epoch``: the one the device last saw; after a restore the page is empty and names the new one.
    """
    # in service, server.fast_pull answers the pulls that go well before they reach here
    start = window_start(settings.device_window_days)
    return pull(store, catalog, caller.user, checkpoint, limit, start, epoch)


router = Router(path="/api/sync", route_handlers=[push_ops, pull_changes])
