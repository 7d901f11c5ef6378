"""Command line: ``python -m etl build`` and ``python -m etl synth``.

A thin layer over etl.build and etl.synth: argument parsing, progress and exit codes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.config import DEFAULT_OUT, DEFAULT_RAW

LOCK_WAIT = 900.0  # seconds a build waits for another build of the same warehouse (an upload)

# Exit codes of `python -m etl build`, also shown by --help.
EXIT_NOTHING_BUILT = 2  # no file yielded a table, or no raw folder / no files
EXIT_BUSY = 3  # another build of the same warehouse held its lock for LOCK_WAIT seconds
EXIT_UNWRITABLE = 4  # the warehouse's folder could not be written: disk full, read-only, no permission
EXIT_ENGINE = 5  # the --engine could not run the build: not installed, address unreachable, no workers
BUILD_EPILOG = f"""exit codes:
  0  the new warehouse is in
  {EXIT_NOTHING_BUILT}  nothing usable was read; the existing warehouse is untouched
  {EXIT_BUSY}  another build of the same warehouse held its lock for {LOCK_WAIT:.0f} s
  {EXIT_UNWRITABLE}  the warehouse's folder could not be written (disk full, read-only, no
     permission), said in one line; the existing warehouse is untouched
  {EXIT_ENGINE}  the --engine could not run the build (not installed, --address unreachable,
     no workers left), said in one line; the existing warehouse is untouched"""


def _build(args: argparse.Namespace) -> int:
    from etl.build import BuildError, build, print_progress, summary
    from etl.engines import EngineError
    from etl.errors import WarehouseUnwritable
    from etl.load import WarehouseBusy, lock_path, warehouse_lock

    out = Path(args.out)
    try:
        # The 数据导入 page builds under the same lock: one build of a warehouse at a time.
        with warehouse_lock(out, LOCK_WAIT):
            result = build(
                Path(args.raw),
                out,
                workers=args.workers,
                progress=None if args.quiet else print_progress,
                cache_dir=False if args.no_cache else (Path(args.cache) if args.cache else True),
                engine=args.engine,
                address=args.address,
            )
    except WarehouseBusy:
        print(
            f"错误：数据仓库 {out} 正由另一次构建或导入使用（锁文件 {lock_path(out)}），"
            f"等待 {LOCK_WAIT:.0f} 秒后放弃；原有数据仓库（如有）未改变",
            file=sys.stderr,
        )
        return EXIT_BUSY
    except WarehouseUnwritable as exc:
        print(f"{exc}；原有数据仓库未改变", file=sys.stderr)
        return EXIT_UNWRITABLE
    except EngineError as exc:
        print(f"错误：{exc}；原有数据仓库（如有）未改变", file=sys.stderr)
        return EXIT_ENGINE
    except BuildError as exc:
        print(f"错误：{exc}；原有数据仓库（如有）未改变", file=sys.stderr)
        return EXIT_NOTHING_BUILT
    print(summary(result))
    return 0


def _synth(args: argparse.Namespace) -> int:
    from etl.synth import write_corpus

    written = write_corpus(Path(args.out), docs=args.docs, seed=args.seed)
    print(f"wrote {written} synthetic documents to {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Budget disclosure ETL")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser(
        "build",
        help="parse data/raw into the Parquet warehouse",
        epilog=BUILD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    b.add_argument(
        "--raw", default=str(DEFAULT_RAW), help="directory of source documents (default: %(default)s)"
    )
    b.add_argument("--out", default=str(DEFAULT_OUT), help="warehouse directory (default: %(default)s)")
    b.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes, local or started by dask (default: all cores)",
    )
    b.add_argument(
        "--engine",
        default="local",
        help="where documents are read: local (this machine's processes, default) or dask (a Dask "
        "cluster: --workers processes started on 127.0.0.1, or the scheduler at --address)",
    )
    b.add_argument(
        "--address",
        default=None,
        help="a running Dask scheduler, e.g. tcp://127.0.0.1:8786 (raw files and cache on storage every worker sees)",
    )
    b.add_argument("--quiet", action="store_true", help="no progress line")
    b.add_argument(
        "--cache", default=None, help="cache of parsed documents (default: <out>.cache beside the warehouse)"
    )
    b.add_argument("--no-cache", action="store_true", help="read every document again")
    b.set_defaults(func=_build)
    s = sub.add_parser("synth", help="write a synthetic corpus with known figures")
    s.add_argument("--docs", type=int, default=100, help="number of documents (default: %(default)s)")
    s.add_argument("--out", required=True, help="directory to write into")
    s.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    s.set_defaults(func=_synth)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
