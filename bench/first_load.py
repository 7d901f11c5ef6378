"""The first page after the server starts: seconds from a healthy server to a drawn 总览.

    python -m bench.first_load [--warehouse bench/out/warehouse-10000] [--runs 3]

Each run starts the dashboard the way ``make run`` does (a fresh process on a free port),
waits for its health check, then opens 总览 in Debian's chromium and stops the clock when
the first script run is drawn (its charts drawn, no placeholder left). Also reported: the
seconds from launching the process to a healthy server. Goal: ≤ 3 s to a drawn 总览.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.browser import App, launch, load, new_page, timed

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", default=str(OUT / "warehouse-10000"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    firsts, starts = [], []
    with sync_playwright() as p:
        browser = launch(p)
        for i in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                with App(Path(args.warehouse), Path(tmp) / "server.log") as app:
                    starts.append(time.perf_counter() - started)
                    pg = new_page(browser)
                    firsts.append(timed(lambda app=app, pg=pg: load(pg, app.url)))
                    pg.close()
            print(
                f"run {i + 1}: server healthy after {starts[-1]:.2f} s, 总览 drawn {firsts[-1]:.2f} s later",
                flush=True,
            )
        browser.close()
    result = {
        "warehouse": args.warehouse,
        "runs": args.runs,
        "server_start_median_s": round(statistics.median(starts), 2),
        "first_overview_median_s": round(statistics.median(firsts), 2),
        "first_overview_max_s": round(max(firsts), 2),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "first_load.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
