"""Two warehouses compared table by table, as sets of rows (what an engine must not change)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from etl import load
from etl.schema import TABLES


def tables(out: Path) -> dict[str, pl.DataFrame]:
    """Every table of the build ``out`` points at."""
    return {name: load.read_table(out, name) for name in TABLES}


def assert_same_rows(got: Path, expected: Path) -> None:
    """The same rows in every table, whatever their order; each table's row count said on failure."""
    a, b = tables(got), tables(expected)
    assert {n: t.height for n, t in a.items()} == {n: t.height for n, t in b.items()}
    for name in TABLES:
        try:
            assert_frame_equal(a[name], b[name], check_row_order=False)
        except AssertionError as exc:
            raise AssertionError(f"table {name}: {exc}") from None
