"""The app's dependencies, by name: what a handler asks for (``store``, ``caller`` …) and where it comes from.

Everything but the caller is read from ``app.state`` (filled by :func:`server.startup.open_runtime`)
at each request. The caller is the user and device behind the request's bearer token; asking
for it is what makes a route need a login.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from schemas.catalog import Catalog
from server.bearer import bearer_token
from server.settings import Settings
from server.workers import Workers
from sync.db.store import Store
from sync.errors import AuthenticationFailed
from sync.evidence.objects import BlobStore
from sync.org import accounts
from sync.org.accounts import User
from sync.org.audit import Actor


@dataclass(frozen=True)
class Caller:
    """The authenticated user, the device their token belongs to, and the client's address (ASGI scope)."""

    user: User
    device_id: str
    address: str | None = None

    @property
    def actor(self) -> Actor:
        """Who acts, for the audit trail: this user, device and address."""
        return Actor(self.user.id, self.device_id, self.address)


def provide_store(state: State) -> Store:
    store: Store = state.store
    return store


def provide_catalog(state: State) -> Catalog:
    catalog: Catalog = state.catalog
    return catalog


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def provide_hasher(state: State) -> PasswordHasher:
    hasher: PasswordHasher = state.hasher
    return hasher


def provide_evidence_dir(state: State) -> Path:
    evidence_dir: Path = state.evidence_dir
    return evidence_dir


def provide_blob_store(state: State) -> BlobStore:
    blob_store: BlobStore = state.blob_store
    return blob_store


def provide_workers(state: State) -> Workers:
    workers: Workers = state.workers
    return workers


def provide_caller(
    request: Request[Any, Any, Any], store: NamedDependency[Store], settings: NamedDependency[Settings]
) -> Caller:
    """The caller behind ``Authorization: Bearer <token>``; 401 otherwise (looked up in a worker thread)."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise AuthenticationFailed("send Authorization: Bearer <token> from POST /api/auth/login")
    user, device_id = accounts.authenticate(store, token, settings.tokens)
    return Caller(user, device_id, client_address(request))


def client_address(request: Request[Any, Any, Any]) -> str | None:
    """The address the request came from (the ASGI scope's client: a reverse proxy's, behind one)."""
    return request.client.host if request.client else None


DEPENDENCIES = {
    "store": Provide(provide_store, sync_to_thread=False),
    "catalog": Provide(provide_catalog, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "hasher": Provide(provide_hasher, sync_to_thread=False),
    "evidence_dir": Provide(provide_evidence_dir, sync_to_thread=False),
    "blob_store": Provide(provide_blob_store, sync_to_thread=False),
    "workers": Provide(provide_workers, sync_to_thread=False),
    "caller": Provide(provide_caller, sync_to_thread=True),
}
