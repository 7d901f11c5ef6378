"""The plain pdfplumber text of a real 决算, given as a .txt: never a wrong figure, never 'ok'.

The text extraction interleaves the 基本支出 table's two groups ('301 01 302' / '基本工资
262.33 01 办公费 21.21'); the text layouts cannot pair codes, names and figures there. What
they cannot place is reported (the document is partial) and no code fragment ('06', '99')
becomes an amount. The PDF itself is read from its cells (test_template_tables).
"""

from __future__ import annotations

from decimal import Decimal

import pdfplumber
import pytest

from etl.build import process_document
from tests.realdocs import REAL

FILE = "putuo_finance_bureau_2024_final_accounts.pdf"


@pytest.fixture(scope="module")
def out() -> dict:
    with pdfplumber.open(REAL / FILE) as pdf:
        text = "\f".join(page.extract_text() or "" for page in pdf.pages)
    return process_document("putuo_finance_bureau_2024_final_accounts.txt", text.encode("utf-8"))


def test__pdf_text__is_partial_with_the_reasons(out: dict) -> None:
    assert out["document"]["status"] == "partial"
    errors = {c["check"] for c in out["checks"] if c["severity"] in ("error", "warning")}
    assert {"row_not_placed", "header_not_understood", "row_not_aligned"} <= errors
    basic = [
        c for c in out["checks"] if c["check"] == "row_not_placed" and "基本支出" in (c["statement"] or "")
    ]
    assert basic and "302" in basic[0]["message"]


def test__pdf_text__every_figure_kept_is_printed_so(out: dict) -> None:
    # p.6: 九、卫生健康支出 60.99, 十九、住房保障支出 445.69 (收入支出决算总表, 支出);
    # p.13: 本年收入合计 2,940.05 | 本年支出合计 2,940.05; 一、一般公共预算财政拨款 21.63 (年初结转)
    got = {
        (r["statement"], r["name"], r["measure"], Decimal(r["amount_printed"])) for r in out["budget_lines"]
    }
    assert got == {
        ("收入支出决算总表", "九、卫生健康支出", "决算数", Decimal("60.99")),
        ("收入支出决算总表", "十九、住房保障支出", "决算数", Decimal("445.69")),
        ("财政拨款收入支出决算总表", "本年收入合计", "决算数", Decimal("2940.05")),
        ("财政拨款收入支出决算总表", "本年支出合计", "合计", Decimal("2940.05")),
        ("财政拨款收入支出决算总表", "一、一般公共预算财政拨款", "决算数", Decimal("21.63")),
    }


def test__pdf_text__no_code_fragment_becomes_an_amount(out: dict) -> None:
    fragments = [r for r in out["budget_lines"] if "." not in r["amount_printed"]]
    assert fragments == []
