"""Settings, read from the environment in exactly one place: :meth:`Settings.from_env`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from schemas.catalog import TEMPLATES_DIR
from sync.feed.targets import Network, parse_networks
from sync.org.accounts import LoginPolicy, TokenPolicy
from sync.org.audit import MIN_RETENTION_DAYS
from sync.review.workdays import parse_dates


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to start; tests build it directly.

    ``data_dir`` ``None`` keeps the database in memory (tests only); ``pwa_dist`` ``None`` serves
    the app built in ``pwa/dist``.
    """

    data_dir: Path | None = None
    database_url: str = ""  # empty: SQLite in data_dir (see sync/db/open.py)
    host: str = "127.0.0.1"
    port: int = 8000
    demo: bool = False
    templates_dir: Path = TEMPLATES_DIR
    pwa_dist: Path | None = None
    max_body_bytes: int = 2 * 1024 * 1024
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    login: LoginPolicy = field(default_factory=LoginPolicy)
    tokens: TokenPolicy = field(default_factory=TokenPolicy)
    max_upload_bytes: int = 40 * 1024 * 1024
    max_audio_bytes: int = 10 * 1024 * 1024
    max_chunk_bytes: int = 8 * 1024 * 1024
    max_open_uploads: int = 20
    max_open_upload_bytes: int = 400 * 1024 * 1024
    upload_expiry_s: float = 24 * 3600
    upload_idle_s: float = 60.0
    blob_grace_s: float = 7 * 24 * 3600
    blob_store: str = "file:"  # file: (the data folder) or s3://bucket/prefix?endpoint=…&region=…
    disk_warn_mb: float = 1024
    stop_timeout_s: float = 30.0
    fault: str = ""
    tombstone_window_s: float = 30 * 24 * 3600
    device_window_days: float = 30
    cjk_font: Path | None = None
    repeat_window_days: int = 90
    working_days_default: int = 5
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    webhook_backoff_s: float = 5.0
    webhook_max_attempts: int = 8
    webhook_poll_s: float = 2.0
    webhook_timeout_s: float = 10.0
    webhook_allow_networks: str = ""  # comma-separated CIDRs; read through webhook_networks
    worker_threads: int = 16
    long_job_threads: int = 2
    audit_retention_days: int = 1095

    def __post_init__(self) -> None:
        """Refuse, at start, an audit retention below the minimum and a malformed webhook network.

        (等保 2.0 asks six months of audit; the database refuses shorter too. A malformed CIDR stops
        the start, not a webhook later.)
        """
        if self.audit_retention_days < MIN_RETENTION_DAYS:
            raise ValueError(f"XUNJIAN_AUDIT_RETENTION_DAYS must be at least {MIN_RETENTION_DAYS}")
        self.webhook_networks  # noqa: B018

    @property
    def webhook_networks(self) -> tuple[Network, ...]:
        """The networks webhooks may post to although they are not public (intranet deployments)."""
        return parse_networks(self.webhook_allow_networks)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, demo: bool = False) -> Settings:
        """Settings from ``XUNJIAN_*`` variables (every one is listed in docs/settings.md)."""
        env = os.environ if env is None else env
        return cls(
            data_dir=Path(env.get("XUNJIAN_DATA_DIR", "data")),
            database_url=env.get("XUNJIAN_DATABASE_URL", ""),
            host=env.get("XUNJIAN_HOST", "127.0.0.1"),
            port=int(env.get("XUNJIAN_PORT", "8000")),
            demo=demo,
            templates_dir=Path(env.get("XUNJIAN_TEMPLATES_DIR", str(TEMPLATES_DIR))),
            max_body_bytes=int(env.get("XUNJIAN_MAX_BODY_BYTES", str(2 * 1024 * 1024))),
            max_upload_bytes=int(env.get("XUNJIAN_MAX_UPLOAD_BYTES", str(40 * 1024 * 1024))),
            max_audio_bytes=int(env.get("XUNJIAN_MAX_AUDIO_BYTES", str(10 * 1024 * 1024))),
            max_chunk_bytes=int(env.get("XUNJIAN_MAX_CHUNK_BYTES", str(8 * 1024 * 1024))),
            max_open_uploads=int(env.get("XUNJIAN_MAX_OPEN_UPLOADS", "20")),
            max_open_upload_bytes=int(env.get("XUNJIAN_MAX_OPEN_UPLOAD_BYTES", str(400 * 1024 * 1024))),
            upload_expiry_s=float(env.get("XUNJIAN_UPLOAD_EXPIRY_S", str(24 * 3600))),
            upload_idle_s=float(env.get("XUNJIAN_UPLOAD_IDLE_S", "60")),
            blob_grace_s=float(env.get("XUNJIAN_BLOB_GRACE_S", str(7 * 24 * 3600))),
            blob_store=env.get("XUNJIAN_BLOB_STORE", "file:"),
            disk_warn_mb=float(env.get("XUNJIAN_DISK_WARN_MB", "1024")),
            stop_timeout_s=float(env.get("XUNJIAN_STOP_TIMEOUT_S", "30")),
            fault=env.get("XUNJIAN_FAULT", ""),
            tombstone_window_s=float(env.get("XUNJIAN_TOMBSTONE_WINDOW_S", str(30 * 24 * 3600))),
            device_window_days=float(env.get("XUNJIAN_DEVICE_WINDOW_DAYS", "30")),
            tokens=TokenPolicy(
                idle_days=float(env.get("XUNJIAN_TOKEN_IDLE_DAYS", "30")),
                max_days=float(env.get("XUNJIAN_TOKEN_MAX_DAYS", "180")),
            ),
            cjk_font=Path(env["XUNJIAN_CJK_FONT"]) if env.get("XUNJIAN_CJK_FONT") else None,
            repeat_window_days=int(env.get("XUNJIAN_REPEAT_WINDOW_DAYS", "90")),
            working_days_default=int(env.get("XUNJIAN_WORKING_DAYS_DEFAULT", "5")),
            holidays=parse_dates(env.get("XUNJIAN_HOLIDAYS", "")),
            makeup_workdays=parse_dates(env.get("XUNJIAN_MAKEUP_WORKDAYS", "")),
            webhook_backoff_s=float(env.get("XUNJIAN_WEBHOOK_BACKOFF_S", "5")),
            webhook_max_attempts=int(env.get("XUNJIAN_WEBHOOK_MAX_ATTEMPTS", "8")),
            webhook_poll_s=float(env.get("XUNJIAN_WEBHOOK_POLL_S", "2")),
            webhook_timeout_s=float(env.get("XUNJIAN_WEBHOOK_TIMEOUT_S", "10")),
            webhook_allow_networks=env.get("XUNJIAN_WEBHOOK_ALLOW_NETWORKS", ""),
            worker_threads=int(env.get("XUNJIAN_WORKER_THREADS", "16")),
            long_job_threads=int(env.get("XUNJIAN_LONG_JOB_THREADS", "2")),
            audit_retention_days=int(env.get("XUNJIAN_AUDIT_RETENTION_DAYS", "1095")),
        )
