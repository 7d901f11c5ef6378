"""Write the warehouse atomically: the only code that writes data/warehouse.

``<out>`` is a symbolic link to a complete build directory
``<out>.builds/<build_id>/`` holding one ``<table>.parquet`` per table and a
``_build.json`` manifest. A build writes a new directory and then swaps the
link with one rename(2), so a reader sees either the old warehouse or the new
one, never a half-written one; a failed build never touches the link. The last
few builds are kept so that a reader still holding the old link can finish.
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
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import polars as pl

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


# Descriptors of the build locks this process holds: a forked pool worker closes its copies
# (close_inherited_locks), so the lock lives exactly as long as the process that took it.
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


def write_build(out: Path, build_id: str, tables: dict[str, pl.DataFrame], manifest: dict[str, Any]) -> Path:
    """Write every table into a fresh build directory (not yet visible to readers).

    Nothing is left behind when it fails; a full disk or a read-only folder is raised as
    WarehouseUnwritable.
    """
    root = builds_dir(out)
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging, fd = _new_staging(root, build_id)
    except OSError as exc:
        said = unwritable(exc, _writable_folder(out))
        if said is None:
            raise
        raise said from exc
    try:
        for name, frame in tables.items():
            _write_parquet(frame, staging / f"{name}.parquet")
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = root / build_id
        os.replace(staging, final)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        said = unwritable(exc, root) if isinstance(exc, (OSError, pl.exceptions.PolarsError)) else None
        if said is None:
            raise
        raise said from exc
    finally:
        os.close(fd)
    return final


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
