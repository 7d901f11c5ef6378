"""ETL throughput on a synthetic corpus: documents per second and peak memory.

    python -m bench.etl_throughput --docs 10000 [--workers 2]

Writes the corpus into bench/out/corpus-<docs> (anew each run: a corpus kept from an older
generator would measure other documents; it takes about 2 s), builds a
warehouse into bench/out/warehouse-<docs> from an empty document cache (a cold
build, which writes the cache as it goes) and prints one result line. Peak
memory is the maximum resident set of this process and its worker children.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path

from etl.build import build, default_cache
from etl.synth import write_corpus

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    corpus = OUT / f"corpus-{args.docs}"
    shutil.rmtree(corpus, ignore_errors=True)
    t = time.perf_counter()
    write_corpus(corpus, args.docs, seed=args.seed)
    print(f"generated {args.docs} documents in {time.perf_counter() - t:.1f}s")
    size = sum(p.stat().st_size for p in corpus.iterdir())
    warehouse = OUT / f"warehouse-{args.docs}"
    # A cold build: the per-document cache starts empty (and is written as the build goes).
    shutil.rmtree(default_cache(warehouse), ignore_errors=True)
    result = build(corpus, warehouse, workers=args.workers)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    line = {
        "documents": result.documents,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(result.elapsed, 2),
        "phases": result.phases,
        "documents_per_second": round(result.documents / result.elapsed, 1),
        "peak_rss_mb_main": round(peak_self, 1),
        "peak_rss_mb_worker": round(peak_children, 1),
        "counts": result.counts,
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
