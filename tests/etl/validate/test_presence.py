"""Presence: a blank ruled page is reported; a page with text is not."""

from __future__ import annotations

from etl.readers.model import Document, Page
from etl.validate import presence
from tests.etl.validate.frames import document


def test__blank_table_page_is_reported_with_its_page() -> None:
    doc = document()
    doc.source = Document("case.pdf", "PDF", pages=[Page(1), Page(2, blank_grid=True), Page(3)])
    checks = presence.checks(doc)
    assert [(c.check, c.page) for c in checks] == [("blank_table_page", 2)]
    assert "第2页" in checks[0].message


def test__no_blank_page_no_finding() -> None:
    doc = document()
    doc.source = Document("case.pdf", "PDF", pages=[Page(1), Page(2)])
    assert presence.checks(doc) == []


def test__real_justice_budget_has_its_blank_page_after_the_toc() -> None:
    # The reviewer: 目录后有一页多余的空表页 — page 3 of the PDF (ruled, no text).
    from tests.realdocs import outcome

    found = [
        c
        for c in outcome("putuo_justice_bureau_2026_department_budget.pdf")["checks"]
        if c["check"] == "blank_table_page"
    ]
    assert [c["source_page"] for c in found] == [3]


def _fund_doc(note: str | None, t4_gov_fund: str | None = None):
    from etl.readers.model import DocumentBuilder
    from tests.etl.validate.frames import line

    builder = DocumentBuilder("case.pdf", "PDF")
    builder.page()
    builder.prose(1, "2026年部门政府性基金预算支出功能分类预算表")
    builder.prose(1, "编制部门：上海市普陀区某局单位：元")
    if note:
        builder.prose(1, note)
    doc = document(kind="budget")
    doc.source = builder.document
    doc.tables_found = ["政府性基金预算支出功能分类预算表"]
    if t4_gov_fund:
        doc.budget_lines = [
            line(
                "财政拨款收支预算总表",
                "政府性基金预算",
                t4_gov_fund,
                name="支出总计",
                side="支出",
                total=True,
                unit="元",
                kind="budget",
                page=4,
            )
        ]
    return doc


def test__empty_fund_table__with_its_note_is_fine() -> None:
    doc = _fund_doc("注:本部门2026年无政府性基金预算财政拨款安排的预算，故本表为空表。")
    assert presence.checks(doc) == []


def test__empty_fund_table__without_any_note_is_a_warning() -> None:
    checks = presence.checks(_fund_doc(None))
    assert [(c.check, c.severity, c.page) for c in checks] == [("empty_fund_table_unexplained", "warning", 1)]


def test__empty_fund_table__while_the_fiscal_summary_funds_it() -> None:
    checks = presence.checks(_fund_doc("注：本表为空表。", t4_gov_fund="50000.00"))
    assert [c.check for c in checks] == ["empty_fund_table_but_funded"]
    assert "50000.00元" in checks[0].message and "第4页" in checks[0].message
