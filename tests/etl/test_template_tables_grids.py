"""Grid renderings the real PDFs do not print, on tiny hand-written documents.

Each case builds the reader's document model directly (title line, 单位 line, a grid), so
the layout parser is tested apart from any file type: spaced codes in one column, the name
column before the code column, a 7-digit code token, a title and unit inside the grid (as
an XLSX sheet prints them), a code and its name in one cell, an unreadable code, a
continuation that cannot be aligned, a title with no grid under it.
"""

from __future__ import annotations

from decimal import Decimal

from etl.parsers import template_tables
from etl.readers.model import Cell, Document, DocumentBuilder, expand_grid


def grid(rows: list[list[str]]) -> list[list[Cell]]:
    """Rows of texts -> a grid; a cell equal to '<' is covered by the cell on its left."""
    spans = []
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            end = c + 1
            while end < len(row) and row[end] == "<":
                end += 1
            spans.append((r, c, r + 1, end, row[c]))
            c = end
    return expand_grid(len(rows), len(rows[0]), spans)


def document(
    *blocks: str | list[list[str]], cover: tuple[str, ...] = ("上海市普陀区测试局", "2024年度部门决算")
) -> Document:
    """Blocks in order on page 1 (a str is a prose line, a list a grid); a '\\f' str starts a page."""
    b = DocumentBuilder("case.pdf", "pdf")
    b.page()
    for line in cover:
        b.prose(1, line)
    for block in blocks:
        if block == "\f":
            b.page()
        elif isinstance(block, str):
            b.prose(len(b.document.pages), block)
        else:
            b.table(len(b.document.pages), grid(block))
    return b.document


def lines_of(doc: Document) -> list[tuple[str | None, str, str, Decimal]]:
    result = template_tables.parse(doc)
    return [(ln.code, ln.name, ln.measure, ln.amount) for ln in result.budget_lines]


def checks_of(doc: Document) -> list[str]:
    """Checks raised, but the standard tables these one-table documents lack."""
    return [c.check for c in template_tables.parse(doc).checks if c.check != "table_missing"]


HEADER = [["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"]]


def test__coded_table__spaced_code_in_one_column() -> None:
    doc = document(
        "支出决算表",
        "单位：万元",
        HEADER + [["208 05 05", "机关事业单位基本养老保险缴费支出", "160.75", "160.75", ""]],
    )
    assert lines_of(doc) == [
        ("2080505", "机关事业单位基本养老保险缴费支出", "本年支出合计", Decimal("160.75")),
        ("2080505", "机关事业单位基本养老保险缴费支出", "基本支出", Decimal("160.75")),
    ]


def test__coded_table__seven_digit_token_and_blank_cells_shift_nothing() -> None:
    doc = document(
        "支出决算表",
        "单位：万元",
        HEADER + [["2010602", "一般行政管理事务", "10.00", "", "10.00"]],
    )
    assert lines_of(doc) == [
        ("2010602", "一般行政管理事务", "本年支出合计", Decimal("10.00")),
        ("2010602", "一般行政管理事务", "项目支出", Decimal("10.00")),
    ]


def test__coded_table__name_column_before_code_column() -> None:
    doc = document(
        "支出决算表",
        "单位：万元",
        [["科目名称", "科目编码", "本年支出合计"], ["行政运行", "2010601", "1,511.89"]],
    )
    assert lines_of(doc) == [("2010601", "行政运行", "本年支出合计", Decimal("1511.89"))]


def test__coded_table__code_and_name_in_one_cell() -> None:
    doc = document(
        "支出决算表",
        "单位：万元",
        [["科目编码", "科目名称", "本年支出合计"], ["2210201 住房公积金", "", "187.19"]],
    )
    assert lines_of(doc) == [("2210201", "住房公积金", "本年支出合计", Decimal("187.19"))]


def test__coded_table__title_and_unit_inside_the_grid_as_a_sheet_prints_them() -> None:
    doc = document(
        [
            ["2026年预算单位支出预算总表", "<", "<", "<", "<"],
            ["单位：元", "<", "<", "<", "<"],
            ["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"],
            ["204", "公共安全支出", "87267272.44", "16726725.44", "70540547.00"],
        ],
        cover=("上海市普陀区2026年单位预算", "预算单位：上海市普陀区某某中心"),
    )
    result = template_tables.parse(doc)
    assert [(ln.statement, ln.template, ln.unit, ln.code, ln.measure) for ln in result.budget_lines] == [
        ("预算单位支出预算总表", "支出预算总表", "元", "204", m) for m in ("合计", "基本支出", "项目支出")
    ]


def test__coded_table__side_by_side_groups_each_keep_their_codes() -> None:
    doc = document(
        "一般公共预算财政拨款基本支出决算表",
        "单位：万元",
        [
            ["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"],
            ["302 99", "其他商品和服务支出", "11.53", "310 07", "信息网络及软件购置更新", ""],
            ["人员经费合计", "<", "2,152.26", "公用经费合计", "<", "184.65"],
        ],
    )
    assert lines_of(doc) == [
        ("30299", "其他商品和服务支出", "决算数", Decimal("11.53")),
        (None, "人员经费合计", "决算数", Decimal("2152.26")),
        (None, "公用经费合计", "决算数", Decimal("184.65")),
    ]


def test__coded_table__a_code_fragment_never_becomes_an_amount() -> None:
    # '99' and '07' sit in code columns: they are codes, whatever they look like.
    doc = document(
        "一般公共预算财政拨款基本支出决算表",
        "单位：万元",
        [
            ["经济分类", "<", "科目名称", "决算数"],
            ["类", "款", "科目名称", "决算数"],
            ["302", "99", "其他商品和服务支出", ""],
            ["310", "07", "信息网络及软件购置更新", "3.00"],
        ],
    )
    assert lines_of(doc) == [("31007", "信息网络及软件购置更新", "决算数", Decimal("3.00"))]


def test__coded_table__unreadable_code_is_reported_not_guessed() -> None:
    doc = document("支出决算表", "单位：万元", HEADER + [["20106 01 9", "行政运行", "1.00", "", ""]])
    result = template_tables.parse(doc)
    assert result.budget_lines == []
    found = [c for c in result.checks if c.check == "code_not_understood"]
    assert len(found) == 1 and "20106 01 9" in found[0].message


def test__coded_table__figure_without_code_or_name_is_not_placed() -> None:
    doc = document("支出决算表", "单位：万元", HEADER + [["", "", "5.00", "", ""]])
    assert checks_of(doc) == ["row_not_placed", "table_yielded_nothing"]


def test__coded_table__text_in_a_figure_column_is_reported() -> None:
    doc = document("支出决算表", "单位：万元", HEADER + [["2010601", "行政运行", "见附表", "", ""]])
    assert checks_of(doc) == ["cell_not_understood", "table_yielded_nothing"]


def test__continuation__fewer_columns_aligned_from_the_right() -> None:
    doc = document(
        "支出决算表",
        "单位：万元",
        HEADER + [["201", "一般公共服务支出", "2.00", "1.00", "1.00"]],
        "\f",
        [["合计", "3.00", "2.00", "1.00"]],
    )
    assert lines_of(doc)[-3:] == [
        (None, "合计", "本年支出合计", Decimal("3.00")),
        (None, "合计", "基本支出", Decimal("2.00")),
        (None, "合计", "项目支出", Decimal("1.00")),
    ]


def test__continuation__that_cannot_be_aligned_is_reported() -> None:
    doc = document(
        "支出决算表",
        "单位：万元",
        HEADER + [["201", "一般公共服务支出", "2.00", "1.00", "1.00"]],
        "\f",
        [["3.00", "2.00", "1.00", "0.50", "0.25", "0.10", "0.05"]],
    )
    assert "row_not_placed" in checks_of(doc)


def test__continuation__prose_between_grids_ends_the_table() -> None:
    doc = document(
        "支出决算表",
        "单位：万元",
        HEADER + [["201", "一般公共服务支出", "2.00", "1.00", "1.00"]],
        "这是一段说明文字，不属于任何表格，表格到此结束。",
        [["序号", "单位名称", "金额"], ["1", "某单位", "3.00"]],
    )
    assert len(lines_of(doc)) == 3
    assert "table_unrecognised" in checks_of(doc)


def test__title_without_grid__table_not_read_is_an_error() -> None:
    doc = document("支出决算表", "单位：万元", "（本表为图片）")
    result = template_tables.parse(doc)
    assert [(c.check, c.severity) for c in result.checks if c.check == "table_not_read"] == [
        ("table_not_read", "error")
    ]


def test__unit_missing__figures_kept_as_printed_with_a_warning() -> None:
    doc = document("支出决算表", HEADER + [["201", "一般公共服务支出", "2.00", "", ""]])
    result = template_tables.parse(doc)
    assert [(ln.amount, ln.unit) for ln in result.budget_lines] == [(Decimal("2.00"), "")]
    assert [c.check for c in result.checks if c.check != "table_missing"] == ["table_unit_missing"]


def test__toc__a_listed_table_missing_from_the_body_is_an_error() -> None:
    doc = document(
        "目录",
        "一、收入支出决算总表",
        "三、支出决算表",
        "\f",
        "支出决算表",
        "单位：万元",
        HEADER + [["201", "一般公共服务支出", "2.00", "", ""]],
    )
    result = template_tables.parse(doc)
    assert result.tables_expected == ["收入支出决算总表", "支出决算表"]
    assert result.tables_found == ["支出决算表"]
    missing = [c for c in result.checks if c.check == "table_missing"]
    assert len(missing) == 1 and "收入支出决算总表" in missing[0].message and "第 1 页" in missing[0].message


def test__cover__budget_of_a_unit_reads_kind_scope_and_department() -> None:
    doc = document(
        "部门财务收支预算总表",
        "单位：元",
        [
            ["本年收入", "<", "本年支出", "<"],
            ["项目", "预算数", "项目", "预算数"],
            ["收入总计", "1", "支出总计", "1"],
        ],
        cover=("上海市普陀区2026年单位预算", "预算单位：上海市普陀区某某中心"),
    )
    meta = template_tables.parse(doc).meta
    assert (meta.kind, meta.scope, meta.department, meta.district, meta.year) == (
        "budget",
        "unit",
        "上海市普陀区某某中心",
        "普陀",
        2026,
    )


def test__coded_table__figure_in_a_column_without_header_is_reported_not_dropped() -> None:
    # Jiangsu 2017 p.11: a second table's 合计 printed one column left of the first's 金额
    doc = document(
        "支出决算表",
        "单位：万元",
        [
            ["科目编码", "科目名称", "本年支出合计", ""],
            ["201", "一般公共服务支出", "10.00", ""],
            ["", "合计", "", "7,666.68"],
        ],
    )
    result = template_tables.parse(doc)
    assert [(ln.code, ln.amount) for ln in result.budget_lines] == [("201", Decimal("10.00"))]
    outside = [c for c in result.checks if c.check == "figure_outside_columns"]
    assert len(outside) == 1 and outside[0].severity == "error" and "7,666.68" in outside[0].message


def test__coded_table__row_number_column_is_not_a_figure() -> None:
    doc = document(
        "支出决算表",
        "单位：万元",
        [["科目编码", "科目名称", "行次", "本年支出合计"], ["201", "一般公共服务支出", "1", "10.00"]],
    )
    assert lines_of(doc) == [("201", "一般公共服务支出", "本年支出合计", Decimal("10.00"))]
    assert "figure_outside_columns" not in checks_of(doc)
