"""The query layer against Datasette: the same five questions of the same warehouse, timed on both.

    python -m bench.datasette_compare [--docs 2000] [--runs 7] [--district 嘉定] [--year 2021]

Builds (or reuses) a synthetic corpus and warehouse under bench/out/ with the
ETL's command line, loads every warehouse table into one SQLite file with
indexes on (district, year), project_id and (district, year, statement) where a
table has those columns, installs Datasette 0.65 into its own environment
(bench/out/datasette-venv, not a project dependency) and serves the file
immutable on a free loopback port (sql_time_limit_ms and max_returned_rows raised
so the whole anomaly list comes back). Then asks both sides the same five questions
with the same filters: totals by district and year (all), 类 structure for one
district and year, that district-year's self-evaluated projects, the auditor's
anomalies (all) and one project's indicators. Our side calls dashboard.queries on
a ``db.connect(build)`` connection exactly as a page does (Polars frame out, no
result cache); Datasette's side is one HTTP request to its JSON API
(``?sql=…&_shape=array``, filter values bound as ``:name`` parameters) over a
kept-alive connection, response parsed. One warm-up each, then the median of
``--runs``. Both sides must return the same rows (counts, and totals or keys
where cheap) or the run fails. Prints a table and writes
bench/out/datasette_compare.json; the server is stopped by its PID at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboard import db, queries
from dashboard.queries import T3, Filters
from etl.load import read_table
from etl.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"
DATASETTE = "datasette==0.65.*"
DB_NAME = "budget"  # the SQLite file's stem: Datasette serves it at /budget.json
INDEXES = (("district", "year"), ("project_id",), ("district", "year", "statement"))

# --- the five questions as SQLite SQL (constants inline as in dashboard.queries; filter values bound) ---
# Datasette passes every parameter as text: numbers are cast back so comparisons are numeric.

SQL_HEADLINE = f"""
WITH spend AS (
    SELECT district, year,
           sum(CASE WHEN measure = '本年支出合计' THEN amount_yuan END) AS total_expenditure_yuan,
           sum(CASE WHEN measure = '基本支出' THEN amount_yuan END) AS basic_yuan,
           sum(CASE WHEN measure = '项目支出' THEN amount_yuan END) AS project_yuan,
           json_group_array(DISTINCT department) AS final_departments
    FROM budget_lines
    WHERE template = '{T3}' AND level = 0 AND code IS NULL
    GROUP BY district, year
), evals AS (
    SELECT district, year, count(*) AS evaluated_projects, avg(score_total) AS avg_score,
           sum(executed_yuan) / nullif(sum(budget_full_year_yuan), 0) AS execution_rate,
           json_group_array(DISTINCT department) AS evaluated_departments
    FROM projects WHERE kind = 'self_evaluation'
    GROUP BY district, year
)
SELECT coalesce(s.district, e.district) AS district, coalesce(s.year, e.year) AS year,
       s.total_expenditure_yuan, s.basic_yuan, s.project_yuan,
       coalesce(e.evaluated_projects, 0) AS evaluated_projects, e.avg_score, e.execution_rate,
       coalesce(s.final_departments, '[]') AS final_departments,
       coalesce(e.evaluated_departments, '[]') AS evaluated_departments
FROM spend s FULL JOIN evals e ON s.district = e.district AND s.year = e.year
ORDER BY 1, 2
"""

SQL_CLASS = f"""
SELECT district, year, code, min(name) AS name, sum(amount_yuan) AS amount_yuan,
       sum(amount_yuan) / sum(sum(amount_yuan)) OVER (PARTITION BY district, year) AS share,
       json_group_array(DISTINCT department) AS departments
FROM budget_lines
WHERE district = :district AND year = CAST(:year AS INTEGER) AND statement = '{T3}' AND template = '{T3}'
  AND measure = '本年支出合计' AND level = 1
GROUP BY district, year, code
ORDER BY district, year, amount_yuan DESC
"""

SQL_PROJECTS = """
SELECT project_id, district, year, department, unit, project_name, kind,
       budget_initial_yuan, budget_full_year_yuan, executed_yuan, execution_rate,
       score_total, score_max, grade, category, n_indicators, source_file, source_line,
       executed_yuan / nullif(budget_full_year_yuan, 0) AS execution_rate_computed
FROM projects
WHERE kind = 'self_evaluation' AND district = :district AND year = CAST(:year AS INTEGER)
ORDER BY district, year, department, project_name, source_line
"""

# Money is REAL in SQLite, so the 分值 sum is compared at cents (DuckDB's side is exact DECIMAL).
SQL_ANOMALIES = """
WITH p AS (SELECT * FROM projects WHERE kind = 'self_evaluation'),
low_rate_high_score AS (
    SELECT p.project_id, '执行率低但得分高' AS finding,
           printf('执行率 %.2f%%，总分 %g',
                  100 * coalesce(p.execution_rate, p.executed_yuan / nullif(p.budget_full_year_yuan, 0)),
                  p.score_total) AS detail
    FROM p WHERE coalesce(p.execution_rate, p.executed_yuan / nullif(p.budget_full_year_yuan, 0)) < CAST(:low_rate AS REAL)
      AND p.score_total >= CAST(:high_score AS REAL)
),
missed_full_points AS (
    SELECT p.project_id, '未达目标却得满分' AS finding,
           group_concat(printf('%s：目标 %s，实际 %s，得分 %g/%g', i.level3, i.target_value, i.actual_value,
                               i.score, i.weight), '；') AS detail
    FROM p JOIN indicators i USING (project_id)
    WHERE i.meets_target = 0 AND i.score >= i.weight
    GROUP BY p.project_id
),
weights_off AS (
    SELECT p.project_id, '分值合计不为满分' AS finding,
           printf('指标分值 %g + 预算执行 %g ≠ %g', sum(i.weight), coalesce(p.execution_weight, 0), p.score_max)
               AS detail
    FROM p JOIN indicators i USING (project_id)
    GROUP BY p.project_id
    HAVING round(sum(i.weight) + coalesce(p.execution_weight, 0), 2) <> round(p.score_max, 2)
),
identical AS (
    SELECT p.project_id, '目标值与实际值全部相同' AS finding,
           printf('%d 个指标的实际完成值与年度指标值一字不差', count(*)) AS detail
    FROM p JOIN indicators i USING (project_id)
    GROUP BY p.project_id
    HAVING count(*) >= 3 AND min(i.target_value IS i.actual_value) = 1
),
found AS (
    SELECT * FROM low_rate_high_score UNION ALL SELECT * FROM missed_full_points
    UNION ALL SELECT * FROM weights_off UNION ALL SELECT * FROM identical
)
SELECT found.finding, p.district, p.year, p.department, p.project_name, found.detail,
       p.execution_rate, p.score_total, p.project_id
FROM found JOIN projects p USING (project_id)
ORDER BY found.finding, p.district, p.year, p.project_name
"""

SQL_INDICATORS = """
SELECT seq, level1, level2, level3, target_value, actual_value, weight, score, meets_target,
       deviation_reason, explanation, scoring_rule, source_line
FROM indicators WHERE project_id = :pid ORDER BY seq
"""


# --- the corpus, the warehouse and its SQLite copy ------------------------------------------


def _etl(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, check=True)


def ensure_warehouse(docs: int) -> db.Snapshot:
    corpus = OUT / f"corpus-{docs}"
    warehouse = OUT / f"warehouse-{docs}"
    fresh = not corpus.is_dir() or len(list(corpus.iterdir())) != docs
    if fresh:
        shutil.rmtree(corpus, ignore_errors=True)
        _etl("synth", "--docs", str(docs), "--out", str(corpus))
    try:
        if not fresh:
            return db.current_snapshot(warehouse)
    except db.WarehouseMissing:
        pass
    _etl("build", "--raw", str(corpus), "--out", str(warehouse), "--quiet")
    return db.current_snapshot(warehouse)


def _sqlite_type(dtype: pl.DataType) -> str:
    if dtype.is_integer() or dtype == pl.Boolean:
        return "INTEGER"
    if dtype.is_numeric():  # DECIMAL and floats: REAL, as sqlite-utils or pandas would store them
        return "REAL"
    return "TEXT"


def ensure_sqlite(snap: db.Snapshot, docs: int) -> Path:
    """Every warehouse table in one SQLite file, with the indexes; rebuilt when the build changes."""
    folder = OUT / f"datasette-{docs}"
    path = folder / f"{DB_NAME}.db"
    if path.is_file():
        with sqlite3.connect(path) as con:
            try:
                if con.execute("SELECT build_id FROM _build").fetchone() == (snap.build_id,):
                    return path
            except sqlite3.Error:
                pass
    folder.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        for table in TABLES:
            df = read_table(snap.path, table)
            casts = [pl.col(c).cast(pl.Float64) for c, t in df.schema.items() if isinstance(t, pl.Decimal)]
            df = df.with_columns(casts) if casts else df
            columns = ", ".join(f'"{c}" {_sqlite_type(t)}' for c, t in df.schema.items())
            con.execute(f'CREATE TABLE "{table}" ({columns})')  # names are the warehouse's own
            marks = ", ".join("?" * df.width)
            con.executemany(f'INSERT INTO "{table}" VALUES ({marks})', df.iter_rows())
            for cols in INDEXES:
                if set(cols) <= set(df.columns):
                    con.execute(f'CREATE INDEX "{table}_{"_".join(cols)}" ON "{table}" ({", ".join(cols)})')
        con.execute("CREATE TABLE _build (build_id TEXT)")
        con.execute("INSERT INTO _build VALUES (?)", [snap.build_id])
        con.commit()
        con.execute("ANALYZE")
        con.commit()
    finally:
        con.close()
    return path


# --- Datasette in its own environment ----------------------------------------------------------


def ensure_datasette() -> Path:
    venv = OUT / "datasette-venv"
    exe = venv / "bin" / "datasette"
    if not exe.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", DATASETTE], check=True)
    return exe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Datasette:
    """`datasette serve` of one file, immutable, on a free loopback port; stopped by its PID."""

    def __init__(self, exe: Path, path: Path, log: Path) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [
                str(exe), "serve", "-i", str(path), "--host", "127.0.0.1", "--port", str(self.port),
                "--setting", "sql_time_limit_ms", "60000", "--setting", "max_returned_rows", "1000000",
            ],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.conn: http.client.HTTPConnection | None = None

    def wait(self, timeout: float = 60.0) -> dict[str, Any]:
        """Poll until the server answers /-/versions.json (or has exited, or the time is up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"datasette exited with {self.proc.returncode}")
            try:
                return self._get("/-/versions.json")
            except OSError:
                self._drop()
                time.sleep(0.05)  # a poll interval, not a wait for readiness
        raise RuntimeError("datasette did not answer in time")

    def _get(self, path: str) -> Any:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"datasette answered {response.status}: {body[:500]!r}")
        return json.loads(body)

    def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"sql": sql, "_shape": "array", **params})
        return self._get(f"/{DB_NAME}.json?{query}")

    def _drop(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def stop(self) -> None:
        """SIGTERM to the server's PID, SIGKILL if it has not exited within 15 s."""
        self._drop()
        try:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


# --- the questions -------------------------------------------------------------------------


def _timed(fn: Callable[[], Any], runs: int) -> tuple[Any, float]:
    result = fn()  # warm-up
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    return result, statistics.median(ms)


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.005)


def _same(name: str, ours: pl.DataFrame, theirs: list[dict[str, Any]]) -> None:
    """Fail unless both sides gave the same answer (row count, and keys or totals where cheap)."""
    problems = []
    if ours.height != len(theirs):
        problems.append(f"{ours.height} rows here, {len(theirs)} in Datasette")
    elif name == "headline_by_district_year":
        for col in ("total_expenditure_yuan", "basic_yuan", "project_yuan", "evaluated_projects"):
            for a, b in zip(ours[col].to_list(), (r[col] for r in theirs), strict=True):
                if not _close(a, b):
                    problems.append(f"{col}: {a} vs {b}")
                    break
        keys = [(r["district"], r["year"]) for r in theirs]
        if list(ours.select("district", "year").iter_rows()) != keys:
            problems.append("district/year rows differ")
    elif name == "spending_by_class":
        if ours["code"].to_list() != [r["code"] for r in theirs]:
            problems.append("类 codes differ")
        if not _close(ours["amount_yuan"].sum(), sum(r["amount_yuan"] for r in theirs)):
            problems.append("amount totals differ")
    elif name == "projects":
        if ours["project_id"].to_list() != [r["project_id"] for r in theirs]:
            problems.append("project ids or their order differ")
    elif name == "anomalies":
        if Counter(ours["finding"].to_list()) != Counter(r["finding"] for r in theirs):
            problems.append("findings differ")
        if sorted(ours.select("finding", "project_id").iter_rows()) != sorted(
            (r["finding"], r["project_id"]) for r in theirs
        ):
            problems.append("projects per finding differ")
    elif name == "project_indicators" and ours["seq"].to_list() != [r["seq"] for r in theirs]:
        problems.append("indicator seq differ")
    if problems:
        raise SystemExit(f"{name}: the two sides disagree: {'; '.join(problems)}")


def _pick(con: duckdb.DuckDBPyConnection, district: str | None, year: int | None) -> tuple[str, int, str]:
    """Defaults: the first district, its year with most self-evaluations, its project with most indicators."""
    row = queries.run(
        con,
        """
        SELECT district, year, count(*) AS n FROM projects
        WHERE kind = 'self_evaluation' AND ($district IS NULL OR district = $district)
          AND ($year IS NULL OR year = $year)
        GROUP BY ALL ORDER BY district, n DESC, year DESC LIMIT 1
        """,
        district=district,
        year=year,
    ).row(0)
    pid = queries.run(
        con,
        """
        SELECT project_id FROM projects
        WHERE kind = 'self_evaluation' AND district = $district AND year = $year
        ORDER BY n_indicators DESC, project_id LIMIT 1
        """,
        district=row[0],
        year=row[1],
    ).item()
    return row[0], row[1], pid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--district", default=None)
    parser.add_argument("--year", type=int, default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    snap = ensure_warehouse(args.docs)
    sqlite_path = ensure_sqlite(snap, args.docs)
    exe = ensure_datasette()

    t = time.perf_counter()
    con = db.connect(snap.path)
    connect_ms = (time.perf_counter() - t) * 1000
    district, year, pid = _pick(con, args.district, args.year)
    everything, one = Filters(), Filters((district,), (year,))
    low_rate, high_score = 0.8, 90
    questions: list[tuple[str, Callable[[], Any], str, dict[str, Any]]] = [
        ("headline_by_district_year", lambda: queries.headline_by_district_year(con, everything), SQL_HEADLINE, {}),
        ("spending_by_class", lambda: queries.spending_by_class(con, one), SQL_CLASS,
         {"district": district, "year": year}),
        ("projects", lambda: queries.projects(con, one, "self_evaluation"), SQL_PROJECTS,
         {"district": district, "year": year}),
        ("anomalies", lambda: queries.anomalies(con, everything, low_rate, high_score), SQL_ANOMALIES,
         {"low_rate": low_rate, "high_score": high_score}),
        ("project_indicators", lambda: queries.project_indicators(con, pid), SQL_INDICATORS, {"pid": pid}),
    ]  # fmt: skip

    server = Datasette(exe, sqlite_path, OUT / "datasette.log")
    rows = []
    try:
        versions = server.wait()
        for name, ours_fn, sql, params in questions:
            ours, ours_ms = _timed(ours_fn, args.runs)
            theirs, theirs_ms = _timed(lambda sql=sql, params=params: server.query(sql, **params), args.runs)
            _same(name, ours, theirs)
            rows.append(
                {
                    "question": name,
                    "rows": ours.height,
                    "ours_ms": round(ours_ms, 3),
                    "datasette_ms": round(theirs_ms, 3),
                    "ratio": round(theirs_ms / ours_ms, 2),  # Datasette's time / ours: > 1 is faster here
                }
            )
    finally:
        server.stop()

    geomean = math.exp(statistics.fmean(math.log(r["ratio"]) for r in rows))
    print(f"{'question':28s} {'rows':>6s} {'ours ms':>9s} {'Datasette ms':>13s} {'ratio':>7s}")
    for r in rows:
        print(
            f"{r['question']:28s} {r['rows']:6d} {r['ours_ms']:9.3f} {r['datasette_ms']:13.3f} {r['ratio']:6.1f}×"
        )
    print(f"{'geometric mean':28s} {'':6s} {'':9s} {'':13s} {geomean:6.1f}×")
    print(f"(ours: db.connect of the build took {connect_ms:.0f} ms, once per build)")
    result = {
        "warehouse": str(snap.path),
        "build_id": snap.build_id,
        "documents": args.docs,
        "filters": {"district": district, "year": year, "project_id": pid},
        "runs": args.runs,
        "connect_ms": round(connect_ms, 1),
        "datasette": versions.get("datasette", {}).get("version"),
        "sqlite": versions.get("sqlite", {}).get("version"),
        "duckdb": duckdb.__version__,
        "questions": rows,
        "geometric_mean_ratio": round(geomean, 2),
    }
    (OUT / "datasette_compare.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
