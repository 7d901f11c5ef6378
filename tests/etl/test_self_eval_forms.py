"""财政项目支出绩效自评表: golden figures read by hand from the seeds, plus inline cases.

The 闵行 2022 and 松江 2021 forms are read from their tab-separated text and from the
originals generated from them (tests/cases/forms: Word, Word's PDF, Excel, old .xls and
.doc): every figure test runs on every rendering and must give the same hand-read
figures. Tests about where a figure stands in the text file (its line) read the text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.model import ParseResult, Project
from etl.parsers import self_eval_forms as forms
from etl.readers import read_document
from etl.readers.text import read_text
from etl.textutil import squash
from tests.conftest import ROOT, SEEDS, seed_text

D = Decimal


def parse_text(text: str) -> ParseResult:
    """A text extraction through its reader (tab-separated rows become cells), then the forms parser."""
    return forms.parse(read_text("form.txt", text.encode("utf-8")))


def detect_text(text: str) -> bool:
    return forms.detect(read_text("form.txt", text.encode("utf-8")))


ORIGINALS = ROOT / "tests" / "cases" / "forms" / "originals"
MINHANG = {
    "text": SEEDS["minhang_2022"],
    "docx": ORIGINALS / "minhang_2022_self_evaluation_table_per_form.docx",
    "pdf": ORIGINALS / "minhang_2022_self_evaluation_table_per_form.pdf",
    "xlsx": ORIGINALS / "minhang_2022_self_evaluation_sheet_per_form.xlsx",
    "xls": ORIGINALS / "minhang_2022_self_evaluation_sheet_per_form.xls",
}
SONGJIANG_2021 = {
    "text": SEEDS["songjiang_2021"],
    "docx": ORIGINALS / "songjiang_2021_self_evaluation_table_per_form.docx",
    "docx_title_rows": ORIGINALS / "songjiang_2021_self_evaluation_title_rows.docx",
    "pdf": ORIGINALS / "songjiang_2021_self_evaluation_table_per_form.pdf",
    "pdf_title_rows": ORIGINALS / "songjiang_2021_self_evaluation_title_rows.pdf",
    "pdf_landscape": ORIGINALS / "songjiang_2021_self_evaluation_title_rows_landscape.pdf",
    "xlsx_stacked": ORIGINALS / "songjiang_2021_self_evaluation_stacked.xlsx",
    "doc": ORIGINALS / "songjiang_2021_self_evaluation_table_per_form.doc",
}
_READ: dict[str, ParseResult] = {}


def parse_file(path) -> ParseResult:
    """A file through its reader and the forms parser, once per test process."""
    if str(path) not in _READ:
        _READ[str(path)] = forms.parse(read_document(path.name, path.read_bytes()))
    return _READ[str(path)]


@pytest.fixture(scope="module", params=list(MINHANG))
def minhang(request: pytest.FixtureRequest) -> ParseResult:
    return parse_file(MINHANG[request.param])


@pytest.fixture(scope="module")
def minhang_text() -> ParseResult:
    return parse_file(MINHANG["text"])


@pytest.fixture(scope="module", params=list(SONGJIANG_2021))
def sj2021(request: pytest.FixtureRequest) -> ParseResult:
    return parse_file(SONGJIANG_2021[request.param])


@pytest.fixture(scope="module")
def sj2021_text() -> ParseResult:
    return parse_file(SONGJIANG_2021["text"])


@pytest.fixture(scope="module")
def sj2020():
    return parse_text(seed_text("songjiang_2020"))


def _one(result, name: str, **figures) -> Project:
    """The one project of this name (spaces aside: Word and Excel cells lose a stray one)."""
    found = [
        p
        for p in result.projects
        if squash(p.project_name) == squash(name) and all(getattr(p, k) == v for k, v in figures.items())
    ]
    assert len(found) == 1, [p.project_name for p in result.projects]
    return found[0]


def _ind(project: Project, level3: str):
    found = [i for i in project.indicators if squash(i.level3) == squash(level3)]
    assert len(found) == 1, [i.level3 for i in project.indicators]
    return found[0]


def _form(rows: list[str]) -> str:
    return "\n".join(rows) + "\n"


HEAD = [
    "财政项目支出绩效自评表\t\t\t\t\t\t\t\t",
    "(2023 年度)\t\t\t\t\t\t\t\t",
    "项目名称\t测试项目\t\t\t\t\t\t\t",
    "主管部门\t上海市普陀区测试中心(汇总)\t\t\t实施单位\t上海市普陀区测试中心\t\t\t",
    "项目资金 (元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\t",
    "\t年度资金总额\t1,000.00\t800.00\t400.00\t10\t50.00%\t5\t",
    "\t其中：当年财政拨款\t1000.00\t800.00\t400.00\t—\t\t\t",
    "\t上年结转资金\t\t0\t\t—\t\t\t",
    "\t其他资金\t0\t0\t\t—\t\t\t",
    "年度总体目标\t预期目标\t\t\t\t实际完成情况\t\t\t",
    "\t完成测试。\t\t\t\t基本完成。\t\t\t",
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
]


# ---------------------------------------------------------------- 闵行 2022


def test__detect__seeds() -> None:
    assert detect_text(seed_text("minhang_2022"))
    assert detect_text(seed_text("songjiang_2021"))
    assert detect_text(seed_text("songjiang_2020"))
    assert not detect_text(seed_text("qingpu_2020"))
    assert not detect_text(seed_text("songjiang_2022_decl"))


def test__parse_minhang__21_projects_and_header(minhang) -> None:
    assert len(minhang.projects) == 21
    first = minhang.projects[0]
    assert first.project_name == "闵行区城市运行“一网统管”可视化平台(2022运维)"
    assert first.department == "上海市闵行区城市运行管理中心(汇总)"
    assert first.unit == "上海市闵行区城市运行管理中心"
    assert (first.year, first.amount_unit, first.layout, first.kind) == (
        2022,
        "元",
        "self_eval_form",
        "self_evaluation",
    )
    assert (first.budget_initial, first.budget_full_year, first.executed) == (
        D("208800.00"),
        D("208000.00"),
        D("208000.00"),
    )
    # Excel keeps the number, not its display: the figures compare as numbers.
    assert D(first.extra["当年财政拨款_年初预算数"]) == D("208800.00")
    assert D(first.extra["上年结转资金_全年预算数"]) == D("0")
    assert "上年结转资金_全年执行数" not in first.extra  # printed blank
    assert first.goal == "此项目为保障闵行区城市运行“一网统管”可视化平台稳定运行，确保正常工作开展。"
    assert first.result.startswith("闵行区城市运行“一网统管”可视化平台（2022运维）立项依据充分")
    assert (minhang.meta.district, minhang.meta.department, minhang.meta.year) == (
        "闵行",
        "上海市闵行区城市运行管理中心",
        2022,
    )


def test__parse_minhang_text__first_form_lines_and_printed_funds(minhang_text) -> None:
    first = minhang_text.projects[0]
    assert first.source_line == 3 and first.end_line == 23
    assert first.extra["当年财政拨款_年初预算数"] == "208800.00"
    assert first.extra["上年结转资金_全年预算数"] == "0"
    assert first.goal == "此项目为保障闵行区城市运行“一网统管”可视化平台稳定运行，确保正常工作开展。"
    # line 297 prints the name in the first cell and no hierarchy
    assert _ind(_one(minhang_text, "公共安全隐患举报奖励"), "有责投诉率").source_line == 297


def test__parse_minhang__public_safety_reward_figures(minhang) -> None:
    p = _one(minhang, "公共安全隐患举报奖励")
    assert (p.budget_initial, p.budget_full_year, p.executed) == (D("20000.00"), D("950.00"), D("500.00"))
    assert p.execution_rate == D("0.5264")
    assert (p.execution_weight, p.execution_score) == (D("10"), D("5.26"))
    assert (p.score_max, p.score_total) == (D("100"), D("95.26"))
    assert len(p.indicators) == 9
    # line 297 prints the name in the first cell and no hierarchy: it carries 效益指标/社会效益指标
    row = _ind(p, "有责投诉率")
    assert (row.level1, row.level2, row.target_value, row.actual_value) == (
        "效益指标",
        "社会效益指标",
        "0%",
        "0%",
    )
    assert (row.weight, row.score, row.deviation_reason) == (D("10"), D("10"), "无")


def test__parse_minhang__partial_execution_score(minhang) -> None:
    p = _one(minhang, "非保内设备损坏维护维修(2022运维)")
    assert (p.score_max, p.score_total) == (D("100"), D("99.95"))
    assert (p.execution_rate, p.execution_score) == (D("0.9950"), D("9.95"))


def test__parse_minhang__level2_before_its_level1(minhang) -> None:
    p = _one(minhang, "城管通运行")
    # '→社会效益指标→→年上报案件数量…' comes before '效益指标→→案件信息获取及时性…'
    for name in ("年上报案件数量", "案件办结率", "案件信息获取及时性"):
        row = _ind(p, name)
        assert (row.level1, row.level2) == ("效益指标", "社会效益指标"), name
    assert _ind(p, "年上报案件数量").target_value == "≥300000件"
    assert (_ind(p, "信息共享情况").level1, _ind(p, "信息共享情况").level2) == ("效益指标", "可持续影响指标")


def test__parse_minhang__level1_in_header_row(minhang) -> None:
    p = _one(minhang, "无主设施应急处置补贴")
    assert len(p.indicators) == 14
    first = p.indicators[0]
    assert (first.level1, first.level2, first.level3) == ("产出指标", "数量指标", "无主设施应急处置率")
    # '绩效指标→时效指标→架空线坠落…': the section word is dropped, 时效指标 is the 二级
    row = _ind(p, "架空线坠落应急处置及时性")
    assert (row.level1, row.level2, row.target_value) == ("产出指标", "时效指标", "接单后1个自然日内")
    assert _ind(p, "群众满意率").level1 == "满意度指标"


def test__parse_minhang__row_without_reason(minhang) -> None:
    p = _one(minhang, "直播保障专用线路租费")
    row = _ind(p, "宽带费用支付及时性")
    assert (row.level2, row.weight, row.score, row.deviation_reason) == ("时效指标", D("10"), D("10"), None)
    assert p.score_total == D("100")


def test__parse_minhang__orphan_rows_are_reported_not_attached(minhang_text) -> None:
    minhang = minhang_text
    orphans = [c for c in minhang.checks if c.check == "orphan_indicator_rows"]
    assert len(orphans) == 1
    c = orphans[0]
    assert (c.severity, c.source_line, c.project_ref) == ("warning", 403, None)
    assert "403–407" in c.message and "4 行" in c.message and "总分 100 100" in c.message
    backup = _one(minhang, "闵行区联动中心存储备份系统(2022运维)")
    nxt = _one(minhang, "城管通运行")
    assert backup.end_line == 401 and len(backup.indicators) == 8
    assert all(i.source_line < 403 for i in backup.indicators)
    assert all(i.source_line > 409 for i in nxt.indicators)


def test__parse_minhang__last_form_total(minhang) -> None:
    # The text file's last line (502, no trailing newline) is '→总分→→→→→100→95.58→'.
    p = _one(minhang, "党建经费")
    assert (p.score_max, p.score_total) == (D("100"), D("95.58"))
    assert p.executed == D("5576.32") and p.execution_rate == D("0.5577")
    assert len(p.indicators) == 8
    assert not [c for c in minhang.checks if c.check == "self_eval_total_missing"]


def test__parse_minhang_text__last_form_ends_on_the_last_line(minhang_text) -> None:
    assert _one(minhang_text, "党建经费").end_line == 502


# ---------------------------------------------------------------- 松江 2021


def test__parse_songjiang_2021__window_business(sj2021) -> None:
    assert len(sj2021.projects) == 5
    p = _one(sj2021, "窗口业务管理")
    assert (p.budget_initial, p.budget_full_year, p.executed) == (
        D("3596500.00"),
        D("802257.18"),
        D("802257.18"),
    )
    assert D(p.extra["当年财政拨款_年初预算数"]) == D("3596500")
    assert (p.score_max, p.score_total) == (D("100"), D("98"))
    row = _ind(p, "服务新开办企业数量")
    assert (row.level1, row.level2) == ("产出指标", "数量指标")
    assert (row.target_value, row.actual_value, row.weight, row.score) == (
        ">=29000家",
        "3146",
        D("7"),
        D("6"),
    )
    assert row.deviation_reason == "预算调整，实际与预期有差距"
    assert _ind(p, "窗口整体形象提升度").level2 == "经济效益指标"  # row starts with the section word '指标'
    assert _ind(p, "资金使用率").level2 == "成本指标"
    assert len(p.indicators) == 18


def test__parse_songjiang_2021__thousands_separator_executed(sj2021) -> None:
    p = _one(sj2021, "深化“一网通办”专项费用")
    assert (p.budget_initial, p.budget_full_year, p.executed) == (
        D("8340000.00"),
        D("6261700.00"),
        D("6261700"),
    )
    assert p.goal.startswith("1、深化“一网通办”改革工作") and p.result == "基本完成预期目标"


def test__parse_songjiang_2021__label_only_row(sj2021) -> None:
    p = _one(sj2021, "深化“一网通办”专项费用")
    assert len(p.indicators) == 18  # the 成本指标 row prints no 三级指标: no indicator
    row = _ind(p, "系统重要储存信息丢失率")
    assert (row.level1, row.level2) == ("效益指标", "社会效益指标")
    unused = [c for c in sj2021.checks if c.check == "indicator_label_row_unused"]
    assert [c.severity for c in unused] == ["info"]
    assert "成本指标" in unused[0].message and "资金使用率" in unused[0].message


def test__parse_songjiang_2021_text__label_only_row_lines(sj2021_text) -> None:
    p = _one(sj2021_text, "深化“一网通办”专项费用")
    assert not [i for i in p.indicators if i.source_line == 23]  # '→成本指标→→→→'
    assert _ind(p, "系统重要储存信息丢失率").source_line == 25
    unused = [c for c in sj2021_text.checks if c.check == "indicator_label_row_unused"]
    assert [c.source_line for c in unused] == [23]


def test__parse_songjiang_2021__training_level2_first(sj2021) -> None:
    p = _one(sj2021, "业务培训")
    row = _ind(p, "培训对象覆盖率")
    assert (row.level1, row.level2) == ("效益指标", "社会效益指标")
    assert (_ind(p, "长效管理制度健全性").level1, _ind(p, "长效管理制度健全性").level2) == (
        "效益指标",
        "可持续影响指标",
    )
    assert _ind(p, "培训场次").actual_value == "3次"


def test__parse_songjiang_2021__goal_row_with_label_cell(sj2021) -> None:
    p = _one(sj2021, "网络信息系统运行与维护")
    # '年度目标→通过工程师驻场…可靠运行总体，…→基本完成预期目标' (the label cell is dropped, text kept as printed)
    assert p.goal.startswith("通过工程师驻场、定期巡检等运维手段")
    assert "可靠运行总体，排除故障隐患" in p.goal
    assert p.result == "基本完成预期目标"
    row = _ind(p, "项目计划完成率")
    assert (row.level1, row.level2) == ("产出指标", "数量指标")


# ---------------------------------------------------------------- 松江 2020 'sheet1' blocks


def test__parse_songjiang_2020__nine_sheet1_projects(sj2020) -> None:
    assert len(sj2020.projects) == 9
    assert all(p.source_line >= 2727 for p in sj2020.projects)  # nothing read from the glued rendering
    assert all(p.amount_unit == "万元" and p.year == 2020 for p in sj2020.projects)
    promo = sorted(p.budget_full_year for p in sj2020.projects if p.project_name == "宣传与推广")
    assert promo == [D("7682.00"), D("575856.58"), D("712723.00")]
    study = _one(sj2020, "课题与规划")
    assert (study.score_max, study.score_total) == (None, D("91"))
    assert study.execution_rate == D("1.000")
    assert study.unit == "上海市松江区城市运行管理中心"


def test__parse_songjiang_2020__legal_and_awareness(sj2020) -> None:
    legal = _one(sj2020, "法律咨询与服务")
    assert len(legal.indicators) == 7
    assert legal.score_total == D("97")
    assert _ind(legal, "合同执行率").actual_value == "100%"
    promo = _one(sj2020, "宣传与推广", budget_initial=D("712723.00"))
    row = _ind(promo, "居民知晓度")
    assert (row.target_value, row.actual_value, row.weight, row.score) == ("100%", "0%", D("9"), D("9"))
    assert (row.level1, row.level2) == ("效益指标", "社会效益指标")


def test__parse_songjiang_2020__goal_cells_span_lines(sj2020) -> None:
    promo = _one(sj2020, "宣传与推广", budget_initial=D("712723.00"))
    expected = (
        "1、全区百姓知晓率提高，粉丝用户数提高。2、相关宣传到位和服务成效达100%。"
        "3、合理完成年度预算。4、实现年度申报创建村居网格工作站规范化达标。"
    )
    assert promo.goal == expected and promo.result == expected
    small = _one(sj2020, "宣传与推广", budget_initial=D("7682.00"))
    assert small.goal == "1、双方每三个月结算一次乙方的服务费用，费用的按照实际维修费用进行结算。"
    assert small.result == "完成电动车及城管通等各项维护"


def test__parse_songjiang_2020__side_by_side_duplicate(sj2020) -> None:
    kept = _one(sj2020, "宣传与推广", budget_initial=D("575856.58"))
    assert kept.source_line == 3157
    assert kept.extra["当年财政拨款_年初预算数"] == "575856.58"  # the left copy
    assert len(kept.indicators) == 10 and kept.score_total == D("95")
    dup = [c for c in sj2020.checks if c.check.startswith("duplicate_rendering")]
    assert len(dup) == 1
    c = dup[0]
    assert (c.check, c.severity, c.project_ref) == ("duplicate_rendering_differs", "warning", "3157")
    assert "当年财政拨款 年初预算数：左 575856.58 / 右 0.00" in c.message
    assert "当年财政拨款 全年执行数：左 575856.58 / 右 （空）" in c.message
    assert "年度资金总额" not in c.message  # the 年度资金总额 row is the same in both copies


# ---------------------------------------------------------------- inline variations


def test__read_indicator_cells__by_content_not_position() -> None:
    for line in (
        "\t\t\t系统维护完成率\t100%\t100%\t10\t10\t无",
        "系统维护完成率\t\t\t100%\t100%\t10\t10\t无\t",
        "\t系统维护完成率\t\t100%\t100%\t10\t10\t无",
    ):
        r = forms.read_indicator_cells(forms.Row(1, tuple(line.split("\t"))).nonempty)
        assert r is not None
        assert (r.labels, r.level3, r.target, r.actual, r.weight, r.score, r.reason) == (
            [],
            "系统维护完成率",
            "100%",
            "100%",
            D("10"),
            D("10"),
            "无",
        )


def test__read_indicator_cells__numeric_values_and_unknown_label() -> None:
    r = forms.read_indicator_cells(["硬件维护次数", "12", "6", "10", "10", "无"])
    assert (r.level3, r.target, r.actual, r.weight, r.score) == ("硬件维护次数", "12", "6", D("10"), D("10"))
    r = forms.read_indicator_cells(["满意度指标", "信息共享指标", "信息共享程度", "共享", "共享", "5", "5"])
    assert (r.labels, r.level3, r.reason) == (["满意度指标", "信息共享指标"], "信息共享程度", None)
    r = forms.read_indicator_cells(["数量指标", "培训场次", "3次", "8分", "8分"])
    assert r is not None and r.level3 == "培训场次" and r.target is None and r.weight == D("8")
    assert [p[0] for p in r.problems] == ["indicator_value_missing"]
    assert forms.read_indicator_cells(["产出指标", "数量指标"]) is None


def test__parse__form_without_total_row() -> None:
    text = _form([*HEAD, "\t产出指标\t数量指标\t测试数量\t1个\t1个\t90\t90\t无"])
    result = parse_text(text)
    p = result.projects[0]
    assert p.score_total is None and len(p.indicators) == 1
    assert p.end_line == len(HEAD) + 1
    missing = [c for c in result.checks if c.check == "self_eval_total_missing"]
    assert len(missing) == 1 and missing[0].severity == "warning" and missing[0].project_ref == "1"


def test__parse__blank_funds_cells_align_on_header_columns() -> None:
    p = parse_text(
        _form([*HEAD, "\t产出指标\t数量指标\t测试数量\t1个\t1个\t90\t90\t无", "总分\t\t\t\t\t100\t95\t"])
    ).projects[0]
    assert (p.budget_initial, p.budget_full_year, p.executed) == (D("1000.00"), D("800.00"), D("400.00"))
    assert (p.execution_rate, p.execution_score, p.score_total, p.year) == (
        D("0.5000"),
        D("5"),
        D("95"),
        2023,
    )
    assert p.extra["上年结转资金_全年预算数"] == "0"
    assert "上年结转资金_年初预算数" not in p.extra


def test__parse__funds_row_shifted_cells() -> None:
    head = list(HEAD)
    head[5] = "年度资金总额\t1000.00\t800.00\t400.00\t10\t50.00%\t5"  # all six figures, shifted left
    head[6] = "\t\t\t其中：当年财政拨款\t1000.00\t400.00\t—"  # shifted, two figures: cannot be aligned
    result = parse_text(
        _form([*head, "\t产出指标\t数量指标\t测试数量\t1个\t1个\t90\t90\t无", "总分\t100\t95"])
    )
    p = result.projects[0]
    assert (p.budget_initial, p.executed, p.execution_score) == (D("1000.00"), D("400.00"), D("5"))
    bad = [c for c in result.checks if c.check == "funds_row_unaligned"]
    assert len(bad) == 1 and bad[0].source_line == 7 and "1000.00｜400.00" in bad[0].message


def test__parse__page_break_repeats_header_and_wraps_name() -> None:
    rows = [
        *HEAD,
        "\t产出指标\t数量指标\t测试数量\t1个\t1个\t30\t30\t无",
        "\t\t\t宣传活动与宣传主题匹",
        "配率\t100%\t100%\t30\t30\t无",
        "",
        "",  # a form feed turned into line breaks
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "\t\t\t覆盖率\t100%\t100%\t30\t29\t略有不足",
        "总分\t\t\t\t\t100\t99",
    ]
    result = parse_text(_form(rows))
    p = result.projects[0]
    assert [i.level3 for i in p.indicators] == ["测试数量", "宣传活动与宣传主题匹配率", "覆盖率"]
    assert p.indicators[1].source_line == 14
    assert (p.indicators[2].level1, p.indicators[2].level2, p.indicators[2].deviation_reason) == (
        "产出指标",
        "数量指标",
        "略有不足",
    )
    assert p.score_total == D("99")
    assert not [c for c in result.checks if c.severity != "info"]


def test__parse__name_tail_after_numbers() -> None:
    rows = [
        *HEAD,
        "\t产出指标\t数量指标\t宣传活动与宣传主题\t100%\t100%\t90\t90\t无",
        "匹配率",
        "总分\t100\t100",
    ]
    result = parse_text(_form(rows))
    p = result.projects[0]
    assert [i.level3 for i in p.indicators] == ["宣传活动与宣传主题匹配率"]
    assert [c.check for c in result.checks] == ["indicator_name_wrapped"]


def test__parse__unparsed_row_is_reported() -> None:
    rows = [
        *HEAD,
        "\t产出指标\t数量指标\t测试数量\t1个\t1个\t90\t90\t无",
        "\t备注\t见附件\t",
        "总分\t100\t100",
    ]
    result = parse_text(_form(rows))
    assert len(result.projects[0].indicators) == 1
    bad = [c for c in result.checks if c.check == "indicator_row_unparsed"]
    assert len(bad) == 1 and bad[0].source_line == 14 and "备注｜见附件" in bad[0].message


def test__parse__year_in_title_and_unit_wan() -> None:
    head = list(HEAD)
    head[0] = "2023年度财政项目支出绩效自评表"
    head[1] = ""
    head[4] = "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\t"
    p = parse_text(
        _form([*head, "\t产出指标\t数量指标\t测试数量\t1个\t1个\t90\t90\t无", "总分：\t95"])
    ).projects[0]
    assert (p.year, p.amount_unit, p.score_max, p.score_total) == (2023, "万元", None, D("95"))


def test__parse__side_by_side_identical_copies() -> None:
    rows = [*HEAD, "\t产出指标\t数量指标\t测试数量\t1个\t1个\t90\t90\t无", "总分\t\t\t\t\t100\t95\t"]
    width = max(len(r.split("\t")) for r in rows) + 2
    doubled = [r + "\t" * (width - len(r.split("\t")) + 1) + r for r in rows]
    result = parse_text(_form(doubled))
    assert len(result.projects) == 1
    assert len(result.projects[0].indicators) == 1
    dup = [c for c in result.checks if c.check.startswith("duplicate_rendering")]
    assert [(c.check, c.severity) for c in dup] == [("duplicate_rendering_identical", "info")]


def test__parse__several_forms_and_trailing_text_are_not_orphans() -> None:
    one = [*HEAD, "\t产出指标\t数量指标\t测试数量\t1个\t1个\t90\t90\t无", "总分\t100\t100", "", "sheet1", ""]
    two = [r.replace("测试项目", "第二项目") for r in one]
    result = parse_text(_form([*one, " \t" + two[0], *two[1:], "附件：说明"]))
    assert [p.project_name for p in result.projects] == ["测试项目", "第二项目"]
    assert not [c for c in result.checks if c.check == "orphan_indicator_rows"]


def test__parse__missing_name_is_an_error_and_no_project() -> None:
    rows = [r for r in HEAD if not r.startswith("项目名称")]
    result = parse_text(
        _form([*rows, "\t产出指标\t数量指标\t测试数量\t1个\t1个\t90\t90\t无", "总分\t100\t100"])
    )
    assert result.projects == []
    assert [(c.check, c.severity) for c in result.checks] == [("project_name_missing", "error")]


def test__apply_labels__unknown_and_conflicting_labels() -> None:
    carry = forms.Carry()
    problems = forms.apply_labels(["自定义指标"], carry)
    assert (carry.level1, carry.level2) == (None, "自定义指标")
    assert [p[0] for p in problems] == ["indicator_label_unknown"]
    carry = forms.Carry("产出指标", "数量指标")
    problems = forms.apply_labels(["产出指标", "社会效益指标"], carry)
    assert (carry.level1, carry.level2) == ("产出指标", "社会效益指标")
    assert [p[0] for p in problems] == ["indicator_level_conflict"]
    carry = forms.Carry("效益指标", "社会效益指标")
    assert forms.apply_labels(["绩效 指标", "效益指标"], carry) == []
    assert (carry.level1, carry.level2) == ("效益指标", "社会效益指标")


# ---------------------------------------------------------------- scored frameworks, as cells


SCORED = [
    "2021年度财政项目绩效自评价\t\t\t",
    "项目名称\t窗口设备更新\t预算单位\t上海市青浦区测试中心",
    "具体实施处（科室）\t综合科\t是否为经常性项目\t否",
    "当年预算数（元）\t113,600.00\t上年预算金额（元）\t0.00",
    "预算执行数（元）\t79,984.00\t预算执行率（%）\t70.41%",
    "项目年度总目标\t配置16台电脑用于窗口工作。\t\t",
    "绩效等级\t良\t自评时间\t2022年3月",
    "主要绩效\t完成配置。\t\t",
    "一级指标\t指标名称\t指标解释\t权重\t评分规则\t自评分\t备注",
    "投入与管理(36分)\t预算执行率\t反映项目预算执行情况\t8\t执行率×权重\t5.63\t未达到年初目标",
    "\t资金使用的合规性\t项目资金使用是否合规\t28\t合规得满分\t28\t",
    "产出(64分)\t设备配置数量\t配置电脑台数\t64\t完成得满分\t64\t",
    "合计\t\t\t100\t\t97.63\t",
]


def test__scored_form__labelled_head_points_in_sections_and_total() -> None:
    (p,) = parse_text(_form(SCORED)).projects
    assert (p.project_name, p.unit, p.year) == ("窗口设备更新", "上海市青浦区测试中心", 2021)
    assert (p.budget_full_year, p.prior_year_budget, p.executed) == (D("113600.00"), D("0.00"), D("79984.00"))
    assert (p.execution_rate, p.amount_unit) == (D("0.7041"), "元")
    assert (p.category, p.grade) == ("一次性", "良")  # 是否为经常性项目 否
    assert (p.goal, p.result) == ("配置16台电脑用于窗口工作。", "完成配置。")
    assert (p.extra["具体实施处（科室）"], p.extra["自评时间"]) == ("综合科", "2022年3月")
    assert (p.extra["分值:投入与管理"], p.extra["分值:产出"]) == ("36", "64")
    assert (p.score_max, p.score_total) == (D("100"), D("97.63"))
    rows = [(i.level1, i.level3, i.weight, i.score, i.deviation_reason) for i in p.indicators]
    assert rows == [
        ("投入与管理", "预算执行率", D("8"), D("5.63"), "未达到年初目标"),
        ("投入与管理", "资金使用的合规性", D("28"), D("28"), None),
        ("产出", "设备配置数量", D("64"), D("64"), None),
    ]
    assert (p.indicators[0].explanation, p.indicators[0].scoring_rule) == (
        "反映项目预算执行情况",
        "执行率×权重",
    )


def test__scored_form__the_financial_ministry_framework() -> None:
    rows = [
        "项目支出绩效自评表\t\t\t\t\t",
        "项目名称\t培训项目\t\t\t\t",
        "一级指标\t二级指标\t三级指标\t分值\t得分\t偏差原因",
        "项目决策(20分)\t项目立项\t立项依据充分性\t20\t18\t依据不足",
        "项目产出(80分)\t产出数量\t培训人次\t80\t80\t",
        "合计\t\t\t100\t98\t",
    ]
    (p,) = parse_text(_form(rows)).projects
    assert [(i.level1, i.level2, i.level3, i.score) for i in p.indicators] == [
        ("项目决策", "项目立项", "立项依据充分性", D("18")),
        ("项目产出", "产出数量", "培训人次", D("80")),
    ]
    assert (p.extra["分值:项目决策"], p.score_total) == ("20", D("98"))
