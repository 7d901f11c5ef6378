"""One document counted once: a copy saved with other bytes, and a corrected re-publication.

Issue 17: the same 决算 re-encoded was accepted and every total counted twice (松江 2020 城市运行
管理中心 3,984.05 万元 shown as 7,968.10). Figures below are typed from the seed
(songjiang_city_operation_center_2020_final_accounts.txt, 支出决算表 合计 line 428: 3,984.05;
基本支出决算表 301 工资福利支出 line 953: 1,963.09).
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pypdfium2 as pdfium
import pytest

from etl import load
from etl.build import build
from etl.validate import versions

ROOT = Path(__file__).resolve().parents[2]
SJ2020 = ROOT / "data" / "raw" / "songjiang_city_operation_center_2020_final_accounts.txt"
SJ2021 = ROOT / "data" / "raw" / "songjiang_administrative_service_center_2021_self_evaluation.txt"
SJ2021_PDF = (
    ROOT / "tests" / "cases" / "forms" / "originals" / "songjiang_2021_self_evaluation_table_per_form.pdf"
)


def _aged(path: Path, seconds: float) -> Path:
    """Give a file a modification time ``seconds`` after the epoch base used here (older = smaller)."""
    os.utime(path, (1_700_000_000 + seconds, 1_700_000_000 + seconds))
    return path


def _build(raw: Path, out: Path) -> duckdb.DuckDBPyConnection:
    build(raw, out, workers=1, cache_dir=False)
    con = duckdb.connect()
    for table in ("documents", "budget_lines", "checks", "version_differences", "projects"):
        con.sql(f"CREATE VIEW {table} AS SELECT * FROM {load.duckdb_source(out, table)}")
    return con


def _total(con: duckdb.DuckDBPyConnection) -> list[tuple[Decimal, int]]:
    """The 支出决算表 合计 (本年支出合计) of 松江 2020 on every page's tables, and how many rows give it."""
    return con.sql(
        "SELECT sum(amount_yuan), count(*) FROM budget_lines WHERE department = '上海市松江区城市运行管理中心' "
        "AND year = 2020 AND statement = '支出决算表' AND is_total AND measure = '本年支出合计'"
    ).fetchall()


def test__a_copy_in_another_encoding_is_counted_once(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _aged(Path(shutil.copy(SJ2020, raw / SJ2020.name)), 0)
    copy = raw / "松江城运中心2020决算（另存GB18030）.txt"
    copy.write_bytes(SJ2020.read_text(encoding="utf-8").encode("gb18030"))
    _aged(copy, 100)
    con = _build(raw, tmp_path / "wh")
    assert _total(con) == [(Decimal("39840500.00"), 1)]  # 3,984.05 万元 once, not 7,968.10
    rows = con.sql("SELECT source_file, counted, version_of FROM documents ORDER BY source_file").fetchall()
    assert sorted(rows) == sorted([(SJ2020.name, True, None), (copy.name, False, SJ2020.name)])
    (check,) = con.sql(
        "SELECT source_file, severity, message FROM checks WHERE \"check\" = 'document_duplicate'"
    ).fetchall()
    assert check[:2] == (copy.name, "info") and SJ2020.name in check[2]
    assert con.sql("SELECT count(*) FROM version_differences").fetchall()[0] == (0,)


def test__a_corrected_republication_counts_and_the_difference_is_kept(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    first = _aged(Path(shutil.copy(SJ2020, raw / "2020决算（首次公开）.txt")), 0)
    text = SJ2020.read_text(encoding="utf-8")
    assert text.count("1,963.09") >= 1
    corrected = raw / "2020决算（更正后）.txt"
    corrected.write_text(text.replace("1,963.09", "1,963.19", 1), encoding="utf-8")
    _aged(corrected, 100)
    con = _build(raw, tmp_path / "wh")
    counted = con.sql("SELECT source_file FROM documents WHERE counted").fetchall()
    assert (corrected.name,) in counted and (first.name,) not in counted
    assert _total(con) == [(Decimal("39840500.00"), 1)]
    wages = con.sql(
        "SELECT source_file, amount_yuan FROM budget_lines WHERE code = '301' AND statement LIKE '%基本支出决算表'"
    ).fetchall()
    assert wages == [(corrected.name, Decimal("19631900.00"))]  # the newer figure only, once
    (diff,) = con.sql(
        "SELECT source_file, counted_file, item, value, value_counted FROM version_differences"
    ).fetchall()
    assert diff[0:2] == (first.name, corrected.name)
    assert "301 工资福利支出" in diff[2] and (diff[3], diff[4]) == ("19,630,900.00元", "19,631,900.00元")
    (warning,) = con.sql(
        "SELECT source_file, severity, message FROM checks WHERE \"check\" = 'document_version'"
    ).fetchall()
    assert (
        warning[:2] == (first.name, "warning")
        and "19,630,900.00元" in warning[2]
        and "19,631,900.00元" in warning[2]
    )

    # the official chooses the first publication: it counts, the corrected one does not
    group = con.sql("SELECT DISTINCT identity FROM documents WHERE NOT counted").fetchall()[0][0]
    versions.save_choice(raw, group, first.name)
    con = _build(raw, tmp_path / "wh")
    wages = con.sql(
        "SELECT source_file, amount_yuan FROM budget_lines WHERE code = '301' AND statement LIKE '%基本支出决算表'"
    ).fetchall()
    assert wages == [(first.name, Decimal("19630900.00"))]
    assert (
        "已在数据质量页选定"
        in con.sql("SELECT message FROM checks WHERE \"check\" = 'document_version'").fetchall()[0][0]
    )


def test__a_pdf_saved_again_is_one_document_of_projects(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    original = _aged(Path(shutil.copy(SJ2021_PDF, raw / "自评表.pdf")), 0)
    resaved = raw / "自评表（重新保存）.pdf"
    pdf = pdfium.PdfDocument(original.read_bytes())
    pdf.save(str(resaved), version=17)
    pdf.close()
    assert resaved.read_bytes() != original.read_bytes()
    _aged(resaved, 100)
    con = _build(raw, tmp_path / "wh")
    assert con.sql("SELECT count(*), count(DISTINCT source_file) FROM projects").fetchall()[0] == (5, 1)
    assert con.sql("SELECT count(*) FROM documents WHERE NOT counted").fetchall()[0] == (1,)


def test__two_files_of_different_projects_of_one_department_both_count(tmp_path: Path) -> None:
    # 松江 2021 prints five forms (titles at lines 3, 37, 67, 101, 134): split after the second
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = SJ2021.read_text(encoding="utf-8").split("\n")
    (raw / "自评（一）.txt").write_text("\n".join(lines[:66]), encoding="utf-8")
    (raw / "自评（二）.txt").write_text("\n".join(lines[:2] + lines[66:]), encoding="utf-8")
    con = _build(raw, tmp_path / "wh")
    assert con.sql("SELECT source_file, count(*) FROM projects GROUP BY 1 ORDER BY 1").fetchall() == [
        ("自评（一）.txt", 2),
        ("自评（二）.txt", 3),
    ]
    assert con.sql("SELECT count(*), count(DISTINCT identity) FROM documents WHERE counted").fetchall()[
        0
    ] == (2, 2)  # two identities: the projects differ


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]"])
def test__a_broken_choices_file_is_no_choice(tmp_path: Path, content: str) -> None:
    (tmp_path / versions.CHOICES_FILE).write_text(content, encoding="utf-8")
    assert versions.load_choices(tmp_path) == {}
