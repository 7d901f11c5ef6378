"""Worker processes that die with the build that started them.

``kill -9`` of a build (what the OOM killer does) gives its workers no chance to be told:
a forked ProcessPoolExecutor worker would go on parsing, or wait for work forever, holding
copies of every descriptor of its parent, the warehouse's build lock among them, so every
later build and every 加入数据库 would wait for a lock nobody releases. Each worker therefore
drops its copies of the build lock and asks the kernel (Linux prctl PR_SET_PDEATHSIG) to
kill it when its parent dies. The kernel's parent is the thread that forked the worker:
the pool is made, fed and drained by the one thread running the build, so it is the build.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

from etl import load

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the lock is still released, the worker ends at its next task
    if os.getppid() != parent:  # the parent died between fork and prctl
        os._exit(1)


def _init_worker(parent: int) -> None:
    load.close_inherited_locks()
    _die_with_parent(parent)


def worker_pool(max_workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers hold no build lock and do not outlive this process."""
    return ProcessPoolExecutor(max_workers=max_workers, initializer=_init_worker, initargs=(os.getpid(),))
