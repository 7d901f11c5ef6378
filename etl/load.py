"""Write the warehouse atomically: the only code that writes data/warehouse.

``<out>`` is a symbolic link to a complete build directory
``<out>.builds/<build_id>/`` holding one ``<table>.parquet`` per table and a
``_build.json`` manifest. A build writes a new directory and then swaps the
link with one rename(2), so a reader sees either the old warehouse or the new
one, never a half-written one; a failed build never touches the link. The last
few builds are kept so that a reader still holding the old link can finish.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import polars as pl

MANIFEST = "_build.json"
KEEP_BUILDS = 3


def builds_dir(out: Path) -> Path:
    return out.with_name(out.name + ".builds")


def write_build(out: Path, build_id: str, tables: dict[str, pl.DataFrame], manifest: dict[str, Any]) -> Path:
    """Write every table into a fresh build directory (not yet visible to readers)."""
    root = builds_dir(out)
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{build_id}"
    if staging.exists():
        shutil.rmtree(staging)
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
    link = out.with_name(f".{out.name}.link-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
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
