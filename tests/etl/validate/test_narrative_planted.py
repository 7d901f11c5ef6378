"""The 说明 families against the 财政局 2024 决算: its two genuine problems, and copies with one planted.

Figures are typed from the pages (rendered): p. 21 prints 财政拨款收入支出总计0.3万元 where the
财政拨款收入支出决算总表 (p. 13) prints 总计 2,961.68; p. 21 prints 一般公共服务支出（类）2106.66万元，
占71.73% of 一般公共预算财政拨款支出 2940.05万元 (2106.66 ÷ 2940.05 = 71.65%). The copies in
tests/cases/planted/ (make_planted.py) correct those two and plant one problem each.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from etl.build import process_document
from etl.model import Check
from etl.validate import narrative_tables
from tests.etl.validate.frames import document, figure, three_public
from tests.realdocs import outcome

PLANTED = Path(__file__).resolve().parents[2] / "cases" / "planted"
FINANCE = "putuo_finance_bureau_2024_final_accounts.pdf"
FAMILIES = ("narrative_vs_table", "narrative_percent_mismatch", "narrative_three_public_blank")


@cache
def _planted(variant: str) -> dict[str, Any]:
    name = f"putuo_finance_bureau_2024_final_accounts_{variant}.docx"
    return process_document(name, (PLANTED / name).read_bytes())


def _found(out: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [c for c in out["checks"] if c["check"] == check and c["severity"] != "info"]


# --- the genuine document ------------------------------------------------------------------


def test__finance_2024__fiscal_total_contradicts_its_table() -> None:
    (c,) = _found(outcome(FINANCE), "narrative_vs_table")
    assert (c["severity"], c["source_page"]) == ("warning", 21)
    assert "财政拨款收入支出总计" in c["message"]
    assert c["figure"] == "0.3万元（说明第21页第325行）"
    assert c["compared"] == "2,961.68万元（财政拨款收入支出决算总表“总计”决算数栏（第13页））"


def test__finance_2024__class_share_does_not_recompute() -> None:
    (c,) = _found(outcome(FINANCE), "narrative_percent_mismatch")
    assert (c["severity"], c["source_page"]) == ("warning", 21)
    assert "一般公共服务支出（类）" in c["message"] and "71.73%" in c["message"]
    assert "2,106.66万元（说明第21页" in c["message"] and "2,940.05万元（说明第21页" in c["message"]
    assert "71.65%" in c["compared"]


def test__finance_2024__nothing_else_is_a_warning() -> None:
    # The 三公 table (p. 18) leaves 决算数 blank where p. 23 states 0.00万元: the same, no finding.
    raised = [(c["check"], c["severity"]) for c in outcome(FINANCE)["checks"] if c["severity"] != "info"]
    assert sorted(raised) == [("narrative_percent_mismatch", "warning"), ("narrative_vs_table", "warning")]


# --- the planted copies --------------------------------------------------------------------


def test__planted_clean__reads_as_the_pdf_and_raises_none_of_the_families() -> None:
    out = _planted("clean")
    doc = out["document"]
    assert (doc["tables_found"], doc["n_budget_lines"], len(out["narrative_items"])) == (9, 193, 11)
    assert not [c for c in out["checks"] if c["severity"] != "info"]
    for check in FAMILIES:
        assert not [c for c in out["checks"] if c["check"] == check]


def test__planted_total__the_stated_total_against_the_summary_table() -> None:
    # p. 21 planted: 收入支出总计2959.39万元; the 收入支出决算总表 (p. 7) prints 总计 2,995.39.
    out = _planted("planted_total")
    (c,) = _found(out, "narrative_vs_table")
    assert (c["severity"], c["source_page"]) == ("warning", 21)
    assert c["figure"].startswith("2,959.39万元（说明第21页")
    assert c["compared"] == "2,995.39万元（收入支出决算总表“总计”决算数栏（第7页））"
    assert "36.00万元" in c["message"]
    assert [c["check"] for c in out["checks"] if c["severity"] != "info"] == ["narrative_vs_table"]


def test__planted_share__the_stated_share_recomputed() -> None:
    # p. 21 planted: 基本支出2336.91万元，占74.49% of 本年支出合计2940.05万元 (79.49%).
    out = _planted("planted_share")
    (c,) = _found(out, "narrative_percent_mismatch")
    assert (c["severity"], c["source_page"]) == ("warning", 21)
    assert "基本支出占本年支出合计" in c["message"] and "74.49%" in c["message"]
    assert "79.49%" in c["compared"] and "2,336.91万元" in c["message"] and "2,940.05万元" in c["message"]
    assert [c["check"] for c in out["checks"] if c["severity"] != "info"] == ["narrative_percent_mismatch"]


def test__planted_three_public_blank__a_stated_amount_the_table_leaves_blank() -> None:
    # p. 18 planted: the 三公 table's two 0.95 cells blank; p. 23 states 年初预算为0.95万元.
    out = _planted("planted_three_public_blank")
    (c,) = _found(out, "narrative_three_public_blank")
    assert (c["severity"], c["source_page"]) == ("warning", 23)
    assert c["figure"].startswith("0.95万元（说明第23页")
    assert "第18页" in c["compared"] and "整表未填列" in c["message"]
    assert [c["check"] for c in out["checks"] if c["severity"] != "info"] == ["narrative_three_public_blank"]


# --- 三公 blanks on tiny documents -----------------------------------------------------------


def _blank_doc(rows: list[dict], figures: list[dict], checks: list[Check] | None = None):
    doc = document(three_public=rows, narrative_figures=figures)
    doc.tables_found = ["财政拨款“三公”经费支出决算表"]
    doc.checks = checks or []
    return doc


@pytest.mark.parametrize(
    ("stated", "expected"),
    [("0.95", ["narrative_three_public_blank"]), ("0.00", []), ("0", [])],
)
def test__three_public_blank__only_a_nonzero_amount_against_a_blank_cell(stated: str, expected: list) -> None:
    # The table prints 合计 预算数 0.95 and leaves 决算数 blank (as the 财政局 2024 p. 18 does).
    doc = _blank_doc([three_public("合计", "0.95", None)], [figure("three_public_actual", stated)])
    assert [c.check for c in narrative_tables.three_public_blank_checks(doc)] == expected


def test__three_public_blank__a_printed_figure_is_compared_elsewhere() -> None:
    doc = _blank_doc([three_public("合计", "0.95", None)], [figure("three_public_budget", "0.90")])
    assert narrative_tables.three_public_blank_checks(doc) == []


def test__three_public_blank__not_when_the_table_was_not_read_in_full() -> None:
    unread = Check(
        "cell_not_understood",
        "error",
        "“财政拨款“三公”经费支出决算表”第 18 页 的内容不是金额，未读入",
        statement="财政拨款“三公”经费支出决算表",
    )
    rows = [three_public("合计", "0.95", None)]
    figures = [figure("three_public_reception_budget", "0.95")]
    assert [c.check for c in narrative_tables.three_public_blank_checks(_blank_doc(rows, figures))] == [
        "narrative_three_public_blank"
    ]
    assert narrative_tables.three_public_blank_checks(_blank_doc(rows, figures, [unread])) == []
    no_table = _blank_doc(rows, figures)
    no_table.tables_found = []
    assert narrative_tables.three_public_blank_checks(no_table) == []
