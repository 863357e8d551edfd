"""``python -m server [--demo] [--workers N]``: serve the app with uvicorn, settings from the environment.

``--workers N`` (one big machine) starts N server processes on one port (uvicorn's workers, one
listening socket): this process checks the templates, migrates and seeds the database once, then
each worker opens its own store on the same database (a data folder or ``XUNJIAN_DATABASE_URL``;
not an in-memory one). They behave as several app servers do (``docs/deployment.md``).

SIGTERM stops it gracefully: uvicorn stops accepting connections at once, lets the requests
in flight (a push, a chunk being received) finish for up to ``XUNJIAN_STOP_TIMEOUT_S``
seconds, shuts the app down (the store closes), and the process exits 0. Whatever a kill
left half done is reconciled at the next start (``sync.evidence.recovery``).
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys

import uvicorn

from schemas.catalog import TemplateError
from server.app import create_app
from server.fast_push import FastPush
from server.processes import serve_workers
from server.settings import Settings
from sync.faults import arm_kill
from sync.org.demo import DEMO_PASSWORD


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="Xunjian 巡检 server")
    parser.add_argument("--demo", action="store_true", help="load demo data into an empty database first")
    parser.add_argument("--workers", type=int, default=1, help="server processes on the one port (default 1)")
    args = parser.parse_args(argv)
    settings = Settings.from_env(demo=args.demo)
    if args.workers < 1 or (args.workers > 1 and settings.data_dir is None and not settings.database_url):
        print("not starting: --workers N needs N >= 1, and N > 1 a data folder or a database URL", file=sys.stderr)
        return 2
    if args.workers == 1:
        arm_kill(settings.fault)  # crash tests only: XUNJIAN_FAULT names fault points that kill the process
    try:
        app = create_app(settings)
    except TemplateError as exc:
        print(f"not starting: invalid checklist template: {exc}", file=sys.stderr)
        return 2
    if args.demo:
        names = ", ".join(app.state.demo_accounts)
        print(f"demo accounts: {names} (password {DEMO_PASSWORD}; demo mode only)", flush=True)
    if args.workers > 1:
        app.state.store.close()  # migrated and seeded: each worker opens its own (spawned, not forked)
        return serve_workers(settings, args.workers)
    # The app's modules, routes and templates live as long as the process: move them out of the
    # cycle collector's sight, so its full passes cost what requests allocate, not the whole app.
    gc.freeze()
    print(f"Xunjian 巡检 on http://{settings.host}:{settings.port}/  (API /api, OpenAPI /schema)", flush=True)
    # uvicorn stops on SIGTERM, then raises it again under the handler it found: make that one a no-op, so
    # a graceful stop ends with exit code 0 rather than death by the signal
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    uvicorn.run(
        FastPush(app),
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_graceful_shutdown=max(1, round(settings.stop_timeout_s)),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
