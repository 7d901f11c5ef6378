"""Write the warehouse atomically: the only code that writes data/warehouse.

``<out>`` is a symbolic link to a complete build directory
``<out>.builds/<build_id>/`` holding a ``_build.json`` manifest, one ``<table>.parquet``
for each small table and, for each table that grows with the corpus (``PARTITIONED``),
Hive partitions ``<table>.parquet/year=<y>/district=<d>/part-<n>.parquet`` (the one-file name kept, so a reader of ``<table>.parquet`` still reads it all) (a null year or
district is ``__HIVE_DEFAULT_PARTITION__``, other values percent-encoded, as DuckDB
writes them). The manifest's ``layout`` lists every table's files; :func:`read_table`
and :func:`duckdb_source` read a table whatever its layout.

A build streams: :class:`StagedBuild` spills the rows of each batch of parsed documents
into a locked staging folder as they arrive and, at the end, writes each partition from
its spilled row groups, so no figure table is ever whole in memory. The staging folder
then becomes the build directory and the link is swapped with one rename(2), so a reader
sees either the old warehouse or the new one, never a half-written one; a failed build
never touches the link. The last few builds are kept so that a reader still holding the
old link can finish.
Temporary names are unique per call (two builds in one process never share one), and
:func:`warehouse_lock` lets the command line and the 数据导入 page take turns.

Locks are held by descriptors the kernel drops when their process dies: a build killed
with ``kill -9`` (the OOM killer) frees the warehouse, and its staging folder, locked by
the process writing it, is recognised as a leftover and pruned by the next build. A full
disk or a read-only folder ends a build with :class:`~etl.errors.WarehouseUnwritable`.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
import time
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.errors import unwritable

MANIFEST = "_build.json"
KEEP_BUILDS = 3


def builds_dir(out: Path) -> Path:
    return out.with_name(out.name + ".builds")


class WarehouseBusy(Exception):
    """Another build of the same warehouse held the lock for longer than we would wait."""


def lock_path(out: Path) -> Path:
    """Beside the warehouse link (data/warehouse.lock, git-ignored), never inside the raw folder."""
    return out.with_name(out.name + ".lock")


def _unique(stem: str) -> str:
    return f"{stem}-{os.getpid()}-{uuid.uuid4().hex[:12]}"


# Descriptors of the build locks (and locked staging folders) this process holds: a forked pool
# worker closes its copies (close_inherited_locks), so a lock lives exactly as long as the process
# that took it, and a killed build's staging folder is free for the next build to prune.
_held_lock_fds: set[int] = set()


def close_inherited_locks() -> None:
    """In a forked worker: drop the copies of the parent's build locks (the parent keeps them).

    flock belongs to an open file description, which fork shares with the child: without
    this, workers outliving a killed build would hold the warehouse for every later build.
    Closing a copy never unlocks the parent's; only LOCK_UN or its last close does.
    """
    for fd in list(_held_lock_fds):
        with suppress(OSError):
            os.close(fd)
    _held_lock_fds.clear()


@contextmanager
def warehouse_lock(out: Path, timeout: float) -> Iterator[None]:
    """Exclusive flock on ``<out>.lock`` for one rebuild: processes and threads alike.

    Each call opens the file itself, so two threads of one process hold separate open file
    descriptions and exclude each other (flock is per description). Raises WarehouseBusy
    after ``timeout`` seconds, WarehouseUnwritable when the lock file cannot be opened for
    writing (the build could not write its folder either).
    """
    path = lock_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        said = unwritable(exc, path.parent)
        if said is None:
            raise
        raise said from exc
    _held_lock_fds.add(fd)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(str(path)) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _held_lock_fds.discard(fd)
        os.close(fd)


def _lock_dir(path: Path) -> int | None:
    """A descriptor holding an exclusive flock on directory ``path``; None when another holds it."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _new_staging(root: Path, build_id: str) -> tuple[Path, int]:
    """A fresh staging folder, locked by this process until the build is in or given up.

    A pruner may take a folder's lock between our mkdir and our flock: then it is (being)
    removed and another name is tried.
    """
    while True:
        staging = root / _unique(f".staging-{build_id}")
        staging.mkdir()
        try:
            fd = _lock_dir(staging)
        except FileNotFoundError:
            continue
        if fd is None:
            continue
        try:
            if os.stat(staging).st_ino == os.fstat(fd).st_ino:
                return staging, fd
        except FileNotFoundError:
            pass
        os.close(fd)


def prune_staging(out: Path) -> list[Path]:
    """Remove staging folders left by builds that died (their lock is free); never a running one's."""
    root = builds_dir(out)
    removed = []
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith(".staging-")]
    except OSError:
        return removed
    for p in candidates:
        try:
            fd = _lock_dir(p)
        except OSError:
            continue
        if fd is None:
            continue  # a running build is writing it
        try:
            shutil.rmtree(p, ignore_errors=True)
            if not p.exists():
                removed.append(p)
        finally:
            os.close(fd)
    return removed


def _writable_folder(out: Path) -> Path:
    """The folder an official should look at when a write fails: the builds folder, else its parent."""
    root = builds_dir(out)
    return root if root.is_dir() else out.parent


def _write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Made in memory, written by Python: a failing disk raises OSError with its errno.

    Polars writing to the path itself reports a full disk as 'Invalid thrift: transport
    error' for some tables, which no one could tell from a bug.
    """
    buf = io.BytesIO()
    frame.write_parquet(buf, compression="zstd", statistics=True)
    with path.open("wb") as f:
        f.write(buf.getbuffer())


LAYOUT_VERSION = 2  # the manifest's "layout": 1 was one <table>.parquet per table, with no layout entry
PARTITION_BY = ("year", "district")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # DuckDB's name for a null partition value, read back as null
# The tables that grow with the corpus, written as Hive partitions; the others are one file each.
PARTITIONED = (
    "budget_lines",
    "projects",
    "indicators",
    "checks",
    "three_public",
    "narrative_items",
    "narrative_figures",
)
# A table without year and district lies in its owner's partition: an indicator with its project.
KEYED_BY = {"indicators": ("projects", "project_id")}
SPILL = ".spill"  # inside the staging folder: the rows of each batch, until the partitions are written
SPILL_BYTES = 16 * 2**20  # buffered rows (Polars' estimate) that make a batch: ~900 synthetic documents
PART_ROWS = 1_000_000  # rows per part file of one partition
_KEYS = ("__year", "__district")
# Spilled rows are read back once, whole row groups: fast to write and read beats small (zstd
# and dictionaries cost about 1 ms a row group, and a batch has one per partition and table).
_SPILL_PARQUET: dict[str, Any] = {"compression": "lz4", "use_dictionary": False, "write_statistics": False}

Key = tuple[int | None, str | None]


def _segment(value: object) -> str:
    """A partition value as a path segment, the way DuckDB writes and reads it back."""
    return NULL_PARTITION if value is None else quote(str(value), safe="")


def partition_dir(key: Key) -> str:
    """'year=2021/district=%E6%9D%BE%E6%B1%9F' for (2021, '松江')."""
    year, district = key
    return f"year={_segment(year)}/district={_segment(district)}"


def _key_order(key: Key) -> tuple[Any, ...]:
    year, district = key
    return (year is None, year or 0, district is None, district or "")


class StagedBuild:
    """A build being written into a locked staging folder; published whole or removed.

    ``add`` takes the rows of the partitioned tables batch by batch (a chunk of parsed
    documents) and spills them to disk once ``spill_bytes`` are buffered: one spill file per
    table and batch, one row group per partition. ``finish`` writes each partition from its
    row groups (one partition in memory at a time) and the small tables whole; ``publish``
    writes the manifest and renames the folder into place. Used as a context manager, any
    failure removes the folder; an I/O failure is raised as WarehouseUnwritable.
    """

    def __init__(self, out: Path, spill_bytes: int | None = None) -> None:
        self.root = builds_dir(out)
        self._made_root = not self.root.exists()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.path, self._fd = _new_staging(self.root, "build")
        except OSError as exc:
            said = unwritable(exc, _writable_folder(out))
            if said is None:
                raise
            raise said from exc
        # Forked pool workers drop their copy, so a killed build's folder is free to prune.
        _held_lock_fds.add(self._fd)
        self._spill_bytes = SPILL_BYTES if spill_bytes is None else spill_bytes
        self._buffers: dict[str, list[pl.DataFrame]] = {}
        self._buffered = 0
        self._batch = 0
        self._schemas: dict[str, pl.Schema] = {}
        self._spilled: dict[str, list[Path]] = {}
        # table -> partition -> (spill file number, its row groups, batch) in arrival order
        self._index: dict[str, dict[Key, list[tuple[int, list[int], int]]]] = {}
        self._dropped: list[tuple[int, frozenset[str]]] = []  # (first batch kept, source files)
        self._layout: dict[str, dict[str, Any]] = {}
        self._open = True

    def __enter__(self) -> StagedBuild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    @contextmanager
    def _said(self) -> Iterator[None]:
        try:
            yield
        except (OSError, pl.exceptions.PolarsError) as exc:
            said = unwritable(exc, self.root)
            if said is None:
                raise
            raise said from exc

    def add(self, frames: Mapping[str, pl.DataFrame]) -> None:
        """Stage rows of partitioned tables (an indicator takes its project's partition from ``frames``)."""
        for name, frame in frames.items():
            if name not in PARTITIONED:
                raise ValueError(f"{name} is written whole: pass it to finish()")
            self._schemas.setdefault(name, frame.schema)
            if frame.is_empty():
                continue
            keyed = frame.with_columns(self._keys(name, frame, frames))
            self._buffers.setdefault(name, []).append(keyed)
            self._buffered += keyed.estimated_size()
        if self._buffered >= self._spill_bytes:
            self._flush()

    @staticmethod
    def _keys(name: str, frame: pl.DataFrame, frames: Mapping[str, pl.DataFrame]) -> list[pl.Series]:
        if name not in KEYED_BY:
            return [frame[c].alias(k) for c, k in zip(PARTITION_BY, _KEYS, strict=True)]
        parent, on = KEYED_BY[name]
        owners = frames.get(parent, pl.DataFrame(schema={on: frame.schema[on]}))
        if not set(PARTITION_BY) <= set(owners.columns):
            owners = owners.select(on).with_columns(
                pl.lit(None, pl.Int32).alias("year"), pl.lit(None, pl.String).alias("district")
            )
        owners = owners.select(on, *PARTITION_BY).unique(on, keep="first", maintain_order=True)
        keys = frame.select(on).join(owners, on=on, how="left", maintain_order="left")
        return [keys[c].alias(k) for c, k in zip(PARTITION_BY, _KEYS, strict=True)]

    def _flush(self) -> None:
        """Write the buffered rows: per table one spill file, one row group (or more) per partition."""
        if not self._buffers:
            return
        with self._said():
            (self.path / SPILL).mkdir(exist_ok=True)
            while self._buffers:  # a table's buffer is freed as soon as it is written
                name, frames = self._buffers.popitem()
                self._spill(name, pl.concat(frames, how="vertical"))
                del frames
        self._buffered = 0
        self._batch += 1

    def _spill(self, name: str, frame: pl.DataFrame) -> None:
        """One spill file: the rows sorted by partition (stable), each partition's rows a row group."""
        frame = frame.sort(*_KEYS, nulls_last=True, maintain_order=True)
        runs = (
            frame.select(_KEYS)
            .with_row_index("first")
            .group_by(_KEYS, maintain_order=True)
            .agg(pl.col("first").first(), pl.len())
        )
        table = frame.drop(_KEYS).to_arrow()  # once: converting each partition on its own costs far more
        del frame
        buf = io.BytesIO()
        with pq.ParquetWriter(buf, table.schema, **_SPILL_PARQUET) as writer:
            for *_, first, rows in runs.iter_rows():
                writer.write_table(table.slice(first, rows), row_group_size=rows)
        spilled = self._spilled.setdefault(name, [])
        path = self.path / SPILL / f"{name}-{len(spilled):05d}.parquet"
        with path.open("wb") as f:
            f.write(buf.getbuffer())
        # Map row groups to partitions by their row counts (a large partition may be split).
        meta = pq.read_metadata(pa.BufferReader(buf.getbuffer()))
        index, rg = self._index.setdefault(name, {}), 0
        for year, district, _, rows in runs.iter_rows():
            first_group, left = rg, rows
            while left > 0:
                left -= meta.row_group(rg).num_rows
                rg += 1
            index.setdefault((year, district), []).append(
                (len(spilled), list(range(first_group, rg)), self._batch)
            )
        spilled.append(path)

    def rows(self, name: str, files: Collection[str]) -> pl.DataFrame:
        """The rows staged so far of a few source files (versions compares their figures)."""
        self._flush()
        paths = self._spilled.get(name)
        if not paths:
            return pl.DataFrame(schema=self._schemas.get(name, {}))
        with self._said():
            wanted = pl.Series(list(files), dtype=pl.String)
            return (
                pl.scan_parquet(paths, hive_partitioning=False)
                .filter(pl.col("source_file").is_in(wanted.implode()))
                .collect()
            )

    def drop(self, files: Collection[str]) -> None:
        """The rows staged so far of these source files leave every table; rows added later stay."""
        if files:
            self._flush()
            self._dropped.append((self._batch, frozenset(files)))

    def _gone(self, batch: int) -> frozenset[str]:
        return frozenset().union(*(files for before, files in self._dropped if batch < before))

    def finish(self, tables: Mapping[str, pl.DataFrame]) -> dict[str, int]:
        """Write every partition from its spilled row groups and ``tables`` whole; rows per table."""
        self._flush()
        counts: dict[str, int] = {}
        with self._said():
            for name in PARTITIONED:
                if name in self._schemas:
                    counts[name] = self._write_partitions(name)
            for name, frame in tables.items():
                if name in PARTITIONED:
                    raise ValueError(f"{name} is partitioned: stage it with add()")
                _write_parquet(frame, self.path / f"{name}.parquet")
                self._layout[name] = {"partitioned": False, "files": [f"{name}.parquet"]}
                counts[name] = frame.height
            shutil.rmtree(self.path / SPILL, ignore_errors=True)
        return counts

    def _write_partitions(self, name: str) -> int:
        """One partition at a time: its row groups, less dropped files, in source-file order."""
        readers = [pq.ParquetFile(p) for p in self._spilled.get(name, [])]
        written: list[str] = []
        rows = 0
        try:
            index = self._index.get(name, {})
            for key in sorted(index, key=_key_order):
                pieces = []
                for number, groups, batch in index[key]:
                    piece = readers[number].read_row_groups(groups)
                    gone = self._gone(batch)
                    if gone:
                        piece = piece.filter(
                            pc.invert(pc.is_in(piece["source_file"], pa.array(sorted(gone))))
                        )
                    pieces.append(piece)
                frame = pl.from_arrow(pa.concat_tables(pieces))
                assert isinstance(frame, pl.DataFrame)
                del pieces
                frame = frame.sort("source_file", maintain_order=True)
                for n, start in enumerate(range(0, frame.height, PART_ROWS)):
                    written.append(self._write_part(name, key, n, frame.slice(start, PART_ROWS)))
                rows += frame.height
        finally:
            for reader in readers:
                reader.close()
        if not written:  # no row: one empty file still gives readers the columns
            written.append(self._write_part(name, (None, None), 0, pl.DataFrame(schema=self._schemas[name])))
        self._layout[name] = {
            "partitioned": True,
            "hive_columns": set(PARTITION_BY) <= set(self._schemas[name]),
            "files": written,
        }
        return rows

    def _write_part(self, name: str, key: Key, n: int, frame: pl.DataFrame) -> str:
        # the table's folder keeps the one-file name: read_parquet("<build>/budget_lines.parquet") still reads it
        relative = f"{name}.parquet/{partition_dir(key)}/part-{n}.parquet"
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_parquet(frame, path)
        return relative

    def scan(self, name: str) -> pl.LazyFrame:
        """A table as ``finish`` wrote it, read lazily (the build's summary counts and filters it)."""
        return pl.scan_parquet([self.path / f for f in self._layout[name]["files"]], hive_partitioning=False)

    def publish(self, build_id: str, manifest: dict[str, Any]) -> Path:
        """Write the manifest with the layout; the staging folder becomes build ``build_id``."""
        layout = {"version": LAYOUT_VERSION, "partition_by": list(PARTITION_BY), "tables": self._layout}
        with self._said():
            text = json.dumps({**manifest, "layout": layout}, ensure_ascii=False, indent=2)
            (self.path / MANIFEST).write_text(text, encoding="utf-8")
            final = self.root / build_id
            os.replace(self.path, final)
        self._close()
        return final

    def discard(self) -> None:
        """Remove the staging folder unless it was published (idempotent), and the builds folder
        when this build made it and left it empty: a failed first build leaves nothing."""
        if self._open:
            shutil.rmtree(self.path, ignore_errors=True)
            self._close()
            if self._made_root:
                with suppress(OSError):
                    self.root.rmdir()

    def _close(self) -> None:
        if self._open:
            self._open = False
            _held_lock_fds.discard(self._fd)
            os.close(self._fd)


def write_build(
    out: Path, build_id: str, tables: Mapping[str, pl.DataFrame], manifest: dict[str, Any]
) -> Path:
    """Write whole tables as one build directory (not yet visible to readers), laid out as a streamed build.

    Nothing is left behind when it fails; a full disk or a read-only folder is raised as
    WarehouseUnwritable.
    """
    with StagedBuild(out) as staged:
        staged.add({name: frame for name, frame in tables.items() if name in PARTITIONED})
        staged.finish({name: frame for name, frame in tables.items() if name not in PARTITIONED})
        return staged.publish(build_id, manifest)


def swap_in(out: Path, build: Path) -> None:
    """Point ``out`` at ``build`` with one atomic rename of a symlink."""
    link = out.with_name(_unique(f".{out.name}.link"))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists() and not out.is_symlink():
            # A plain directory from elsewhere: keep it beside the builds, never delete it.
            legacy = builds_dir(out) / f"legacy-{time.strftime('%Y%m%dT%H%M%S')}"
            os.replace(out, legacy)
        target = os.path.relpath(build, out.parent)
        link.symlink_to(target, target_is_directory=True)
        os.replace(link, out)
    except OSError as exc:
        link.unlink(missing_ok=True)
        said = unwritable(exc, out.parent)
        if said is None:
            raise
        raise said from exc


def prune_builds(out: Path, keep: int = KEEP_BUILDS) -> list[Path]:
    """Delete old builds except the newest ``keep`` and the one ``out`` points at."""
    root = builds_dir(out)
    if not root.exists():
        return []
    current = out.resolve() if out.exists() else None
    builds = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "legacy-"))),
        key=lambda p: (p.stat().st_mtime, p.name),  # build ids start with their UTC time
        reverse=True,
    )
    removed = []
    for p in builds[keep:]:
        if p.resolve() == current:
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of the build ``out`` points at, or None when there is none."""
    path = out / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# --- reading, whatever the layout -------------------------------------------------------


@lru_cache(maxsize=8)
def _layout_of(manifest: str, mtime_ns: int, size: int) -> dict[str, dict[str, Any]] | None:
    """Parsed once per manifest file (it also lists every source file: megabytes at 100,000 documents)."""
    try:
        data = json.loads(Path(manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    layout = data.get("layout") if isinstance(data, dict) else None
    return layout.get("tables") if isinstance(layout, dict) else None


def layout(build: Path) -> dict[str, dict[str, Any]]:
    """table -> {"partitioned", "files", "hive_columns"} of a build directory; {} for the one-file layout."""
    path = build / MANIFEST
    try:
        st = path.stat()
    except OSError:
        return {}
    return _layout_of(str(path.resolve()), st.st_mtime_ns, st.st_size) or {}


def table_files(build: Path, table: str) -> list[Path]:
    """The Parquet files of ``table`` in a build directory, in reading order, whatever its layout.

    Pass a resolved build directory (``out.resolve()``): read through the link, a swap between
    the manifest and the files could mix two builds.
    """
    entry = layout(build).get(table)
    if entry is None:  # a build of the one-file layout
        return [build / f"{table}.parquet"]
    return [build / f for f in entry["files"]]


def _hive_columns(build: Path, table: str) -> bool:
    """Whether the table's partition folders name columns of the table (not an indicator's)."""
    entry = layout(build).get(table) or {}
    return bool(entry.get("partitioned") and entry.get("hive_columns"))


def read_table(warehouse: Path, table: str, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """One table of a warehouse (its link or a build directory) as one frame, whatever its layout.

    Rows come in source-file order, each file's rows in the order the build wrote them, as
    when every table was one file.
    """
    build = warehouse.resolve()
    wanted = list(columns) if columns is not None else None
    frames = [pl.read_parquet(f, columns=wanted, hive_partitioning=False) for f in table_files(build, table)]
    frame = frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical")
    if len(frames) > 1 and "source_file" in frame.columns:
        frame = frame.sort("source_file", maintain_order=True)
    return frame


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_source(warehouse: Path, table: str) -> str:
    """A DuckDB ``read_parquet(...)`` of one table, whatever its layout, for a FROM clause.

    A partitioned table holding year and district is read with ``hive_partitioning``, so a
    filter on them skips the other partitions' files without opening them.
    """
    build = warehouse.resolve()
    files = ", ".join(_sql_string(str(f)) for f in table_files(build, table))
    if _hive_columns(build, table):
        types = "{'year': INTEGER, 'district': VARCHAR}"
        return f"read_parquet([{files}], hive_partitioning = true, hive_types = {types})"
    return f"read_parquet([{files}], hive_partitioning = false)"
