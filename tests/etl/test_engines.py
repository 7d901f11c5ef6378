"""Issue 20, item 1: `--engine dask` builds the same warehouse as the local pool; its errors in Chinese.

The Dask build here starts its own cluster of two worker processes on 127.0.0.1 (no
--address) and shuts it down; tests/reliability/test_engine_faults.py builds against a
cluster started as separate processes and kills its parts.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import psutil
import pytest

from etl import cache, engines, load
from etl.__main__ import EXIT_ENGINE, main
from etl.build import build
from tests.conftest import SEEDS
from tests.realdocs import REAL
from tests.warehouse_rows import assert_same_rows

# Two workbooks and one 22-page PDF of tests/cases/real beside the five seeds.
ORIGINALS = [
    REAL / "chongqing_yuzhong_hrss_2021_self_evaluation.xlsx",
    REAL / "zhanjiang_hrss_2024_department_targets.xlsx",
    REAL / "putuo_commerce_commission_2025_unit_budget.pdf",
]


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for path in [*SEEDS.values(), *ORIGINALS]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def _cluster_processes() -> list[psutil.Process]:
    """Living children of this process started by multiprocessing (a local Dask cluster's workers)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "spawn_main" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def test_dask__the_same_rows_as_the_local_pool_progress_and_cache_kept(tmp_path: Path) -> None:
    raw = _corpus(tmp_path / "raw")
    local = build(raw, tmp_path / "local", workers=2, cache_dir=False)
    calls: list[tuple[int, int, int]] = []
    seen: list[tuple[int, list[str]]] = []  # per progress call: the cluster's workers, the files they hold

    def progress(done: int, total: int, _elapsed: float, pages: int) -> None:
        calls.append((done, total, pages))
        workers = _cluster_processes()
        seen.append((len(workers), [f.path for p in workers for f in p.open_files()]))

    store, out = tmp_path / "cache", tmp_path / "dask"
    with load.warehouse_lock(out, timeout=0):  # as `python -m etl build` holds it
        dask = build(raw, out, workers=2, cache_dir=store, engine="dask", progress=progress)
    assert_same_rows(tmp_path / "dask", tmp_path / "local")
    assert (
        (dask.documents, dask.failed, dask.pages)
        == (local.documents, local.failed, local.pages)
        == (8, 0, 29)
    )
    # One call per task (the seeds' chunk, each original), counting up to every document and page.
    assert [c[0] for c in calls] == sorted(c[0] for c in calls) and len(calls) == 4
    assert calls[-1] == (8, 8, 29)
    # Each original's rows were written to the shared cache by the worker that read it.
    files = cache.FileIndex(store)
    for path in ORIGINALS:
        assert cache.exists(store, cache.key(path.name, files.sha256(raw / path.name))), path.name
    assert _cluster_processes() == []  # the cluster it started is shut down
    # Its workers were running and none held the build lock (spawned: the locked descriptor is not theirs).
    assert seen[0][0] == 2 and all(str(load.lock_path(out)) not in held for _, held in seen)


def test_dask__a_build_from_the_cache_gives_the_same_rows_and_starts_no_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _corpus(tmp_path / "raw")
    for name in list(SEEDS):  # originals only: every document is then served from the cache
        (raw / SEEDS[name].name).unlink()
    store = tmp_path / "cache"
    build(raw, tmp_path / "first", workers=1, cache_dir=store)

    def no_cluster(*_args: object) -> None:
        raise AssertionError("a cluster was opened although every document was cached")

    monkeypatch.setitem(engines.OPENERS, "dask", no_cluster)
    build(raw, tmp_path / "second", cache_dir=store, engine="dask")
    assert_same_rows(tmp_path / "second", tmp_path / "first")


@pytest.fixture()
def published(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    """A warehouse built from one seed: what every refused build must leave as it is."""
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = SEEDS["songjiang_2021"]
    (raw / seed.name).write_bytes(seed.read_bytes())
    (raw / ORIGINALS[0].name).write_bytes(ORIGINALS[0].read_bytes())  # an original: a task to run
    out = tmp_path / "warehouse"
    assert main(["build", "--raw", str(raw), "--out", str(out), "--no-cache", "--quiet"]) == 0
    capsys.readouterr()
    return out


def _free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--engine", "ray"],
            "错误：不支持的计算引擎 ray：可选 local（本机进程池，默认）或 dask（Dask 分布式集群）",
        ),
        (
            ["--address", "tcp://127.0.0.1:8786"],
            "错误：--address 只用于分布式计算引擎（--engine dask），本机进程池不需要地址",
        ),
        (
            ["--engine", "dask", "--address", "127.0.0.1"],
            "错误：计算集群地址 127.0.0.1 的格式不对：应为 tcp://主机:端口，例如 tcp://127.0.0.1:8786",
        ),
        (
            ["--engine", "dask", "--address", "tcp://127.0.0.1:{port}"],
            "错误：无法连接计算集群 tcp://127.0.0.1:{port}：1 秒内没有连上调度器；"
            "请确认 dask scheduler 已启动、地址和端口正确",
        ),
    ],
    ids=["unknown_engine", "address_without_cluster", "malformed_address", "nobody_listening"],
)
def test_engine_refused__one_chinese_line_exit_5_warehouse_untouched(
    published: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    said: str,
) -> None:
    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", 1.0)
    port = _free_port()
    args = [a.format(port=port) for a in args]
    link, manifest = os.readlink(published), load.read_manifest(published)
    raw = published.parent / "raw"
    code = main(["build", "--raw", str(raw), "--out", str(published), "--no-cache", "--quiet", *args])
    captured = capsys.readouterr()
    assert captured.err == said.format(port=port) + "；原有数据仓库（如有）未改变\n"
    assert code == EXIT_ENGINE and captured.out == ""
    assert os.readlink(published) == link and load.read_manifest(published) == manifest


def test_engine_not_installed__says_which_package_and_the_local_way(
    published: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails as when missing
    link = os.readlink(published)
    raw = published.parent / "raw"
    code = main(["build", "--raw", str(raw), "--out", str(published), "--engine", "dask", "--no-cache"])
    err = capsys.readouterr().err
    assert code == EXIT_ENGINE
    assert err.endswith(
        "错误：未安装 Dask 分布式计算引擎（Python 包 distributed）：请运行 pip install distributed，"
        "或改用 --engine local；原有数据仓库（如有）未改变\n"
    )
    assert os.readlink(published) == link


def test_worker_with_other_etl_code__refused() -> None:
    """A worker whose parser hash differs from the build's would make other rows: it runs nothing."""
    ran: list[list[str]] = []
    with pytest.raises(engines.CodeMismatch):
        engines._checked(ran.append, "0" * 16, ["a.pdf"])
    assert ran == []
    engines._checked(ran.append, cache.parser_version(), ["a.pdf"])
    assert ran == [["a.pdf"]]


def test_dask__started_from_inside_another_program_its_workers_do_not_run_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spawned workers run the parent's main script again: after an AppTest run in the same test
    process, that was the Streamlit app, and the cluster failed to start ('Nanny failed to start')."""
    import types

    script = tmp_path / "some_app.py"
    script.write_text("raise SystemExit('a worker ran the parent program')\n", encoding="utf-8")
    program = types.ModuleType("__main__")
    program.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", program)
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in list(SEEDS.values())[:2]:
        (raw / path.name).write_bytes(path.read_bytes())
    result = build(raw, tmp_path / "wh", workers=2, cache_dir=False, engine="dask")
    assert result.documents == 2 and result.failed == 0
    assert sys.modules["__main__"] is program  # put back for the program that started the build
