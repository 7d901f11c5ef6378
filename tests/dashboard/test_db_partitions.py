"""db.connect reads budget_lines where it lies: a view over its year/district partitions.

A page's filter must open only the partitions it names, and every question must get the
answer it got when the table was copied into memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import db, queries
from dashboard.queries import Filters
from etl import load
from etl.schema import TABLES


@pytest.fixture(scope="module")
def copied(snap: db.Snapshot) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.connect(snap.path, views=())
    yield connection
    connection.close()


def test__connect__budget_lines_is_a_view_the_other_tables_are_copies(con: duckdb.DuckDBPyConnection) -> None:
    kinds = dict(con.sql("SELECT table_name, table_type FROM information_schema.tables").fetchall())
    assert kinds["budget_lines"] == "VIEW"
    assert {kinds[t] for t in TABLES if t != "budget_lines"} == {"BASE TABLE"}


def test__connect__a_pages_district_and_year_open_only_that_partitions_files(
    con: duckdb.DuckDBPyConnection, snap: db.Snapshot
) -> None:
    files = load.layout(snap.path)["budget_lines"]["files"]
    assert len(files) > 1
    district, year = con.sql(
        "SELECT district, year FROM budget_lines WHERE district = '松江' LIMIT 1"
    ).fetchall()[0]
    # The predicate every page builds from the sidebar (queries._WHERE), its values bound.
    sql = f"EXPLAIN ANALYZE SELECT count(*) FROM budget_lines WHERE {queries._WHERE}"
    params = {"districts": [district], "years": [year], "departments": []}
    plan = con.execute(sql, params).fetchall()[0][1]
    folder = f"budget_lines.parquet/{load.partition_dir((year, district))}/"
    read = int(re.search(r"Total Files Read: (\d+)", plan)[1])
    assert read == len([f for f in files if f.startswith(folder)]) < len(files)
    opened = re.findall(r"[^\s,│]*part-\d+\.parquet", plan)
    assert opened and all(folder in name for name in opened)


QUESTIONS: list[Callable[[duckdb.DuckDBPyConnection, Filters], pl.DataFrame]] = [
    queries.coverage,
    queries.budget_summary,
    queries.budget_vs_final,
    queries.district_years,
    queries.spending_by_class,
    queries.functional_tree,
    queries.economic_basic,
    queries.basic_vs_project,
    queries.project_trend,
    lambda con, f: queries.latest_year_per_district(con, f, "final_accounts"),
    lambda con, f: queries.download_table(con, "budget_lines", f),
]


@pytest.mark.parametrize(
    "f",
    [Filters(), Filters(("松江",)), Filters(("松江",), (2020,))],
    ids=["all", "district", "district_year"],
)
def test__connect__the_view_answers_every_question_as_the_copy_did(
    con: duckdb.DuckDBPyConnection, copied: duckdb.DuckDBPyConnection, f: Filters
) -> None:
    answered = 0
    for question in QUESTIONS:
        viewed, copy = question(con, f), question(copied, f)
        # Rows their ORDER BY ties (cells of one source line) came in no fixed order from the copy either.
        assert_frame_equal(viewed, copy, check_row_order=False)
        answered += not copy.is_empty()
    assert answered >= len(QUESTIONS) // 2  # the seeds hold the figures these questions add up
    assert_frame_equal(
        queries.headline_by_district_year(con, f), queries.headline_by_district_year(copied, f)
    )
