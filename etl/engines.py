"""Where each document is read and parsed: the local process pool (default) or a Dask cluster.

``python -m etl build --engine dask`` starts a Dask cluster of ``--workers`` processes on
127.0.0.1 and shuts it down after the build; with ``--address tcp://host:8786`` it uses a
running scheduler instead. Only reading and parsing move: the driver still hashes, reads the
cache, builds the tables and writes the warehouse under its lock, so the warehouse is the same
whatever the engine. Tasks get file paths and the cache's path, never bytes: the raw folder
and the cache must be on storage every worker sees (cache entries are written atomically by
temp file and rename, so two workers never leave half an entry). Workers are processes of
their own (spawned, or started by ``dask worker``), so they never inherit the build lock.

Why Dask and not Ray (``python -m bench.engines``, 100 real documents, 1,891 pages, 2 cores,
README *Measured figures*): both read a page for the same CPU (16-17.6 pages per CPU second,
as the local pool: documents are independent and cost seconds each, so no scheduler matters),
and both finish a build whose worker is SIGKILLed with every row (the local pool's build
fails). But ``distributed`` is a 4 s, 39 MB pure-Python install with ``dask scheduler`` and
``dask worker`` commands and a cluster up in 1.7 s, where ``ray[default]`` is 27 s and 349 MB
and up in 6.8 s (5.6 CPU seconds of 2 cores). Ray is only measured, never imported here.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import types
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, TypeVar

from etl import cache
from etl.errors import BuildError
from etl.pool import worker_pool

CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler given by --address
NO_WORKER_WAIT = 120.0  # seconds a build waits while its cluster has no worker at all
POLL = 1.0  # seconds between looks at the cluster while waiting for results

T = TypeVar("T")


class EngineError(BuildError):
    """The engine cannot run the build (not installed, unreachable, no workers): said in Chinese."""


class CodeMismatch(Exception):
    """A worker runs other ETL code than the build: its rows could differ, so it is refused."""


class Pool(Protocol):
    def map(self, fn: Callable[..., T], batches: list[list[str]], *args: Any) -> Iterator[T]:
        """Submit ``fn(batch, *args)`` for every batch now; the iterator yields results."""
        ...


class _LocalPool:
    """The machine's own worker processes (etl.pool): results in submission order."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def map(self, fn: Callable[..., T], batches: list[list[str]], *args: Any) -> Iterator[T]:
        futures: deque[Future[T]] = deque(self._executor.submit(fn, batch, *args) for batch in batches)

        def results() -> Iterator[T]:
            while futures:  # each result let go once yielded: a streaming build holds one chunk at a time
                yield futures.popleft().result()

        return results()


@contextmanager
def _plain_main() -> Iterator[None]:
    """Start Dask's worker processes with a plain ``__main__``.

    Its nanny spawns each worker, and a spawned process runs the parent's main script again
    when the parent was started from a file: a build started from inside another program (a
    Streamlit page, a test runner that ran one) would make every worker run that program.
    The worker needs nothing of it (the tasks import etl), so the spawn sees an empty main.
    """
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


@contextmanager
def _local(workers: int, address: str | None) -> Iterator[Pool]:
    with worker_pool(workers) as executor:
        yield _LocalPool(executor)


def _checked(fn: Callable[..., T], version: str, batch: list[str], *args: Any) -> T:
    """Run on a worker: refuse when its ETL code is not the build's (another checkout, an old image)."""
    if cache.parser_version() != version:
        raise CodeMismatch(f"{os.uname().nodename}:{os.getpid()} {cache.parser_version()} != {version}")
    return fn(batch, *args)


class _DaskPool:
    """Tasks of a Dask cluster, one per batch; results as they complete."""

    def __init__(self, client: Any, where: str) -> None:
        self._client = client
        self._where = where

    def map(self, fn: Callable[..., T], batches: list[list[str]], *args: Any) -> Iterator[T]:
        version = cache.parser_version()
        futures = {
            self._client.submit(_checked, fn, version, batch, *args, pure=False): batch for batch in batches
        }
        return self._results(futures)

    def _results(self, futures: dict[Any, list[str]]) -> Iterator[Any]:
        """Each result once its task is done; a cluster left without workers ends the build."""
        finished: queue.Queue[Any] = queue.Queue()
        for future in futures:
            future.add_done_callback(finished.put)  # called from the client's thread
        idle = 0.0
        while futures:
            try:
                future = finished.get(timeout=POLL)
            except queue.Empty:
                idle = idle + POLL if not self._client.scheduler_info()["workers"] else 0.0
                if idle >= NO_WORKER_WAIT:
                    raise EngineError(
                        f"计算集群 {self._where} 已没有工作进程（等待 {NO_WORKER_WAIT:.0f} 秒），构建停止"
                    ) from None
                continue
            idle = 0.0
            yield self._result(future, futures.pop(future))

    def _result(self, future: Any, batch: list[str]) -> Any:
        from distributed import KilledWorker

        names = "、".join(os.path.basename(p) for p in batch[:3]) + ("等" if len(batch) > 3 else "")
        try:
            return future.result()
        except KilledWorker as exc:
            raise EngineError(
                f"读取文件 {names} 时计算集群的工作进程多次退出（崩溃或内存不足），构建停止"
            ) from exc
        except CodeMismatch as exc:
            raise EngineError(
                f"计算集群 {self._where} 的工作进程运行的 ETL 代码与本机不同（{exc}），"
                "请用与本机相同的代码重启工作进程"
            ) from exc
        finally:
            future.release()


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise EngineError(
            "未安装 Dask 分布式计算引擎（Python 包 distributed）：请运行 pip install distributed，"
            "或改用 --engine local"
        ) from exc
    return distributed


@contextmanager
def _dask(workers: int, address: str | None) -> Iterator[Pool]:
    """A client of the scheduler at ``address``, or of a cluster started here and closed after."""
    distributed = _import_distributed()
    cluster = None
    if address:
        try:
            distributed.comm.get_address_host_port(address)
        except (ValueError, TypeError) as exc:
            raise EngineError(
                f"计算集群地址 {address} 的格式不对：应为 tcp://主机:端口，例如 tcp://127.0.0.1:8786"
            ) from exc
        try:
            client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise EngineError(
                f"无法连接计算集群 {address}：{CONNECT_TIMEOUT:.0f} 秒内没有连上调度器；"
                "请确认 dask scheduler 已启动、地址和端口正确"
            ) from exc
        where = address
    else:
        try:
            with _plain_main():
                cluster = distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,  # parsing holds the GIL: one process per core
                    processes=True,
                    host="127.0.0.1",
                    scheduler_port=0,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
        except Exception as exc:
            raise EngineError(f"无法在本机启动 Dask 计算集群（{workers} 个工作进程）：{exc}") from exc
        client = distributed.Client(cluster, set_as_default=False)
        where = cluster.scheduler_address
    try:
        try:
            client.wait_for_workers(1, timeout=NO_WORKER_WAIT)
        except TimeoutError as exc:
            raise EngineError(
                f"计算集群 {where} 在 {NO_WORKER_WAIT:.0f} 秒内没有任何工作进程，构建停止"
            ) from exc
        yield _DaskPool(client, where)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


Opener = Callable[[int, "str | None"], AbstractContextManager[Pool]]

# name -> (workers, address) -> a pool. A benchmark may add one (bench/engines.py adds Ray).
OPENERS: dict[str, Opener] = {"local": _local, "dask": _dask}


def check(name: str, address: str | None = None) -> None:
    """Refuse an unknown engine or an address for the local pool before anything is read."""
    if name not in OPENERS:
        raise EngineError(
            f"不支持的计算引擎 {name}：可选 local（本机进程池，默认）或 dask（Dask 分布式集群）"
        )
    if name == "local" and address:
        raise EngineError("--address 只用于分布式计算引擎（--engine dask），本机进程池不需要地址")


def open_engine(name: str, workers: int, address: str | None = None) -> AbstractContextManager[Pool]:
    """The pool of engine ``name`` with ``workers`` workers (when it starts them), closed after."""
    check(name, address)
    return OPENERS[name](workers, address)
