"""Write the warehouse atomically: the only code that writes data/warehouse.

``<out>`` is a symbolic link to a complete build directory
``<out>.builds/<build_id>/`` holding one ``<table>.parquet`` per table and a
``_build.json`` manifest. A build writes a new directory and then swaps the
link with one rename(2), so a reader sees either the old warehouse or the new
one, never a half-written one; a failed build never touches the link. The last
few builds are kept so that a reader still holding the old link can finish.
Temporary names are unique per call (two builds in one process never share one), and
:func:`warehouse_lock` lets the command line and the 数据导入 page take turns.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

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


@contextmanager
def warehouse_lock(out: Path, timeout: float) -> Iterator[None]:
    """Exclusive flock on ``<out>.lock`` for one rebuild: processes and threads alike.

    Each call opens the file itself, so two threads of one process hold separate open file
    descriptions and exclude each other (flock is per description). Raises WarehouseBusy
    after ``timeout`` seconds.
    """
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as f:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(str(path)) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def write_build(out: Path, build_id: str, tables: dict[str, pl.DataFrame], manifest: dict[str, Any]) -> Path:
    """Write every table into a fresh build directory (not yet visible to readers)."""
    root = builds_dir(out)
    root.mkdir(parents=True, exist_ok=True)
    staging = root / _unique(f".staging-{build_id}")
    staging.mkdir()
    try:
        for name, frame in tables.items():
            frame.write_parquet(staging / f"{name}.parquet", compression="zstd", statistics=True)
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = root / build_id
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def swap_in(out: Path, build: Path) -> None:
    """Point ``out`` at ``build`` with one atomic rename of a symlink."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_symlink():
        # A plain directory from elsewhere: keep it beside the builds, never delete it.
        legacy = builds_dir(out) / f"legacy-{time.strftime('%Y%m%dT%H%M%S')}"
        os.replace(out, legacy)
    link = out.with_name(_unique(f".{out.name}.link"))
    target = os.path.relpath(build, out.parent)
    link.symlink_to(target, target_is_directory=True)
    os.replace(link, out)


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
