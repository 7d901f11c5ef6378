"""The warehouse is swapped in whole or not at all."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from etl import load
from etl.schema import frame


def _tables(n: int) -> dict[str, pl.DataFrame]:
    rows = [
        {"project_id": f"p{i}", "source_file": f"f{i}", "year": 2020 + i % 2, "district": "松江"}
        for i in range(n)
    ]
    return {"projects": frame("projects", rows)}


def _publish(out: Path, build_id: str, n: int) -> None:
    build = load.write_build(out, build_id, _tables(n), {"build_id": build_id})
    load.swap_in(out, build)


def test__swap_in__out_points_at_the_new_build(tmp_path: Path) -> None:
    out = tmp_path / "warehouse"
    _publish(out, "b1", 1)
    _publish(out, "b2", 2)
    assert out.is_symlink()
    assert load.read_manifest(out)["build_id"] == "b2"
    assert load.read_table(out, "projects").height == 2


def test__write_build__failure_leaves_the_old_warehouse(tmp_path: Path) -> None:
    out = tmp_path / "warehouse"
    _publish(out, "b1", 1)

    class Broken(pl.DataFrame):
        def write_parquet(self, *args, **kwargs):  # type: ignore[override]
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        load.write_build(out, "b2", {**_tables(2), "documents": Broken({"x": [1]})}, {"build_id": "b2"})
    assert load.read_manifest(out)["build_id"] == "b1"
    assert not (load.builds_dir(out) / "b2").exists()
    assert not any(p.name.startswith(".staging") for p in load.builds_dir(out).iterdir())


def test__swap_in__a_plain_directory_is_kept_aside_not_deleted(tmp_path: Path) -> None:
    out = tmp_path / "warehouse"
    out.mkdir()
    (out / "old.parquet").write_bytes(b"old")
    _publish(out, "b1", 1)
    legacy = [p for p in load.builds_dir(out).iterdir() if p.name.startswith("legacy-")]
    assert len(legacy) == 1 and (legacy[0] / "old.parquet").read_bytes() == b"old"


def test__prune_builds__keeps_the_newest_and_the_current(tmp_path: Path) -> None:
    out = tmp_path / "warehouse"
    for i in range(6):
        _publish(out, f"b{i}", i)
    removed = load.prune_builds(out, keep=2)
    remaining = sorted(p.name for p in load.builds_dir(out).iterdir())
    assert len(removed) == 4
    assert "b5" in remaining and load.read_manifest(out)["build_id"] == "b5"


def test__swap_in__many_threads_of_one_process_never_share_a_temporary_name(tmp_path: Path) -> None:
    """Eight threads swapping builds in at once: each swap succeeds and the link ends on one build."""
    import threading

    out = tmp_path / "warehouse"
    builds = [load.write_build(out, f"b{i}", _tables(i + 1), {"build_id": f"b{i}"}) for i in range(8)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(builds))

    def swap(build: Path) -> None:
        start.wait()
        try:
            for _ in range(25):
                load.swap_in(out, build)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=swap, args=(b,)) for b in builds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert out.is_symlink() and out.resolve() in {b.resolve() for b in builds}
    assert not [p for p in tmp_path.iterdir() if ".link" in p.name]  # no temporary link left behind


def test__warehouse_lock__a_second_holder_waits_then_gives_up(tmp_path: Path) -> None:
    out = tmp_path / "warehouse"
    with (
        load.warehouse_lock(out, timeout=1),
        pytest.raises(load.WarehouseBusy),
        load.warehouse_lock(out, timeout=0.3),
    ):
        pass
    with load.warehouse_lock(out, timeout=0.3):  # released: free again
        pass
