"""Each page's queries on a large warehouse: median and p95 milliseconds per page.

    python -m bench.page_queries [--warehouse bench/out/warehouse-10000] [--runs 30] [--views none|all|T,..]

Build the warehouse first with `python -m bench.etl_throughput --docs 10000`.
Each run picks filters the way a user would (one district, all years; all
districts; one district and year) and times all queries one page issues, on a
fresh cursor each, without Streamlit's result cache (a cold page). Also reported:
``db.connect``'s time, the process's resident memory after it and its peak during it
(``--views``: those tables as views over their Parquet files instead of copies), and
the CPU time of each, steadier than the clock when other work shares the machine.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from dashboard import db, queries
from dashboard.queries import Filters
from etl import load

OUT = Path(__file__).resolve().parent / "out"


def _pages(
    con: duckdb.DuckDBPyConnection, f: Filters, pid: str, needle: str
) -> dict[str, Callable[[], object]]:
    def compare() -> None:
        for kind in ("final_accounts", "self_evaluation"):
            latest = queries.latest_year_per_district(con, f, kind)
            for d, y in latest.iter_rows():
                g = Filters((d,), (y,), f.departments, f.kinds)
                (queries.spending_by_class if kind == "final_accounts" else queries.projects)(con, g)

    return {
        "总览": lambda: (
            queries.filter_options(con),
            queries.headline_by_district_year(con, f),
            queries.coverage(con, f),
        ),
        "区际比较": compare,
        "年度比较": lambda: (queries.project_trend(con, f), queries.project_links(con, f)),
        "支出结构": lambda: (
            queries.functional_tree(con, f),
            queries.economic_basic(con, f),
            queries.basic_vs_project(con, f),
            queries.three_public(con, f),
        ),
        "预算执行": lambda: (queries.projects(con, f, "self_evaluation"), queries.narrative_items(con, f)),
        "绩效评分": lambda: (
            queries.projects(con, f, "self_evaluation"),
            queries.points_lost(con, f),
            queries.anomalies(con, f),
        ),
        "项目详情": lambda: (
            queries.search_projects(con, needle),
            queries.project(con, pid),
            queries.project_indicators(con, pid),
            queries.project_checks(con, pid),
            queries.same_project_elsewhere(con, pid),
        ),
        "数据下载": lambda: queries.download_table(con, "projects", f),
        "数据质量": lambda: (
            queries.documents(con),
            queries.checks_summary(con, f),
            queries.checks_list(con, f, ("error", "warning")),
        ),
    }


def _rss_mb() -> float:
    """This process's resident memory now (Linux /proc), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", default=str(OUT / "warehouse-10000"))
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--views",
        default=",".join(db.VIEWS),
        help="tables read as views over their Parquet files: comma-separated, 'none' or 'all' "
        "(default: the dashboard's, %(default)s)",
    )
    args = parser.parse_args()
    snap = db.current_snapshot(Path(args.warehouse))
    before_mb = _rss_mb()
    t, cpu = time.perf_counter(), time.process_time()
    named = {"all": ",".join(load.PARTITIONED), "none": ""}.get(args.views, args.views)
    views = [v for v in named.split(",") if v]
    con = db.connect(snap.path, views=views)
    load_ms, load_cpu_ms = (time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000
    memory = {
        "before_connect_rss_mb": round(before_mb),
        "after_connect_rss_mb": round(_rss_mb()),
        "connect_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    options = queries.filter_options(con)
    ids = queries.run(con, "SELECT project_id FROM projects USING SAMPLE 200 ROWS")["project_id"].to_list()
    rng = random.Random(1)
    timings: dict[str, list[float]] = {}
    cpu_times: dict[str, list[float]] = {}
    for i in range(args.runs):
        district = rng.choice(options["districts"])
        year = rng.choice(options["years"])
        f = [Filters((district,)), Filters(), Filters((district,), (year,))][i % 3]
        for page, run in _pages(
            con, f, rng.choice(ids), rng.choice(["热线", "运维", "培训", "宣传"])
        ).items():
            t, cpu = time.perf_counter(), time.process_time()
            run()
            timings.setdefault(page, []).append((time.perf_counter() - t) * 1000)
            cpu_times.setdefault(page, []).append((time.process_time() - cpu) * 1000)
    result = {
        "warehouse": str(snap.path),
        "views": views,
        "load_ms": round(load_ms),
        "load_cpu_ms": round(load_cpu_ms),
        **memory,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "pages": {},
    }
    for page, ms in timings.items():
        ms.sort()
        result["pages"][page] = {
            "median_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[max(0, int(len(ms) * 0.95) - 1)], 1),
            # CPU time of this process (both DuckDB threads): steadier than the clock on a shared machine
            "cpu_median_ms": round(statistics.median(cpu_times[page]), 1),
        }
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
