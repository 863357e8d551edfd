"""The layout holds: imports run server -> sync -> schemas, sync/ in layers, no import cycles, modules stay small;
tests import helpers from support modules, never from a test file or a conftest."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.settings import Settings

ROOT = Path(__file__).parent.parent
PACKAGES = ("schemas", "sync", "server")
# package -> the first-party packages and third-party modules it may not import
FORBIDDEN = {
    "schemas": {"sync", "server", "litestar", "sqlite3", "sqlite_utils"},
    "sync": {"server", "litestar"},
    "server": set(),
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_imports_run_server_to_sync_to_schemas() -> None:
    wrong = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            bad = imported_roots(path) & FORBIDDEN[package]
            if bad:
                wrong.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert wrong == []


# sync/'s layers, lowest first: a module imports sync modules of a lower layer or of its own unit only
SYNC_LAYERS = (
    ("errors", "clock", "faults"),
    ("db",),
    ("org",),
    ("engine",),
    ("evidence", "feed"),
    ("review",),
    ("outputs",),
    ("push", "pull"),
    ("backup", "migrate"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def first_party_imports(path: Path, modules: set[str]) -> set[str]:
    """The first-party modules a file imports (``from sync.review import queue`` counts as ``sync.review.queue``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found & modules


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    modules = set(paths)
    return {name: first_party_imports(path, modules) - {name} for name, path in paths.items()}


def sync_rank(module: str) -> tuple[int, str]:
    unit = module.split(".")[1] if "." in module else ""
    for rank, units in enumerate(SYNC_LAYERS):
        if unit in units:
            return rank, unit
    raise AssertionError(f"{module} is in no layer of SYNC_LAYERS; add its unit there")


def test_sync_imports_only_lower_layers_or_its_own_unit() -> None:
    wrong = []
    for module, imports in import_graph().items():
        if not module.startswith("sync.") or module == "sync.__init__":
            continue
        rank, unit = sync_rank(module)
        for target in sorted(t for t in imports if t.startswith("sync.")):
            target_rank, target_unit = sync_rank(target)
            if target_unit != unit and target_rank >= rank:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_no_import_cycles_in_python() -> None:
    graph = import_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, relative ones resolved; ``from tests.x import y`` counts ``tests.x.y`` too."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            parent = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join([*parent, *([node.module] if node.module else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_tests_import_helpers_from_support_modules_never_from_a_test_file_or_a_conftest() -> None:
    """Helpers two tests share live in support modules (``tests/clients.py``, ``tests/evidence.py``,
    ``tests/pwa/desk.py``...), fixtures in a ``conftest.py`` that pytest loads; and ``bench/`` needs nothing of
    ``tests/`` (the tests import ``bench/``, never the reverse)."""
    wrong = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for module in sorted(imported_modules(path)):
            parts = module.split(".")
            if parts[0] == "tests" and any(p.startswith("test_") or p == "conftest" for p in parts[1:]):
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    for path in sorted((ROOT / "bench").rglob("*.py")):
        wrong.extend(
            f"{path.relative_to(ROOT)} imports {m}"
            for m in sorted(imported_modules(path))
            if m.split(".")[0] == "tests"
        )
    assert wrong == []


# test folders mirrored on the package tree: tests/<package>/<unit>/test_<module>.py tests <package>/<unit>/<module>.py
MIRRORED = ("schemas", "sync", "bench")


def test_tests_mirror_the_package_tree() -> None:
    """The tests of ``sync/engine/merge.py`` are ``tests/sync/engine/test_merge.py``, and so on; a test of one
    resource's routes is ``tests/server/routes/test_<resource>.py`` (or ``test_<resource>_<aspect>.py``)."""
    tests = ROOT / "tests"
    wrong = []
    for package in MIRRORED:
        for path in sorted((tests / package).rglob("test_*.py")):
            relative = path.relative_to(tests)
            if not (ROOT / relative.parent / f"{path.stem.removeprefix('test_')}.py").is_file():
                wrong.append(f"{path.relative_to(ROOT)} names no module {relative.parent}/{path.stem[5:]}.py")
    for path in sorted((tests / "server" / "routes").glob("test_*.py")):
        words = path.stem.removeprefix("test_").split("_")
        resources = ["_".join(words[:n]) for n in range(len(words), 0, -1)]
        if not any((ROOT / "server" / where / f"{r}.py").is_file() for r in resources for where in ("routes", ".")):
            wrong.append(f"{path.relative_to(ROOT)} names no resource of server/ (server/routes/<resource>.py)")
    folders = {path.parent for path in tests.rglob("*.py") if "__pycache__" not in path.parts}
    wrong.extend(
        f"{f.relative_to(ROOT)} has no __init__.py" for f in sorted(folders) if not (f / "__init__.py").is_file()
    )
    assert wrong == []


def test_modules_stay_under_400_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert long == []


def api_routes(app: Litestar) -> set[str]:
    routes = set()
    for route in app.routes:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        if not path.startswith("/api"):
            continue
        for method in getattr(route, "methods", ()):
            if method not in {"HEAD", "OPTIONS"}:
                routes.add(f"{method} {path}")
    return routes


def test_openapi_document_renders_and_lists_every_route() -> None:
    app = create_app(Settings(data_dir=None))
    with TestClient(app) as client:
        response = client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text[:300]
    documented = {
        f"{method.upper()} {path}"
        for path, operations in response.json()["paths"].items()
        if path.startswith("/api")
        for method in operations
        if method.upper() not in {"HEAD", "OPTIONS"}
    }
    assert documented == api_routes(app)
