"""One parser, every file type: the seed self-evaluations as Word, PDF, Excel, .xls and .doc originals.

The originals in tests/cases/forms are the seed forms printed as officials hold them
(see its README). The hand-read golden figures run on every rendering in
test_self_eval_forms; here each rendering must give, project for project and row for
row, what the text gives (texts compared without spaces: a Word or Excel cell has no
extraction's stray space), each figure must point at the page or sheet it is printed
on, and the whole pipeline must file the document as the text's.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from etl.build import process_document
from etl.model import ParseResult, Project
from etl.readers import read_document
from etl.readers.model import Document
from etl.textutil import squash
from tests.conftest import SEEDS
from tests.etl.test_self_eval_forms import MINHANG, SONGJIANG_2021, parse_file

D = Decimal
ORIGINALS = [
    (seed, name) for seed, files in (("minhang", MINHANG), ("songjiang", SONGJIANG_2021)) for name in files
]
ORIGINALS = [(seed, name) for seed, name in ORIGINALS if name != "text"]
UNCACHED = MINHANG["xlsx"].with_name("minhang_2022_self_evaluation_sheet_per_form_uncached.xlsx")


def _files(seed: str) -> dict[str, Path]:
    return MINHANG if seed == "minhang" else SONGJIANG_2021


def _figures(p: Project) -> tuple[Any, ...]:
    """Everything a project says, its texts without spaces."""
    return (
        squash(p.project_name),
        p.department,
        p.unit,
        p.year,
        p.amount_unit,
        p.budget_initial,
        p.budget_full_year,
        p.executed,
        p.execution_rate,
        p.execution_weight,
        p.execution_score,
        p.score_max,
        p.score_total,
        squash(p.goal or ""),
        squash(p.result or ""),
    )


def _rows(p: Project) -> list[tuple[Any, ...]]:
    return [
        (
            i.level1,
            i.level2,
            squash(i.level3),
            i.target_value,
            i.actual_value,
            i.weight,
            i.score,
            i.deviation_reason,
        )
        for i in p.indicators
    ]


@pytest.mark.parametrize(("seed", "rendering"), ORIGINALS)
def test__original__every_project_as_the_text_reads_it(seed: str, rendering: str) -> None:
    text, original = parse_file(_files(seed)["text"]), parse_file(_files(seed)[rendering])
    assert [_figures(p) for p in original.projects] == [_figures(p) for p in text.projects]
    for a, b in zip(text.projects, original.projects, strict=True):
        assert _rows(b) == _rows(a), a.project_name
    # The document's facts come from the forms alike.
    assert (original.meta.district, original.meta.department, original.meta.year) == (
        text.meta.district,
        text.meta.department,
        text.meta.year,
    )
    # The text's own oddities (rows after a 总分, a shifted row) are not in the originals.
    ids = {c.check for c in original.checks}
    assert ids <= {"indicator_label_row_unused"}, ids


def _document(path: Path) -> Document:
    return read_document(path.name, path.read_bytes())


def _page(doc: Document, line: int) -> int:
    page = doc.page_of(line)
    assert page is not None
    return page


def _project(result: ParseResult, name: str) -> Project:
    (p,) = [p for p in result.projects if squash(p.project_name) == squash(name)]
    return p


def test__minhang_pdf__form_continued_with_its_header_repeated_on_the_next_page() -> None:
    # Form 14 prints its head and indicator rows 1–12 on page 14, a second table on page 15
    # that repeats the indicator header, then rows 13–14 and 总分 (tests/cases/forms/README.md).
    path = MINHANG["pdf"]
    doc, result = _document(path), parse_file(path)
    p = _project(result, "无主设施应急处置补贴")
    assert _page(doc, p.source_line) == 14 and _page(doc, p.end_line) == 15
    assert [_page(doc, i.source_line) for i in p.indicators] == [14] * 12 + [15] * 2
    assert len(p.indicators) == 14 and p.score_total is not None
    # Every other form stands on a page of its own, in order.
    others = [q for q in result.projects if q is not p]
    assert [_page(doc, q.source_line) for q in others] == [n for n in range(1, 23) if n not in (14, 15)]


def test__songjiang_pdf__form_continued_without_its_header() -> None:
    # Form 5's last indicator (使用者满意度) and its 总分 run onto page 6, no header repeated.
    path = SONGJIANG_2021["pdf"]
    doc, result = _document(path), parse_file(path)
    p = _project(result, "网络信息系统运行与维护")
    assert _page(doc, p.source_line) == 5
    last = p.indicators[-1]
    assert (last.level3, _page(doc, last.source_line)) == ("使用者满意度", 6)
    assert (last.level1, last.level2) == ("满意度指标", "服务对象满意度指标")  # carried over the break
    assert p.score_total == D("100") and _page(doc, p.end_line) == 6


def test__songjiang_pdfs__two_forms_on_one_page_and_a_total_alone_on_a_page() -> None:
    # title_rows.pdf: form 2 and the head of form 3 share page 2; landscape: form 3's 总分 alone on p.4.
    doc, result = _document(SONGJIANG_2021["pdf_title_rows"]), parse_file(SONGJIANG_2021["pdf_title_rows"])
    assert [_page(doc, p.source_line) for p in result.projects][:3] == [1, 2, 2]
    doc, result = _document(SONGJIANG_2021["pdf_landscape"]), parse_file(SONGJIANG_2021["pdf_landscape"])
    third = result.projects[2]
    assert _page(doc, third.indicators[-1].source_line) == 3 and _page(doc, third.end_line) == 4
    assert third.score_total is not None


def test__minhang_workbook__each_form_on_its_own_sheet() -> None:
    for rendering in ("xlsx", "xls"):
        path = MINHANG[rendering]
        doc, result = _document(path), parse_file(path)
        sheets = [doc.pages[_page(doc, p.source_line) - 1].name or "" for p in result.projects]
        assert sheets == [page.name for page in doc.pages]
        assert all(
            squash(p.project_name)[:6] in squash(sheet)
            for p, sheet in zip(result.projects, sheets, strict=True)
        )


def test__songjiang_stacked_sheet__five_forms_on_one_sheet() -> None:
    path = SONGJIANG_2021["xlsx_stacked"]
    doc, result = _document(path), parse_file(path)
    assert len(result.projects) == 5 and {_page(doc, p.source_line) for p in result.projects} == {1}
    # Each form's rows stay its own: no indicator past the next form's title.
    starts = [p.source_line for p in result.projects] + [10**9]
    for p, nxt in zip(result.projects, starts[1:], strict=True):
        assert all(p.source_line < i.source_line < nxt for i in p.indicators)


@pytest.mark.parametrize(("seed", "rendering"), ORIGINALS)
def test__original__pipeline_files_it_like_the_text(seed: str, rendering: str) -> None:
    path = _files(seed)[rendering]
    out = process_document(path.name, path.read_bytes())
    doc = out["document"]
    expected = {
        "minhang": ("闵行", "上海市闵行区城市运行管理中心", 2022, 21),
        "songjiang": ("松江", "上海市松江区行政服务中心", 2021, 5),
    }
    assert (doc["district"], doc["department"], doc["year"], doc["n_projects"]) == expected[seed]
    assert (doc["kind"], doc["status"]) == ("self_evaluation", "ok")


def test__workbook_without_cached_totals__read_but_partial() -> None:
    # Written by a program and never opened in Excel: the 总分 cells are formulas without a value.
    out = process_document(UNCACHED.name, UNCACHED.read_bytes())
    assert out["document"]["status"] == "partial"
    found = [c for c in out["checks"] if c["check"] == "cell_formula_without_value"]
    assert len(found) == 21 and all(c["severity"] == "error" for c in found)  # one per sheet
    assert all(p["score_total"] is None for p in out["projects"])
    # Everything printed as a value is read: the figures of the 21 projects are there.
    cached = parse_file(MINHANG["xlsx"])
    uncached = parse_file(UNCACHED)
    assert [p.budget_full_year for p in uncached.projects] == [p.budget_full_year for p in cached.projects]
    assert [_rows(p) for p in uncached.projects] == [_rows(p) for p in cached.projects]


# --- 青浦's scored form (2020年度财政项目绩效自评价) as Word, PDF and Excel -------------------------

QINGPU_TEXT = SEEDS["qingpu_2020"]
QINGPU = {
    rendering: MINHANG["docx"].with_name(f"qingpu_2020_self_evaluation.{rendering}")
    for rendering in ("docx", "pdf", "xlsx")
}


def _qingpu_text() -> ParseResult:
    from etl.parsers.legacy_text import self_eval_qingpu  # the text has no cells: its own parser

    return self_eval_qingpu.parse(QINGPU_TEXT.read_text(encoding="utf-8"))


def _scored(p: Project) -> tuple[Any, ...]:
    rows = [
        (i.level1, squash(i.level3), i.weight, i.score, squash(i.explanation or ""), squash(i.scoring_rule or ""),
         squash(i.deviation_reason or ""))
        for i in p.indicators
    ]  # fmt: skip
    heads = (
        p.project_name,
        p.unit,
        p.year,
        p.amount_unit,
        p.budget_full_year,
        p.prior_year_budget,
        p.executed,
    )
    texts = {k: squash(v) for k, v in p.extra.items()}
    return (*heads, p.execution_rate, p.score_total, p.grade, p.category, squash(p.goal or ""),
            squash(p.result or ""), texts, rows)  # fmt: skip


@pytest.mark.parametrize("rendering", list(QINGPU))
def test__qingpu_original__the_cell_parser_reads_what_the_text_parser_reads(rendering: str) -> None:
    text, original = _qingpu_text(), parse_file(QINGPU[rendering])
    assert [_scored(p) for p in original.projects] == [_scored(p) for p in text.projects]
    assert original.checks == []


@pytest.mark.parametrize("rendering", list(QINGPU))
def test__qingpu_original__hand_read_figures(rendering: str) -> None:
    result = parse_file(QINGPU[rendering])
    desk = _project(result, "台式电脑")  # the first form (seed lines 1331–1513)
    assert (desk.budget_full_year, desk.prior_year_budget, desk.executed) == (
        D("113600.00"),
        D("0.00"),
        D("79984.00"),
    )
    assert (desk.execution_rate, desk.grade, desk.category, desk.score_total) == (
        D("0.7041"),
        "优",
        "一次性",
        D(96),
    )
    assert desk.extra["分值:投入与管理"] == "36"
    fees = _project(result, "物业费与租赁费")
    staff = next(i for i in fees.indicators if i.level3 == "人员到位率")
    assert (staff.level1, staff.weight, staff.score) == ("影响力目标", None, D(0))  # no 权重 printed
    build = _project(result, "“互联网+政务服务”建设经费")
    assert (build.budget_full_year, build.executed, build.execution_rate) == (
        D("27048448.74"),
        D("10433436.99"),
        D("0.3857"),
    )
    assert build.score_total == D(92)
