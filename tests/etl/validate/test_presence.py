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
