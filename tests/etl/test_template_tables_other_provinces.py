"""Other provinces' renderings of the national tables, on tiny hand-written documents.

江苏 2017 (tests/cases/real/jiangsu_…pdf) prints the national tables under its own titles and
other provinces number them 公开01表 …: several tables to one ruled grid, rows drawn below the
page's edge, printed columns over several grid columns, a grid of other width on the next page,
names wrapped over a page break, a second label column, a table of one figure row, a title block
as a grid of its own, units over two lines. Each case builds the reader's document model
directly (boxes where the layout depends on them), so the parser is tested apart from any file.
"""

from __future__ import annotations

from decimal import Decimal

from etl.parsers import template_tables
from etl.readers.model import Cell, Document, DocumentBuilder, expand_grid
from etl.templates import match_title

COVER = ("江苏省测试厅", "2017年度部门预算")


def grid(rows: list[list[str]], xs: list[float] | None = None, top: float = 100.0) -> list[list[Cell]]:
    """Rows of texts -> a grid: '<' is covered by the cell on its left, '^' by the cell above.

    With ``xs`` (the columns' edges) every cell gets a box, rows 20 points high from ``top``.
    """
    n_rows, n_cols = len(rows), len(rows[0])
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == "<":
                owner[(r, c)] = owner[(r, c - 1)]
            elif text == "^":
                owner[(r, c)] = owner[(r - 1, c)]
            else:
                owner[(r, c)] = (r, c)
    spans = []
    boxes = {}
    for (r0, c0), text in ((o, rows[o[0]][o[1]]) for o in dict.fromkeys(owner.values())):
        covered = [k for k, v in owner.items() if v == (r0, c0)]
        r1 = max(r for r, _ in covered) + 1
        c1 = max(c for _, c in covered) + 1
        spans.append((r0, c0, r1, c1, text))
        if xs is not None:
            boxes[(r0, c0)] = (xs[c0], top + 20 * r0, xs[c1], top + 20 * r1)
    return expand_grid(n_rows, n_cols, spans, boxes or None)


def document(*blocks: object, cover: tuple[str, ...] = COVER, height: float | None = None) -> Document:
    """Blocks in order (a str is a prose line, a list a grid, (rows, xs[, top]) a boxed grid, '\\f' a page)."""
    b = DocumentBuilder("case.pdf", "pdf")
    b.page(height=height)
    for line in cover:
        b.prose(1, line)
    for block in blocks:
        page = len(b.document.pages)
        if block == "\f":
            b.page(height=height)
        elif isinstance(block, str):
            b.prose(page, block)
        elif isinstance(block, tuple):
            b.table(page, grid(*block))
        else:
            assert isinstance(block, list)
            b.table(page, grid(block))
    return b.document


def lines_of(doc: Document) -> list[tuple[str, str | None, str, str, Decimal]]:
    result = template_tables.parse(doc)
    return [(ln.template or "", ln.code, ln.name, ln.measure, ln.amount) for ln in result.budget_lines]


def checks_of(doc: Document) -> list[str]:
    """Checks raised, but the standard tables these small documents lack."""
    return [c.check for c in template_tables.parse(doc).checks if c.check != "table_missing"]


CODED = [["功能科目代码", "功能科目名称", "金额"]]


def test__grid__a_second_title_row_starts_a_table_of_its_own() -> None:
    doc = document(
        [
            ["财政拨款支出预算表", "<", "<"],
            ["部门：", "江苏省测试厅", "单位：万元"],
            *CODED,
            ["", "合计", "3.00"],
            ["201", "一般公共服务支出", "3.00"],
            ["一般公共预算支出预算表", "<", "<"],
            ["部门：", "江苏省测试厅", "单位：万元"],
            *CODED,
            ["", "合计", "5.00"],
        ]
    )
    result = template_tables.parse(doc)
    assert [(ln.template, ln.code, ln.name, ln.amount, ln.source_cell) for ln in result.budget_lines] == [
        ("财政拨款支出预算表", None, "合计", Decimal("3.00"), "表1 第4行第3列"),
        ("财政拨款支出预算表", "201", "一般公共服务支出", Decimal("3.00"), "表1 第5行第3列"),
        ("一般公共预算支出功能分类预算表", None, "合计", Decimal("5.00"), "表2 第4行第3列"),
    ]
    assert result.tables_found == ["财政拨款支出预算表", "一般公共预算支出功能分类预算表"]


def test__grid__rows_below_the_page_edge_are_not_read() -> None:
    rows = [
        ["财政拨款支出预算表", "<", "<"],
        ["单位：万元", "<", "<"],
        *CODED,
        ["201", "一般公共服务支出", "3.00"],
        ["财政拨款基本支出预算表", "<", "<"],  # from here on below the page (top 200 on a 180-point page)
        *CODED,
        ["301", "工资福利支出", "2.00"],
    ]
    doc = document((rows, [0, 50, 150, 200], 100.0), height=180.0)
    result = template_tables.parse(doc)
    assert [(ln.template, ln.code, ln.amount) for ln in result.budget_lines] == [
        ("财政拨款支出预算表", "201", Decimal("3.00"))
    ]
    hidden = [c for c in result.checks if c.check == "rows_outside_page"]
    assert [(c.severity, c.page) for c in hidden] == [("warning", 1)]
    assert "3 行" in hidden[0].message and "财政拨款基本支出预算表" in hidden[0].message
    assert "table_missing" not in [c.check for c in result.checks if c.statement == "财政拨款基本支出预算表"]


def test__grid__a_printed_column_over_two_grid_columns_is_read_once() -> None:
    doc = document(
        "财政拨款支出预算表",
        "单位：万元",
        [
            ["功能科目代码", "<", "功能科目名称", "<", "金额"],
            ["201", "<", "一般公共服务支出", "<", "3.00"],
            ["20101", "<", "人大事务", "<", "3.00"],
        ],
    )
    assert lines_of(doc) == [
        ("财政拨款支出预算表", "201", "一般公共服务支出", "金额", Decimal("3.00")),
        ("财政拨款支出预算表", "20101", "人大事务", "金额", Decimal("3.00")),
    ]
    assert checks_of(doc) == []


def test__continuation__a_grid_of_other_width_aligned_by_its_printed_columns() -> None:
    # 江苏 p.15: the last row of one table and the next table in one grid of five columns
    doc = document(
        "财政拨款基本支出预算表",
        "单位：万元",
        [["科目编码", "科目名称", "金额"], ["", "合计", "3.00"], ["301", "工资福利支出", "1.00"]],
        "\f",
        [
            ["30312", "提租补贴", "<", "2.00", "<"],
            ["财政拨款政府性基金支出预算表", "<", "<", "<", "<"],
            ["部门：", "<", "江苏省测试厅", "<", "单位：万元"],
            ["功能科目代码", "<", "功能科目名称", "<", "金额"],
            ["", "<", "合计", "<", ""],
        ],
        "(无政府性基金支出）",
    )
    assert lines_of(doc)[-1] == ("财政拨款基本支出预算表", "30312", "提租补贴", "金额", Decimal("2.00"))
    assert checks_of(doc) == ["statement_empty_with_note"]


def test__continuation__label_over_several_columns_aligned_by_the_boxes() -> None:
    header = [
        ["科目编码", "科目名称", "金额", "科目编码", "科目名称", "金额"],
        ["301", "工资福利支出", "1.00", "302", "商品和服务支出", "2.00"],
    ]
    doc = document(
        "一般公共预算基本支出预算表",
        "单位：万元",
        (header, [0, 40, 100, 140, 180, 240, 280]),
        "\f",
        ([["人员经费合计", "1.00", "公用经费合计", "2.00"]], [0, 100, 140, 240, 280]),
    )
    assert lines_of(doc)[-2:] == [
        ("一般公共预算基本支出经济分类预算表", None, "人员经费合计", "金额", Decimal("1.00")),
        ("一般公共预算基本支出经济分类预算表", None, "公用经费合计", "金额", Decimal("2.00")),
    ]
    assert "row_not_placed" not in checks_of(doc)


SUMMARY = [["收入", "<", "支出", "<"], ["项目名称", "金额", "项目名称", "金额"]]


def test__continuation__a_name_wrapped_over_the_page_break_joins_its_row() -> None:
    doc = document(
        "收支预算总表",
        "单位：万元",
        SUMMARY + [["一、财政拨款", "5.00", "八、社会保障和就", "2.00"]],
        "\f",
        [["", "", "业支出", ""], ["", "", "九、住房保障支出", "3.00"]],
    )
    names = [(ln.side, ln.name, ln.amount) for ln in template_tables.parse(doc).budget_lines]
    assert names == [
        ("收入", "一、财政拨款", Decimal("5.00")),
        ("支出", "八、社会保障和就业支出", Decimal("2.00")),
        ("支出", "九、住房保障支出", Decimal("3.00")),
    ]


def test__continuation__a_tail_of_the_last_row_joins_it_and_is_never_a_row() -> None:
    doc = document(
        "收支预算总表",
        "单位：万元",
        SUMMARY
        + [["一、财政拨款", "5.00", "一、基本支出", "5.00"], ["当年收入", "5.00", "当年支出小计", "5.00"]],
        "\f",
        [["小计", "", "", ""], ["收入合计", "5.00", "支出合计", "5.00"]],
    )
    names = [(ln.side, ln.name, ln.is_total) for ln in template_tables.parse(doc).budget_lines]
    assert names == [
        ("收入", "一、财政拨款", False),
        ("支出", "一、基本支出", False),
        ("收入", "当年收入小计", False),
        ("支出", "当年支出小计", False),
        ("收入", "收入合计", True),
        ("支出", "支出合计", True),
    ]


def test__continuation__an_item_without_figures_after_a_total_stays_a_row_of_its_own() -> None:
    # 普陀财政局 2024 p.7: '结余分配' atop the page under '本年支出合计' is an item, not a tail
    doc = document(
        "收支预算总表",
        "单位：万元",
        SUMMARY
        + [
            ["一、财政拨款", "5.00", "一、一般公共服务支出", "5.00"],
            ["本年收入合计", "5.00", "本年支出合计", "5.00"],
        ],
        "\f",
        [["使用非财政拨款结余", "", "结余分配", ""], ["收入总计", "5.00", "支出总计", "5.00"]],
    )
    names = [ln.name for ln in template_tables.parse(doc).budget_lines]
    assert names == [
        "一、财政拨款",
        "一、一般公共服务支出",
        "本年收入合计",
        "本年支出合计",
        "收入总计",
        "支出总计",
    ]


def test__coded_table__a_second_label_column_names_the_item_and_its_subtotal_the_group() -> None:
    doc = document(
        "收入预算总表",
        "单位：万元",
        [
            ["项目名称", "", "金额"],
            ["收入总计", "<", "5.00"],
            ["一般公共预算资金", "小计", "5.00"],
            ["^", "公共财政拨款(补助)资金", "5.00"],
            ["^", "专项收入", ""],
        ],
    )
    result = template_tables.parse(doc)
    assert [(ln.name, ln.amount, ln.is_total) for ln in result.budget_lines] == [
        ("收入总计", Decimal("5.00"), True),
        ("一般公共预算资金", Decimal("5.00"), False),
        ("公共财政拨款(补助)资金", Decimal("5.00"), False),
    ]


def test__coded_table__one_figure_row_without_labels_is_the_total() -> None:
    doc = document(
        "支出预算总表",
        "单位：万元",
        [
            ["合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"],
            ["5.00", "3.00", "1.50", "0.50", ""],
        ],
    )
    result = template_tables.parse(doc)
    assert [(ln.name, ln.measure, ln.amount, ln.is_total) for ln in result.budget_lines] == [
        ("合计", "合计", Decimal("5.00"), True),
        ("合计", "基本支出", Decimal("3.00"), True),
        ("合计", "项目支出", Decimal("1.50"), True),
        ("合计", "单位预留机动经费", Decimal("0.50"), True),
    ]
    assert [c.check for c in result.checks if c.check != "table_missing"] == []


def test__coded_table__rows_of_figures_without_labels_are_still_not_placed() -> None:
    doc = document(
        "支出预算总表",
        "单位：万元",
        [["合计", "基本支出"], ["5.00", "3.00"], ["4.00", "2.00"]],
    )
    assert lines_of(doc) == []
    assert checks_of(doc).count("row_not_placed") == 2


def test__title_block__never_followed_by_its_header_is_not_read() -> None:
    doc = document([["财政拨款基本支出预算表", "<", "<"], ["部门：", "江苏省测试厅", "单位：万元"]])
    result = template_tables.parse(doc)
    unread = [c for c in result.checks if c.check == "table_not_read"]
    assert [(c.severity, c.statement) for c in unread] == [("error", "财政拨款基本支出预算表")]


def test__title_block__a_grid_of_its_own_takes_its_header_from_the_next_grid() -> None:
    doc = document(
        [["财政拨款基本支出预算表", "<", "<"], ["部门：", "江苏省测试厅", "单位：万元"]],
        "\f",
        [["科目编码", "科目名称", "金额"], ["", "合计", "2.00"], ["301", "工资福利支出", "2.00"]],
    )
    result = template_tables.parse(doc)
    assert [(ln.template, ln.code, ln.unit) for ln in result.budget_lines] == [
        ("财政拨款基本支出预算表", None, "万元"),
        ("财政拨款基本支出预算表", "301", "万元"),
    ]
    assert [c.check for c in result.checks if c.check != "table_missing"] == []


def test__title__public_numbering_is_the_national_table() -> None:
    def template_of(title: str) -> str | None:
        m = match_title(title, "budget")
        return None if m is None else m.template.template

    assert template_of("公开01表 部门收支总表") == "财务收支预算总表"
    assert template_of("部门收入总表（公开02表）") == "收入预算总表"
    assert template_of("公开05表一般公共预算支出表") == "一般公共预算支出功能分类预算表"
    assert template_of("十二、政府采购支出预算表") is None  # not a template table
    doc = document(
        [
            ["公开03表", "<", "<"],
            ["部门支出总表", "<", "<"],
            ["单位：万", "<", "<"],
            ["元", "<", "<"],
            ["科目编码", "科目名称", "合计"],
            ["201", "一般公共服务支出", "3.00"],
        ]
    )
    result = template_tables.parse(doc)
    assert [(ln.template, ln.statement, ln.code) for ln in result.budget_lines] == [
        ("支出预算总表", "部门支出总表", "201")
    ]


def test__unit__printed_over_two_lines() -> None:
    doc = document(
        "部门支出总表",
        "单位：万",
        "元",
        [["科目编码", "科目名称", "合计"], ["201", "一般公共服务支出", "3.00"]],
    )
    result = template_tables.parse(doc)
    assert [ln.unit for ln in result.budget_lines] == ["万元"]
    assert "table_unit_missing" not in [c.check for c in result.checks]


def test__three_public__items_under_their_heading_and_a_total_beside_them() -> None:
    doc = document(
        "“三公”经费、会议费、培训费支出预算表",
        "单位：万元",
        [
            ["合计", "“三公”经费", "<", "<", "<", "<", "<", "会议费", "培训费"],
            ["^", "小计", "因公出国（境）费", "公务用车购置及运行维护费", "<", "<", "公务接待费", "^", "^"],
            ["^", "^", "^", "小计", "公务用车购置费", "公务用车运行维护费", "^", "^", "^"],
            ["2,542.60", "833.60", "222.50", "183.60", "0", "183.60", "427.50", "1,305.25", "403.75"],
        ],
    )
    result = template_tables.parse(doc)
    assert {t.item: t.budget for t in result.three_public} == {
        "合计": Decimal("833.60"),
        "因公出国（境）费": Decimal("222.50"),
        "公务用车购置及运行维护费": Decimal("183.60"),
        "公务用车购置费": Decimal("0"),
        "公务用车运行维护费": Decimal("183.60"),
        "公务接待费": Decimal("427.50"),
    }
    assert [(ln.name, ln.amount, ln.is_total) for ln in result.budget_lines] == [
        ("合计", Decimal("2542.60"), True),
        ("会议费", Decimal("1305.25"), False),
        ("培训费", Decimal("403.75"), False),
    ]
    assert [c.check for c in result.checks if c.check != "table_missing"] == []


def test__presence__a_national_table_beyond_the_template_is_expected_only_where_listed() -> None:
    doc = document("一般公共预算支出预算表", "单位：万元", CODED + [["201", "一般公共服务支出", "3.00"]])
    expected = template_tables.parse(doc).tables_expected
    assert "一般公共预算支出功能分类预算表" in expected
    assert not {"财政拨款支出预算表", "财政拨款基本支出预算表", "一般公共预算机关运行经费支出预算表"} & set(
        expected
    )
    listed = document(
        "目录",
        "一、财政拨款支出预算表",
        "二、一般公共预算机关运行经费支出预算表",
        "\f",
        "财政拨款支出预算表",
        "单位：万元",
        CODED + [["201", "一般公共服务支出", "3.00"]],
    )
    result = template_tables.parse(listed)
    assert result.tables_expected == ["财政拨款支出预算表", "一般公共预算机关运行经费支出预算表"]
    assert [c.statement for c in result.checks if c.check == "table_missing"] == [
        "一般公共预算机关运行经费支出预算表"
    ]


def test__other_table__its_next_pages_are_not_reported_again() -> None:
    purchase = [["采购品目大类", "专项名称", "总计"], ["合计", "", "2.00"]]
    doc = document(
        "2017年政府采购预算表",
        "单位：万元",
        purchase,
        "\f",
        [["", "办公设备购置费", "1.00"], ["三、服务C", "", "1.00"]],
    )
    assert checks_of(doc) == ["statement_not_parsed"]


def test__empty_table__a_bracketed_note_says_why() -> None:
    doc = document(
        "财政拨款政府性基金支出预算表",
        "单位：万元",
        CODED + [["", "合计", ""], ["", "", ""]],
        "(无政府性基金支出）",
    )
    assert checks_of(doc) == ["statement_empty_with_note"]
