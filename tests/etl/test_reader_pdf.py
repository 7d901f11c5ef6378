"""The PDF reader on real published documents.

Every expected value below was typed by hand from the rendered page (pypdfium2
at 1.5x, viewed as an image), never copied from the reader's output; the page
is named beside each one. Each real PDF is read once per test session.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl.readers import read_document
from etl.readers.model import PDF, PROSE, ROW, Document, Table

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "real"
SHARED = Path("/work/shared/real")

FINANCE = "putuo_finance_bureau_2024_final_accounts.pdf"
JUSTICE = "putuo_justice_bureau_2026_department_budget.pdf"


def real_path(name: str) -> Path:
    """A real document: the copy in tests/cases/real, else the shared original."""
    for folder in (CASES, SHARED):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name} is neither in {CASES} nor in {SHARED}")


def _read(name: str) -> Document:
    path = real_path(name)
    return read_document(path.name, path.read_bytes())


@pytest.fixture(scope="session")
def finance() -> Document:
    return _read(FINANCE)


@pytest.fixture(scope="session")
def justice() -> Document:
    return _read(JUSTICE)


def _only_table(doc: Document, page: int) -> Table:
    tables = [t for t in doc.tables if t.page == page]
    assert len(tables) == 1, f"page {page}: {len(tables)} tables"
    return tables[0]


def _row(table: Table, *lead: str) -> list[str]:
    """The one row whose first cells are ``lead``."""
    found = [table.texts(r) for r in range(len(table.rows)) if table.texts(r)[: len(lead)] == list(lead)]
    assert len(found) == 1, f"{lead}: {len(found)} rows in table on page {table.page}"
    return found[0]


# --- 普陀区财政局 2024 部门决算 -----------------------------------------------------------


def test__read_pdf__finance_bureau_is_a_pdf_of_25_pages(finance: Document) -> None:
    assert finance.file_type == PDF
    assert len(finance.pages) == 25  # the last page is 第四部分 名词解释


def test__read_pdf__figure_stays_in_its_sentence(finance: Document) -> None:
    # Page 22, item 1: the figures are printed as runs of their own, slightly off the line.
    page22 = [ln.text for ln in finance.lines if ln.page == 22 and ln.kind == PROSE]
    assert "员经费及公用经费等的基本支出。年初预算为1560.05万元，支出决算为1511.89万" in page22
    # Page 22, item 6: the sentence goes on on the next line with its figures.
    assert "161.62万元，支出决算为160.75万元。决算数小于预算数的主要原因：预算按充分保" in page22
    # Page 22, item 9: a line printed partly in a larger font is still one line.
    assert "在职人员基本医疗保险费。年初预算为62.29万元，支出决算为60.99万元。决" in page22


def test__read_pdf__prose_lines_of_a_page_in_reading_order(finance: Document) -> None:
    # Page 22: the eleven items, numbered 1、 to 11、, top to bottom.
    starts = [
        m.group(1)
        for ln in finance.lines
        if ln.page == 22 and ln.kind == PROSE and (m := re.match(r"(\d{1,2})、", ln.text))
    ]
    assert starts == [str(i) for i in range(1, 12)]


def test__read_pdf__code_cells_stay_in_their_columns(finance: Document) -> None:
    # Page 16, 一般公共预算财政拨款基本支出决算表, left half 类|款|科目名称|决算数, right half the same.
    table = _only_table(finance, 16)
    assert table.n_cols == 8
    assert _row(table, "301", "99") == ["301", "99", "其他工资福利支出", "91.03", "302", "14", "租赁费", ""]
    assert _row(table, "301", "01") == ["301", "01", "基本工资", "262.33", "302", "01", "办公费", "21.21"]
    # A 类 row prints no 款: the blank 款 cell stays blank, the name stays in its column.
    assert _row(table, "301", "") == [
        "301",
        "",
        "工资福利支出",
        "2,082.85",
        "302",
        "",
        "商品和服务支出",
        "171.07",
    ]


def test__read_pdf__blank_cells_stay_blank_not_shifted(finance: Document) -> None:
    # Page 16: 奖金 and 咨询费 have no figure; the next row's figures are not pulled up.
    table = _only_table(finance, 16)
    assert _row(table, "301", "03") == ["301", "03", "奖金", "", "302", "03", "咨询费", ""]
    assert _row(table, "301", "06") == ["301", "06", "伙食补助费", "", "302", "04", "手续费", "0.09"]
    # The last row of the page: 抚恤金 and 被装购置费, both without a figure.
    assert table.texts(len(table.rows) - 1) == ["303", "04", "抚恤金", "", "302", "24", "被装购置费", ""]


def test__read_pdf__cell_line_breaks_are_joined(finance: Document) -> None:
    # Page 16: '机关事业单位基本养老保险缴' / '费' and '因 公 出 国 （ 境 ） 费' / '用' wrap in their cells.
    table = _only_table(finance, 16)
    assert _row(table, "301", "08")[2] == "机关事业单位基本养老保险缴费"
    assert _row(table, "301", "13")[6] == "因公出国（境）费用"
    # Page 8, 收入决算表: '机关事业单位基本养老保险' / '缴费支出'.
    income = _only_table(finance, 8)
    assert _row(income, "208", "05", "05")[3] == "机关事业单位基本养老保险缴费支出"
    assert _row(income, "208", "05", "06")[3] == "机关事业单位职业年金缴费支出"


def test__read_pdf__merged_header_cells_are_expanded(finance: Document) -> None:
    # Page 8, 收入决算表: '项目' spans 类/款/项/科目名称 on the first header row; '本年收入合计'
    # and the other measures span the three header rows; '科目名称' spans the second and third.
    table = _only_table(finance, 8)
    assert table.n_cols == 11
    assert table.texts(0)[:5] == ["项目", "项目", "项目", "项目", "本年收入合计"]
    assert [table.rows[r][4].text for r in range(3)] == ["本年收入合计"] * 3
    assert [table.rows[r][4].origin for r in range(3)] == [(0, 4)] * 3
    assert [table.rows[r][10].text for r in range(3)] == ["其他收入"] * 3
    assert table.texts(1)[:4] == ["支出功能分类", "支出功能分类", "支出功能分类", "科目名称"]
    assert table.texts(2)[:4] == ["科目编码", "科目编码", "科目编码", "科目名称"]
    assert table.rows[2][3].origin == (1, 3) and not table.rows[2][3].is_origin
    # The fourth row: 类 | 款 | 项 under the codes, 合计 with its figures; 上级补助收入 … blank.
    assert table.texts(3) == ["类", "款", "项", "合计", "2,946.25", "2,940.05", "", "", "", "", "6.20"]
    # Page 16: '经济分类' spans 类 and 款; '科目名称' and '决算数' span the three header rows.
    basic = _only_table(finance, 16)
    assert basic.texts(0)[:2] == ["经济分类", "经济分类"]
    assert [basic.rows[r][2].text for r in range(3)] == ["科目名称"] * 3
    assert [basic.rows[r][7].text for r in range(3)] == ["决算数"] * 3
    assert basic.texts(2)[:2] == ["类", "款"]


def test__read_pdf__figures_of_a_coded_row(finance: Document) -> None:
    # Page 8, 收入决算表: 201 06 02 一般行政管理事务 16.19 | 10.00 | … | 6.19 (其他收入).
    table = _only_table(finance, 8)
    assert _row(table, "201", "06", "02") == ["201", "06", "02", "一般行政管理事务", "16.19", "10.00"] + [
        ""
    ] * 4 + ["6.19"]


def test__read_pdf__blank_page_with_an_empty_grid_is_not_a_scan(finance: Document) -> None:
    # Page 14 prints only an empty ruled row: no text, and no image either.
    assert finance.pages[13].number == 14
    assert not [c for c in finance.checks if c.page == 14]
    assert not [c for c in finance.checks if c.check == "page_no_text_layer"]
    assert not [ln for ln in finance.lines if ln.page == 14 and ln.text.strip(" |")]


def test__read_pdf__table_rows_are_lines_of_their_page(finance: Document) -> None:
    # Page 16 prints its title and unit above the grid, nothing below.
    table = _only_table(finance, 16)
    lines = [ln for ln in finance.lines if ln.page == 16]
    assert [ln.text for ln in lines if ln.kind == PROSE] == [
        "一般公共预算财政拨款基本支出决算表",
        "单位：万元",
    ]
    rows = [ln for ln in lines if ln.kind == ROW]
    assert len(rows) == len(table.rows)
    assert rows[0].number == table.first_line
    assert all(finance.tables[ln.table] is table for ln in rows)
    assert rows[-1].text == "303 | 04 | 抚恤金 |  | 302 | 24 | 被装购置费 | "


# --- 普陀区司法局 2026 部门预算 -----------------------------------------------------------


def test__read_pdf__justice_bureau_page_count(justice: Document) -> None:
    assert len(justice.pages) == 23
    assert [p.number for p in justice.pages] == list(range(1, 24))


def test__read_pdf__cover_lines(justice: Document) -> None:
    # Page 1: the title and the department, nothing else.
    assert [ln.text for ln in justice.lines if ln.page == 1] == [
        "上海市普陀区2026年区级部门预算",
        "预算主管部门：上海市普陀区司法局",
    ]


TOC_ENTRIES = [  # page 2, top to bottom
    "一、部门主要职能",
    "二、部门机构设置",
    "三、名词解释",
    "四、部门预算编制说明",
    "五、部门预算表",
    "2026年部门财务收支预算总表",
    "2026年部门收入预算总表",
    "2026年部门支出预算总表",
    "2026年部门财政拨款收支预算总表",
    "2026年部门一般公共预算支出功能分类预算表",
    "2026年部门政府性基金预算支出功能分类预算表",
    "2026年部门国有资本经营预算支出功能分类预算表",
    "2026年部门一般公共预算基本支出部门预算经济分类预算表",
    "2026年部门“三公”经费和机关运行经费预算表",
    "六、其他相关情况说明",
    "七、项目经费情况说明",
]


def test__read_pdf__framed_toc_is_prose_each_entry_once(justice: Document) -> None:
    # Page 2: the 目录 is laid out in a one-column grid of (white) cells; it is prose, not a table.
    assert not [t for t in justice.tables if t.page == 2]
    lines = [ln for ln in justice.lines if ln.page == 2]
    assert all(ln.kind == PROSE for ln in lines)
    assert lines[0].text == "目录"
    entries = lines[1:]
    assert len(entries) == len(TOC_ENTRIES)
    for line, entry in zip(entries, TOC_ENTRIES, strict=True):
        assert entry in line.text, (line.text, entry)
        assert line.text.rstrip("…").endswith(entry)  # the leader dots follow the title
    # The numbered entries keep their number before the title ('1. 2026年…' … '9. 2026年…').
    numbered = [ln.text for ln in entries if "2026年" in ln.text]
    assert [t[0] for t in numbered] == [str(i) for i in range(1, 10)]


def test__read_pdf__line_numbers_are_document_wide_and_consecutive(justice: Document) -> None:
    numbers = [ln.number for ln in justice.lines]
    assert numbers == list(range(1, len(justice.lines) + 1))
    pages = [ln.page for ln in justice.lines]
    assert pages == sorted(pages)
    assert {ln.page for ln in justice.lines} <= {p.number for p in justice.pages}
    for ln in justice.lines:
        assert justice.line(ln.number) is ln
        assert justice.page_of(ln.number) == ln.page
    assert justice.page_of(None) is None
    assert justice.page_of(len(justice.lines) + 1) is None


def test__read_pdf__table_rows_are_numbered_lines(justice: Document) -> None:
    assert justice.tables, "the 部门预算表 pages hold ruled tables"
    for position, table in enumerate(justice.tables):
        for r, row in enumerate(table.rows):
            line = justice.line(table.line_of(r))
            assert line is not None and line.kind == ROW
            assert line.table == position and line.page == table.page
            assert line.text == " | ".join(c.text for c in row if c.is_origin)  # a merged cell once
        assert all(len(row) == table.n_cols for row in table.rows)  # rectangular


def test__read_pdf__justice_bureau_reads_without_checks(justice: Document) -> None:
    # Every page has a text layer; none is damaged.
    assert justice.checks == []
    assert all(p.has_text for p in justice.pages)
