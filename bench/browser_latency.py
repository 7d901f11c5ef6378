"""Real-browser latency per page on a large warehouse: first load, and filter change -> updated page.

    python -m bench.browser_latency [--warehouse bench/out/warehouse-10000] [--changes 20]

For every page: the time from navigation to the finished script run (first load),
then ``--changes`` filter changes in the sidebar (pick a district, then reset),
each timed from the choice (the Enter that picks the typed district, the click on 重置筛选) to
the drawn page: the typing before it is the official's (until 2026-12-07 it was timed too, ≈0.2 s). Prints median and p95 seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.browser import (
    PAGES,
    App,
    after,
    choose,
    launch,
    load,
    new_page,
    p95,
    timed,
    type_district,
)

OUT = Path(__file__).resolve().parent / "out"
DISTRICTS = ("松江", "闵行", "青浦", "黄浦", "徐汇", "普陀", "嘉定", "奉贤")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", default=str(OUT / "warehouse-10000"))
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument(
        "--pages", nargs="*", default=list(PAGES), help="page titles to measure (default: all)"
    )
    args = parser.parse_args()
    rng = random.Random(3)
    result: dict[str, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        App(Path(args.warehouse), Path(tmp) / "server.log") as app,
        sync_playwright() as p,
    ):
        browser = launch(p)
        pg = new_page(browser)
        load(pg, app.url)  # warm the server's caches of the connection once
        for title, path in PAGES.items():
            if title not in args.pages:
                continue
            first = timed(lambda path=path: load(pg, f"{app.url}/{path}"))
            changes = []
            for i in range(args.changes):
                if i % 2 == 0:
                    # Timed from the choice (Enter) to the drawn page; the typing before it is the official's.
                    type_district(pg, rng.choice(DISTRICTS))
                    changes.append(timed(lambda: after(pg, lambda: choose(pg))))
                else:
                    button = pg.get_by_role("button", name="重置筛选")
                    changes.append(timed(lambda button=button: after(pg, button.click)))
            result[title] = {
                "first_load_s": round(first, 2),
                "change_median_s": round(statistics.median(changes), 3),
                "change_p95_s": round(p95(changes), 3),
            }
            print(title, result[title], flush=True)
        browser.close()
    OUT.mkdir(exist_ok=True)
    (OUT / "browser_latency.json").write_text(
        json.dumps({"warehouse": args.warehouse, "pages": result}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
