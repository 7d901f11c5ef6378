"""dashboard.serve: the build is open and 总览's queries are cached before anyone asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import db, serve, state
from dashboard.queries import Filters


def test__warm__opens_the_build_and_fills_the_overview_cache(warehouse: Path) -> None:
    state._cached.clear()
    message = serve.warm()
    snap = db.current_snapshot(warehouse)
    assert snap.build_id in message
    calls: list[str] = []
    # A cached query does not reach dashboard.queries again: count the calls that do.
    original = state.queries.headline_by_district_year
    try:
        state.queries.headline_by_district_year = lambda *a, **k: calls.append("ran") or original(*a, **k)
        head = state.data(snap, original, Filters())
    finally:
        state.queries.headline_by_district_year = original
    assert calls == [] and head.height > 0


def test__warm__without_a_warehouse_says_so_and_serves_anyway(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(tmp_path / "none"))
    assert serve.warm().startswith("warm-up skipped: 未找到数据仓库")
