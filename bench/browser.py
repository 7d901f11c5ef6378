"""Shared helpers for the browser benchmarks: start the app, drive Debian's chromium."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RUN_WATCH,
    free_port,
    runs,
    start_server,
    stop_server,
    wait_healthy,
)
from tests.e2e.conftest import settle as drawn

PAGES = {
    "总览": "",
    "区际比较": "compare_districts",
    "年度比较": "compare_years",
    "支出结构": "structure",
    "预算执行": "execution",
    "绩效评分": "scores",
    "项目详情": "project_detail",
    "数据下载": "download",
    "数据质量": "quality",
}


def new_page(browser, width: int = 1440, height: int = 1200):
    """A page that counts finished script runs (tests.e2e.conftest.RUN_WATCH)."""
    pg = browser.new_page(viewport={"width": width, "height": height})
    pg.add_init_script(RUN_WATCH)
    return pg


def load(pg, url: str, timeout: float = 120_000) -> None:
    """Navigate and wait for the first run to be drawn (charts drawn, no placeholder)."""
    pg.goto(url)
    drawn(pg, since=0, timeout=timeout)


def after(pg, action, timeout: float = 120_000) -> None:
    """Do ``action`` and wait for the run it started to be drawn (no fixed sleep)."""
    before = runs(pg)
    action()
    drawn(pg, since=before, timeout=timeout)


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


class App:
    """A Streamlit server on a free port over ``warehouse``; stopped by PID on exit."""

    def __init__(self, warehouse: Path, log: Path) -> None:
        self.port = free_port()
        self.proc = start_server(warehouse, self.port, log)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_healthy(self.url)

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        stop_server(self.proc)


def launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def type_district(pg, name: str) -> None:
    """Open the sidebar's 区 filter and type ``name``: the official's own typing, not yet a change."""
    box = pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    box.click()
    pg.keyboard.type(name)


def choose(pg) -> None:
    """Enter: the typed district is chosen, which starts the page's run; Escape closes the list."""
    pg.keyboard.press("Enter")
    pg.keyboard.press("Escape")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
