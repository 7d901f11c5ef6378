"""PDFium against pdfplumber on every PDF of tests/cases: the same cells, and how many pages a second.

    python -m bench.pdf_readers [--repeat N] [--no-timing] [--no-compare] [--json FILE]

Two parts, on the same files (every ``*.pdf`` under tests/cases, real and made alike):

* the same document? Each file is read by both readers in this process and compared page by
  page, table by table, cell by cell and line by line (``etl.readers.pdf_compare``): counts of
  identical pages, tables, cells and prose lines per file, and the first differences;
* how fast, cold? For each reader a pool of fresh processes (spawned: nothing imported, no
  cache) reads every file once, largest first: one process, then two. Wall time counts from
  the pool's start (interpreter and imports included); CPU time is each read's own
  (``time.process_time``), and the pool's whole CPU time is printed too, so the figures mean
  something on a busy machine. ``--repeat`` keeps each pool's best wall time.

The last table is the summary: reader, pages, pages/s on 1 and 2 cores (wall, and CPU per
page), identical cells in percent.
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
READERS = {
    "pdfplumber": ("etl.readers.pdf", "read_pdf"),
    "pdfium": ("etl.readers.pdfium", "read_pdf_pdfium"),
}


def pdf_files() -> list[Path]:
    """Every PDF of tests/cases, by name."""
    return sorted(CASES.rglob("*.pdf"), key=lambda p: p.name)


def _reader(name: str) -> Any:
    module, function = READERS[name]
    return getattr(importlib.import_module(module), function)


def _read_one(task: tuple[str, str]) -> tuple[str, int, float, float]:
    """In a worker: read one file -> (name, pages, CPU seconds, wall seconds) of the read alone."""
    name, path = task
    reader = _reader(name)
    data = Path(path).read_bytes()
    cpu, wall = time.process_time(), time.perf_counter()
    doc = reader(Path(path).name, data)
    return Path(path).name, len(doc.pages), time.process_time() - cpu, time.perf_counter() - wall


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_reader(name: str, files: list[Path], workers: int, repeat: int = 1) -> dict[str, Any]:
    """Cold reads of every file by a fresh pool of ``workers`` processes; the best of ``repeat``."""
    tasks = [(name, str(p)) for p in sorted(files, key=lambda p: p.stat().st_size, reverse=True)]
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        before = _children_cpu()
        start = time.perf_counter()
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_read_one, tasks))
        wall = time.perf_counter() - start
        pages = sum(r[1] for r in results)
        read_cpu = sum(r[2] for r in results)
        run = {
            "reader": name,
            "workers": workers,
            "pages": pages,
            "wall_s": round(wall, 2),
            "pages_per_s_wall": round(pages / wall, 1),
            "read_cpu_s": round(read_cpu, 2),
            "cpu_ms_per_page": round(1000 * read_cpu / pages, 1),
            "pages_per_s_cpu_per_core": round(pages / read_cpu, 1),
            "pool_cpu_s": round(_children_cpu() - before, 2),  # interpreters and imports included
        }
        if best is None or run["wall_s"] < best["wall_s"]:
            best = run
    assert best is not None
    return best


def compare_files(files: list[Path]) -> list[dict[str, Any]]:
    """Both readings of each file, compared (pdfplumber's is the reference)."""
    from etl.readers.pdf import read_pdf
    from etl.readers.pdf_compare import compare_documents
    from etl.readers.pdfium import read_pdf_pdfium

    rows = []
    for path in files:
        data = path.read_bytes()
        c = compare_documents(read_pdf(path.name, data), read_pdf_pdfium(path.name, data))
        rows.append(
            {
                "file": str(path.relative_to(CASES)),
                "identical": c.identical,
                "pages": [c.pages_same, c.pages],
                "tables": [c.tables_same, c.tables],
                "cells": [c.cells_same, c.cells],
                "lines": [c.lines_same, c.lines],
                "cells_pct": round(c.cells_share, 2),
                "max_box_gap_pt": round(c.max_box_gap, 6),
                "first_differences": c.differences[:3],
            }
        )
    return rows


def _print_comparison(rows: list[dict[str, Any]]) -> None:
    print(f"{'file':<72} {'pages':>9} {'tables':>9} {'cells':>13} {'lines':>11}  max box gap")
    for r in rows:
        cells = f"{r['cells'][0]}/{r['cells'][1]}"
        print(
            f"{r['file']:<72} {r['pages'][0]:>4}/{r['pages'][1]:<4} {r['tables'][0]:>4}/{r['tables'][1]:<4}"
            f" {cells:>13} {r['lines'][0]:>5}/{r['lines'][1]:<5}  {r['max_box_gap_pt']:.6f} pt"
        )
        for d in r["first_differences"]:
            print(f"    ≠ {d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=1, help="pools per reader and width; the best wall time is kept"
    )
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--no-compare", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    files = pdf_files()
    report: dict[str, Any] = {"files": len(files)}
    share = None
    if not args.no_compare:
        rows = compare_files(files)
        _print_comparison(rows)
        cells = [sum(r["cells"][i] for r in rows) for i in (0, 1)]
        share = 100.0 * cells[0] / cells[1] if cells[1] else 100.0
        report["comparison"] = rows
        identical = sum(r["identical"] for r in rows)
        print(
            f"\nidentical documents: {identical}/{len(rows)}; identical cells: {cells[0]}/{cells[1]} ({share:.2f}%)\n"
        )
    if not args.no_timing:
        runs = [time_reader(name, files, workers, args.repeat) for name in READERS for workers in (1, 2)]
        report["timing"] = runs
        for run in runs:
            print(json.dumps(run, ensure_ascii=False))
        print(
            f"\n{'reader':<11} {'pages':>5}  {'1 core p/s':>10} {'(CPU ms/p)':>10}"
            f"  {'2 cores p/s':>11} {'(CPU ms/p)':>10}  identical cells"
        )
        for name in READERS:
            one, two = (next(r for r in runs if r["reader"] == name and r["workers"] == w) for w in (1, 2))
            same = "reference" if name == "pdfplumber" else (f"{share:.2f}%" if share is not None else "-")
            print(
                f"{name:<11} {one['pages']:>5}  {one['pages_per_s_wall']:>10} {one['cpu_ms_per_page']:>10}"
                f"  {two['pages_per_s_wall']:>11} {two['cpu_ms_per_page']:>10}  {same}"
            )
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
