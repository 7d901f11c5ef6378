"""Reading an upload in a child process with a time and a memory limit (数据导入's preview).

The dashboard is one process serving every official: a file that takes a parser minutes
or gigabytes (a million-row sheet, a pathological PDF) must cost that process nothing.
The readers refuse the costly files they can tell from the bytes (``etl.readers.limits``);
this bounds whatever is left. The upload is read by ``python -m dashboard.preview_process``
— a fresh interpreter, not a fork of the threaded server — which caps its own address space
(RLIMIT_AS) before reading, gets the bytes on stdin and sends the rows back pickled on
stdout. Past READ_SECONDS it is ended with its process group (SIGTERM first, so a running
LibreOffice conversion is ended with it, then SIGKILL); either way the official reads in
Chinese which limit the file passed.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from etl.readers import limits

ROOT = Path(__file__).resolve().parents[1]
TARGET = "etl.process:process_document"  # what the child runs: module:function(source_file, data)
GRACE = 2.0  # seconds between SIGTERM and SIGKILL: the child ends a LibreOffice it started
EXIT_MEMORY = 3
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
TOO_COSTLY = "文件过大或过于复杂："


class TooCostly(Exception):
    """The upload could not be read within the preview's limits; the message (Chinese) says which, or why not."""


def _gb(n: int) -> str:
    return f"{n / limits.GB:g} GB"


def process_limited(
    source_file: str,
    data: bytes,
    *,
    seconds: float | None = None,
    memory_bytes: int | None = None,
    target: str | None = None,
) -> dict[str, Any]:
    """``process_document(source_file, data)`` run in a child process, or TooCostly.

    The limits default to etl.readers.limits (read at call time, so a test may lower them).
    """
    seconds = limits.READ_SECONDS if seconds is None else seconds
    memory_bytes = limits.READ_MEMORY_BYTES if memory_bytes is None else memory_bytes
    payload = pickle.dumps((target or TARGET, source_file, data, memory_bytes), pickle.HIGHEST_PROTOCOL)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "dashboard.preview_process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: ended with everything it started
    )
    try:
        out, err = child.communicate(payload, timeout=seconds)
    except subprocess.TimeoutExpired:
        _end(child)
        raise TooCostly(
            f"{TOO_COSTLY}读取超过 {seconds:g} 秒（每个文件的读取时间上限）仍未完成，已中止，未保存。"
        ) from None
    except BaseException:
        _end(child)  # nothing of it may outlive the preview, whatever happened
        raise
    if child.returncode == EXIT_MEMORY:
        raise TooCostly(f"{TOO_COSTLY}读取时超过内存上限 {_gb(memory_bytes)}，已中止，未保存。")
    if child.returncode < 0:  # the kernel's OOM killer, or a C library that failed to allocate
        raise TooCostly(
            f"{TOO_COSTLY}读取文件的后台进程被信号 {signal.Signals(-child.returncode).name} 终止，"
            f"可能超过了内存上限 {_gb(memory_bytes)}，未保存。"
        )
    if child.returncode != 0 or not out:  # an error no reader turned into a refusal: a bug, said as such
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {child.returncode}"]
        raise TooCostly(f"读取文件时程序出错（{last[0][:200]}），未保存；请将文件提供给管理员。")
    return pickle.loads(out)


def _end(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM the child's process group, SIGKILL it after GRACE, then reap the child.

    The child is reaped only after the last signal: until then its pid, which is the
    group's id, cannot be given to another process, so no stranger's group is signalled.
    """
    if child.returncode is not None:
        return  # already reaped: its group id may belong to someone else now
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE
    while time.monotonic() < deadline and not _exited(child.pid):
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)  # whatever of the group is left
    child.wait()


def _exited(pid: int) -> bool:
    """Whether the child has ended, without reaping it (WNOWAIT)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


# --- the child ---------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """SIGKILL this child when the server that started it dies (Linux), so no reading outlives it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _hit_memory(outcome: dict[str, Any]) -> bool:
    """A MemoryError that a reader or parser turned into a refusal or a check (they catch Exception)."""
    said = [outcome["document"].get("error") or ""] + [c.get("message") or "" for c in outcome["checks"]]
    return any("MemoryError" in text for text in said)


def child_main() -> int:
    """Read (target, source_file, data, memory) from stdin, run the target, write its result to stdout."""
    _die_with_parent()
    result = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the pickle
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds: a LibreOffice run is ended
    target, source_file, data, memory = pickle.load(sys.stdin.buffer)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        module, name = target.split(":")
        outcome = getattr(importlib.import_module(module), name)(source_file, data)
        if _hit_memory(outcome):
            return EXIT_MEMORY
        result.write(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL))
        result.close()
    except MemoryError:
        return EXIT_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(child_main())
