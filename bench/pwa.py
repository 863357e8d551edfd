"""The app shell's size and how fast a form opens offline, against a blank page, in one run.

``python -m bench.pwa`` (after ``cd pwa && npm run build``) starts ``python -m server --demo``
on a free loopback port, then in Debian's headless Chromium:

- sums the precached shell (index.html, the bundled script and stylesheet, manifest, icons)
  and the service worker: raw, gzipped (level 9), and the bytes the running server sends a
  browser (``Accept-Encoding: gzip, deflate, br``, counted on the wire, with the coding it
  chose), against the 100 kB target (gzipped);
- logs in, starts a supermarket inspection, cuts the network and reloads the form N times,
  timing navigation start → the first item of the form in the DOM (the service worker serves
  the shell, IndexedDB the inspection, Cache Storage the schema);
- times the same for a blank page (one paragraph, a ``data:`` URL) as the baseline.

It prints the medians and the ratio to the blank page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from bench.live import CHROMIUM_ARGS, ServerProcess, chromium_path
from server.routes.app_files import PWA_DIST
from sync.org.demo import DEMO_PASSWORD

TARGET_SHELL_BYTES = 100_000
TARGET_OFFLINE_MS = 1000
BROWSER = "gzip, deflate, br"
# Record when a selector first matches, from navigation start (performance.now()).
WATCH = """(() => {
  const selector = %s
  const seen = () => { if (!window.__readyAt && document.querySelector(selector)) window.__readyAt = performance.now() }
  new MutationObserver(seen).observe(document, { childList: true, subtree: true })
  document.addEventListener('DOMContentLoaded', seen)
})()"""
FORM_ITEM = ".form-page main .item"


def shell_sizes(dist: Path, base: str) -> list[tuple[str, int, int, int, str]]:
    """Per precached file and the service worker: raw, gzipped, sent by the server at ``base`` (bytes), coding."""
    build = json.loads((dist / "build.json").read_text(encoding="utf-8"))
    rows = []
    with httpx.Client(base_url=base, headers={"Accept-Encoding": BROWSER}) as client:
        for name in [*build["precache"], "sw.js"]:
            data = (dist / ("index.html" if name == "./" else name)).read_bytes()
            with client.stream("GET", f"/app/{name.removeprefix('./')}") as response:
                sent = sum(len(chunk) for chunk in response.iter_raw())
                coding = response.headers.get("content-encoding", "identity")
            rows.append((name, len(data), len(gzip.compress(data, compresslevel=9)), sent, coding))
    return rows


def print_sizes(rows: list[tuple[str, int, int, int, str]]) -> None:
    print("app shell (precached files and the service worker):")
    for name, size, gz, sent, coding in rows:
        print(f"  {name:38} {size / 1000:7.1f} kB  gzip {gz / 1000:6.1f} kB  sent {sent / 1000:6.1f} kB ({coding})")
    raw, zipped, sent = sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)
    target = f"(target < {TARGET_SHELL_BYTES // 1000} kB gzipped)"
    print(f"  {'total':38} {raw / 1000:7.1f} kB  gzip {zipped / 1000:6.1f} kB  sent {sent / 1000:6.1f} kB  {target}")


def ready_ms(page: Page, selector: str) -> float:
    page.wait_for_selector(selector, state="attached")
    value: float = page.evaluate("window.__readyAt")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not (PWA_DIST / "build.json").is_file():
        raise SystemExit("build the app first: cd pwa && npm ci && npm run build")

    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("Chromium is not installed (./dev test installs Debian's chromium)")
    with (
        tempfile.TemporaryDirectory() as data,
        ServerProcess(Path(data), "--demo") as server,
        sync_playwright() as driver,
    ):
        url = server.base
        print_sizes(shell_sizes(PWA_DIST, url))
        browser = driver.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        context.add_init_script(WATCH % json.dumps(FORM_ITEM))
        page = context.new_page()
        page.goto(f"{url}/app/")
        page.fill("input[name=username]", "inspector1")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_selector("html[data-offline-ready=true]")
        page.wait_for_selector('.strip[data-phase="done"]')
        page.click("[data-action=new-inspection]")
        page.fill("input[name=site-search]", "联华超市(解放路店)")
        page.locator("[data-site-option]", has_text="联华超市(解放路店)").first.click()
        page.select_option("select[name=checklist]", value="supermarket_service")
        page.click("[data-action=start]")
        page.wait_for_selector(FORM_ITEM)
        context.set_offline(True)
        offline = []
        for _ in range(args.runs):
            page.reload()
            offline.append(ready_ms(page, FORM_ITEM))

        blank_context = browser.new_context(viewport={"width": 360, "height": 740})
        blank_context.add_init_script(WATCH % json.dumps("p"))
        blank_page = blank_context.new_page()
        blank = []
        for _ in range(args.runs):
            blank_page.goto("data:text/html,<!doctype html><meta charset=utf-8><title>blank</title><p>巡检</p>")
            blank.append(ready_ms(blank_page, "p"))
        browser.close()

    form_ms, blank_ms = statistics.median(offline), statistics.median(blank)
    target = f"(target < {TARGET_OFFLINE_MS} ms)"
    print(f"offline reload → form interactive: median {form_ms:.0f} ms over {args.runs} runs {target}")
    print(f"blank page (baseline):             median {blank_ms:.1f} ms")
    print(f"ratio form / blank page: {form_ms / blank_ms:.1f}×")


if __name__ == "__main__":
    main()
