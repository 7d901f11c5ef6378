"""A document of which no figure was read is never ``ok``, and a registered check says why.

Cases: the national template (tables found, placeholders only), a real budget's text copied
one cell a line (tests/cases/one_cell_per_line/, made by the script beside it), a 说明 given
alone; and the rule over every real document.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.build import process_document
from etl.model import Check
from etl.readers.model import DocumentBuilder
from etl.validate import presence
from tests.etl.validate.frames import document
from tests.realdocs import REAL, outcome

ONE_CELL = Path(__file__).resolve().parents[1] / "cases" / "one_cell_per_line"
ONE_CELL_FILE = "putuo_justice_bureau_2026_department_budget_one_cell_per_line.txt"


def _checks(out: dict, check: str) -> list[dict]:
    return [c for c in out["checks"] if c["check"] == check]


def test__one_cell_per_line_text__partial_and_said_naming_the_file() -> None:
    out = process_document(ONE_CELL_FILE, (ONE_CELL / ONE_CELL_FILE).read_bytes())
    doc = out["document"]
    assert (doc["status"], doc["n_budget_lines"], len(out["three_public"])) == ("partial", 0, 0)
    (check,) = _checks(out, "text_one_cell_per_line")
    assert check["severity"] == "error"
    assert ONE_CELL_FILE in check["message"]
    assert "每个单元格各占一行" in check["message"] and "无法还原" in check["message"]


def test__one_cell_per_line_text__is_the_real_budget_cell_by_cell() -> None:
    # The case really is the justice budget's cells one a line: its figures stand alone on lines
    # (p.10 of the PDF: 一、财政拨款收入 96,282,213.44; 支出总计 96,282,213.44).
    lines = (ONE_CELL / ONE_CELL_FILE).read_text(encoding="utf-8").split("\n")
    i = lines.index("一、财政拨款收入")
    assert lines[i + 1] == "96,282,213.44"
    assert lines[lines.index("支出总计") + 1] == "96,282,213.44"


def test__template__tables_found_without_figures_is_partial_with_a_warning() -> None:
    out = outcome("template_2024_final_accounts.pdf")
    doc = out["document"]
    assert (doc["status"], doc["tables_found"], doc["n_budget_lines"]) == ("partial", 9, 0)
    (check,) = _checks(out, "tables_without_figures")
    assert check["severity"] == "warning"
    assert "9 张标准报表" in check["message"] and "没有填列金额" in check["message"]


def test__narrative_alone__partial_and_said() -> None:
    text = (
        "上海市普陀区司法局2026年部门预算编制说明\n"
        "财政拨款支出主要内容如下：\n"
        "1、公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元。主要用于：行政单位的基本支出。"
        "2025年当年预算执行数为1690.69万元，2026年预算安排1672.67万元，比2025年预算执行数减少1.07%。"
        "主要原因是：部分人员退休。\n"
    )
    out = process_document("shuoming.txt", text.encode("utf-8"))
    assert out["narrative_items"], "the 说明 item is read"
    assert out["document"]["status"] == "partial"
    assert [c["severity"] for c in _checks(out, "document_without_figures")] == ["warning"]


def test__tables_whose_figures_were_not_read__say_so_themselves() -> None:
    # A table with figures the parser could not place is its own error; no 'without figures' claim.
    doc = document(kind="budget")
    doc.source = DocumentBuilder("case.pdf", "pdf").document
    doc.tables_found = ["收入预算总表"]
    assert [c.check for c in presence.nothing_read_checks(doc)] == ["tables_without_figures"]
    doc.checks = [Check("header_not_understood", "error", "表头无法识别")]
    assert presence.nothing_read_checks(doc) == []


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.iterdir() if p.suffix != ".md"))
def test__real_documents__ok_only_with_figures_read(name: str) -> None:
    out = outcome(name)
    doc = out["document"]
    figures = doc["n_budget_lines"] + len(out["three_public"]) + doc["n_projects"] + doc["n_indicators"]
    if doc["status"] == "ok":
        assert figures > 0
    assert not _checks(out, "text_one_cell_per_line"), "no real original is a one-cell-a-line text"
