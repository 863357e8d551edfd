"""The scale bench's city: its shape, its people and sites, ids drawn from a seeded RNG, a simulated clock.

:class:`Shape` says how many inspections over how many months at how many sites by whom;
:func:`make_city` creates the organisation through ``sync.org`` (districts, supermarkets, one
inspector for every few sites, a supervisor per district, one admin, a monthly plan per site) and
returns a :class:`City` (kept as ``city.json`` beside the store). :func:`det_uuid7` makes the ids a
replayed week sends again; :func:`simulated` runs the engine under the build's clock.
"""

from __future__ import annotations

import random
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

import sync.clock
from sync.db.store import Store
from sync.org.accounts import User, create_user
from sync.org.demo import DEMO_PASSWORD
from sync.org.sites import assign_districts, assign_sites, create_district, create_organisation, create_site
from sync.review.schedules import create_plan

SHAPE_VERSION = 1
CHECKLIST = "supermarket_service"
BATCH = 50
WEEK_MS = 7 * 24 * 3600 * 1000
CHINA = timedelta(hours=8)


@dataclass(frozen=True)
class Shape:
    """A city: how many inspections over how many months, at how many sites, by whom."""

    inspections: int
    districts: int = 10
    sites_per_district: int = 100
    inspectors: int = 200
    months: int = 24
    seed: int = 13
    returned: float = 0.04  # share of inspections a supervisor returns once
    approved: float = 0.8  # share approved
    fixed: float = 0.02  # share whose first open action gets a fix report
    closed_per_week: int = 3  # verified actions closed each week

    @property
    def sites(self) -> int:
        return self.districts * self.sites_per_district

    @property
    def name(self) -> str:
        return f"{self.inspections}-v{SHAPE_VERSION}"

    @property
    def weeks(self) -> int:
        return max(1, round(self.months * 30.44 / 7))


@dataclass
class City:
    """Who and where: the ids the builder and the reads need, kept in ``city.json``."""

    start_ms: int
    admin: str
    supervisors: list[str]  # usernames, one per district
    inspectors: list[str]
    districts: list[str]  # ids
    sites: list[str]  # ids, in district order
    site_inspector: list[int]  # index into inspectors, per site
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # username -> User fields


@dataclass
class Progress:
    """What is built: weeks finished, each client's next sequence, inspections pushed, seconds spent."""

    weeks_done: int = 0
    next_seq: dict[str, int] = field(default_factory=dict)
    inspections: int = 0
    seconds: float = 0.0


def folder_of(data: Path, shape: Shape) -> Path:
    return data / shape.name


def store_path(data: Path, shape: Shape) -> Path:
    return folder_of(data, shape) / "xunjian.db"


# ---- deterministic ids and a simulated clock ----


def det_uuid7(rng: random.Random, millis: int) -> str:
    """A UUIDv7 of ``millis`` whose other bits come from ``rng`` (the same on a replay)."""
    raw = bytearray((millis & 0xFFFF_FFFF_FFFF).to_bytes(6, "big") + rng.getrandbits(80).to_bytes(10, "big"))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def det_uuid4(seed: str) -> str:
    rng = random.Random(seed)
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class SimClock:
    """The server's clock while building: ``now_ms`` and ``now_iso`` of every ``sync`` module read it."""

    def __init__(self) -> None:
        self.ms = 0

    def now_ms(self) -> int:
        return self.ms

    def now_iso(self) -> str:
        return sync.clock.iso_from_ms(self.ms)


@contextmanager
def simulated(clock: SimClock) -> Iterator[None]:
    """Point the ``now_ms``/``now_iso`` names of the loaded ``sync`` modules at ``clock`` for the block."""
    real: dict[str, Callable[[], Any]] = {"now_ms": sync.clock.now_ms, "now_iso": sync.clock.now_iso}
    patched: list[tuple[Any, str]] = []
    for name, module in list(sys.modules.items()):
        if name == "sync" or name.startswith("sync."):
            for attr, original in real.items():
                if getattr(module, attr, None) is original:
                    setattr(module, attr, getattr(clock, attr))
                    patched.append((module, attr))
    try:
        yield
    finally:
        for module, attr in patched:
            setattr(module, attr, real[attr])


# ---- the city ----


def make_city(store: Store, shape: Shape, start_ms: int) -> City:
    """The organisation, districts, sites, accounts and one monthly plan per site."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024)
    org = create_organisation(store, "杭州市市场监督管理局(基准) Hangzhou market supervision (bench)")

    def user(username: str, role: Any, display: str) -> User:
        return create_user(
            store, hasher, org_id=org.id, username=username, password=DEMO_PASSWORD, role=role, display_name=display,
            demo_account=True,  # the city is a demo: its accounts log in as the demo ones do
        )  # fmt: skip

    admin = user("admin", "admin", "管理员 Admin")
    districts, sites, supervisors = [], [], []
    for d in range(shape.districts):
        district = create_district(store, org.id, f"第{d + 1}区 District {d + 1}")
        districts.append(district.id)
        for s in range(shape.sites_per_district):
            name, address = f"超市 {d + 1}-{s + 1:03d}", f"杭州市第{d + 1}区{s + 1}号"
            sites.append(
                create_site(
                    store, org.id, district_id=district.id, name=name, site_type="supermarket", address=address
                ).id
            )
        boss = user(f"supervisor{d + 1}", "supervisor", f"主管 {d + 1} Supervisor")
        assign_districts(store, org.id, boss.id, [district.id])
        supervisors.append(boss)
    inspectors = [user(f"inspector{i + 1}", "inspector", f"巡检员 {i + 1} Inspector") for i in range(shape.inspectors)]
    site_inspector = [s * shape.inspectors // len(sites) for s in range(len(sites))]
    for i, inspector in enumerate(inspectors):
        assign_sites(store, org.id, inspector.id, [sites[s] for s, k in enumerate(site_inspector) if k == i])
    starts = datetime.fromtimestamp(start_ms / 1000, UTC).date()
    for s, site_id in enumerate(sites):
        create_plan(
            store,
            supervisors[s // shape.sites_per_district],
            site_id=site_id,
            checklist_id=CHECKLIST,
            kind="monthly_spot_check",
            cadence=None,
            assignee_id=inspectors[site_inspector[s]].id,
            starts_on=starts,
        )
    everyone = [admin, *supervisors, *inspectors]
    return City(
        start_ms,
        admin.username,
        [u.username for u in supervisors],
        [u.username for u in inspectors],
        districts,
        sites,
        site_inspector,
        {u.username: _user_fields(u) for u in everyone},
    )


def _user_fields(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in ("id", "org_id", "username", "display_name", "role", "active")}


def user_of(city: City, username: str) -> User:
    return User(**city.users[username])
