"""ETL on real published documents: cold build, incremental build, and pdfplumber's own speed.

    python -m bench.real_documents --docs 500 [--workers 2]

The corpus is the real files of tests/cases/real (PDFs and XLSX of 普陀 departments and
another region's declaration form) repeated under distinct names to ``--docs`` documents,
in bench/out/real-<docs>/. Three measurements, one run each, on the same machine:

* pdfplumber alone: open each distinct PDF and load every page's characters (the part of
  reading a PDF that no parser can avoid), in one process: pages per second per core;
* cold: build the whole corpus with an empty cache: pages/s, documents/s, peak memory;
* incremental: add one document (the 25-page 财政局 决算, the heaviest) and build again
  with the cache the cold build left (``--incremental-only`` reuses the last cold run's cache).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import time
from pathlib import Path

from etl.build import build

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "cases" / "real"
OUT = Path(__file__).resolve().parent / "out"


def corpus(n: int) -> Path:
    """bench/out/real-<n>/: the real files repeated to n documents (reused when complete)."""
    files = sorted(p for p in REAL.iterdir() if p.suffix in (".pdf", ".xlsx", ".docx"))
    target = OUT / f"real-{n}"
    if target.exists() and len(list(target.iterdir())) == n:
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for i in range(n):
        src = files[i % len(files)]
        shutil.copyfile(src, target / f"{i:04d}_{src.name}")
    return target


def pdfplumber_alone(files: list[Path]) -> dict[str, float]:
    """Pages per second of pdfplumber loading characters, one process."""
    import pdfplumber

    pages = 0
    started = time.perf_counter()
    for path in files:
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
            for page in pdf.pages:
                _ = page.chars
                pages += 1
    elapsed = time.perf_counter() - started
    return {"pages": pages, "seconds": round(elapsed, 2), "pages_per_second": round(pages / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--incremental-only",
        action="store_true",
        help="keep the cache of the last cold run and measure only the incremental build",
    )
    args = parser.parse_args()
    raw = corpus(args.docs)
    work = OUT / f"real-{args.docs}-build"
    cache_dir = work / "cache"
    warehouse = work / "warehouse"
    result: dict[str, object] = {"documents": args.docs}
    if not (args.incremental_only and cache_dir.exists()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        result["pdfplumber_alone_one_process"] = pdfplumber_alone(sorted(REAL.glob("*.pdf")))
        cold = build(raw, warehouse, workers=args.workers, cache_dir=cache_dir)
        result["cold"] = {
            "seconds": round(cold.elapsed, 1),
            "pages": cold.pages,
            "pages_per_second": round(cold.pages / cold.elapsed, 1),
            "documents_per_second": round(cold.documents / cold.elapsed, 2),
            "phases": cold.phases,
            "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_mb_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "counts": cold.counts,
        }

    extra = next(p for p in sorted(REAL.iterdir()) if p.suffix == ".pdf")
    # A name no earlier run used, so the added document is never in the cache.
    added = raw / f"{args.docs:04d}_added_{time.time_ns()}_{extra.name}"
    shutil.copyfile(extra, added)
    try:
        incremental = build(raw, warehouse, workers=args.workers, cache_dir=cache_dir)
    finally:
        added.unlink()

    result["incremental_one_added"] = {
        "documents": incremental.documents,
        "seconds": round(incremental.elapsed, 2),
        "phases": incremental.phases,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
