"""The per-document cache: a rebuild reads nothing again, gives the same warehouse, and never trusts a stale entry."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import etl.build
from etl import cache, load
from etl.build import build
from tests.conftest import SEEDS
from tests.realdocs import REAL

PDF = "putuo_justice_bureau_2026_department_budget.pdf"
TABLES = ("documents", "budget_lines", "projects", "checks", "narrative_items")


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / PDF).write_bytes((REAL / PDF).read_bytes())
    seed = SEEDS["songjiang_2021"]
    (raw / seed.name).write_bytes(seed.read_bytes())
    return raw


def _tables(out: Path) -> dict[str, pl.DataFrame]:
    return {name: load.read_table(out, name) for name in TABLES}


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = etl.build.process_document

    def counted(source_file: str, data: bytes) -> dict:
        calls.append(source_file)
        return real(source_file, data)

    monkeypatch.setattr(etl.build, "process_document", counted)
    return calls


def test__cache__a_rebuild_reads_no_document_again_and_gives_the_same_tables(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, store = tmp_path / "wh", tmp_path / "cache"
    calls = _counting(monkeypatch)
    build(raw, out, workers=1, cache_dir=store)
    first = _tables(out)
    assert sorted(calls) == sorted([PDF, SEEDS["songjiang_2021"].name])
    calls.clear()
    build(raw, out, workers=1, cache_dir=store)
    assert calls == []  # the PDF and the text file: both from the cache
    for name, df in _tables(out).items():
        assert_frame_equal(df, first[name], check_exact=True)


def test__cache__another_parser_version_reads_the_document_again(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, store = tmp_path / "wh", tmp_path / "cache"
    build(raw, out, workers=1, cache_dir=store)
    calls = _counting(monkeypatch)
    monkeypatch.setattr(cache, "parser_version", lambda: "a-different-etl")
    build(raw, out, workers=1, cache_dir=store)
    assert PDF in calls


def test__cache__a_damaged_entry_is_read_again(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, store = tmp_path / "wh", tmp_path / "cache"
    build(raw, out, workers=1, cache_dir=store)
    entries = sorted(store.rglob("*.pkl"))
    assert len(entries) == 2  # the PDF's and the text file's
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    calls = _counting(monkeypatch)
    build(raw, out, workers=1, cache_dir=store)
    assert sorted(calls) == sorted([PDF, SEEDS["songjiang_2021"].name])
    assert _tables(out)["documents"].filter(pl.col("source_file") == PDF)["status"].to_list() == ["ok"]


def test__cache__off_writes_nothing(raw: Path, tmp_path: Path) -> None:
    build(raw, tmp_path / "wh", workers=1, cache_dir=False)
    assert not (tmp_path / "wh.cache").exists()
