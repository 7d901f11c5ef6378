"""``python -m dashboard.serve [streamlit flags]``: warm the build, then serve the dashboard.

``streamlit run`` opens the warehouse, imports the page modules and runs the first
queries only when the first official opens a page, so that person waits for all of it.
Here the same process does that work before the server starts listening: the
connection (one in-memory copy of the build, ``state.connection``) and 总览's queries
for the default view are already in Streamlit's caches, which the sessions share. The
warm-up never stops the server: a missing warehouse is explained on the page instead.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "streamlit_app.py"
# 总览 with no filter: what the first page of a fresh session asks.
OVERVIEW_QUERIES = ("filter_options", "headline_by_district_year", "coverage")


def warm() -> str:
    """Open the current build and run 总览's default queries into the shared caches."""
    started = time.perf_counter()
    # Outside a script run Streamlit's caches log that no runtime exists yet: expected here.
    # A filter, not a level: Streamlit sets its loggers' levels when it creates them.
    for name in (
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
    ):
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.ERROR)
    # Every module a page imports (the briefing's renderer brings Playwright, pypdf and python-docx:
    # 0.5 s of the first page run at 100,000 documents when it was left to that run).
    from streamlit import env_util

    from dashboard import (  # noqa: F401 - importing them is part of the warm-up
        briefing_render,
        briefing_ui,
        builtin_words,
        charts,
        comparisons,
        db,
        export,
        importer,
        money,
        pages,
        queries,
        source_view,
        state,
        ui,
    )
    from dashboard.queries import Filters

    briefing_render.unavailable()  # imports Playwright's API once
    # Streamlit's first element of the process asks whether it runs in a REPL: inspect.stack()
    # maps every loaded module to its file (0.24 s of the first page at 100,000 documents).
    # Asked here, inspect keeps that map and the page's question costs nothing.
    env_util.is_repl()

    try:
        snap = state.snapshot()
    except db.WarehouseMissing as exc:
        return f"warm-up skipped: {exc}"
    state.connection(snap)
    for name in OVERVIEW_QUERIES:
        args = () if name == "filter_options" else (Filters(),)
        state.data(snap, getattr(queries, name), *args)
    state.data(snap, queries.department_choices, (), ())  # the sidebar's 部门 list, nothing chosen
    # What is here now lives as long as the server (modules, the build's copy and its derived
    # frames): Python's collector need not walk it again at every full collection.
    gc.freeze()
    return f"warm-up: build {snap.build_id} open, 总览 ready in {time.perf_counter() - started:.2f} s"


def main(argv: list[str] | None = None) -> int:
    print(warm(), flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return int(cli.main() or 0)


if __name__ == "__main__":
    sys.exit(main())
