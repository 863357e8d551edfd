"""The README and docs/ say what the code does: routes, problem types, settings, modules, links.

Each check compares both ways: what the code has must be documented, and what is documented must
still exist. A failure names what to add or remove.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

from server.app import create_app
from server.problems import PROBLEM_TYPES
from server.settings import Settings

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PRODUCTION = ("schemas", "sync", "server")
SETTING = re.compile(r"XUNJIAN_[A-Z0-9_]+")
# the expressions settings are read from: os.environ, or the mapping Settings.from_env is given
ENV_MAPPINGS = {"os.environ", "environ", "env"}


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def readme() -> str:
    return text(ROOT / "README.md")


def section(markdown: str, heading: str) -> str:
    """The text under ``heading`` (a whole ``## ...`` line) up to the next heading of that level."""
    level = heading.split(" ", 1)[0]
    parts = re.split(rf"^{re.escape(heading)}$", markdown, maxsplit=1, flags=re.M)
    assert len(parts) == 2, f"no heading {heading!r}"
    return re.split(rf"^{level} ", parts[1], maxsplit=1, flags=re.M)[0]


def table_keys(markdown: str, pattern: str) -> list[str]:
    """The first cells of table rows matching ``pattern`` (a regex for the backticked cell)."""
    return re.findall(rf"^\| `({pattern})` \|", markdown, re.M)


def duplicates(items: list[str]) -> list[str]:
    return sorted(item for item, n in Counter(items).items() if n > 1)


# --- the README ------------------------------------------------------------------------------


def test_readme_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    quick_start = readme().split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick_start, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["./dev serve", "./dev test"]
    assert "./dev test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def package_dirs() -> set[str]:
    """The folders the README's layout must map: packages and subpackages, not modules."""
    dirs = {"schemas/", "schemas/templates/", "pwa/", "pwa/src/", "tests/", "bench/", "docs/"}
    for package in ("sync", "server"):
        dirs |= {f"{p.parent.relative_to(ROOT).as_posix()}/" for p in (ROOT / package).rglob("__init__.py")}
    dirs |= {f"{p.relative_to(ROOT).as_posix()}/" for p in (ROOT / "pwa" / "src").rglob("*") if p.is_dir()}
    return dirs


def test_readme_layout_maps_every_package_and_only_folders_that_exist() -> None:
    block = re.search(r"```\n(.*?)```", section(readme(), "## Layout"), re.S)
    assert block is not None
    mapped = [line.split()[0] for line in block.group(1).splitlines() if line.strip()]
    folders = [name for name in mapped if name.endswith("/")]
    assert duplicates(folders) == []
    assert sorted(package_dirs() - set(folders)) == [], "add these folders to the README's layout"
    assert [name for name in mapped if not (ROOT / name).exists()] == [], "the README's layout names these; gone"


def test_readme_links_every_docs_page_and_every_link_resolves() -> None:
    linked = set(re.findall(r"\]\((docs/[^)#\s]+)\)", readme()))
    pages = {f"docs/{page.name}" for page in DOCS.glob("*.md")}
    assert sorted(pages - linked) == [], "link these pages from the README"
    assert sorted(link for link in linked if not (ROOT / link).is_file()) == [], "the README links missing pages"


def test_links_between_pages_resolve() -> None:
    broken = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        for target in re.findall(r"\]\(([^)\s:#]*)(?:#[\w-]*)?\)", text(page)):
            if target and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_paths_named_in_the_readme_and_docs_exist() -> None:
    """Every backticked repository path (``sync/engine/merge.py``, ``tests/pins/``) names something that exists."""
    path = re.compile(r"(?:schemas|sync|server|pwa|tests|bench|docs)/[\w./-]*(?:\.(?:py|js|mjs|json|md|html|css)|/)")
    missing = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        for name in re.findall(r"`([^`\s]+)`", text(page)):
            if path.fullmatch(name) and not (ROOT / name).exists():
                missing.append(f"{page.relative_to(ROOT)}: {name}")
    assert missing == []


# --- docs/api.md -----------------------------------------------------------------------------


def documentable_routes() -> list[str]:
    """``METHOD /api/path`` for every handler the app defines (Litestar's automatic OPTIONS left out)."""
    routes = []
    for route in create_app(Settings(data_dir=None)).routes:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        if not path.startswith("/api"):
            continue
        for handler in getattr(route, "route_handlers", ()):
            fn = getattr(handler.fn, "func", handler.fn)  # a sync_to_thread handler's own function, unwrapped
            if fn.__module__.split(".")[0] == "litestar":
                continue
            routes += [f"{method} {path}" for method in sorted(handler.http_methods)]
    return routes


def test_api_page_lists_every_route_and_no_route_that_is_gone() -> None:
    documented = table_keys(text(DOCS / "api.md"), r"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /api[^`]*")
    assert duplicates(documented) == []
    routes = set(documentable_routes())
    assert sorted(routes - set(documented)) == [], "document these routes in docs/api.md"
    assert sorted(set(documented) - routes) == [], "docs/api.md documents these routes; gone"


# --- docs/problems.md ------------------------------------------------------------------------


def test_problems_page_lists_every_problem_type_with_its_status() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \| (\d{3}) \|", text(DOCS / "problems.md"), re.M)
    assert duplicates([name for name, _ in rows]) == []
    documented = {name: int(status) for name, status in rows}
    types = {name: status for name, (status, _) in PROBLEM_TYPES.items()}
    assert sorted(types.keys() - documented.keys()) == [], "document these problem types in docs/problems.md"
    assert sorted(documented.keys() - types.keys()) == [], "docs/problems.md documents these problem types; gone"
    assert {name: (status, types[name]) for name, status in documented.items() if status != types[name]} == {}, (
        "docs/problems.md gives these types another status (documented, actual)"
    )


# --- docs/settings.md ------------------------------------------------------------------------


def env_reads(tree: ast.AST) -> set[str]:
    """``XUNJIAN_*`` names read from the environment: ``env["X"]``, ``env.get("X")``, ``os.getenv("X")``."""
    names = set()
    for node in ast.walk(tree):
        key: ast.expr | None = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if ast.unparse(node.value) in ENV_MAPPINGS:
                key = node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            receiver = ast.unparse(node.func.value)
            if (node.func.attr == "get" and receiver in ENV_MAPPINGS) or (
                node.func.attr == "getenv" and receiver == "os"
            ):
                key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and SETTING.fullmatch(key.value):
            names.add(key.value)
    return names


def setting_literals(tree: ast.AST) -> set[str]:
    """Every string constant that is exactly an ``XUNJIAN_*`` name (not one inside a message)."""
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SETTING.fullmatch(node.value)
    }


def python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def server_settings() -> set[str]:
    names: set[str] = set()
    for path in python_files(*PRODUCTION):
        tree = ast.parse(text(path))
        reads = env_reads(tree)
        unread = setting_literals(tree) - reads
        assert unread == set(), f"{path.relative_to(ROOT)} names {sorted(unread)} without reading the environment"
        names |= reads
    return names


def build_and_test_settings() -> set[str]:
    names = {name for path in python_files("tests", "bench") for name in env_reads(ast.parse(text(path)))}
    for path in sorted((ROOT / "pwa" / "scripts").glob("*.mjs")):
        names |= set(re.findall(r"process\.env\.(XUNJIAN_[A-Z0-9_]+)", text(path)))
    return names


def test_settings_page_lists_every_server_setting_and_no_setting_that_is_gone() -> None:
    documented = table_keys(section(text(DOCS / "settings.md"), "## Server"), SETTING.pattern)
    assert duplicates(documented) == []
    settings = server_settings()
    assert "XUNJIAN_DATA_DIR" in settings  # the scan finds what Settings.from_env reads
    assert sorted(settings - set(documented)) == [], "document these settings in docs/settings.md"
    assert sorted(set(documented) - settings) == [], "docs/settings.md documents these settings; nothing reads them"


def test_settings_page_lists_the_build_and_test_variables() -> None:
    page = text(DOCS / "settings.md")
    documented = table_keys(section(page, "## Build and tests"), SETTING.pattern)
    assert duplicates(documented) == []
    assert set(documented) == build_and_test_settings()
    everywhere = set(re.findall(r"`(XUNJIAN_[A-Z0-9_]+)`", page))
    assert everywhere <= server_settings() | set(documented), "docs/settings.md names variables nothing reads"


# --- docs/architecture.md --------------------------------------------------------------------


def modules() -> set[str]:
    """Every module the architecture page lists: Python of the packages and bench/, the app's JavaScript."""
    found = {p for p in python_files(*PRODUCTION) if p.name != "__init__.py"}
    found |= {p for p in (ROOT / "bench").glob("*.py") if p.name != "__init__.py"}
    found |= set((ROOT / "pwa" / "src").rglob("*.js"))
    return {p.relative_to(ROOT).as_posix() for p in found}


def test_architecture_page_lists_every_module_by_its_full_path() -> None:
    listed = re.findall(r"^- `([^`]+\.(?:py|js))` — \S", text(DOCS / "architecture.md"), re.M)
    assert duplicates(listed) == []
    assert sorted(modules() - set(listed)) == [], "add a line for each of these to docs/architecture.md"
    assert sorted(set(listed) - modules()) == [], "docs/architecture.md lists these modules; gone"


# --- docs/security.md ------------------------------------------------------------------------

ROUTE = re.compile(r"`((?:GET|POST|PUT|PATCH|DELETE) /api/[^`]*)`")
# settings a deployment's security turns on: each must be in the security page's deployment table
SECURITY_SETTING = re.compile(
    r"XUNJIAN_(?:HOST|PORT|DATA_DIR|MAX_\w+|UPLOAD_\w+|\w*LOGIN\w*|\w*PASSWORD\w*|\w*TOKEN\w*|\w*QUOTA\w*"
    r"|\w*AUDIT\w*|\w*ALLOW\w*|WEBHOOK_TIMEOUT_S)"
)


def security_page() -> str:
    return text(DOCS / "security.md")


def test_security_page_names_only_settings_and_routes_that_exist() -> None:
    page = security_page()
    not_yet = section(page, "## Not yet in this version")
    done = page.replace(not_yet, "")
    named = set(SETTING.findall(done))
    assert named, "the security page names its settings"
    assert sorted(named - server_settings()) == [], "docs/security.md names these settings; nothing reads them"
    routes = set(documentable_routes())
    assert sorted(set(ROUTE.findall(page)) - routes) == [], "docs/security.md names these routes; no such route"


def test_security_page_lists_every_security_setting_for_a_deployment() -> None:
    table = table_keys(section(security_page(), "## Settings for a deployment"), SETTING.pattern)
    assert duplicates(table) == []
    wanted = {name for name in server_settings() if SECURITY_SETTING.fullmatch(name)}
    assert "XUNJIAN_AUDIT_RETENTION_DAYS" in wanted
    assert sorted(wanted - set(table)) == [], "add these settings to the security page's deployment table"


def test_what_the_security_page_says_is_not_done_yet_is_not_done() -> None:
    """A setting the page lists under "Not yet in this version" must not be read yet: once it is, move it up."""
    not_yet = set(SETTING.findall(section(security_page(), "## Not yet in this version")))
    assert sorted(not_yet & server_settings()) == [], "these are done now: describe them as done in docs/security.md"


def test_the_readme_links_the_security_page() -> None:
    assert "](docs/security.md)" in readme()
