"""An inspector's phone in the browser tests: the real PWA driven through its own buttons."""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass, field

from PIL import Image
from playwright.sync_api import BrowserContext, ConsoleMessage, FilePayload, Locator, Page

from tests.images import phone_jpeg

SHOP = "联华超市(解放路店)"
SUPERMARKET = "supermarket_service"
# Answers the filler gives where "pass", "no" or "none of these" would not do.
CHOICES = {"has_fresh_food": "yes", "fresh_categories": "frozen", "testing_arrangement": "own_lab"}

FIRST_UNANSWERED = """() => {
  for (const card of document.querySelectorAll('main > .item')) {
    const kind = card.dataset.kind
    const chosen = card.querySelector(':scope > .pf .on, :scope > .choices .on')
    if (['pass_fail', 'single_choice', 'multi_choice'].includes(kind) && !chosen) {
      const options = [...card.querySelectorAll(':scope > .pf [data-value], :scope > .choices [data-value]')]
      return [card.dataset.path, kind, options.map((o) => o.dataset.value)]
    }
  }
  return null
}"""

STORED_BLOB_SHA256 = """async (sha) => {
  const db = await new Promise((ok, fail) => {
    const request = indexedDB.open('xunjian')
    request.onsuccess = () => ok(request.result)
    request.onerror = fail
  })
  const record = await new Promise((ok) => {
    const request = db.transaction('blobs').objectStore('blobs').get(sha)
    request.onsuccess = () => ok(request.result)
  })
  const digest = await crypto.subtle.digest('SHA-256', await record.blob.arrayBuffer())
  db.close()
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}"""


def noisy_jpeg(width: int = 3000, height: int = 2000, seed: int = 7) -> bytes:
    """A camera-sized JPEG that compresses poorly, so its upload takes several chunks."""
    rng = random.Random(seed)
    small = Image.frombytes("RGB", (width // 8, height // 8), rng.randbytes(width // 8 * (height // 8) * 3))
    out = io.BytesIO()
    small.resize((width, height), Image.Resampling.NEAREST).save(out, "JPEG", quality=92)
    return out.getvalue()


def camera_jpeg() -> bytes:
    """A phone photo held sideways (EXIF orientation 6) with GPS, as a camera app saves it."""
    return phone_jpeg(6, size=(2400, 1800), gps=(30.2489, 120.1712))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Phone:
    """One device: a browser context (its own storage, service worker and network) and a page."""

    context: BrowserContext
    base_url: str
    page: Page = field(init=False)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        """Content-Security-Policy violations count as errors too."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(message.text)

    # ---- session ----

    def open(self, route: str = "") -> None:
        self.page.goto(f"{self.base_url}/app/{route}")
        self.page.wait_for_selector("html[data-ready=true]")

    def log_in(self, username: str = "inspector1", device: str = "手机") -> None:
        self.open()
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", "demo1234")
        self.page.fill("input[name=device_name]", device)
        self.page.click("form button[type=submit]")
        self.page.wait_for_selector("[data-action=new-inspection]")
        self.page.wait_for_selector("html[data-offline-ready=true]")
        self.wait_synced()

    def offline(self, cut: bool = True) -> None:
        self.context.set_offline(cut)

    def reload(self) -> None:
        self.page.reload()
        self.page.wait_for_selector("html[data-ready=true]")

    # ---- sync ----

    def wait_synced(self) -> None:
        """Until a sync run ended with nothing left to send."""
        self.page.wait_for_selector('.strip[data-unsynced="0"][data-phase="done"]', timeout=60_000)

    def sync(self) -> None:
        """Press 同步 and wait for a whole sync run that started after the press."""
        before = int(self.page.get_attribute(".strip", "data-started") or 0)
        self.page.click("[data-action=sync]")
        self.page.wait_for_function(
            "(before) => { const strip = document.querySelector('.strip');"
            " return Number(strip?.dataset.finished) > before && strip.dataset.phase === 'done' }",
            arg=before,
            timeout=60_000,
        )

    def synced_in_background(self) -> None:
        """A whole sync run started as the app starts one when the network comes back, not by a tap."""
        before = int(self.page.get_attribute(".strip", "data-started") or 0)
        self.page.evaluate("() => window.dispatchEvent(new Event('online'))")
        self.page.wait_for_function(
            "(before) => { const strip = document.querySelector('.strip');"
            " return Number(strip?.dataset.started) > before && Number(strip?.dataset.finished) > before"
            " && strip.dataset.phase === 'done' }",
            arg=before,
            timeout=60_000,
        )

    def unsynced(self) -> int:
        return int(self.page.get_attribute(".strip", "data-unsynced") or 0)

    # ---- inspections ----

    def start_inspection(self, site: str = SHOP, checklist: str = SUPERMARKET) -> str:
        self.page.click("[data-action=new-inspection]")
        self.choose_site(site)
        self.page.select_option("select[name=checklist]", value=checklist)
        self.page.click("[data-action=start]")
        self.page.wait_for_selector(".form-page")
        inspection_id = self.page.get_attribute(".form-page", "data-inspection")
        assert inspection_id is not None
        return inspection_id

    def choose_site(self, name: str) -> None:
        """In the open picker: type the site's name into the search and tap it."""
        self.page.fill("input[name=site-search]", name)
        self.page.locator("[data-site-option]", has_text=name).first.click()
        self.page.wait_for_selector("[data-site-chosen]")

    def open_inspection(self, inspection_id: str) -> None:
        self.page.goto(f"{self.base_url}/app/#/i/{inspection_id}")
        self.page.wait_for_selector(f'.form-page[data-inspection="{inspection_id}"]')

    def card(self, path: str) -> Locator:
        return self.page.locator(f'[data-path="{path}"]').first

    def go_to_section(self, title: str) -> None:
        button = self.page.locator("nav.sections button", has_text=title).first
        button.click()
        self.page.wait_for_selector(f'main.section[data-section="{button.get_attribute("data-section")}"]')

    def choose(self, path: str, value: str) -> None:
        button = self.card(path).locator(
            f':scope > .pf [data-value="{value}"], :scope > .choices [data-value="{value}"]'
        )
        button.click()
        self.page.wait_for_selector(f'[data-path="{path}"] [data-value="{value}"].on')

    def type_number(self, path: str, text: str) -> None:
        field_ = self.card(path).locator("input.num")
        field_.fill(text)
        field_.blur()
        self.page.wait_for_selector(f'[data-path="{path}"].pending')

    def take_photo(self, input_selector: str, jpeg: bytes, name: str = "photo.jpg") -> None:
        thumbs = self.page.locator(
            f"{input_selector} >> xpath=ancestor::div[contains(@class,'photos')][1]//img"
        ).count()
        photo: FilePayload = {"name": name, "mimeType": "image/jpeg", "buffer": jpeg}
        self.page.set_input_files(input_selector, files=[photo])
        self.page.wait_for_function(
            "([selector, n]) => { const box = document.querySelector(selector)?.closest('.photos');"
            " return box && box.querySelectorAll('img[src]').length > n }",
            arg=[input_selector, thumbs],
        )

    def sign(self, path: str, signer: str = "王经理") -> None:
        self.card(path).locator("[data-action=sign]").click()
        self.page.fill(".sheet input[name=signer_name]", signer)
        pad = self.page.locator(".sheet canvas[data-pad=signer]")
        box = pad.bounding_box()
        assert box is not None
        mouse = self.page.mouse
        mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
        mouse.down()
        for step in range(1, 30):
            mouse.move(box["x"] + 20 + step * 9, box["y"] + box["height"] * (0.7 - 0.4 * ((step % 10) / 10)))
        mouse.up()
        self.page.click("[data-action=confirm-signature]")
        self.page.wait_for_selector(f'[data-path="{path}"] [data-signature="signed"]')
        self.page.wait_for_selector(f'[data-path="{path}"] img.sig-img[src]')

    def fill_section(self, choices: dict[str, str] | None = None) -> int:
        """Answer every unanswered pass/fail and choice item shown: pass, no, none of these."""
        wanted = {**CHOICES, **(choices or {})}
        answered = 0
        while (found := self.page.evaluate(FIRST_UNANSWERED)) is not None:
            path, kind, options = found
            value = wanted.get(path) or _default(kind, options)
            self.choose(path, value)
            answered += 1
        return answered

    def fill_everything(self, choices: dict[str, str] | None = None) -> int:
        """Walk every section from the first, answering as :meth:`fill_section` does."""
        first = self.page.locator("nav.sections button").first
        first.click()
        self.page.wait_for_selector(f'main.section[data-section="{first.get_attribute("data-section")}"]')
        answered = 0
        while True:
            answered += self.fill_section(choices)
            next_button = self.page.locator(".bottom button", has_text="下一节")
            if next_button.count() == 0 or next_button.is_disabled():
                return answered
            current = self.page.get_attribute("main.section", "data-section")
            next_button.click()
            self.page.wait_for_function(
                f"() => document.querySelector('main.section')?.dataset.section !== '{current}'"
            )

    def submit(self) -> None:
        self.page.click("[data-action=submit]")
        self.page.wait_for_selector('.form-page[data-status="submitted"], [data-banner="missing"]')
        missing = self.page.locator('[data-banner="missing"]')
        assert missing.count() == 0, missing.inner_text()

    def stored_blob_sha256(self, sha: str) -> str:
        """SHA-256 of the bytes the device keeps in IndexedDB for ``sha``."""
        digest: str = self.page.evaluate(STORED_BLOB_SHA256, sha)
        return digest


def _default(kind: str, options: list[str]) -> str:
    if kind == "pass_fail":
        return "pass"
    if kind == "single_choice":
        return "no" if "no" in options else options[0]
    return "none" if "none" in options else (options[-1] if options[-1] == "" else options[0])
