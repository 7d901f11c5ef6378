"""parse(generate(x)) == x for originals: DOCX 决算 and XLSX 预算 in renderings chosen at random.

Whole tables are compared for equality (no extra and no missing figure), so a rendering the
grid parser misreads (spaced codes, the name column first, blank cells, a page break with
or without the header, a title inside the sheet, 元 without decimals) fails here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.build import process_document
from etl.synth_originals import ORIGINAL_LAYOUTS, generate_original

CASES = [(i, layout) for layout in ORIGINAL_LAYOUTS for i in range(10)]
FACTOR = {"元": Decimal(1), "万元": Decimal(10000)}


@pytest.mark.parametrize(("index", "layout"), CASES)
def test__original_roundtrip__every_table_exactly(index: int, layout: str) -> None:
    doc = generate_original(index, seed=3, layout=layout)
    out = process_document(doc.file_name, doc.data)
    d = out["document"]
    errors = [c["message"] for c in out["checks"] if c["severity"] == "error"]
    assert (d["district"], d["year"], d["department"]) == (doc.district, doc.year, doc.department), (
        doc.renderings
    )
    got = sorted(
        (r["statement"], r["code"] or "", r["name"], r["measure"], r["amount_yuan"])
        for r in out["budget_lines"]
    )
    want = sorted(
        (t.statement, t.code or "", t.name, t.measure, t.amount * FACTOR[doc.unit]) for t in doc.lines
    )
    assert got == want, (doc.renderings, errors)
    assert not errors, (doc.renderings, errors)


def test__original_roundtrip__renderings_cover_every_variant() -> None:
    seen = [generate_original(i, seed=3, layout="final_accounts_docx").renderings for i in range(10)]
    for key in ("spaced_codes", "name_first", "blank_zero", "header_repeated"):
        assert {bool(r[key]) for r in seen} == {True, False}, key
    assert any(r["page_break"] is None for r in seen) and any(r["page_break"] for r in seen)
