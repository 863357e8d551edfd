"""Settings, read from the environment in exactly one place: :meth:`Settings.from_env`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from schemas.catalog import TEMPLATES_DIR
from sync.accounts import LoginPolicy


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to start; tests build it directly.

    ``data_dir`` ``None`` keeps the database in memory (tests only).
    """

    data_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    demo: bool = False
    templates_dir: Path = TEMPLATES_DIR
    max_body_bytes: int = 2 * 1024 * 1024
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    login: LoginPolicy = field(default_factory=LoginPolicy)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, demo: bool = False) -> Settings:
        """Settings from ``XUNJIAN_*`` variables (see the README for the list)."""
        env = os.environ if env is None else env
        return cls(
            data_dir=Path(env.get("XUNJIAN_DATA_DIR", "data")),
            host=env.get("XUNJIAN_HOST", "127.0.0.1"),
            port=int(env.get("XUNJIAN_PORT", "8000")),
            demo=demo,
            templates_dir=Path(env.get("XUNJIAN_TEMPLATES_DIR", str(TEMPLATES_DIR))),
            max_body_bytes=int(env.get("XUNJIAN_MAX_BODY_BYTES", str(2 * 1024 * 1024))),
        )
