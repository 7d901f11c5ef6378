"""Issue 17, three faults of the build: a killed build, a replaced original, a full or read-only disk.

Nothing lost, nothing counted twice: a build killed with SIGKILL (what the OOM killer
does) frees the warehouse for the next build at once and leaves no worker behind; an
original replaced under its old name, size and modification time is read again, never
served from the cache; a disk that cannot be written ends the build in one Chinese line
with exit code 4, the old warehouse intact and no temporary file left, and leftovers of
killed builds are pruned by the next one. Waits poll for a condition up to a deadline.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import psutil
import pytest

from etl import cache, load
from etl.__main__ import main
from etl.build import build
from tests.conftest import ROOT, SEEDS
from tests.realdocs import REAL

T = TypeVar("T")
DEADLINE = 60.0  # seconds a poll waits for its condition before the test fails
SEED = SEEDS["songjiang_2021"]
HEAVY_PDF = REAL / "putuo_finance_bureau_2024_final_accounts.pdf"  # 25 pages: seconds per worker
FORM = REAL / "chongqing_yuzhong_hrss_2021_self_evaluation.xlsx"  # one 自评表: 全年执行数 6643 万元 in F5


def _poll(condition: Callable[[], T], what: str, deadline: float = DEADLINE) -> T:
    """condition()'s first truthy value, checked every 50 ms; the test fails after ``deadline`` s."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"not within {deadline:.0f} s: {what}")
        time.sleep(0.05)


def _raw(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


# --- 1. kill -9 of the build ------------------------------------------------------------------


def _living(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (a zombie has released everything it held)."""
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def _in_group(pgid: int) -> list[int]:
    """Living processes of process group ``pgid`` (the killed build's session)."""
    found = []
    for p in psutil.process_iter():
        try:
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p.pid)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
    return found


def _lock_is_free(out: Path) -> bool:
    try:
        with load.warehouse_lock(out, timeout=0):
            return True
    except load.WarehouseBusy:
        return False


def test__kill_9__the_next_build_gets_the_lock_and_no_worker_survives(tmp_path: Path) -> None:
    raw = _raw(tmp_path / "raw", {f"copy{i}_{HEAVY_PDF.name}": HEAVY_PDF.read_bytes() for i in range(4)})
    out = tmp_path / "warehouse"
    first = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--out", str(out)]
        + ["--workers", "2", "--no-cache", "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: every process of this build is found by it
    )
    try:
        main_process = psutil.Process(first.pid)
        workers = _poll(
            lambda: [c.pid for c in main_process.children()] if len(main_process.children()) >= 2 else None,
            "the first build starts its two workers",
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        left = _poll(lambda: not _in_group(first.pid) or None, "no process of the killed build is left", 30)
        assert left and _living(workers) == []
        assert _poll(lambda: _lock_is_free(out), "the killed build's lock is released", 30)
    finally:
        for pid in _in_group(first.pid):  # what a failed run leaves: only this test's processes
            os.kill(pid, signal.SIGKILL)

    seeds = _raw(tmp_path / "seeds", {SEED.name: SEED.read_bytes()})
    second = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--raw", str(seeds), "--out", str(out), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert second.returncode == 0, second.stderr
    manifest = load.read_manifest(out)
    assert manifest is not None and [f["source_file"] for f in manifest["files"]] == [SEED.name]


# --- 2. a replaced original ------------------------------------------------------------------


def _stored_xlsx(executed: str) -> bytes:
    """The 重庆 form with 全年执行数 ``executed`` (4 digits), zipped without compression.

    Stored entries keep the size whatever the digits: two renderings of one size.
    """
    old = b'<c r="F5" s="14"><v>6643</v></c>'
    buf = io.BytesIO()
    with zipfile.ZipFile(FORM) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert data.count(old) == 1
                data = data.replace(old, old.replace(b"6643", executed.encode()))
            zout.writestr(zipfile.ZipInfo(info.filename, info.date_time), data)
    return buf.getvalue()


def _replace_keeping_mtime(path: Path, data: bytes, how: str) -> None:
    """What cp -p (in place) or rsync -a / tar x (a new file renamed over) does: the old mtime is back."""
    st = path.stat()
    if how == "in_place":
        path.write_bytes(data)
    else:
        tmp = path.with_name(f".{path.name}.new")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (st.st_size, st.st_mtime_ns)


@pytest.mark.parametrize("racy_margin", ["default", "none"])
@pytest.mark.parametrize("how", ["in_place", "renamed"])
def test__cache__an_original_replaced_with_its_size_and_mtime_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, racy_margin: str
) -> None:
    if racy_margin == "none":  # record even a file written just now: the ctime alone must tell
        monkeypatch.setattr(cache, "RACY_NS", 0, raising=False)
    before, after = _stored_xlsx("6643"), _stored_xlsx("6543")
    assert len(before) == len(after) and before != after
    raw = _raw(tmp_path / "raw", {FORM.name: before, SEED.name: SEED.read_bytes()})
    out, store = tmp_path / "warehouse", tmp_path / "cache"
    build(raw, out, workers=1, cache_dir=store)
    executed = load.read_table(out, "projects").filter(pl.col("source_file") == FORM.name)
    assert executed["executed_yuan"].to_list() == [Decimal("66430000.00")]

    _replace_keeping_mtime(raw / FORM.name, after, how)
    build(raw, out, workers=1, cache_dir=store)

    documents = load.read_table(out, "documents").filter(pl.col("source_file") == FORM.name)
    assert documents["sha256"].to_list() == [hashlib.sha256(after).hexdigest()]
    projects = load.read_table(out, "projects").filter(pl.col("source_file") == FORM.name)
    assert projects["executed_yuan"].to_list() == [Decimal("65430000.00")]
    manifest = load.read_manifest(out)
    assert manifest is not None
    assert {f["source_file"]: f["sha256"] for f in manifest["files"]}[FORM.name] == hashlib.sha256(
        after
    ).hexdigest()


def test__cache__an_unchanged_original_is_not_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shortcut is kept where it is safe: same device, inode, size, mtime and ctime."""
    monkeypatch.setattr(cache, "RACY_NS", 0)
    raw = _raw(tmp_path / "raw", {FORM.name: FORM.read_bytes()})
    out, store = tmp_path / "warehouse", tmp_path / "cache"
    build(raw, out, workers=1, cache_dir=store)
    hashed: list[Path] = []
    real = cache.file_sha256
    monkeypatch.setattr(cache, "file_sha256", lambda p: hashed.append(p) or real(p))
    build(raw, out, workers=1, cache_dir=store)
    assert hashed == []
    os.utime(raw / FORM.name)  # a touch moves ctime: hashed again, same bytes, same entry
    build(raw, out, workers=1, cache_dir=store)
    assert [p.name for p in hashed] == [FORM.name]


def test__cache__a_file_hashed_just_after_a_change_is_recorded_once_that_is_safe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its ctime could still hide a change at first; at the end of the build it is hashed again and kept."""
    path = tmp_path / FORM.name
    path.write_bytes(FORM.read_bytes())
    store = tmp_path / "cache"
    monkeypatch.setattr(cache, "RACY_NS", 10**18)  # every change is 'just now'
    files = cache.FileIndex(store)
    sha = files.sha256(path)
    files.save()
    assert cache.load_index(store) == {}
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the build has run long enough
    files.settle()
    hashed: list[Path] = []
    real = cache.file_sha256
    monkeypatch.setattr(cache, "file_sha256", lambda p: hashed.append(p) or real(p))
    assert cache.FileIndex(store).sha256(path) == sha == hashlib.sha256(FORM.read_bytes()).hexdigest()
    assert hashed == []


# --- 3. a full disk, a read-only folder, leftovers --------------------------------------------


def _leftovers(tmp_path: Path) -> list[str]:
    """Temporary files and folders of a build anywhere under tmp_path."""
    return sorted(
        str(p.relative_to(tmp_path))
        for p in tmp_path.rglob("*")
        if p.name.startswith(".staging-") or p.name.endswith(".tmp") or ".link-" in p.name
    )


@pytest.fixture()
def published(tmp_path: Path, capsys: pytest.CaptureFixture) -> dict[str, Any]:
    """A warehouse built from a seed and the 重庆 form, with its cache; what must stay as it is."""
    raw = _raw(tmp_path / "raw", {SEED.name: SEED.read_bytes(), FORM.name: FORM.read_bytes()})
    out, store = tmp_path / "data" / "warehouse", tmp_path / "data" / "cache"
    assert main(["build", "--raw", str(raw), "--out", str(out), "--cache", str(store), "--quiet"]) == 0
    capsys.readouterr()
    # One new original, so the next build writes a cache entry and the cache's index too.
    (raw / f"new_{FORM.name}").write_bytes(_stored_xlsx("6543"))
    return {
        "raw": raw,
        "out": out,
        "cache": store,
        "link": os.readlink(out),
        "manifest": load.read_manifest(out),
        "builds": sorted(p.name for p in load.builds_dir(out).iterdir()),
    }


def _assert_untouched(published: dict[str, Any]) -> None:
    out = published["out"]
    assert os.readlink(out) == published["link"]
    assert load.read_manifest(out) == published["manifest"]
    assert sorted(p.name for p in load.builds_dir(out).iterdir()) == published["builds"]
    assert load.read_table(out, "projects").height > 0


class _FullFile:
    """A file on a full disk: it was created, but not a byte can be written into it."""

    def __init__(self, f: Any) -> None:
        self._f = f

    def write(self, _data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)


def _disk_full(monkeypatch: pytest.MonkeyPatch, under: Path) -> None:
    """Every file written under ``under`` is created and then fails with ENOSPC, Parquet included.

    Parquet is really written to /dev/full, so Polars reports the kernel's ENOSPC its own way.
    """
    real_open, real_write = io.open, pl.DataFrame.write_parquet

    def full_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        f = real_open(file, mode, *args, **kwargs)
        inside = isinstance(file, (str, Path)) and Path(file).is_relative_to(under)
        return _FullFile(f) if inside and any(c in mode for c in "wax+") else f

    def full_parquet(self: pl.DataFrame, file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, Path)) and Path(file).is_relative_to(under):
            Path(file).touch()
            return real_write(self, "/dev/full", *args, **kwargs)
        return real_write(self, file, *args, **kwargs)

    monkeypatch.setattr(io, "open", full_open)
    monkeypatch.setattr(pl.DataFrame, "write_parquet", full_parquet)


def test__disk_full__one_chinese_line_exit_4_old_warehouse_kept_nothing_left(
    published: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    out = published["out"]
    _disk_full(monkeypatch, tmp_path / "data")
    code = main(
        ["build", "--raw", str(published["raw"]), "--out", str(out), "--cache", str(published["cache"])]
        + ["--quiet"]
    )
    captured = capsys.readouterr()
    assert captured.err == f"无法写入数据仓库目录 {load.builds_dir(out)}：磁盘空间不足；原有数据仓库未改变\n"
    assert code == 4
    assert captured.out == "" and "Traceback" not in captured.err
    _assert_untouched(published)
    assert _leftovers(tmp_path) == []


@contextmanager
def _read_only(folder: Path, code: int) -> Iterator[str]:
    """``folder`` made unwritable: by chmod a-w for EACCES where that binds, else by failing every write.

    chmod does not stop root (CAP_DAC_OVERRIDE): a probe tells, and then, as for EROFS, every
    write under ``folder`` fails with ``code``, answered as the kernel does: an existing
    folder is EEXIST to mkdir, a file may still be opened for reading. Yields how it was done.
    """
    if code == errno.EACCES:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if not p.is_symlink()}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            (folder / ".probe").mkdir()
        except PermissionError:
            binds = True
        else:
            binds = False
            (folder / ".probe").rmdir()
        try:
            if binds:
                yield "chmod"
                return
        finally:
            for p, mode in modes.items():
                p.chmod(mode)

    def denied(path: Any) -> OSError:
        return OSError(code, os.strerror(code), str(path))

    def inside(path: Any) -> bool:
        return isinstance(path, (str, bytes, os.PathLike)) and Path(os.fsdecode(path)).is_relative_to(folder)

    real_open, real_os_open, real_mkdir = io.open, os.open, os.mkdir
    writes = os.O_WRONLY | os.O_RDWR | os.O_TRUNC | os.O_APPEND

    def ro_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if inside(path) and (flags & writes or (flags & os.O_CREAT and not os.path.exists(path))):
            raise denied(path)
        return real_os_open(path, flags, *args, **kwargs)

    def ro_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if inside(file) and any(c in mode for c in "wax+"):
            raise denied(file)
        return real_open(file, mode, *args, **kwargs)

    def ro_mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if inside(path):
            if os.path.exists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
            raise denied(path)
        real_mkdir(path, *args, **kwargs)

    def ro_path_call(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*paths: Any, **kwargs: Any) -> Any:
            if any(inside(p) for p in paths):
                raise denied(paths[0])
            return real(*paths, **kwargs)

        return call

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "open", ro_os_open)
        mp.setattr(io, "open", ro_open)
        mp.setattr(os, "mkdir", ro_mkdir)
        for name in ("replace", "rename", "symlink", "unlink", "rmdir"):
            mp.setattr(os, name, ro_path_call(getattr(os, name)))
        mp.setattr(pl.DataFrame, "write_parquet", ro_path_call(pl.DataFrame.write_parquet))
        yield "simulated"


@pytest.mark.parametrize(
    ("code", "reason"), [(errno.EROFS, "目录只读"), (errno.EACCES, "没有写入权限")], ids=["EROFS", "EACCES"]
)
def test__read_only_folder__one_chinese_line_exit_4_old_warehouse_kept(
    published: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture, code: int, reason: str
) -> None:
    out = published["out"]
    with _read_only(tmp_path / "data", code) as how:
        exit_code = main(
            ["build", "--raw", str(published["raw"]), "--out", str(out), "--cache", str(published["cache"])]
            + ["--quiet"]
        )
    captured = capsys.readouterr()
    assert captured.err == f"无法写入数据仓库目录 {out.parent}：{reason}；原有数据仓库未改变\n", how
    assert exit_code == 4
    assert captured.out == "" and "Traceback" not in captured.err
    _assert_untouched(published)
    assert _leftovers(tmp_path) == []


@contextmanager
def _held(path: Path) -> Iterator[None]:
    """What a running build holds on the staging folder or temporary file it writes."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


def test__leftovers_of_a_killed_build_are_pruned_a_running_builds_are_not(
    published: dict[str, Any], capsys: pytest.CaptureFixture
) -> None:
    out, store = published["out"], published["cache"]
    builds = load.builds_dir(out)
    dead = builds / ".staging-20261206T101010000000-abcdef12-4242-0123456789ab"
    dead.mkdir()
    (dead / "projects.parquet").write_bytes(b"half a file")
    running = builds / ".staging-20261206T111111000000-abcdef12-4343-ba9876543210"
    running.mkdir()
    dead_tmp = [store / ".index.json.4242.tmp", store / "ab" / f".{'ab' + '0' * 62}.pkl.4242.tmp"]
    for p in dead_tmp:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"half an entry")
    running_tmp = store / ".index.json.4343-0a1b2c3d.tmp"
    running_tmp.write_bytes(b"being written")

    with _held(running), _held(running_tmp):
        assert main(["build", "--raw", str(published["raw"]), "--out", str(out), "--cache", str(store)]) == 0
    capsys.readouterr()

    assert not dead.exists()
    assert [p for p in dead_tmp if p.exists()] == []
    assert running.is_dir() and running_tmp.is_file()
    shutil.rmtree(running)
