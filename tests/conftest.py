"""Shared fixtures: the embedded seed corpus in data/raw/ is the canonical fixture set."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

SEEDS = {
    "songjiang_2020": RAW / "songjiang_city_operation_center_2020_final_accounts.txt",
    "minhang_2022": RAW / "minhang_city_operation_center_2022_self_evaluation.txt",
    "songjiang_2022_decl": RAW / "songjiang_city_operation_center_2022_target_declaration.txt",
    "qingpu_2020": RAW / "qingpu_government_service_office_2020_final_accounts.txt",
    "songjiang_2021": RAW / "songjiang_administrative_service_center_2021_self_evaluation.txt",
}


def seed_text(name: str) -> str:
    """The seed document's text exactly as stored (UTF-8)."""
    return SEEDS[name].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return {name: seed_text(name) for name in SEEDS}


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The seed corpus built once per test session, with the documented command.

    pytest-xdist's workers share one base folder: the first to take the lock builds, the
    others wait for it and read the same build. Pages, queries and browser journeys all
    read this one build; nothing writes to it.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "seed" / "warehouse"
    with (shared / "seed.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (out / "_build.json").exists():
            subprocess.run(
                [sys.executable, "-m", "etl", "build", "--raw", str(RAW), "--out", str(out), "--quiet"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                timeout=180,
            )
    yield out


# --- every registered check must be exercised by some test ------------------------------
# Each Check constructed during the run (in this process, a pytest-xdist worker or a forked
# build worker) appends its id to a file in one folder; the folder is made by the first
# process (the xdist controller) and handed to the workers through the environment. At the
# end of a full run, a registry entry no test reached fails it.
# Which of the run's two temporary folders this process made (the others were handed down to it).
_MADE_HERE: set[str] = set()


def _run_folder(name: str, prefix: str) -> Path:
    """The folder named by the environment variable ``name``; made (and named there) when unset."""
    if name not in os.environ:
        os.environ[name] = tempfile.mkdtemp(prefix=prefix)
        _MADE_HERE.add(name)
    return Path(os.environ[name])


_SEEN_DIR = _run_folder("BUDGET_TEST_CHECKS_SEEN", "checks_seen_")


# One parse cache for the whole run (etl.build.default_cache): a build of the same original files
# in another test reads them from it instead of parsing them again; entries are keyed by the bytes
# and the parser's code, so nothing a test changes is served stale. Tests of the cache itself pass
# their own folder. Made by the controller, handed to the workers (and `python -m etl build`) by
# the environment, removed at the end.
_PARSE_CACHE = _run_folder("ETL_CACHE_DIR", "parse_cache_")


def _record_check_ids() -> None:
    from etl.model import Check

    original = Check.__post_init__

    def recording(self: Check) -> None:
        original(self)
        with open(_SEEN_DIR / f"{os.getpid()}.txt", "a", encoding="utf-8") as f:
            f.write(self.check + "\n")

    Check.__post_init__ = recording  # type: ignore[method-assign]


_record_check_ids()


def checks_seen() -> set[str]:
    return {line for p in _SEEN_DIR.glob("*.txt") for line in p.read_text(encoding="utf-8").split()}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A full run (no -k, -m, or paths) fails when a registry entry was never exercised."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller judges the whole run
    try:
        _judge_registry(session, exitstatus)
    finally:  # the run's own temporary folders, not those handed down to it (nor a user's own cache)
        for folder, name in ((_PARSE_CACHE, "ETL_CACHE_DIR"), (_SEEN_DIR, "BUDGET_TEST_CHECKS_SEEN")):
            if name in _MADE_HERE:
                shutil.rmtree(folder, ignore_errors=True)


def _judge_registry(session: pytest.Session, exitstatus: int) -> None:
    from etl.validate.registry import REGISTRY

    opt = session.config.option
    full = not opt.keyword and not opt.markexpr and session.config.args == [str(ROOT / "tests")]
    full = full or [Path(a).resolve() for a in session.config.args] in ([ROOT / "tests"], [ROOT])
    if not full or exitstatus != 0 or session.testscollected == 0:
        return
    missing = sorted(set(REGISTRY) - checks_seen())
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if missing:
        if reporter:
            reporter.write_line(
                f"FAILED check registry: {len(missing)} registered checks were never raised by any test: "
                + ", ".join(missing),
                red=True,
            )
        session.exitstatus = 1
    elif reporter:
        reporter.write_line(f"check registry: all {len(REGISTRY)} registered checks were raised by some test")


# The real-browser journeys take 5-30 s each: run first, they start while the many short tests are
# still queued and the workers end together (last, one of them ran on alone for its last minute).
SLOW_FIRST = ("tests/e2e/", "tests/dashboard/test_importer.py", "tests/dashboard/test_import_page.py")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Streamlit's AppTest scans every installed package's metadata for components at each new
    app (46,000 metadata parses in tests/dashboard, 0.26 s an app: a sixth of its CPU); the
    installed packages do not change during a session, so the scan is made once per worker.
    Patched only when the collected tests imported streamlit."""
    if "streamlit" not in sys.modules:
        return
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    if getattr(scan, "_once", False):
        return
    found: list = []

    def scan_once(max_workers: int | None = None) -> list:
        if not found:
            found.append(scan(max_workers))
        return list(found[0])

    scan_once._once = True  # type: ignore[attr-defined]
    manifest_scanner.scan_component_manifests = scan_once
