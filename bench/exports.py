"""Peak memory of the streamed exports against the size of the data, in one run.

``python -m bench.exports [--rows 100000]`` builds a throwaway demo database, fills one
``market_order`` inspection through the device simulator (top-level items and stall entries),
copies its row in SQL until the export has at least ``--rows`` answer rows, then measures with
tracemalloc the peak Python memory of:

- the answers CSV stream (``sync.outputs.tables``), consumed chunk by chunk and thrown away;
- the answers XLSX stream (openpyxl write-only into a temporary file, sent in chunks);
- a baseline that holds every row in a list first (what streaming avoids).

It prints each peak in MB and its ratio to the CSV's size (the data exported).
"""

from __future__ import annotations

import argparse
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

from litestar.testing import TestClient

from bench.device import Device
from schemas.template import PassFail
from server.app import create_app
from server.settings import Settings
from sync.org.demo import DEMO_PASSWORD
from sync.outputs import exports
from sync.outputs.tables import csv_chunks, xlsx_chunks

MB = 1e6
MARKET = "望江农贸市场"
COLUMNS = (
    "id, org_id, site_id, checklist_id, version, inspector_id, status, created_at, updated_at,"
    " created_seq, updated_seq, open_conflicts, state_json"
)


def peak(run: Callable[[], int]) -> tuple[int, float]:
    """What ``run`` returns, and its peak traced memory in MB."""
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def drain(chunks: Iterator[bytes]) -> int:
    return sum(len(chunk) for chunk in chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="answer rows to export (at least)")
    parser.add_argument("--stalls", type=int, default=20, help="stall entries in the inspection copied")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), demo=True, argon2_time_cost=1, argon2_memory_kib=1024)
        app = create_app(settings)
        with TestClient(app) as client:
            login = {"username": "inspector1", "password": DEMO_PASSWORD, "device_name": "bench"}
            phone = Device(client, client.post("/api/auth/login", json=login).json()["token"], name="bench")
            sites = {s["name"]: s["id"] for s in client.get("/api/sites", headers=phone.headers).json()}
            inspection_id = phone.create(sites[MARKET], "market_order")
            template = app.state.catalog.get("market_order", 1)
            checks = [i.id for section in template.sections for i in section.items if isinstance(i, PassFail)]
            phone.set(inspection_id, {item: "fail" if n % 7 == 0 else "pass" for n, item in enumerate(checks)})
            phone.set(inspection_id, {"market_name": "望江农贸市场", "inspector_remarks": "抽查摊位"})
            for n in range(args.stalls):
                entry = phone.add_entry(inspection_id, "stalls")
                phone.set(
                    inspection_id,
                    {
                        f"stalls/{entry}/stall_no": f"A-{n:03d}",
                        f"stalls/{entry}/operator_name": "王某某",
                        f"stalls/{entry}/licence_displayed": "pass",
                        f"stalls/{entry}/prices_displayed": "fail" if n % 3 else "pass",
                        f"stalls/{entry}/stall_hygiene": "na",
                    },
                )
            phone.sync()
            store, catalog = app.state.store, app.state.catalog
            site_ids = [sites[MARKET]]
            per = sum(1 for _ in exports.answer_rows(store, catalog, site_ids, None, None))
            copies = -(-args.rows // per) - 1
            with store.transaction() as conn:
                conn.executemany(
                    f"INSERT INTO inspection ({COLUMNS}) SELECT printf('%s-%06d', id, ?),"
                    f" {COLUMNS.split(', ', 1)[1]} FROM inspection WHERE id = ?",
                    [(n, inspection_id) for n in range(copies)],
                )
            stored = store.db.execute("SELECT sum(length(state_json)) FROM inspection").fetchone()[0]
            header = exports.ANSWER_COLUMNS

            def rows() -> Iterator[list[object]]:
                return exports.answer_rows(store, catalog, site_ids, None, None)

            total = sum(1 for _ in rows())
            csv_bytes, csv_peak = peak(lambda: drain(csv_chunks(header, rows())))
            xlsx_bytes, xlsx_peak = peak(lambda: drain(xlsx_chunks("answers", header, rows())))
            _, held_peak = peak(lambda: drain(csv_chunks(header, iter(list(rows())))))
    size = csv_bytes / MB
    print(f"answer rows exported: {total:,} ({copies + 1:,} inspections; stored documents {stored / MB:.1f} MB)")
    print(f"CSV size: {size:.1f} MB; XLSX size: {xlsx_bytes / MB:.1f} MB")
    print(f"streamed CSV  peak {csv_peak:7.2f} MB   ratio to the CSV size {csv_peak / size:.3f}")
    print(f"streamed XLSX peak {xlsx_peak:7.2f} MB   ratio to the CSV size {xlsx_peak / size:.3f}")
    print(f"rows held first    {held_peak:7.2f} MB   ratio to the CSV size {held_peak / size:.3f} (baseline)")
    print(f"streaming keeps {csv_peak / held_peak:.3f} of the baseline's peak (CSV)")


if __name__ == "__main__":
    main()
