"""Engines for `python -m etl build --engine`: the local pool, Dask and Ray on the same documents.

    python -m bench.engines [--docs 100] [--engines local,dask,ray]

The corpus is bench.real_documents' (the real PDFs and XLSX of tests/cases/real repeated
under distinct names). For each engine, one run each on this machine, cache off:

* start-up: import the engine, start it with two workers on 127.0.0.1 and run one trivial
  task on each (what a build waits for before its first document);
* pages/s with 1 and 2 workers: a whole build (start-up included) with ``build(engine=...)``;
* a killed worker: a build on 2 workers whose busiest-looking worker process is SIGKILLed
  once a quarter of the documents are in: whether it finishes, with every document and the
  same row counts as the local build, and in what time.

Ray is not a dependency of the product: it is measured only when ``import ray`` works, through
an engine registered here (etl.engines.OPENERS), so the build pipeline measured is the same.
It installs with ``pip install 'ray[default]'`` (measured: 27 s, 349 MB) in a venv of its own.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

from bench.real_documents import OUT, corpus
from etl import engines
from etl.build import build

KILL_AT = 0.25  # share of documents in when a worker is killed


def _noop() -> int:
    return os.getpid()


# --- Ray, registered for this benchmark only ----------------------------------------------


class _RayPool:
    def __init__(self, ray: Any) -> None:
        self._ray = ray

    def map(self, fn: Callable[..., Any], batches: list[list[str]], *args: Any) -> Iterator[Any]:
        remote = self._ray.remote(max_retries=3)(fn)  # a task whose worker died runs again
        refs = [remote.remote(batch, *args) for batch in batches]

        def results() -> Iterator[Any]:
            pending = refs
            while pending:
                done, pending = self._ray.wait(pending, num_returns=1)
                yield self._ray.get(done[0])

        return results()


@contextmanager
def _ray_engine(workers: int, address: str | None) -> Iterator[_RayPool]:
    import ray

    ray.init(
        address=address,
        num_cpus=None if address else workers,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",  # loopback only, like the Dask cluster
        logging_level=logging.ERROR,
        runtime_env={"env_vars": {"PYTHONPATH": str(Path(__file__).resolve().parents[1])}},
    )
    try:
        yield _RayPool(ray)
    finally:
        ray.shutdown()


def _has_ray() -> bool:
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


# --- start-up --------------------------------------------------------------------------------


def startup(engine: str) -> dict[str, float]:
    """Seconds (and CPU seconds) from nothing to two workers that have each run a task, import included."""
    meter = CpuMeter()
    started = time.perf_counter()
    if engine == "local":
        from etl.pool import worker_pool

        with worker_pool(2) as pool:
            [f.result() for f in [pool.submit(_noop) for _ in range(2)]]
            ready = time.perf_counter()
            meter.sample()
    elif engine == "dask":
        import distributed

        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                host="127.0.0.1",
                scheduler_port=0,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            distributed.Client(cluster, set_as_default=False) as client,
        ):
            client.wait_for_workers(2)
            client.gather(
                [client.submit(_noop, pure=False, workers=[w]) for w in client.scheduler_info()["workers"]]
            )
            ready = time.perf_counter()
            meter.sample()
    else:
        with _ray_engine(2, None) as pool:
            list(pool.map(lambda batch: batch, [["a"], ["b"]]))
            ready = time.perf_counter()
            meter.sample()
    return {"seconds": round(ready - started, 2), "cpu_s": round(meter.seconds(), 2)}


# --- throughput and a killed worker ----------------------------------------------------------


def _workers_of(engine: str) -> list[psutil.Process]:
    """This process's descendants that run documents for ``engine``."""
    is_worker = {
        # forked pool workers carry this process's own command line
        "local": lambda p, line: p.ppid() == os.getpid() and "multiprocessing" not in line,
        "dask": lambda p, line: "spawn_main" in line,  # spawned by the local cluster's nannies
        "ray": lambda p, line: line.startswith("ray::_process_chunk"),  # Ray's title while running it
    }[engine]
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if is_worker(p, " ".join(p.cmdline())):
                found.append(p)
        except psutil.Error:
            continue
    return found


class CpuMeter:
    """CPU seconds of this process and its descendants (workers, Ray's raylet): a figure that other
    work on a shared machine does not change, unlike wall time. Sampled at each progress call,
    since the workers have exited (unreaped by us) by the time the build returns."""

    def __init__(self) -> None:
        self._me = psutil.Process()
        self._start = self._cpu(self._me)
        self._seen: dict[int, float] = {}

    @staticmethod
    def _cpu(p: psutil.Process) -> float:
        t = p.cpu_times()
        return t.user + t.system

    def sample(self) -> None:
        for p in self._me.children(recursive=True):
            try:
                self._seen[p.pid] = max(self._seen.get(p.pid, 0.0), self._cpu(p))
            except psutil.Error:
                continue

    def seconds(self) -> float:
        """CPU seconds since this meter was made (descendants' as last sampled)."""
        return self._cpu(self._me) - self._start + sum(self._seen.values())


def run(engine: str, raw: Path, work: Path, workers: int, kill: bool = False) -> dict[str, Any]:
    """One cold build (cache off); with ``kill``, a worker SIGKILLed once KILL_AT of documents are in."""
    out = work / f"{engine}-{workers}{'-kill' if kill else ''}"
    shutil.rmtree(out.parent / (out.name + ".builds"), ignore_errors=True)
    killed: list[int] = []
    meter = CpuMeter()

    def progress(done: int, total: int, _elapsed: float, _pages: int) -> None:
        meter.sample()
        if kill and not killed and KILL_AT * total <= done < total:
            victims = _workers_of(engine)
            if victims:
                victim = max(victims, key=lambda p: p.cpu_times().user)
                os.kill(victim.pid, signal.SIGKILL)
                killed.append(victim.pid)

    started = time.perf_counter()
    try:
        result = build(raw, out, workers=workers, cache_dir=False, engine=engine, progress=progress)
    except Exception as exc:
        return {
            "outcome": f"failed: {type(exc).__name__}: {str(exc)[:160]}",
            "seconds": round(time.perf_counter() - started, 1),
            "killed": killed,
        }
    line: dict[str, Any] = {
        "load_average_1min": round(os.getloadavg()[0], 1),  # other work on the machine, for the record
        "seconds": round(result.elapsed, 1),
        "pages": result.pages,
        "pages_per_second": round(result.pages / result.elapsed, 1),
        "cpu_s": round(meter.seconds(), 1),
        "pages_per_cpu_second": round(result.pages / meter.seconds(), 2),
        "parse_s": result.phases["parse_s"],
        "documents": result.documents,
        "failed": result.failed,
        "counts": result.counts,
    }
    if kill:
        line["killed"] = killed
    return line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--engines", default="local,dask,ray")
    args = parser.parse_args()
    engines.OPENERS["ray"] = _ray_engine
    raw = corpus(args.docs)
    work = OUT / f"engines-{args.docs}"
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"documents": args.docs, "cores": os.cpu_count()}
    names = [n for n in args.engines.split(",") if n]
    for name in names:
        if name == "ray" and not _has_ray():
            report[name] = "not installed: pip install 'ray[default]' (not a dependency of the product)"
            continue
        entry: dict[str, Any] = {"startup": startup(name)}
        for workers in (1, 2):
            entry[f"workers_{workers}"] = run(name, raw, work, workers)
        entry["killed_worker"] = run(name, raw, work, 2, kill=True)
        same = entry["killed_worker"].get("counts") == entry["workers_2"]["counts"]
        entry["killed_worker"]["same_counts_as_unkilled"] = same
        report[name] = entry
        print(json.dumps({name: entry}, ensure_ascii=False), file=sys.stderr, flush=True)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
