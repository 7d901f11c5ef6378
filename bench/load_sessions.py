"""Five browser sessions click through the pages for two minutes while the warehouse is rebuilt twice.

    python -m bench.load_sessions [--sessions 5] [--seconds 120] [--synthetic 600]

Two corpora give two recognisably different warehouses: A = the seeds, B = the seeds plus
``--synthetic`` synthetic documents (16 districts). Each session repeatedly opens a page and
records the build id the sidebar shows and how many district cards 总览 draws; a page showing
build A with B's districts (or the reverse) would be a mixture. Reports errors, latency p95,
the server's peak memory and any server log line above warning.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench.browser import PAGES, App, launch, load, new_page, p95
from etl.build import build
from etl.synth import write_corpus

ROOT = Path(__file__).resolve().parents[1]
BUILD_ID = re.compile(r"数据版本：(\S+?)（")
COMBOS = re.compile(r"当前范围有 (\d+) 个“区 × 年度”组合")


def session(url: str, seconds: float, seed: int, queue: mp.Queue) -> None:
    from playwright.sync_api import sync_playwright

    latencies, views, errors = [], [], []
    paths = list(PAGES.values())
    with sync_playwright() as p:
        browser = launch(p)
        pg = new_page(browser, 1280, 1000)
        deadline = time.monotonic() + seconds
        i = seed
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            t = time.perf_counter()
            try:
                load(pg, f"{url}/{path}")
                latencies.append(time.perf_counter() - t)
                side = pg.locator('[data-testid="stSidebar"]').inner_text()
                m = BUILD_ID.search(side)
                signature = None
                if path == "":
                    # What 总览 shows of the data: its district-year cards, or the count it states.
                    main = pg.locator('[data-testid="stMain"]')
                    cards = main.get_by_text(re.compile(r"^\S+区 \d{4} 年度$")).count()
                    stated = COMBOS.search(main.inner_text())
                    signature = (
                        f"{cards} cards" if cards else (f"{stated.group(1)} combos" if stated else "none")
                    )
                views.append({"path": path, "build": m.group(1) if m else None, "cards": signature})
                if pg.locator('[data-testid="stException"]').count():
                    errors.append(f"exception on /{path}")
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                errors.append(f"/{path}: {type(exc).__name__}: {str(exc)[:200]}")
        browser.close()
    queue.put({"latencies": latencies, "views": views, "errors": errors})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--synthetic", type=int, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus_a = ROOT / "data" / "raw"
        corpus_b = tmp_path / "corpus_b"
        shutil.copytree(corpus_a, corpus_b)
        write_corpus(corpus_b, args.synthetic, seed=5)
        warehouse = tmp_path / "warehouse"
        build(corpus_a, warehouse, workers=1)
        log = tmp_path / "server.log"
        with App(warehouse, log) as app:
            server = psutil.Process(app.proc.pid)
            queue: mp.Queue = mp.Queue()
            procs = [
                mp.Process(target=session, args=(app.url, args.seconds, k, queue))
                for k in range(args.sessions)
            ]
            for proc in procs:
                proc.start()
            peak_rss = 0
            rebuilds = []
            start = time.monotonic()
            plan = [args.seconds * 0.3, args.seconds * 0.65]
            while any(proc.is_alive() for proc in procs):
                peak_rss = max(
                    peak_rss, sum(p.memory_info().rss for p in [server, *server.children(recursive=True)])
                )
                if plan and time.monotonic() - start > plan[0]:
                    plan.pop(0)
                    corpus = corpus_b if len(rebuilds) % 2 == 0 else corpus_a
                    t = time.perf_counter()
                    subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "etl",
                            "build",
                            "--raw",
                            str(corpus),
                            "--out",
                            str(warehouse),
                            "--quiet",
                        ],
                        check=True,
                        cwd=ROOT,
                        capture_output=True,
                    )
                    rebuilds.append({"corpus": corpus.name, "seconds": round(time.perf_counter() - t, 1)})
                time.sleep(0.5)
            results = [queue.get() for _ in procs]
            for proc in procs:
                proc.join()
        server_log = log.read_text(errors="replace")
    latencies = [x for r in results for x in r["latencies"]]
    errors = [e for r in results for e in r["errors"]]
    builds: dict[str, set] = {}
    for r in results:
        for v in r["views"]:
            if v["cards"] is not None:
                builds.setdefault(v["build"], set()).add(v["cards"])
    mixtures = {b: sorted(c) for b, c in builds.items() if len(c) > 1}
    log_lines = server_log.splitlines()
    bad_log = []
    for i, line in enumerate(log_lines):
        if re.search(r"\b(ERROR|CRITICAL|Traceback)\b", line):
            bad_log.extend(log_lines[i : i + 45])
    print(
        json.dumps(
            {
                "sessions": args.sessions,
                "seconds": args.seconds,
                "page_views": len(latencies),
                "errors": errors[:20],
                "error_count": len(errors),
                "latency_median_s": round(sorted(latencies)[len(latencies) // 2], 2) if latencies else None,
                "latency_p95_s": round(p95(latencies), 2) if latencies else None,
                "rebuilds": rebuilds,
                "builds_seen": {b: sorted(c) for b, c in builds.items()},
                "mixtures": mixtures,
                "server_peak_rss_mb": round(peak_rss / 1e6),
                "server_log_above_warning": bad_log[:90],
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
