"""Real-browser fixtures: a seed warehouse, a Streamlit server on a free port, Debian's chromium.

The server is started as `make run` starts it (python -m dashboard.serve) and stopped by its PID (its whole
process group) at the end, also when a test fails. Screenshots go to
tests/e2e/screenshots/ (git-ignored) so a person can look at them.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from dashboard import briefing_render

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
# Debian's chromium, started as the product starts it for 导出简报 (one list of flags).
CHROMIUM, CHROMIUM_ARGS = briefing_render.CHROMIUM, briefing_render.CHROMIUM_ARGS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"streamlit did not become healthy at {url}")


def start_server(warehouse: Path, port: int, log: Path, raw: Path | None = None) -> subprocess.Popen:
    """`python -m dashboard.serve` on a warehouse (and, for pages that read originals, a raw folder)."""
    env = {**os.environ, "BUDGET_WAREHOUSE": str(warehouse), **({"BUDGET_RAW": str(raw)} if raw else {})}
    return subprocess.Popen(
        [
            sys.executable, "-m", "dashboard.serve",  # what `make run` starts
            "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def warehouse(seed_warehouse: Path) -> Path:
    return seed_warehouse


@contextmanager
def serving(warehouse: Path, log: Path, raw: Path | None = None) -> Iterator[str]:
    """The dashboard on a free port over ``warehouse`` (and ``raw``): its URL while in use.

    Stopped by its PID afterwards, also when a test fails; a traceback in its log fails the test.
    """
    port = free_port()
    proc = start_server(warehouse, port, log, raw=raw)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        yield url
    finally:
        stop_server(proc)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text[-3000:]


@pytest.fixture(scope="session")
def server(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(warehouse, tmp_path_factory.mktemp("logs") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run `make test` (it installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# Counts finished script runs in the page (a run ends when the app's script state turns
# "notRunning"), so a test can wait for the run its own click started instead of sleeping.
# A quick run can start and end inside one React commit, leaving the attribute untouched:
# then the run shows only as changes to the page, so any change is counted too, with its time.
RUN_WATCH = """
(() => {
  window.__stFinished = 0;
  window.__stChanges = 0;
  window.__stLastChange = 0;
  new MutationObserver(ms => {
    for (const m of ms) {
      if (m.type === 'attributes' && m.attributeName === 'data-test-script-state'
          && m.target.getAttribute('data-test-script-state') === 'notRunning') window.__stFinished++;
    }
    window.__stChanges += ms.length;
    window.__stLastChange = performance.now();
  }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
})();
"""
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAIN = '[data-testid="stMain"]'
QUIET_MS = 250  # no change to the page for this long after a change: a batched run is over
# Idle, a run seen since the mark (its end, or changes then quiet), no placeholder left,
# every Plotly figure drawn and the fonts in.
DRAWN = """mark => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const ended = (window.__stFinished || 0) > mark.finished;
  const changed = (window.__stChanges || 0) > mark.changes && performance.now() - window.__stLastChange >= QUIET;
  if (!ended && !changed) return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')) return false;
  for (const p of document.querySelectorAll('.js-plotly-plot')) {
    if (!p._fullLayout || !p.querySelector('.main-svg')) return false;
  }
  return document.fonts.status === 'loaded';
}""".replace("QUIET", str(QUIET_MS))


WHY_NOT_DRAWN = """() => ({
  state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
  finished: window.__stFinished,
  changes: window.__stChanges,
  quietMs: Math.round(performance.now() - window.__stLastChange),
  placeholders: document.querySelectorAll('[data-testid="stSkeleton"], [data-testid="stSpinner"]').length,
  undrawn: [...document.querySelectorAll('.js-plotly-plot')].filter(p => !p._fullLayout || !p.querySelector('.main-svg')).length,
  fonts: document.fonts.status,
  url: location.href,
})"""


# Reduced motion: Streamlit's transitions are not what a journey checks, and skipping them
# costs the renderer 8-14 % less per page load (CDP TaskDuration, measured on 预算执行).
CONTEXT = {"viewport": {"width": 1440, "height": 2200}, "locale": "zh-CN", "reduced_motion": "reduce"}


@pytest.fixture(scope="session")
def shared_context(browser) -> Iterator[object]:
    """One browser context for the journeys' pages, as an official's browser keeps one: Streamlit's
    and Plotly's scripts (5 MB) are loaded and compiled once, not once per journey (a fresh context
    costs a journey 2-3 s of chromium's CPU). Each page is its own Streamlit session."""
    context = browser.new_context(**CONTEXT, accept_downloads=True)
    context.add_init_script(RUN_WATCH)
    yield context
    context.close()


@pytest.fixture(scope="session")
def _tabs(shared_context) -> Iterator[list]:
    """The worker's tab (a list of one, replaced when a journey closed or crashed it)."""
    tabs: list = []
    yield tabs
    for tab in tabs:
        if not tab.is_closed():
            tab.close()


def _tab(tabs: list, context) -> object:
    if tabs and not tabs[0].is_closed() and not getattr(tabs[0], "_crashed", False):
        return tabs[0]
    tab = context.new_page()
    tab.on("crash", lambda _tab: setattr(tab, "_crashed", True))
    tabs[:] = [tab]
    return tab


@pytest.fixture()
def page(_tabs, shared_context) -> Iterator[object]:
    """The worker's one tab, as an official keeps one open: a journey opens its address in it
    (a new Streamlit session each time). A new tab costs chromium a renderer process: 3.5 CPU-s
    for a tab opened, loaded and closed against 1.1 for an address loaded in the open one
    (machine-wide, measured on 年度比较). Each journey starts as a new visitor (no cookie, the
    standard window, its own listeners and routes removed at its end)."""
    pg = _tab(_tabs, shared_context)
    shared_context.clear_cookies()
    pg.set_viewport_size(CONTEXT["viewport"])
    listeners: list[tuple[str, object]] = []

    def on(event: str, handler: object) -> None:
        listeners.append((event, handler))
        type(pg).on(pg, event, handler)

    pg.on = on  # the journey's listeners, remembered to be removed
    try:
        yield pg
    finally:
        del pg.on
        for event, handler in listeners:
            pg.remove_listener(event, handler)
        shared_context.unroute_all(behavior="ignoreErrors")  # a journey's routes end with it
        pg.unroute_all(behavior="ignoreErrors")
        if not pg.is_closed() and pg.url != "about:blank":
            try:
                pg.goto("about:blank")  # the journey's Streamlit session ends with it
            except Exception:  # a tab that cannot leave the page (crashed, hung): the next gets a new one
                with suppress(Exception):
                    pg.close()


@pytest.fixture()
def fresh_page(browser) -> Iterator[object]:
    """A page in a context of its own (no cache, no cookie, nothing of an earlier journey)."""
    context = browser.new_context(**CONTEXT, accept_downloads=True)
    context.add_init_script(RUN_WATCH)
    yield context.new_page()
    context.close()


def runs(pg) -> dict[str, int]:
    """Where the page is now: runs finished and changes seen so far (see RUN_WATCH)."""
    return pg.evaluate("({finished: window.__stFinished || 0, changes: window.__stChanges || 0})")


def settle(pg, since: dict[str, int] | int | None = None, timeout: float = 60_000) -> None:
    """Wait until a run has finished after ``since`` and the page is drawn.

    ``since=runs(pg)`` taken before an action waits for the run that action started, not
    the one already on screen; ``since=0`` after a navigation waits for the first run;
    ``None`` only for the page to be idle and drawn.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if since is None:
        mark = {"finished": -1, "changes": -1}
    elif isinstance(since, int):
        mark = {"finished": since, "changes": 0}
    else:
        mark = since
    try:
        pg.wait_for_function(DRAWN, arg=mark, timeout=timeout)
    except PlaywrightTimeout as exc:  # say which condition never held, for the next person
        state = pg.evaluate(WHY_NOT_DRAWN)
        raise AssertionError(f"page not drawn after {timeout / 1000:.0f} s (since={mark}): {state}") from exc
    pg.wait_for_selector(IDLE, timeout=timeout)


def act(pg, action, timeout: float = 60_000) -> None:
    """Do ``action`` (a click, a key) and wait for the script run it causes to be drawn."""
    before = runs(pg)
    action()
    settle(pg, since=before, timeout=timeout)


def navigate(pg, title: str, path: str) -> None:
    """Open a page by the sidebar's link, as an official does: no reload of the app's scripts.

    Waits for the run the click starts and for the address to be the page's own ``path``.
    """
    act(pg, pg.locator('[data-testid="stSidebarNavLink"]').filter(has_text=title).first.click)
    pg.wait_for_url(re.compile(f".*/{re.escape(path)}(\\?.*)?$"))


def click_first_row(pg, table_index: int = 0) -> None:
    """Select the first data row of a st.dataframe (canvas grid: click its row-marker cell)."""
    grid = pg.locator('[data-testid="stDataFrame"]').nth(table_index)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    act(pg, lambda: pg.mouse.click(box["x"] + 16, box["y"] + 35 + 17))


def shows(pg, *texts: str, where: str = MAIN, timeout: float = 30_000) -> None:
    """Wait until every text is on screen (elements may draw just after the run ends)."""
    from playwright.sync_api import expect

    for text in texts:
        expect(pg.locator(where)).to_contain_text(text, timeout=timeout)


def assert_clean(pg, where: str) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0, f"exception on {where}"
    assert "Traceback" not in pg.content(), where


def screenshot(pg, name: str) -> Path:
    """The whole page once it is drawn (see DRAWN), into tests/e2e/screenshots/."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    settle(pg)
    pg.screenshot(path=str(path), full_page=True)
    return path
