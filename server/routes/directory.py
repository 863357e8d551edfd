"""``/api/directory``: the names of users in the caller's scope, for the supervisor's desk."""

from __future__ import annotations

from litestar import Router, get
from litestar.di import NamedDependency

from server.dependencies import Caller
from sync.db.store import Store
from sync.org import directory
from sync.org.directory import Directory


@get("/directory", sync_to_thread=True)
def get_directory(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> Directory:
    """Supervisors and admins: users (id, username, display name, role, active); devices are named where shown."""
    return directory.directory(store, caller.user)


router = Router(path="/api", route_handlers=[get_directory])
