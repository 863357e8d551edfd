"""``python -m server [--demo]``: serve the app with uvicorn, settings from the environment."""

from __future__ import annotations

import argparse
import gc
import sys

import uvicorn

from schemas.catalog import TemplateError
from server.app import create_app
from server.fast_push import FastPush
from server.settings import Settings
from sync.org.demo import DEMO_PASSWORD


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="Xunjian 巡检 server")
    parser.add_argument("--demo", action="store_true", help="load demo data into an empty database first")
    args = parser.parse_args(argv)
    settings = Settings.from_env(demo=args.demo)
    try:
        app = create_app(settings)
    except TemplateError as exc:
        print(f"not starting: invalid checklist template: {exc}", file=sys.stderr)
        return 2
    if args.demo:
        names = ", ".join(app.state.demo_accounts)
        print(f"demo accounts: {names} (password {DEMO_PASSWORD}; demo mode only)", flush=True)
    # The app's modules, routes and templates live as long as the process: move them out of the
    # cycle collector's sight, so its full passes cost what requests allocate, not the whole app.
    gc.freeze()
    print(f"Xunjian 巡检 on http://{settings.host}:{settings.port}/  (API /api, OpenAPI /schema)", flush=True)
    uvicorn.run(FastPush(app), host=settings.host, port=settings.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
