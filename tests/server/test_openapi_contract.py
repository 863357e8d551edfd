"""The OpenAPI document tells the truth: schemathesis over real HTTP, every operation, each role.

The real app runs under uvicorn in a thread (``bench.live.serve``), with the demo data, one
fresh app per role. Schemathesis loads ``/schema/openapi.json`` from it and runs all its phases
(examples, coverage, fuzzing, stateful) with every check, seeded and derandomized, with a small
number of examples per operation so the suite stays fast. Zero failures and zero errors.

The run keeps its credentials valid without skipping anything: a case may revoke the run's own
device (``DELETE /api/auth/devices/{device_id}``) or deactivate the run's own user; the auth
provider checks its token in the store before each case and, when it stopped working, reactivates the user
in the store and logs in again. Every operation is exercised as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from bench.live import LiveServer, serve, server_settings
from sync.db.store import Store
from sync.errors import AuthenticationFailed
from sync.org import accounts
from sync.org.demo import DEMO_PASSWORD

# What schemathesis accepts by default as refusing bad input and a missing header; 412 (tus) is added below.
REJECTED = [400, 401, 403, 404, 405, 406, 409, 415, 422, 428, 429]
HEADER_MISSING = [400, 401, 403, 406, 415, 422]

SEED = 14_9  # issue 14, item 9
EXAMPLES = 5  # per operation and phase: the whole test stays within ~90 s


def config(base_url: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "base-url": base_url,
            "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": 15},
            },
            "checks": {
                "enabled": True,
                # Off, and only this one: a schema-valid request may still break a rule no schema can
                # state (a site id that does not exist is 422 invalid-input, a deadline in the past, a
                # template that is JSON but not a valid checklist, a cursor the server never issued).
                # Those answers are documented problems, which status_code_conformance holds them to.
                "positive_data_acceptance": {"enabled": False},
                # tus 1.0 answers a missing or unsupported Tus-Resumable with 412 Precondition Failed.
                "missing_required_header": {"expected-statuses": [*HEADER_MISSING, 412]},
                "negative_data_rejection": {"expected-statuses": [*REJECTED, 412]},
            },
            "request-timeout": 30,
        }
    )


class Login:
    """A bearer token for ``username`` that stays valid: checked before each case, renewed when revoked."""

    def __init__(self, live: LiveServer, store: Store, username: str) -> None:
        self.live, self.store, self.username = live, store, username
        self.token = ""

    def valid_token(self) -> str:
        if self.token:
            try:
                accounts.authenticate(self.store, self.token)
                return self.token
            except AuthenticationFailed:
                pass
        with httpx.Client(base_url=self.live.url, timeout=30) as client:
            self._reactivate()
            body = {"username": self.username, "password": DEMO_PASSWORD, "device_name": "schemathesis"}
            response = client.post("/api/auth/login", json=body)
            assert response.status_code == 200, response.text
            self.token = response.json()["token"]
            return self.token

    def _reactivate(self) -> None:
        row = self.store.db.execute("SELECT id, org_id FROM user WHERE username = ?", [self.username]).fetchone()
        user = accounts.get_user(self.store, row[1], row[0])
        if not user.active:
            accounts.set_active(self.store, user, True)


# A tus chunk is raw bytes, sent as they are.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"
)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with serve(server_settings(tmp_path, webhook_poll_s=0)) as server:
        yield server


def run(live: LiveServer, username: str) -> list[str]:
    """Every failure and error of a whole schemathesis run as ``username``, one line each."""
    store: Store = live.lane.app.state.store
    login = Login(live, store, username)
    schema = schemathesis.openapi.from_url(f"{live.url}/schema/openapi.json", config=config(live.url))

    @schema.auth()
    class Bearer:
        def get(self, case: Any, ctx: Any) -> str:
            return login.valid_token()

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    problems: list[str] = []
    operations: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.label:
            operations.add(event.label)
        if isinstance(event, events.ScenarioFinished) and event.status in {Status.FAILURE, Status.ERROR}:
            problems.extend(_failures(event))
        elif isinstance(event, events.NonFatalError | events.FatalError):
            problems.append(f"error: {event}")
    documented = {f"{m.upper()} {p}" for p, item in schema.raw_schema["paths"].items() for m in item}
    missing = documented - operations
    assert not missing, f"operations never exercised: {sorted(missing)}"
    return problems


def _failures(event: events.ScenarioFinished) -> list[str]:
    lines = []
    for checks in event.recorder.checks.values():
        for check in checks:
            if check.status == Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                sample = check.failure_info.code_sample
                lines.append(f"{event.label}: {check.name}: {failure.title}: {failure.message[:300]}\n  {sample[:400]}")
    return lines or [f"{event.label}: {event.status}"]


@pytest.mark.parametrize("username", ["admin", "supervisor1", "inspector1"])
def test_every_operation_answers_as_documented(live: LiveServer, username: str) -> None:
    problems = run(live, username)
    assert not problems, "\n".join(sorted(set(problems)))
