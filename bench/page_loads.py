"""What a page load costs the machine: every page opened by its address in one tab, the same pages
reached by the sidebar's links, and one page opened in a new tab that is then closed.

Machine-wide CPU (/proc/stat: chromium's processes, the server and Playwright alike), so run it on an
otherwise idle machine. It tells why the browser journeys keep one tab per worker (tests/e2e/conftest.py)
and serves as a fixed measure of the machine when test times move between runs.

python -m bench.page_loads [--warehouse data/warehouse] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from dashboard.pages import PAGES
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTEXT,
    RUN_WATCH,
    free_port,
    navigate,
    settle,
    start_server,
    stop_server,
    wait_healthy,
)


def machine_cpu() -> float:
    """Seconds of CPU the whole machine has spent busy (all cores, /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / 100.0  # less idle and iowait


def _cpu(action: Callable[[], None]) -> float:
    before = machine_cpu()
    action()
    return machine_cpu() - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", default="data/warehouse")
    parser.add_argument("--rounds", type=int, default=2, help="the last round is measured (the first warms)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    log = Path("bench/out/page_loads_server.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = start_server(Path(args.warehouse), port, log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(**CONTEXT)
            context.add_init_script(RUN_WATCH)
            tab = context.new_page()
            tab.goto(url)
            settle(tab, since=0)
            address = sidebar = 0.0
            for _ in range(args.rounds):
                address = sidebar = 0.0
                for page in PAGES:

                    def load(path: str = page.url_path) -> None:
                        tab.goto(f"{url}/{path}")
                        settle(tab, since=0)

                    address += _cpu(load)
                for page in PAGES:
                    sidebar += _cpu(lambda page=page: navigate(tab, page.title, page.url_path))

            def new_tab() -> None:
                other = context.new_page()
                other.goto(f"{url}/compare_years")
                settle(other, since=0)
                other.close()
                time.sleep(0.5)  # its renderer process ends

            def same_tab() -> None:
                tab.goto(f"{url}/compare_years")
                settle(tab, since=0)

            result = {
                "pages": len(PAGES),
                "by_address_cpu_s": round(address, 2),
                "by_sidebar_cpu_s": round(sidebar, 2),
                "same_tab_load_cpu_s": round(min(_cpu(same_tab) for _ in range(3)), 2),
                "new_tab_load_close_cpu_s": round(min(_cpu(new_tab) for _ in range(3)), 2),
            }
            browser.close()
    finally:
        stop_server(proc)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
