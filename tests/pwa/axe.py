"""axe-core (the npm package in ``pwa/node_modules``) run inside a page, and the phone's size rules.

:func:`serious_findings` injects axe through the DevTools protocol (``page.evaluate``, which the
app's Content-Security-Policy does not govern, so the page keeps its own policy) and returns
every violation of impact serious or critical, one line each with the elements it names.
:func:`small_texts` and :func:`small_targets` measure the computed sizes of what is visible:
text under 14 px, and buttons, links, inputs and disclosure summaries smaller than 44×44 px.
"""

from __future__ import annotations

from functools import cache

from playwright.sync_api import Page

from server.routes.app_files import PWA_DIST

SERIOUS = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await window.axe.run(document, { resultTypes: ['violations'] })
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 6).map((n) =>
      `${n.target.join(' ')} :: ${(n.failureSummary || '').split('\\n').slice(1).join(' ')}`),
  }))
}"""

VISIBLE = """const visible = (el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
    && el.getClientRects().length > 0 && !el.closest('[aria-hidden=true]')"""

SMALL_TEXTS = """(minimum) => {
  VISIBLE
  const out = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  while (walker.nextNode()) {
    const node = walker.currentNode
    const el = node.parentElement
    if (!el || !node.textContent.trim() || !visible(el) || el.closest('svg')) continue
    const size = parseFloat(getComputedStyle(el).fontSize)
    const what = `${el.tagName.toLowerCase()}.${el.className}: ${node.textContent.trim().slice(0, 30)}`
    if (size < minimum) out.push(`${size}px ${what}`)
  }
  return [...new Set(out)]
}""".replace("VISIBLE", VISIBLE)

SMALL_TARGETS = """(minimum) => {
  VISIBLE
  const out = []
  const targets = ['button', 'a[href]', 'input:not([type=hidden])', 'select', 'textarea', 'summary', '[role=button]',
    'label:has(> input[type=file])'].join(', ')
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el)) continue
    const box = el.getBoundingClientRect()
    if (box.width < minimum || box.height < minimum) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || '').trim()
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`
      out.push(`${size} ${el.tagName.toLowerCase()}.${el.className}: ${name.slice(0, 30)}`)
    }
  }
  return out
}""".replace("VISIBLE", VISIBLE)


@cache
def axe_source() -> str:
    """axe-core's browser bundle, from the app's devDependencies (``./dev test`` installs them)."""
    return (PWA_DIST.parent / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def serious_findings(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(axe_source())
    violations: list[dict[str, object]] = page.evaluate(RUN_AXE)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in violations if v["impact"] in SERIOUS]


def small_texts(page: Page, minimum: float = 14) -> list[str]:
    """Visible texts whose computed font size is under ``minimum`` px."""
    found: list[str] = page.evaluate(SMALL_TEXTS, minimum)
    return found


def small_targets(page: Page, minimum: float = 44) -> list[str]:
    """Visible buttons, links, inputs and summaries smaller than ``minimum``×``minimum`` px."""
    found: list[str] = page.evaluate(SMALL_TARGETS, minimum)
    return found
