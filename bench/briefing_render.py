"""导出简报: the ways to turn a briefing's Plotly figures into images and the briefing into a PDF,
timed on the same three briefings (总览, 预算执行, 预算与决算 of a warehouse, no filter).

- ``playwright`` (the one used, dashboard/briefing_render.py): one Debian chromium per file, driven
  by Playwright; plotly.js from the plotly package on disk draws each figure and returns its PNG
  (Plotly.toImage); the PDF is the briefing's HTML printed by the same chromium.
- ``chromium_cli``: no Python package at all: chromium's command line, once with ``--dump-dom`` on
  a page that writes the PNGs into the DOM, once with ``--print-to-pdf`` (``--virtual-time-budget``
  lets the scripts finish first). Two launches for a PDF.
- ``kaleido`` (only when installed; it is not a dependency): ``plotly.io.to_image`` per figure with
  kaleido 1.x on the same chromium (``BROWSER_PATH``); images only — a PDF would still need one of
  the above.

python -m bench.briefing_render [--warehouse data/warehouse] [--runs 3]
Run it under ``unshare -n`` (no network interface at all) to see that each works offline.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import os
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import plotly.io as pio

from dashboard import briefing, briefing_render, db
from dashboard.queries import Filters

PAGES = ("总览", "预算执行", "预算与决算")


def _seconds(fn: Callable[[], object], runs: int) -> float:
    """Median seconds of ``fn``; every run draws its charts (the server's picture cache emptied first),
    as the other ways, which keep none, do."""
    times = []
    for _ in range(runs):
        briefing_render.DRAWN = briefing_render._Images()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 2)


def _cli(args: list[str], url: str) -> subprocess.CompletedProcess:
    command = [
        briefing_render.CHROMIUM,
        *briefing_render.CHROMIUM_ARGS,
        "--virtual-time-budget=30000",
        *args,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


def cli_images(b: briefing.Briefing, folder: Path) -> list[bytes]:
    specs = [pio.to_json(briefing_render._for_print(f), validate=False) for f in b.figures]
    draw = briefing_render._DRAW
    page = folder / "charts.html"
    page.write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><script src="{briefing_render.PLOTLY_JS.as_uri()}">'
        f'</script></head><body><pre id="out"></pre><script>({draw})({json.dumps(specs)})'
        '.then(u => document.getElementById("out").textContent = JSON.stringify(u))</script></body></html>',
        encoding="utf-8",
    )
    dom = _cli(["--dump-dom"], page.as_uri()).stdout
    found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    urls = json.loads(html.unescape(found.group(1))) if found else []
    return [base64.b64decode(u.split(",", 1)[1]) for u in urls]


def cli_pdf(b: briefing.Briefing) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        images = cli_images(b, folder)
        page = folder / "briefing.html"
        page.write_text(briefing_render.to_html(b, images), encoding="utf-8")
        out = folder / "briefing.pdf"
        _cli(["--no-pdf-header-footer", f"--print-to-pdf={out}"], page.as_uri())
        return out.read_bytes()


def kaleido_images(b: briefing.Briefing) -> list[bytes]:
    return [pio.to_image(briefing_render._for_print(f), format="png", width=760, scale=2) for f in b.figures]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", default="data/warehouse")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    con = db.connect(db.current_snapshot(Path(args.warehouse)).path)
    try:
        import kaleido  # noqa: F401

        os.environ.setdefault("BROWSER_PATH", briefing_render.CHROMIUM)
        has_kaleido = True
    except ImportError:
        has_kaleido = False
    for page in PAGES:
        b = briefing.build(page, con, Filters(), made_at="—", data_at="—")
        out: dict[str, object] = {"page": page, "figures": len(b.figures)}
        out["model_s"] = _seconds(
            lambda p=page: briefing.build(p, con, Filters(), made_at="—", data_at="—"), args.runs
        )

        def playwright_images(b: briefing.Briefing = b) -> list[bytes]:
            return briefing_render.in_browser(lambda work: briefing_render.chart_images(work, b.figures))

        out["playwright_images_s"] = _seconds(playwright_images, args.runs)
        out["playwright_pdf_s"] = _seconds(lambda b=b: briefing_render.to_pdf(b), args.runs)
        out["playwright_docx_s"] = _seconds(lambda b=b: briefing_render.to_docx(b), args.runs)
        with tempfile.TemporaryDirectory() as tmp:
            out["cli_images_s"] = _seconds(lambda b=b: cli_images(b, Path(tmp)), args.runs)
        out["cli_pdf_s"] = _seconds(lambda b=b: cli_pdf(b), args.runs)
        if has_kaleido:
            out["kaleido_images_s"] = _seconds(lambda b=b: kaleido_images(b), args.runs)
        out["pdf_kb"] = len(briefing_render.to_pdf(b)) // 1024
        out["docx_kb"] = len(briefing_render.to_docx(b)) // 1024
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
