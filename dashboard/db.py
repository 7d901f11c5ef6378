"""The only module that opens DuckDB: one read-only snapshot of one warehouse build.

``BUDGET_WAREHOUSE`` (default data/warehouse) is a link to the current build.
We resolve the link once, read that build's tables into an in-memory DuckDB
database (``budget_lines`` stays a view over its year/district partitions) and
key everything by the build id: a rebuild swaps the link, the next page run sees
a new build id and opens the new build, while queries already running finish on
the old one (old builds are kept for a while: the view reads their files).
Nothing here writes to the warehouse.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

import duckdb
import pyarrow.parquet as pq

from dashboard import queries
from etl import load
from etl.normalize import ROW_TABLES
from etl.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = "_build.json"
DEFAULT_WAREHOUSE = ROOT / "data" / "warehouse"


def build_command(path: Path | None = None) -> str:
    """The command that builds the warehouse the dashboard is configured to read, from the raw folder it is
    configured to read (BUDGET_RAW as set: a relative one is relative to the project folder, where it runs)."""
    path = path or warehouse_path()
    out = "data/warehouse" if path == DEFAULT_WAREHOUSE else str(path)
    raw = os.environ.get("BUDGET_RAW") or "data/raw"
    return f"python -m etl build --raw {shlex.quote(raw)} --out {shlex.quote(out)}"


class WarehouseMissing(Exception):
    """No usable warehouse at the configured path; the message says how to build one."""

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class Snapshot:
    """One concrete build directory and its manifest."""

    path: Path
    build_id: str
    created_at: str
    files: tuple[str, ...]


def warehouse_path() -> Path:
    """The configured warehouse (environment variable BUDGET_WAREHOUSE)."""
    raw = os.environ.get("BUDGET_WAREHOUSE")
    path = Path(raw) if raw else DEFAULT_WAREHOUSE
    return path if path.is_absolute() else ROOT / path


def current_snapshot(path: Path | None = None) -> Snapshot:
    """Resolve the warehouse link now; raise WarehouseMissing with the fix when absent.

    Every page run asks, so the link is resolved and the manifest stat-ed each time, but a
    manifest already read is not read again: at 100,000 documents it is 18 MB of JSON, and
    parsing it and checking the tables' files cost 0.1 s of every run (bench/browser_latency.py).
    """
    path = path or warehouse_path()
    resolved = path.resolve()
    try:
        stat = (resolved / MANIFEST).stat()
    except OSError:
        stat = None
    if stat is None or not S_ISREG(stat.st_mode):
        command = build_command(path)
        raise WarehouseMissing(
            f"未找到数据仓库：{path}（环境变量 BUDGET_WAREHOUSE）。请先在项目目录运行：{command}", command
        )
    return _read_snapshot(path, resolved, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read_snapshot(path: Path, resolved: Path, mtime_ns: int, size: int) -> Snapshot:
    """The snapshot of one manifest as it is on disk (its time and size are the cache key)."""
    command = build_command(path)
    manifest = resolved / MANIFEST
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        build_id = str(meta["build_id"])
        files = tuple(str(f["source_file"]) for f in meta.get("files", []))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WarehouseMissing(
            f"数据仓库 {path} 的清单文件 {MANIFEST} 无法读取（{type(exc).__name__}）。请重新构建：{command}",
            command,
        ) from exc
    missing = [t for t in TABLES if not all(f.is_file() for f in load.table_files(resolved, t))]
    if missing:
        raise WarehouseMissing(
            f"数据仓库 {path} 不完整（缺少 {', '.join(missing)}），可能由旧版本生成。请重新构建：{command}",
            command,
        )
    have = set(pq.read_schema(load.table_files(resolved, "documents")[0]).names)
    lacking = [c.name for c in TABLES["documents"] if c.name not in have]
    if lacking:
        raise WarehouseMissing(
            f"数据仓库 {path} 由旧版本生成（文件表缺少 {', '.join(lacking)} 列）。请重新构建：{command}",
            command,
        )
    return Snapshot(
        path=resolved,
        build_id=build_id,
        created_at=str(meta.get("created_at", "")),
        files=files,
    )


# The tables of a document's figures (pages add them up), and the documents they leave out.
FIGURE_TABLES = ROW_TABLES
OUT_OF_TOTALS = "SELECT source_file FROM documents WHERE in_totals = FALSE"


# Tables read where they lie, as views over their Parquet partitions, instead of copied into memory.
# budget_lines is half the rows (and of a copy's memory); most questions name a district or a year, so
# DuckDB opens only those partitions' files. Measured with bench/page_queries.py: at 10,000 documents
# 110 MB less and page medians within 11 ms of a copy; at 100,000, 1.1 GB less, connect 5.3 s instead
# of 8.1 s, the same page times. As views the other tables cost more than they save (indicators:
# 绩效评分 +55 ms for 460 MB at 100,000; every table: 项目详情 2.5x slower).
VIEWS = ("budget_lines",)


def connect(build: Path, *, views: Collection[str] = VIEWS) -> duckdb.DuckDBPyConnection:
    """An in-memory database holding a copy of every table of one build directory but ``views``.

    Copying keeps page queries fast and makes the connection independent of later
    builds; ``views`` read the build's files (kept while a reader may hold the build:
    etl.load.KEEP_BUILDS) and skip the partitions a filter on year or district rules
    out. The tables derived for the hottest questions (see ``queries.precompute``)
    are built here too, once per build, so no page run pays for them.
    """
    con = duckdb.connect(":memory:")
    con.execute("SET threads TO 2")
    con.execute("SET parquet_metadata_cache = true")  # a view's file footers are read once
    for table in TABLES:
        source = load.duckdb_source(build, table)
        # table names are ours; a unit's document its department's already holds never adds up (etl.validate.scopes)
        keep = f" WHERE source_file NOT IN ({OUT_OF_TOTALS})" if table in FIGURE_TABLES else ""
        kind = "VIEW" if table in views else "TABLE"
        con.execute(f"CREATE {kind} {table} AS SELECT * FROM {source}{keep}")
    queries.precompute(con)
    return con
