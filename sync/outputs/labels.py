"""QR labels for sites: an A4 sheet of labels an admin prints and posts at each site or stall.

Each label holds a QR code of the app's link to the site (``<app>/#/site/<site id>``: the app
opens a new inspection there, and a phone's own camera app opens the same link), the site's
name and address. Rendered with fpdf2 (CJK font embedded, as the inspection report) and segno.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from sync.org.sites import Site
from sync.outputs.pdf import find_cjk_font

COLUMNS = 3
ROWS = 4
MARGIN_MM = 10.0
QR_MM = 42.0


def site_link(app_url: str, site_id: str) -> str:
    """The link a site's QR code holds: the app's page starting an inspection of the site."""
    return f"{app_url.rstrip('/')}/#/site/{site_id}"


def qr_png(text: str) -> bytes:
    """A QR code (error correction M, quiet zone kept) as PNG bytes."""
    import segno  # noqa: PLC0415 - imported when labels are first printed, not at server start

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def render_site_labels(sites: Sequence[Site], app_url: str, font: Path | None = None) -> bytes:
    """The sheet(s) of labels, one per site, as PDF bytes (12 labels per A4 page).

    The same sites and link give the same labels: the last few sheets are kept, as embedding
    the CJK font takes seconds and an admin tends to print, look, and print again.
    """
    return _render(tuple(sites), app_url, font)


@lru_cache(maxsize=8)
def _render(sites: tuple[Site, ...], app_url: str, font: Path | None) -> bytes:
    font_file, index = find_cjk_font(font)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("cjk", fname=str(font_file), collection_font_number=index)
    pdf.set_title("场所二维码 Site QR labels")
    width = (pdf.w - 2 * MARGIN_MM) / COLUMNS
    height = (pdf.h - 2 * MARGIN_MM) / ROWS
    for n, site in enumerate(sites):
        if n % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        column, row = n % COLUMNS, (n // COLUMNS) % ROWS
        x, y = MARGIN_MM + column * width, MARGIN_MM + row * height
        pdf.set_draw_color(190, 190, 190)
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, width, height)  # where to cut
        pdf.set_dash_pattern()
        pdf.image(io.BytesIO(qr_png(site_link(app_url, site.id))), x=x + (width - QR_MM) / 2, y=y + 4, w=QR_MM, h=QR_MM)
        pdf.set_xy(x + 3, y + 4 + QR_MM + 1)
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(width - 6, 5, site.name, align="C", max_line_height=5)
        pdf.set_x(x + 3)
        pdf.set_font("cjk", size=7)
        pdf.set_text_color(80, 80, 80)
        pdf.multi_cell(width - 6, 3.5, site.address, align="C")
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())
