"""The warehouse's layout: figure tables in Hive partitions by year and district, written as the build streams.

A synthetic corpus of 48 text documents (4 districts, 3 years) is built twice: once in one
batch, and once with every chunk of 8 documents spilled on its own. Both must hold exactly the
rows the documents give when read one by one (the one-file warehouse's content), in the same
order, and a query filtered by a year must open that year's files only.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import etl.build
from etl import load
from etl.build import build, process_document, raw_files
from etl.normalize import ROW_TABLES
from etl.schema import TABLES, frame
from etl.synth import generate_document

DOCS = 48
YEAR_STRIDE = 560  # the generator's documents per year (districts × departments × layouts)
CORPUS_CHECKS = ("project_in_several_files", "document_duplicate", "document_version", "scope_not_added")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("partitions") / "raw"
    raw.mkdir()
    for year in range(3):
        for i in range(DOCS // 3):
            doc = generate_document(year * YEAR_STRIDE + i)
            (raw / doc.file_name).write_text(doc.text, encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def one_batch(corpus: Path) -> Path:
    out = corpus.parent / "one_batch" / "warehouse"
    build(corpus, out, workers=1, cache_dir=False)
    return out


@pytest.fixture(scope="module")
def streamed(corpus: Path) -> Path:
    """Chunks of 8 documents, each spilled to disk as it arrives (six batches)."""
    out = corpus.parent / "streamed" / "warehouse"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(etl.build, "CHUNK", 8)
        mp.setattr(load, "SPILL_BYTES", 1)
        spills: list[int] = []
        real = load.StagedBuild._flush

        def counted(self: load.StagedBuild) -> None:
            spills.append(len(self._buffers))
            real(self)

        mp.setattr(load.StagedBuild, "_flush", counted)
        build(corpus, out, workers=1, cache_dir=False)
    assert sum(1 for n in spills if n) >= DOCS // 8  # the rows really went to disk batch by batch
    return out


@pytest.fixture(scope="module")
def direct(corpus: Path) -> dict[str, pl.DataFrame]:
    """Each document read on its own, its rows framed whole: what a one-file table held."""
    outcomes = [process_document(p.name, p.read_bytes()) for p in raw_files(corpus)]
    tables = {name: frame(name, [r for o in outcomes for r in o[name]]) for name in (*ROW_TABLES, "checks")}
    return {name: df.sort("source_file", maintain_order=True) for name, df in tables.items()}


def _layout(out: Path) -> dict[str, dict]:
    return load.read_manifest(out)["layout"]["tables"]


def test__layout__figure_tables_lie_under_year_and_district_small_tables_are_one_file(streamed: Path) -> None:
    build_dir = streamed.resolve()
    documents = load.read_table(streamed, "documents")
    pairs = set(documents.select("year", "district").iter_rows())
    assert len({d for _, d in pairs}) == 4 and {y for y, _ in pairs} == {2019, 2020, 2021}
    layout = _layout(streamed)
    for name in load.PARTITIONED:
        assert layout[name]["partitioned"]
        assert (build_dir / f"{name}.parquet").is_dir()  # the one-file name, now a folder of partitions
    for year, district in pairs:
        part = (
            build_dir
            / "budget_lines.parquet"
            / f"year={year}"
            / f"district={quote(district, safe='')}"
            / "part-0.parquet"
        )
        assert part.is_file(), part
        rows = pl.read_parquet(part, hive_partitioning=False)
        assert set(rows.select("year", "district").iter_rows()) == {(year, district)}
    for name in ("documents", "project_links", "version_differences"):
        assert layout[name] == {"partitioned": False, "files": [f"{name}.parquet"]}
    assert not (build_dir / load.SPILL).exists()
    assert sorted(p.name for p in load.builds_dir(streamed).iterdir()) == [build_dir.name]  # no staging left


def test__layout__an_indicator_lies_in_its_projects_partition(streamed: Path) -> None:
    build_dir, layout = streamed.resolve(), _layout(streamed)
    for relative in layout["indicators"]["files"]:
        folder = str(Path(relative).parent).removeprefix("indicators.parquet/")
        indicators = pl.read_parquet(build_dir / relative, hive_partitioning=False)
        projects = pl.read_parquet(
            build_dir / "projects.parquet" / folder / "part-0.parquet", hive_partitioning=False
        )
        assert not indicators.is_empty()
        assert set(indicators["project_id"]) <= set(projects["project_id"])
    assert not layout["indicators"]["hive_columns"]  # its folders name no column of its own
    assert load.read_table(streamed, "indicators").columns == [c.name for c in TABLES["indicators"]]


def test__read_table__the_partitioned_tables_hold_exactly_the_documents_rows_in_order(
    streamed: Path, direct: dict[str, pl.DataFrame]
) -> None:
    for name in ROW_TABLES:
        assert_frame_equal(load.read_table(streamed, name), direct[name])
    checks = load.read_table(streamed, "checks")
    per_document = checks.filter(~pl.col("check").is_in(CORPUS_CHECKS))
    assert_frame_equal(per_document, direct["checks"])
    assert load.read_table(streamed, "documents")["counted"].all()  # nothing dropped: all rows expected


def test__streaming__batches_change_nothing_a_one_batch_build_and_a_streamed_one_are_equal(
    one_batch: Path, streamed: Path
) -> None:
    assert _layout(one_batch) == _layout(streamed)
    for name in TABLES:
        assert_frame_equal(load.read_table(one_batch, name), load.read_table(streamed, name))
    for relative in _layout(one_batch)["budget_lines"]["files"]:
        assert (one_batch / relative).read_bytes() == (streamed / relative).read_bytes()


def _files_read(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[int, list[str]]:
    """(files DuckDB opened, their names) for ``sql``, from its EXPLAIN ANALYZE profile."""
    plan = con.sql(f"EXPLAIN ANALYZE {sql}").fetchall()[0][1]
    total = int(re.search(r"Total Files Read: (\d+)", plan)[1])
    names = re.findall(r"[^\s,│]*part-\d+\.parquet", plan)
    return total, names


def test__duckdb__a_query_filtered_by_one_year_reads_only_that_years_files(streamed: Path) -> None:
    con = duckdb.connect()
    source = load.duckdb_source(streamed, "budget_lines")
    files = _layout(streamed)["budget_lines"]["files"]
    for year in (2019, 2020, 2021):
        of_year = [f for f in files if f"/year={year}/" in f]
        count = con.sql(f"SELECT count(*) FROM {source} WHERE year = {year}").fetchall()[0][0]
        total, names = _files_read(con, f"SELECT count(*) FROM {source} WHERE year = {year}")
        assert 0 < total == len(of_year) < len(files)
        assert names and all(f"/year={year}/" in n for n in names)
        assert count == load.read_table(streamed, "budget_lines").filter(pl.col("year") == year).height
    total, _ = _files_read(con, f"SELECT count(*) FROM {source}")
    assert total == len(files)


def test__partitions__null_and_slashed_values_come_back_as_written(tmp_path: Path) -> None:
    rows = [
        {"project_id": "p1", "source_file": "a", "year": 2021, "district": "浦东/新"},
        {"project_id": "p2", "source_file": "b", "year": None, "district": "松江"},
        {"project_id": "p3", "source_file": "c", "year": 2021, "district": None},
        {"project_id": "p4", "source_file": "d", "year": None, "district": None},
    ]
    projects = frame("projects", rows)
    out = tmp_path / "warehouse"
    load.swap_in(out, load.write_build(out, "b1", {"projects": projects}, {"build_id": "b1"}))
    folders = sorted(str(Path(f).parent) for f in _layout(out)["projects"]["files"])
    assert folders == [
        f"projects.parquet/year=2021/district={quote('浦东/新', safe='')}",
        "projects.parquet/year=2021/district=__HIVE_DEFAULT_PARTITION__",
        f"projects.parquet/year=__HIVE_DEFAULT_PARTITION__/district={quote('松江', safe='')}",
        "projects.parquet/year=__HIVE_DEFAULT_PARTITION__/district=__HIVE_DEFAULT_PARTITION__",
    ]
    assert_frame_equal(load.read_table(out, "projects"), projects)
    con = duckdb.connect()
    source = load.duckdb_source(out, "projects")
    back = con.sql(f"SELECT project_id, year, district FROM {source} ORDER BY project_id").fetchall()
    assert back == [(r["project_id"], r["year"], r["district"]) for r in rows]
    assert con.sql(f"SELECT project_id FROM {source} WHERE district = '浦东/新'").fetchall() == [("p1",)]
    assert _files_read(con, f"SELECT count(*) FROM {source} WHERE year IS NULL")[0] == 2


def test__staged_build__dropped_files_leave_the_rows_staged_before_not_those_added_after(
    tmp_path: Path,
) -> None:
    def lines(source_file: str, line: int) -> pl.DataFrame:
        return frame("budget_lines", [{"source_file": source_file, "source_line": line, "year": 2020}])

    out = tmp_path / "warehouse"
    with load.StagedBuild(out, spill_bytes=1) as staged:
        staged.add({"budget_lines": pl.concat([lines("a", 1), lines("b", 2)])})
        assert staged.rows("budget_lines", ["a"])["source_line"].to_list() == [1]
        staged.drop({"a"})
        staged.add({"budget_lines": lines("a", 3)})  # e.g. a finding about the dropped file
        assert staged.finish({})["budget_lines"] == 2
        load.swap_in(out, staged.publish("b1", {"build_id": "b1"}))
    kept = load.read_table(out, "budget_lines").select("source_file", "source_line").rows()
    assert kept == [("a", 3), ("b", 2)]


def test__staged_build__locked_while_written_removed_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "warehouse"
    with pytest.raises(RuntimeError, match="parser bug"), load.StagedBuild(out, spill_bytes=1) as staged:
        staged.add({"projects": frame("projects", [{"project_id": "p", "source_file": "a", "year": 2020}])})
        assert (staged.path / load.SPILL).is_dir()
        assert load.prune_staging(out) == []  # a running build's folder is never pruned
        assert staged.path.is_dir()
        raise RuntimeError("parser bug")
    assert not staged.path.exists()
    assert not load.builds_dir(out).exists()  # a first build that failed leaves nothing


def test__a_reader_of_the_one_file_layout_still_reads_each_table(tmp_path: Path) -> None:
    """A reviewer's script reads '<warehouse>/budget_lines.parquet': the partitions live under that name."""
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = (
        Path(__file__).resolve().parents[2]
        / "data"
        / "raw"
        / "songjiang_city_operation_center_2020_final_accounts.txt"
    )
    (raw / seed.name).write_bytes(seed.read_bytes())
    etl.build.build(raw, tmp_path / "wh", workers=1, cache_dir=False)
    for name in load.PARTITIONED:
        path = str(tmp_path / "wh" / f"{name}.parquet")
        ((n,),) = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()
        assert n == load.read_table(tmp_path / "wh", name).height
    assert load.read_table(tmp_path / "wh", "budget_lines").height > 0
