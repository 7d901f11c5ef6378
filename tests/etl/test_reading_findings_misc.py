"""Reading findings no other test raised: each on the smallest realistic document with one defect.

Every case prints a real-looking document (a 青浦 自评表, a 填报表 grid, a 决算 table) with
exactly one thing wrong, asserts the finding (id, severity, the figure / text / line its
message names) and that everything around the defect is still read as printed, nothing
guessed. Where cheap, a near miss (the same document without the defect) must stay quiet.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl import build
from etl.build import process_document
from etl.model import Check, ParseResult, Project
from etl.parsers import declaration_forms, template_tables
from etl.parsers.legacy_text import final_accounts, self_eval_qingpu
from etl.readers.model import PDF, Cell, Document, DocumentBuilder, expand_grid

D = Decimal


def only(checks: list[Check], check_id: str) -> Check:
    """The single finding with this id (fails when there are none or several)."""
    found = [c for c in checks if c.check == check_id]
    assert len(found) == 1, [(c.check, c.message) for c in checks]
    return found[0]


def ids(checks: list[Check]) -> set[str]:
    """The ids of the findings raised."""
    return {c.check for c in checks}


# --- 青浦 财政项目绩效自评价 (self_eval_qingpu, text) ------------------------------------------

HEADER = (
    "2020年度财政项目绩效自评价\n"  # line 1
    "项目名称 办公设备购置 预算单位 上海市青浦区某某局\n"  # line 2
    "是否为经常性项目 否\n"  # line 3
    "{amounts}\n"  # line 4
    "预算执行率（%） 96.00%\n"  # line 5
    "绩效等级 优\n"  # line 6
    "一级指标 指标名称 指标解释 权重 评分规则 自评分 备注\n"  # line 7
)
AMOUNTS = "当年预算数（元） 12,500.00 上年预算金额（元） 10,000.00 预算执行数（元） 12,000.00"
TABLE = "产出目标(24分)\n完成率  12  12\n及时率  12  10\n合计 100.00 22.00\n"  # lines 8-11


def qingpu_form(table: str = TABLE, amounts: str = AMOUNTS) -> str:
    """A small 青浦 form: header lines 1-7 (table header on line 7), then the scored table."""
    return HEADER.format(amounts=amounts) + table


def read_one(text: str) -> tuple[Project, ParseResult]:
    """The one form of the text, and the parse result holding its findings."""
    result = self_eval_qingpu.parse(text)
    (p,) = result.projects
    return p, result


def rows(p: Project) -> list[tuple[str | None, str | None, Decimal | None, Decimal | None]]:
    """(一级指标, 指标名称, 权重, 自评分) of every indicator, in order."""
    return [(i.level1, i.level3, i.weight, i.score) for i in p.indicators]


def test__qingpu__base_form_raises_nothing() -> None:
    """The near miss of every 青浦 case below: the same form, nothing wrong."""
    p, result = read_one(qingpu_form())
    assert result.checks == []
    assert rows(p) == [("产出目标", "完成率", D(12), D(12)), ("产出目标", "及时率", D(12), D(10))]
    assert (p.amount_unit, p.score_max, p.score_total) == ("元", D("100.00"), D("22.00"))


def test__qingpu_amount_unit_mixed__prior_year_printed_in_yuan_among_wan() -> None:
    # Defect: 上年预算金额 is labelled （元） while the other two amounts say （万元）.
    amounts = "当年预算数（万元） 1.25 上年预算金额（元） 10,000.00 预算执行数（万元） 1.20"
    p, result = read_one(qingpu_form(amounts=amounts))
    check = only(result.checks, "qingpu_amount_unit_mixed")
    assert (check.severity, check.source_line) == ("warning", 1)
    # The message names each label as printed, with the unit it states.
    assert "“上年预算金额（元）”以元计" in check.message
    assert "“当年预算数（万元）”以万元计" in check.message and "“预算执行数（万元）”以万元计" in check.message
    assert ids(result.checks) == {"qingpu_amount_unit_mixed"}
    # The form's unit is the 当年预算数 one; 10,000.00 元 is converted by its own label to 1 万元.
    assert (p.budget_full_year, p.prior_year_budget, p.executed) == (D("1.25"), D("1"), D("1.20"))
    assert p.amount_unit == "万元"
    assert rows(p)[1] == ("产出目标", "及时率", D(12), D(10))


def test__qingpu_amount_unit_mixed__not_raised_when_all_labels_say_wan() -> None:
    amounts = "当年预算数（万元） 1.25 上年预算金额（万元） 1.00 预算执行数（万元） 1.20"
    p, result = read_one(qingpu_form(amounts=amounts))
    assert "qingpu_amount_unit_mixed" not in ids(result.checks)
    assert (p.amount_unit, p.prior_year_budget) == ("万元", D("1.00"))


def test__qingpu_indicator_name_missing__second_row_prints_only_its_figures() -> None:
    # Defect: the name cell of the second row is blank (only weight and score printed).
    table = "产出目标(24分)\n完成率  12  12\n12  10\n合计 100.00 22.00\n"
    p, result = read_one(qingpu_form(table))
    check = only(result.checks, "qingpu_indicator_name_missing")
    # The row has no text to point at: the finding (and the row) points at the section heading.
    assert (check.severity, check.source_line, p.indicators[1].source_line) == ("warning", 8, 8)
    assert check.message == "一级指标“产出目标”中权重 12、自评分 10 的一行没有指标名称"
    assert ids(result.checks) == {"qingpu_indicator_name_missing"}
    # The row is kept with its figures and an empty name; no name is borrowed from its neighbour.
    assert rows(p) == [("产出目标", "完成率", D(12), D(12)), ("产出目标", "", D(12), D(10))]
    assert p.score_total == D("22.00")


def test__qingpu_score_missing__score_cell_left_blank() -> None:
    # Defect: 满意度 prints its weight and scoring rule, but its 自评分 cell is blank.
    table = (
        "产出目标(24分)\n"  # 8
        "完成率  12  12\n"  # 9
        "及时率  12  10\n"  # 10
        "效果目标(20分)\n"  # 11
        "满意度\n"  # 12
        "20\n"  # 13
        "按满意度调查结果评分\n"  # 14
        "合计 100.00 22.00\n"  # 15
    )
    p, result = read_one(qingpu_form(table))
    check = only(result.checks, "qingpu_score_missing")
    assert (check.severity, check.source_line) == ("warning", 12)
    assert check.message == "一级指标“效果目标”指标“满意度”权重 20 之后未读到自评分"
    assert ids(result.checks) == {"qingpu_score_missing"}
    sat = p.indicators[2]
    assert (sat.level1, sat.level3, sat.weight, sat.score) == ("效果目标", "满意度", D(20), None)
    assert sat.scoring_rule == "按满意度调查结果评分"
    assert rows(p)[:2] == [("产出目标", "完成率", D(12), D(12)), ("产出目标", "及时率", D(12), D(10))]


def test__qingpu_section_empty__section_rows_lost_at_a_page_break() -> None:
    # Defect: 效果目标's rows are missing (the page printed its heading only).
    table = (
        "产出目标(24分)\n"  # 8
        "完成率  12  12\n"  # 9
        "及时率  12  10\n"  # 10
        "效果目标(20分)\n"  # 11
        "- 3 -\n"  # 12
        "影响力目标(20分)\n"  # 13
        "制度健全性  20  20\n"  # 14
        "合计 100.00 42.00\n"  # 15
    )
    p, result = read_one(qingpu_form(table))
    check = only(result.checks, "qingpu_section_empty")
    assert (check.severity, check.source_line) == ("warning", 11)
    assert check.message == "一级指标“效果目标”下未读到任何权重或得分"
    assert ids(result.checks) == {"qingpu_section_empty"}
    assert rows(p) == [
        ("产出目标", "完成率", D(12), D(12)),
        ("产出目标", "及时率", D(12), D(10)),
        ("影响力目标", "制度健全性", D(20), D(20)),
    ]
    assert "分值:效果目标" not in p.extra and p.extra["分值:影响力目标"] == "20"
    assert p.score_total == D("42.00")


def test__qingpu_section_max_missing__heading_printed_without_points() -> None:
    # Defect: '产出目标' is printed without its '(24分)'.
    table = "产出目标\n完成率  12  12\n及时率  12  10\n效果目标\n(20分)\n满意度  20  20\n合计 100.00 42.00\n"
    p, result = read_one(qingpu_form(table))
    check = only(result.checks, "qingpu_section_max_missing")
    assert (check.severity, check.source_line) == ("info", 8)
    assert check.message == "一级指标“产出目标”未印分值（如“(36分)”）"
    assert ids(result.checks) == {"qingpu_section_max_missing"}  # 效果目标's points on the next line: read
    assert "分值:产出目标" not in p.extra  # no maximum invented
    assert p.extra["分值:效果目标"] == "20"
    assert rows(p) == [
        ("产出目标", "完成率", D(12), D(12)),
        ("产出目标", "及时率", D(12), D(10)),
        ("效果目标", "满意度", D(20), D(20)),
    ]


def test__qingpu_text_unplaced__note_between_table_header_and_first_section() -> None:
    # Defect: a stray note printed under the column header, before any 一级指标.
    table = "（评分标准见附件）\n" + TABLE  # line 8, then the table from line 9
    p, result = read_one(qingpu_form(table))
    check = only(result.checks, "qingpu_text_unplaced")
    assert (check.severity, check.source_line) == ("warning", 8)
    assert check.message == "评分表首个一级指标之前有无法归属的文字“（评分标准见附件）”"
    assert ids(result.checks) == {"qingpu_text_unplaced"}
    assert rows(p) == [("产出目标", "完成率", D(12), D(12)), ("产出目标", "及时率", D(12), D(10))]
    assert p.score_total == D("22.00")


def test__qingpu_text_unplaced__text_before_the_first_standard_name_of_a_section() -> None:
    # Defect: a 二级指标 word '过程管理' (no column for it in this form) printed above the
    # first standard 投入与管理 indicator.
    table = (
        "投入与管理(5分)\n"  # 8
        "过程管理\n"  # 9
        "项目设立的规范性\n"  # 10
        "项目的申请、设立过程是否符合相关要求\n"  # 11
        "5\n"  # 12
        "①项目是否符合相关规定（5分）\n"  # 13
        "5\n"  # 14
        "合计 100.00 5.00\n"  # 15
    )
    p, result = read_one(qingpu_form(table))
    check = only(result.checks, "qingpu_text_unplaced")
    assert (check.severity, check.source_line) == ("warning", 9)
    assert check.message == "一级指标“投入与管理”首个指标名称前有无法归属的文字“过程管理”"
    assert ids(result.checks) == {"qingpu_text_unplaced"}
    (ind,) = p.indicators
    assert (ind.level3, ind.weight, ind.score, ind.source_line) == ("项目设立的规范性", D(5), D(5), 10)
    assert ind.explanation == "项目的申请、设立过程是否符合相关要求"
    assert ind.scoring_rule == "①项目是否符合相关规定（5分）"
    assert ind.deviation_reason is None  # the stray word is not made a remark either


def test__qingpu_total_unreadable__score_printed_with_a_unit_word() -> None:
    # Defect: the 合计 row prints its total score as '22分'.
    p, result = read_one(qingpu_form(TABLE.replace("合计 100.00 22.00", "合计 100.00 22分")))
    check = only(result.checks, "qingpu_total_unreadable")
    assert (check.severity, check.source_line) == ("warning", 11)
    assert check.message == "“合计”行数字“22分”无法读取"
    assert ids(result.checks) == {"qingpu_total_unreadable"}
    assert (p.score_max, p.score_total) == (None, None)  # neither figure guessed
    assert rows(p) == [("产出目标", "完成率", D(12), D(12)), ("产出目标", "及时率", D(12), D(10))]


def test__qingpu_total_unreadable__total_score_cell_blank() -> None:
    # Defect: the 合计 row prints only the maximum; the total score cell is blank.
    p, result = read_one(qingpu_form(TABLE.replace("合计 100.00 22.00", "合计 100.00")))
    check = only(result.checks, "qingpu_total_unreadable")
    assert (check.severity, check.source_line) == ("warning", 11)
    assert check.message == "“合计”行应印满分与自评总分两个数，读到 1 个：100.00"
    assert (p.score_max, p.score_total) == (None, None)
    assert len(p.indicators) == 2


# --- 绩效目标填报表 grids (declaration_forms) ------------------------------------------------


def form_grid(texts: list[list[str]]) -> list[list[Cell]]:
    """Rows of texts -> cells; '<' continues the cell on the left, '^' the cell above."""
    origins: list[list[tuple[int, int]]] = []
    for r, row in enumerate(texts):
        origins.append([])
        for c, text in enumerate(row):
            if text == "<" and c > 0:
                origins[r].append(origins[r][c - 1])
            elif text == "^" and r > 0:
                origins[r].append(origins[r - 1][c])
            else:
                origins[r].append((r, c))
    return [[Cell(texts[o[0]][o[1]], r, c, o) for c, o in enumerate(origins[r])] for r in range(len(texts))]


def declaration(annual_label: str) -> Document:
    """One 填报表 on page 1 (title row 1, funding block rows 5-7, indicator rows 10-12)."""
    rows = [
        ["财政项目支出绩效目标填报表", "<", "<", "<"],
        ["（2022年度）", "<", "<", "<"],
        ["项目名称", "设备运行与维护", "项目性质", "经常性项目"],
        ["主管部门", "上海市松江区城市运行管理中心", "实施单位", "上海市松江区城市运行管理中心"],
        ["项目资金（万元）", "项目资金总额", "12.5", ""],
        ["^", annual_label, "10", ""],
        ["^", "其中：当年财政拨款", "10", ""],
        ["项目总目标", "<", "年度总体目标", "<"],
        ["保障设备运行", "<", "全年设备完好", "<"],
        ["一级指标", "二级指标", "三级指标", "年度指标值"],
        ["产出指标", "数量指标", "维护设备数", ">=120台"],
        ["满意度指标", "服务对象满意度指标", "使用部门满意度", ">=90%"],
    ]
    builder = DocumentBuilder("forms.pdf", PDF)
    builder.page()
    builder.table(1, form_grid(rows))
    return builder.document


def test__declaration_unit_conflict__block_says_wan_annual_label_says_yuan() -> None:
    # Defect: the funding block is headed 项目资金（万元） but 年度资金申请总额 is labelled （元）.
    result = declaration_forms.parse(declaration("年度资金申请总额（元）"))
    check = only(result.checks, "declaration_unit_conflict")
    assert (check.severity, check.source_line, check.page) == ("warning", 1, 1)
    assert "第 1 页项目“设备运行与维护”" in check.message
    assert "同时注明了“万元”和“元”两种单位，各数按其栏目所注单位换算为“万元”读入" in check.message
    assert ids(result.checks) == {"declaration_unit_conflict"}
    (p,) = result.projects
    # 年度资金申请总额 10 printed under its own （元） label: 0.001 万元, converted by that label;
    # 当年财政拨款 10 under the block's 万元 stays 10; the rest of the form read.
    assert (p.amount_unit, p.budget_initial, p.budget_full_year) == ("万元", D("0.001"), D("10"))
    assert p.extra["项目资金总额"] == "12.5" and p.goal == "全年设备完好"
    assert [(i.level1, i.level3, i.target_value) for i in p.indicators] == [
        ("产出指标", "维护设备数", ">=120台"),
        ("满意度指标", "使用部门满意度", ">=90%"),
    ]


def test__declaration_unit_conflict__not_raised_when_the_label_repeats_the_block_unit() -> None:
    result = declaration_forms.parse(declaration("年度资金申请总额（万元）"))
    assert result.checks == []
    (p,) = result.projects
    assert (p.amount_unit, p.budget_initial) == ("万元", D("10"))


# --- standard tables from grids (template_tables) ------------------------------------------


def table_grid(texts: list[list[str]]) -> list[list[Cell]]:
    """Rows of texts -> a grid, one cell per text."""
    spans = [(r, c, r + 1, c + 1, text) for r, row in enumerate(texts) for c, text in enumerate(row)]
    return expand_grid(len(texts), len(texts[0]), spans)


def final_accounts_table(measure: str) -> Document:
    """Cover (lines 1-2), title (3), unit (4), a header row (5) and two data rows (6-7)."""
    builder = DocumentBuilder("case.pdf", PDF)
    builder.page()
    for text in ("上海市普陀区测试局", "2024年度部门决算", "一般公共预算财政拨款支出决算表", "单位：万元"):
        builder.prose(1, text)
    builder.table(
        1,
        table_grid(
            [
                ["科目编码", "科目名称", measure, "决算数"],
                ["201", "一般公共服务支出", "120.00", "118.50"],
                ["2010101", "行政运行", "100.00", "99.25"],
            ]
        ),
    )
    return builder.document


def test__header_measure_unknown__column_not_in_the_template_vocabulary() -> None:
    # Defect: the table prints a 年初预算数 column the standard template does not have.
    result = template_tables.parse(final_accounts_table("年初预算数"))
    check = only(result.checks, "header_measure_unknown")
    assert (check.severity, check.source_line, check.statement) == (
        "info",
        5,
        "一般公共预算财政拨款支出决算表",
    )
    assert "的栏目“年初预算数”不在模板词表中，按原文栏目名读入" in check.message
    assert "（第 1 页）" in check.message
    assert ids(result.checks) - {"table_missing"} == {"header_measure_unknown"}
    # Both columns read as printed, the unknown one under its printed name.
    assert [(ln.code, ln.measure, ln.amount, ln.unit) for ln in result.budget_lines] == [
        ("201", "年初预算数", D("120.00"), "万元"),
        ("201", "决算数", D("118.50"), "万元"),
        ("2010101", "年初预算数", D("100.00"), "万元"),
        ("2010101", "决算数", D("99.25"), "万元"),
    ]


def test__header_measure_unknown__not_raised_for_a_template_column() -> None:
    result = template_tables.parse(final_accounts_table("预算数"))
    assert "header_measure_unknown" not in ids(result.checks)
    assert len(result.budget_lines) == 4


# --- 决算 tables from text (final_accounts) --------------------------------------------------

SPLIT_TABLE = """支出决算表
单位：万元
项目 本年支出合计 基本支出 项目支出
功能分类科目编码 科目名称
类 款 项 合计 100.00 60.00 40.00
201 一般公共服务支出 80.00 40.00 40.00
20101 人大事务 80.00 40.00 40.00

- 3 -

支出决算表（续）
单位：{unit}
项目 本年支出合计 基本支出 项目支出
功能分类科目编码 科目名称
2010101 行政运行 80.00 40.00 40.00
208 社会保障和就业支出 20.00 20.00 0.00
注：本表反映部门本年度各项支出情况。
"""


def test__unit_changed_in_continuation__next_page_says_yuan() -> None:
    # Defect: the continued page of 支出决算表 prints 单位：元 under the same title.
    result = final_accounts.parse(SPLIT_TABLE.format(unit="元"))
    check = only(result.checks, "unit_changed_in_continuation")
    assert (check.severity, check.source_line, check.statement) == ("warning", 11, "支出决算表")
    assert check.message == (
        "支出决算表续表的单位为“元”，与前页“万元”不同，无法确定续表数字的单位；续表（第11行起）的数字未读入，请核对原表"
    )
    assert ids(result.checks) == {"unit_changed_in_continuation", "table_continued"}
    # The first page read as printed; the continued page's figures not read at all (no unit guessed).
    assert [ln.code for ln in result.budget_lines if ln.measure == "本年支出合计"] == [None, "201", "20101"]
    assert len(result.budget_lines) == 9
    assert {ln.unit for ln in result.budget_lines} == {"万元"}
    assert "unit_changed_in_continuation" in build.PARTIAL_CHECKS


def test__unit_changed_in_continuation__not_raised_for_the_same_unit() -> None:
    result = final_accounts.parse(SPLIT_TABLE.format(unit="万元"))
    assert ids(result.checks) == {"table_continued"}
    assert len(result.budget_lines) == 15


# --- the pipeline: a layout parser raising (build) ------------------------------------------

MIXED_TEXT = SPLIT_TABLE.format(unit="万元") + "\n" + qingpu_form()


def test__parser_failed__one_layout_raising_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    # Defect: the 青浦 self-evaluation parser has a bug; the 决算 table must still be read.
    def broken(text: str) -> ParseResult:
        raise RuntimeError("评分表读取出错")

    monkeypatch.setattr(self_eval_qingpu, "parse", broken)
    out = process_document("qingpu_2020_mixed.txt", MIXED_TEXT.encode("utf-8"))
    (check,) = [c for c in out["checks"] if c["check"] == "parser_failed"]
    assert check["severity"] == "error"
    assert "版式解析器 self_eval_qingpu 出错" in check["message"]
    assert "RuntimeError: 评分表读取出错" in check["message"] and "该版式的数据未读入" in check["message"]
    assert out["document"]["status"] == "partial"
    assert "self_eval_qingpu" not in (out["document"]["layouts"] or "").split(",")
    assert "final_accounts" in out["document"]["layouts"].split(",")
    assert out["projects"] == []
    assert len(out["budget_lines"]) == 15
    assert "parser_failed" in build.PARTIAL_CHECKS


def test__parser_failed__not_raised_when_every_parser_works() -> None:
    out = process_document("qingpu_2020_mixed.txt", MIXED_TEXT.encode("utf-8"))
    assert "parser_failed" not in {c["check"] for c in out["checks"]}
    assert out["document"]["status"] == "ok"  # so 'partial' above is the failed parser's doing
    assert {"final_accounts", "self_eval_qingpu"} <= set(out["document"]["layouts"].split(","))
    assert [p["project_name"] for p in out["projects"]] == ["办公设备购置"]
    assert len(out["budget_lines"]) == 15
