"""Issue 20, item 3: a Dask cluster of separate processes loses a worker, then the build's own driver.

A scheduler and two workers are started with Dask's own commands on 127.0.0.1, in one
process group of their own that the test kills at the end whatever happens. A build
against them (--address) whose worker is killed with SIGKILL while it reads a document
still gives every document, the same rows as the local pool; a build whose driver is
killed leaves the warehouse it would have replaced in place and readable, and its lock
free. Waits poll for a condition up to a deadline, never a fixed time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import distributed
import pytest

from etl import load
from etl.build import build
from tests.conftest import ROOT, SEEDS
from tests.realdocs import REAL
from tests.reliability.test_build_faults import _in_group, _lock_is_free, _poll
from tests.warehouse_rows import assert_same_rows

# The five seeds (one task) and four PDFs of 22-26 pages (a task each, 1.5-2.5 s on one core).
PDFS = [
    "putuo_commerce_commission_2025_unit_budget.pdf",
    "putuo_justice_bureau_2026_department_budget.pdf",
    "template_2024_final_accounts.pdf",
    "putuo_commerce_commission_2025_department_budget.pdf",
]


def _dask(command: str, *args: str) -> list[str]:
    """A Dask command line run by this interpreter (``dask scheduler``, ``dask worker``)."""
    return [sys.executable, "-m", f"distributed.cli.dask_{command}", *args]


@pytest.fixture()
def cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and two single-threaded workers without nanny (a killed worker stays dead).

    Workers import etl from this checkout (PYTHONPATH), as the build's driver does.
    """
    scheduler_file = tmp_path / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    common = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        _dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard")
        + ["--scheduler-file", str(scheduler_file)],
        process_group=0,  # a process group of its own: the workers join it, the finally kills it
        **common,
    )
    group = scheduler.pid
    started = [scheduler]
    try:
        for _ in range(2):
            started.append(
                subprocess.Popen(
                    _dask("worker", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1")
                    + ["--nthreads", "1", "--no-nanny", "--no-dashboard"],
                    process_group=group,
                    **common,
                )
            )
        _poll(lambda: scheduler_file.exists() and scheduler_file.stat().st_size, "the scheduler starts")
        address = json.loads(scheduler_file.read_text())["address"]
        with distributed.Client(address, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        with suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        for process in started:
            process.wait(timeout=30)
        assert _poll(lambda: not _in_group(group) or None, "no process of the cluster is left", 30)


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for path in [*SEEDS.values(), *(REAL / name for name in PDFS)]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_cluster__a_killed_worker_loses_nothing_a_killed_driver_keeps_the_old_warehouse(
    cluster: str, tmp_path: Path
) -> None:
    raw = _corpus(tmp_path / "raw")
    expected = build(raw, tmp_path / "local", workers=2, cache_dir=False)

    # 1. A worker killed while it reads a document: its tasks run again on the other one.
    client = distributed.Client(cluster, set_as_default=False)
    pids = client.run(os.getpid)  # worker address -> its process
    killed: list[tuple[str, int, int]] = []  # (worker, tasks it was running, documents done then)

    def kill_a_busy_worker(done: int, total: int, _elapsed: float, _pages: int) -> None:
        if killed or done >= total:
            return
        busy = {w: len(keys) for w, keys in client.processing().items() if keys}
        if busy:
            worker = sorted(busy)[0]
            os.kill(pids[worker], signal.SIGKILL)
            killed.append((worker, busy[worker], done))

    out = tmp_path / "warehouse"
    result = build(
        raw, out, address=cluster, engine="dask", cache_dir=tmp_path / "cache", progress=kill_a_busy_worker
    )
    assert killed and killed[0][1] >= 1 and killed[0][2] < expected.documents, killed
    assert _poll(
        lambda: set(client.scheduler_info()["workers"]) == set(pids) - {killed[0][0]} or None,
        "the scheduler drops the killed worker",
    )
    assert (result.documents, result.failed, result.pages) == (
        expected.documents,
        expected.failed,
        expected.pages,
    )
    assert_same_rows(out, tmp_path / "local")
    client.close()

    # 2. The build's own process killed mid-build: the warehouse of step 1 stays in, readable.
    link, manifest = os.readlink(out), load.read_manifest(out)
    fresh_cache = tmp_path / "cache2"  # every document is read again
    driver = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--out", str(out)]
        + ["--engine", "dask", "--address", cluster, "--cache", str(fresh_cache), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # A worker has written its first document's rows to the cache: the build is under way.
        _poll(lambda: any(fresh_cache.glob("*/*.pkl")), "the build's first document is read")
        read = len(list(fresh_cache.glob("*/*.pkl")))
        os.kill(driver.pid, signal.SIGKILL)
        assert driver.wait(timeout=30) == -signal.SIGKILL
    finally:
        for pid in _in_group(driver.pid):
            os.kill(pid, signal.SIGKILL)
    assert read < len(PDFS)  # killed before it had read everything
    assert os.readlink(out) == link and load.read_manifest(out) == manifest
    assert load.read_table(out, "projects").height == expected.counts["projects"]
    assert_same_rows(out, tmp_path / "local")
    assert _poll(lambda: _lock_is_free(out), "the killed driver's lock is released", 30)
