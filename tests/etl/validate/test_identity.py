"""The identity family: a heading naming the template's stand-in, and a date a year off.

Planted cases are copies of real documents' covers, tables and 说明 sentences with one fact
changed (tests/cases/planted/identity, remade by its make_cases.py); the genuine documents of
tests/cases/real must raise neither finding where the page is right.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from etl.build import process_document
from etl.readers.model import Cell, DocumentBuilder
from etl.validate.identity import DATE_YEAR, PLACEHOLDER, date_checks, placeholder_checks
from tests.realdocs import REAL, outcome

PLANTED = Path(__file__).resolve().parents[2] / "cases" / "planted" / "identity"
ROOT = Path(__file__).resolve().parents[3]
IDS = (PLACEHOLDER, DATE_YEAR)


def _found(checks: list[dict[str, Any]], check_id: str) -> list[dict[str, Any]]:
    return [c for c in checks if c["check"] == check_id]


def _planted(name: str) -> list[dict[str, Any]]:
    return process_document(name, (PLANTED / name).read_bytes())["checks"]


# --- genuine documents ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name
        for p in REAL.iterdir()
        if p.name != "README.md" and p.name != "template_2024_final_accounts.pdf"
    ),
)
def test__genuine_documents__no_identity_finding(name: str) -> None:
    # Their covers name the department; their dates ('截至2024年12月31日' in the 2024 决算,
    # '截至2025年8月31日' in the 2026 预算, 自评时间 2021 in the 2020 决算 …) are of their year.
    assert [c["message"] for c in outcome(name)["checks"] if c["check"] in IDS] == []


def test__seed_with_self_evaluation_dates__none_a_year_off() -> None:
    # data/raw qingpu 2020 决算: 自评时间 2021-03-15 (lines 2821, 3331) and 2021-04-09 (4287).
    path = ROOT / "data" / "raw" / "qingpu_government_service_office_2020_final_accounts.txt"
    out = process_document(path.name, path.read_bytes())
    assert out["document"]["year"] == 2020
    assert _found(out["checks"], DATE_YEAR) == []


# --- (a) a placeholder name in a heading ----------------------------------------------------------


def test__template__its_stand_in_name_is_reported_once() -> None:
    # The national template prints 上海市XX局 on the cover (p.1), in the 目录 (p.2), in the
    # 第一部分 heading (p.4) and the 第三部分 heading (p.15).
    found = _found(outcome("template_2024_final_accounts.pdf")["checks"], PLACEHOLDER)
    assert len(found) == 1
    c = found[0]
    assert (c["severity"], c["source_page"], c["figure"]) == ("warning", 1, "上海市XX局")
    for page in ("第2页", "第4页", "第15页"):
        assert page in c["message"]


def test__planted_budget_cover__stand_in_reported_at_the_cover() -> None:
    # 预算主管部门：上海市普陀区XX局 (p.1), 编制部门：上海市普陀区XX局 (p.2)
    found = _found(_planted("placeholder_budget.docx"), PLACEHOLDER)
    assert [(c["source_page"], c["figure"]) for c in found] == [(1, "上海市普陀区XX局")]
    assert "第2页" in found[0]["message"]


def test__planted_form_head__stand_in_in_a_cell() -> None:
    # 自评表 B3 上海市XX区XX局 (主管部门), D3 XX单位 (实施单位)
    found = _found(_planted("placeholder_form.xlsx"), PLACEHOLDER)
    assert [c["figure"] for c in found] == ["上海市XX区XX局"]
    assert "工作表“自评表”B3" in found[0]["message"] and "D3" in found[0]["message"]


def test__placeholder_in_running_text_is_not_a_heading() -> None:
    b = DocumentBuilder("case.pdf", "pdf")
    b.page()
    b.prose(1, "上海市普陀区财政局")
    b.prose(1, "2024年度部门决算")
    b.page()
    b.prose(2, "本单位与XX单位签订了服务合同，合同金额为10.00万元，主要用于系统运行维护。")
    assert placeholder_checks(b.document) == []


# --- (b) a date a year off ------------------------------------------------------------------------


def test__planted_final_accounts__report_date_and_asset_date_a_year_early() -> None:
    # 2024年度部门决算: 报送日期：2024年3月 (p.1) and 截至2023年12月31日 (p.3) are a year early.
    found = _found(_planted("final_accounts_dates_planted.docx"), DATE_YEAR)
    assert sorted((c["source_page"], c["figure"]) for c in found) == [
        (1, "2024年3月（第1页）"),
        (3, "截至2023年12月31日（第3页）"),
    ]
    assert all(c["severity"] == "warning" and "2024年度部门决算" in c["message"] for c in found)


def test__genuine_final_accounts__dates_of_their_year_and_no_heading_year_alarm() -> None:
    # 报送日期：2025年3月 and 截至2024年12月31日 are right for a 2024 决算.
    checks = _planted("final_accounts_dates_genuine.docx")
    assert [c for c in checks if c["check"] in (DATE_YEAR, "heading_year_mismatch")] == []


def test__planted_budget__asset_date_two_years_early_and_signed_a_year_late() -> None:
    # 2026 部门预算: 截至2024年8月31日 (should be 2025) and the 落款 2027年1月 (p.3).
    found = _found(_planted("budget_dates_planted.docx"), DATE_YEAR)
    assert sorted(c["figure"] for c in found) == ["2027年1月（第3页）", "截至2024年8月31日（第3页）"]
    assert all(c["compared"] == "2026年度部门预算：应在2025年或2026年" for c in found)


def test__genuine_budget__no_finding() -> None:
    # 截至2025年8月31日 and the 落款 2025年9月 are right for a 2026 预算.
    assert _found(_planted("budget_dates_genuine.docx"), DATE_YEAR) == []


def _pages(*pages: list[str]) -> DocumentBuilder:
    b = DocumentBuilder("case.pdf", "pdf")
    for n, lines in enumerate(pages, start=1):
        b.page()
        for text in lines:
            b.prose(n, text)
    return b


@pytest.mark.parametrize(("signed", "flagged"), [("二〇二五年六月", False), ("二〇二四年六月", True)])
def test__date_in_chinese_numerals_on_the_last_page(signed: str, flagged: bool) -> None:
    b = _pages(["上海市普陀区财政局", "2024年度部门决算"], ["说明正文。"], ["上海市普陀区财政局", signed])
    found = date_checks(b.document, "final_accounts", 2024)
    assert [c.page for c in found] == ([3] if flagged else [])


def test__date_in_the_middle_of_the_text_is_no_signature() -> None:
    # A date alone on a page that is neither the cover nor the last page says nothing of the document.
    b = _pages(["上海市普陀区财政局", "2024年度部门决算"], ["2022年6月"], ["说明正文。"])
    assert date_checks(b.document, "final_accounts", 2024) == []


@pytest.mark.parametrize(("year", "flagged"), [(2020, False), (2021, True)])
def test__self_evaluation_time_in_a_cell(year: int, flagged: bool) -> None:
    # 自评时间 2021-03-15: right for a 2020 self-evaluation, a year early for a 2021 one.
    b = DocumentBuilder("case.xlsx", "xlsx")
    b.page(name="自评表")
    texts = ["自评时间", "2021-03-15"]
    b.table(1, [[Cell(t, 0, c, (0, c)) for c, t in enumerate(texts)]], sheet="自评表")
    found = date_checks(b.document, "self_evaluation", year)
    assert [c.message for c in found] == (
        ["工作表“自评表”B1自评时间“2021-03-15”是2021年，而2021年度绩效自评的自评时间应在2022年"]
        if flagged
        else []
    )


def test__as_of_date_of_another_statement_is_not_the_assets() -> None:
    # '截至2023年6月，已完成整改' is no statement of the assets: not compared with the year.
    b = _pages(
        ["上海市普陀区财政局", "2024年度部门决算"], ["截至2023年6月，已完成上年审计发现问题的整改。"], ["。"]
    )
    assert date_checks(b.document, "final_accounts", 2024) == []
