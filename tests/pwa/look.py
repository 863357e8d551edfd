"""Checking a page as it looks in each mode: light, dark (the system's scheme) and large text,
with axe-core and, on the phone, the size rules; a screenshot of each kept in tests/artifacts."""

from __future__ import annotations

from playwright.sync_api import Page

from tests import ARTIFACTS
from tests.pwa.axe import serious_findings, small_targets, small_texts

MODES = ("light", "dark", "large")

SET_TEXT = """(text) => { document.documentElement.dataset.text = text }"""


def set_mode(page: Page, mode: str) -> None:
    """Dark follows the system's scheme (emulated, the app listens); large text is the app's data-text."""
    page.emulate_media(color_scheme="dark" if mode == "dark" else "light")
    page.wait_for_function(
        "(dark) => document.documentElement.dataset.scheme === (dark ? 'dark' : 'light')", arg=mode == "dark"
    )
    page.evaluate(SET_TEXT, "large" if mode == "large" else "normal")


def check_page(page: Page, name: str, *, phone: bool) -> list[str]:
    """Every problem of the page in every mode (empty when none); screenshots kept as artifacts."""
    problems: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    for mode in MODES:
        set_mode(page, mode)
        problems += [f"{name} [{mode}] axe {finding}" for finding in serious_findings(page)]
        if phone:
            problems += [f"{name} [{mode}] text under 14 px: {text}" for text in small_texts(page)]
            problems += [f"{name} [{mode}] target under 44 px: {target}" for target in small_targets(page)]
        if mode != "large":
            kind = "phone" if phone else "desk"
            page.screenshot(path=str(ARTIFACTS / f"look-{kind}-{name}-{mode}.png"), full_page=True)
    set_mode(page, "light")
    return problems
