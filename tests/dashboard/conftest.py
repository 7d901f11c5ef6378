"""Dashboard fixtures: one seed warehouse per session, named by BUDGET_WAREHOUSE.

The warehouse is the session's one seed build (``seed_warehouse`` in
tests/conftest.py, made with ``python -m etl build`` into a temporary
directory), so the tests never read or write data/warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dashboard import db, queries

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
APP = ROOT / "dashboard" / "streamlit_app.py"


@pytest.fixture(scope="session", autouse=True)
def warehouse(seed_warehouse: Path) -> Iterator[Path]:
    """Point the dashboard at the session's seed build (tests/conftest.py) for the whole session."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUDGET_WAREHOUSE", str(seed_warehouse))
        yield seed_warehouse


@pytest.fixture(scope="session")
def snap(warehouse: Path) -> db.Snapshot:
    return db.current_snapshot(warehouse)


@pytest.fixture(scope="session")
def con(snap: db.Snapshot) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.connect(snap.path)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def everything() -> queries.Filters:
    """No filter at all."""
    return queries.Filters()


_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(markdown: str) -> str:
    """A Markdown text as the official reads it: escapes (dashboard.safe_text.md) resolved and its
    invisible word joiners dropped."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")


def project_id(con: duckdb.DuckDBPyConnection, name: str, district: str) -> str:
    """The id of the one project of that exact name in that district (found through the search query)."""
    found = queries.search_projects(con, name)
    ids = [
        r["project_id"]
        for r in found.iter_rows(named=True)
        if r["project_name"] == name and r["district"] == district
    ]
    assert len(ids) == 1, f"expected one {district} project named {name!r}, found {ids}"
    return ids[0]
