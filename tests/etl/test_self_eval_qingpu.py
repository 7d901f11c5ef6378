"""青浦 '财政项目绩效自评价' forms: golden figures read by hand from qingpu_2020, plus synthetic variants."""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.model import Indicator, ParseResult, Project
from etl.normalize import normalize_document
from etl.parsers.legacy_text import self_eval_qingpu as q
from etl.readers import read_document
from etl.validate import validate_document
from tests.conftest import SEEDS, seed_text

D = Decimal


@pytest.fixture(scope="module")
def qingpu() -> ParseResult:
    return q.parse(seed_text("qingpu_2020"))


def project(result: ParseResult, name: str) -> Project:
    matches = [p for p in result.projects if p.project_name == name]
    assert len(matches) == 1, [p.project_name for p in result.projects]
    return matches[0]


def indicator(p: Project, level1: str, level3: str) -> Indicator:
    matches = [i for i in p.indicators if i.level1 == level1 and i.level3 == level3]
    assert len(matches) == 1, [(i.level1, i.level3) for i in p.indicators]
    return matches[0]


def codes(result: ParseResult) -> list[str]:
    return [c.check for c in result.checks]


# ---------------------------------------------------------------- seeds


def test__detect__only_the_qingpu_seed() -> None:
    assert q.detect(seed_text("qingpu_2020"))
    for name in SEEDS:
        if name != "qingpu_2020":
            assert not q.detect(seed_text(name)), name


def test__parse__seven_forms_in_order(qingpu: ParseResult) -> None:
    assert [p.project_name for p in qingpu.projects] == [
        "台式电脑",
        "“互联网+政务服务”管理经费",
        "“互联网+政务服务”建设经费",
        "进驻窗口单位成本及管理工作",
        "物业费与租赁费",
        "政府网站运维管理经费",
        "智慧城市",
    ]
    assert [p.source_line for p in qingpu.projects] == [1331, 1779, 2228, 2795, 3290, 3766, 4259]
    for p in qingpu.projects:
        assert (p.kind, p.layout, p.year, p.amount_unit, p.department) == (
            "self_evaluation",
            "qingpu",
            2020,
            "元",
            None,
        )
        assert p.budget_initial is None and p.score_max == D("100.00")
        assert p.unit == "上海市青浦区政" or p.project_name == "台式电脑"


def test__parse__seed_raises_no_checks(qingpu: ParseResult) -> None:
    # Every section's weights reach its printed maximum and every form's scores its 合计 (read by hand).
    assert qingpu.checks == []


def test__parse__budgets_exceed_narrative_total(qingpu: ParseResult) -> None:
    total = sum(p.budget_full_year for p in qingpu.projects)
    assert total == D("53018754.74")
    assert total > D("52905100")  # 5290.51万元 in the narrative; the lead reports the gap


def test__parse__desktop_header(qingpu: ParseResult) -> None:
    p = project(qingpu, "台式电脑")
    assert p.unit == "上海市青浦区行"
    assert p.budget_full_year == D("113600.00")
    assert p.prior_year_budget == D("0.00")
    assert p.executed == D("79984.00")
    assert p.execution_rate == D("0.7041")
    assert (p.grade, p.category) == ("优", "一次性")
    assert p.score_total == D("96.00") and str(p.score_total) == "96.00"
    assert p.goal == "新设置的16个无差别受理综合窗口，及时配置16台电脑用于窗口工作。"
    assert p.result == "为新设置的16个无差别受理综合窗口配置16台电脑，用于窗口工作。"
    assert p.extra["主要问题"] == "预算执行率未达到年初设定的目标"
    assert p.extra["改进措施"].startswith("1. 准确把握部门工作重点")
    assert "\n2. 严格预算监督管理" in p.extra["改进措施"]
    assert "自评时间" not in p.extra  # printed empty
    assert "具体实施处（科室）" not in p.extra


def test__parse__desktop_indicators(qingpu: ParseResult) -> None:
    p = project(qingpu, "台式电脑")
    assert [(i.level1, i.level3, i.weight, i.score) for i in p.indicators[:6]] == [
        ("投入与管理", "项目设立的规范性", D(5), D(5)),
        ("投入与管理", "预算执行率", D(8), D(4)),
        ("投入与管理", "绩效目标合理性", D(8), D(8)),
        ("投入与管理", "财务（资产）管理制度的健全性和执行的有效性", D(5), D(5)),
        ("投入与管理", "资金使用的合规性", D(6), D(6)),
        ("投入与管理", "项目管理制度的健全性和执行的有效性", D(4), D(4)),
    ]
    rate = indicator(p, "投入与管理", "预算执行率")
    assert rate.deviation_reason == "预算执行率未达到年初设定的目标"
    assert rate.explanation == "反映项目预算执行的进度"
    assert rate.scoring_rule.startswith("（参考分值区间，按实际完成情况打分）①预算执行率在90%及以上得8分")
    assert rate.source_line == 1484 and rate.level2 is None
    assert indicator(p, "投入与管理", "绩效目标合理性").deviation_reason is None
    first = indicator(p, "投入与管理", "项目设立的规范性")
    assert first.explanation == "项目的申请、设立过程是否符合相关要求，用以反映和考核项目立项的规范情况。"
    assert first.scoring_rule.endswith(
        "⑤事前是否已经过必要的可行性研究、专家论证、风险评估、集体决策等。（1分）"
    )
    tai = indicator(p, "产出目标", "16台")
    assert (tai.weight, tai.score, tai.explanation, tai.scoring_rule) == (D(6), D(6), None, None)
    assert [i.level3 for i in p.indicators[6:]] == [
        "16台",
        "产品质量优",
        "及时",
        "性价比高",
        "用户满意度",
        "健全",
    ]
    assert (indicator(p, "效果目标", "用户满意度").weight, indicator(p, "影响力目标", "健全").score) == (
        D(20),
        D(20),
    )


def test__parse__management_fund_spaced_name_and_trailing_remarks(qingpu: ParseResult) -> None:
    p = project(qingpu, "“互联网+政务服务”管理经费")
    assert (p.category, p.budget_full_year, p.prior_year_budget) == (
        "经常性",
        D("3146000.00"),
        D("1653400.00"),
    )
    assert p.goal == (
        "项目总目标：全区“互联网+政务服务”核心网络及信息系统正常可靠运行\n"
        "项目年度目标：全区“互联网+政务服务”核心网络及信息系统可用率≥99.9%"
    )
    # '项 目 管 理|制 度 的 健|…' joined without its inner spaces.
    assert indicator(p, "投入与管理", "项目管理制度的健全性和执行的有效性").weight == D(4)
    eff = indicator(p, "效果目标", "项目管理制度执行的有效性")
    assert (eff.weight, eff.score, eff.deviation_reason) == (
        D(20),
        D(18),
        "对制度执行的反馈、总结工作还需进一步加强",
    )
    last = indicator(p, "影响力目标", "绩效目标的合理性")
    assert (last.weight, last.score, last.deviation_reason) == (D(10), D(8), "目标值设定不够完善")
    assert indicator(p, "影响力目标", "长效管理制度建设").deviation_reason is None
    assert p.score_total == D("96.00")


def test__parse__construction_fund_amounts(qingpu: ParseResult) -> None:
    p = project(qingpu, "“互联网+政务服务”建设经费")
    assert p.budget_full_year == D("27048448.74")
    assert p.prior_year_budget == D("10716780.00")
    assert p.executed == D("10433436.99")
    assert p.execution_rate == D("0.3857")
    rate = indicator(p, "投入与管理", "预算执行率")
    assert (rate.weight, rate.score, rate.deviation_reason) == (
        D(8),
        D(0),
        "预算执行率未达到年初设定的目标值",
    )
    assert len([i for i in p.indicators if i.level1 == "影响力目标"]) == 6
    assert p.score_total == D("92.00")


def test__parse__property_fees_split_labels_and_blank_weight(qingpu: ParseResult) -> None:
    p = project(qingpu, "物业费与租赁费")
    assert p.budget_full_year == D("6180106.00")
    assert p.prior_year_budget == D("0.00")
    assert p.executed == D("6177725.09")
    assert p.execution_rate == D("0.9996")
    assert p.extra["自评时间"] == "2021-03-15" and p.extra["具体实施处（科室）"] == "办公室"
    staff = indicator(p, "影响力目标", "人员到位率")
    assert (staff.weight, staff.score) == (None, D(0))
    assert (
        indicator(p, "影响力目标", "长效管理制度建设").weight,
        indicator(p, "影响力目标", "长效管理制度建设").score,
    ) == (
        D(15),
        D(13),
    )
    assert indicator(p, "影响力目标", "绩效目标的合理性").deviation_reason == "目标设置质量不高"
    assert p.score_total == D("97.00")


def test__parse__window_units_percent_remark(qingpu: ParseResult) -> None:
    p = project(qingpu, "进驻窗口单位成本及管理工作")
    rate = indicator(p, "产出目标", "预算执行率")
    assert (rate.weight, rate.score) == (D(24), D(21))
    assert rate.deviation_reason == "执行率为95.64%，未达到98%"
    assert indicator(p, "影响力目标", "绩效目标的合理性").deviation_reason == "绩效目标质量有待提高"
    assert p.score_total == D("95.00")
    assert p.execution_rate == D("0.9564")


def test__parse__smart_city_explanations_in_every_section(qingpu: ParseResult) -> None:
    p = project(qingpu, "智慧城市")
    assert (p.category, p.budget_full_year, p.executed) == ("一次性", D("6937400.00"), D("6868206.00"))
    assert p.extra["具体实施处（科室）"] == "数据管理科"
    assert p.score_total == D("97.00")
    share = indicator(p, "效果目标", "公共数据共享和应用")
    assert (share.weight, share.score) == (D(15), D(13))
    assert share.explanation == "项目是否有效实现跨部门、跨层级、跨区域数据共享需求和应用"
    assert share.scoring_rule.startswith("①是否实现跨部门数据共享应用；（5分）")
    timely = indicator(p, "产出目标", "完成及时性")  # name and explanation on one line
    assert (timely.explanation, timely.weight, timely.score) == ("项目是否按时完成", D(6), D(6))
    complaints = indicator(p, "效果目标", "有效投诉人次")  # weight and rule on one line
    assert complaints.scoring_rule == "投诉人次小于5人得5分，否则不得分。"
    assert (complaints.weight, complaints.score, complaints.deviation_reason) == (D(5), D(5), None)
    assert indicator(p, "产出目标", "计划完成率").explanation == "项目是否按计划完成"
    assert indicator(p, "影响力目标", "制度健全性").score == D(9)
    assert [i.level3 for i in p.indicators if i.level1 == "影响力目标"] == ["制度健全性", "人员到位率"]


def test__parse__indicator_counts_and_section_sums(qingpu: ParseResult) -> None:
    maxima = {"投入与管理": D(36), "产出目标": D(24), "效果目标": D(20), "影响力目标": D(20)}
    assert [len(p.indicators) for p in qingpu.projects] == [12, 11, 14, 11, 11, 11, 13]
    for p in qingpu.projects:
        for level1, top in maxima.items():
            assert sum(i.weight or 0 for i in p.indicators if i.level1 == level1) == top, (
                p.project_name,
                level1,
            )
        assert sum(i.score for i in p.indicators) == p.score_total


# ---------------------------------------------------------------- synthetic variants

COMPACT_FORM = """\
2021年度财政项目绩效自评价
项目名称 测试项目 预算单位 上海市青浦区某某局
具体实施处（科室） 综合科 是否为经常性项目 是
当年预算数（万元） 12.50 上年预算金额（万元） 10.00
预算执行数（万元） 12.00 预算执行率（%） 96.00%
项目年度总目标 完成测试。
自评时间 2022-03-01
绩效等级 良
主要绩效 完成。
主要问题 无
改进措施 无
一级指标 指标名称 指标解释 权重 评分规则 自评分 备注
投入与管理(36分)
项目设立的规范性
5
5
预算执行率
8
6
执行率偏低
绩效目标合理性
8
8
财务（资产）管理制度的健全性和执行的有效性
5
5
- 3 -
一级指标 指标名称 指标解释 权重 评分规则
自评分 备注
资金使用的合规性
6
6
项目管理制度的健全性和执行的有效性
4
4
产出目标(24分) 完成率 12 12
及时率 12 10
效果目标
(40分)
满意度 40 40
合计 100.00 96.00
"""


def test__parse__compact_pdfplumber_form() -> None:
    result = q.parse(COMPACT_FORM)
    assert result.checks == []
    (p,) = result.projects
    assert (p.project_name, p.unit, p.year, p.category, p.grade) == (
        "测试项目",
        "上海市青浦区某某局",
        2021,
        "经常性",
        "良",
    )
    assert (p.amount_unit, p.budget_full_year, p.prior_year_budget, p.executed) == (
        "万元",
        D("12.50"),
        D("10.00"),
        D("12.00"),
    )
    assert p.execution_rate == D("0.96")
    assert (p.goal, p.result, p.extra["主要问题"]) == ("完成测试。", "完成。", "无")
    assert (p.score_max, p.score_total) == (D("100.00"), D("96.00"))
    # page number and repeated column header skipped; the remark precedes the next standard name
    assert [i.level3 for i in p.indicators if i.level1 == "投入与管理"] == [
        "项目设立的规范性",
        "预算执行率",
        "绩效目标合理性",
        "财务（资产）管理制度的健全性和执行的有效性",
        "资金使用的合规性",
        "项目管理制度的健全性和执行的有效性",
    ]
    assert indicator(p, "投入与管理", "预算执行率").deviation_reason == "执行率偏低"
    assert (indicator(p, "产出目标", "及时率").weight, indicator(p, "产出目标", "及时率").score) == (
        D(12),
        D(10),
    )
    assert indicator(p, "效果目标", "满意度").weight == D(40)


def test__parse__wrapped_header_labels_and_values() -> None:
    text = (
        "2020年度财政项目绩效自评价\n项目名称 甲 预算单位 上海市青浦区\n\n政务服务办公室\n"
        "具体实施处（科室）  是否为经常性项目 否\n当年预算\n数（元）\n- 2 -\n1,000.00 上年预算金额（元）\n\n0.00\n"
        "预算执行数（元）\n900.00 预算执行率\n（%）\n90.00%\n项目年度总目标\n1. 第一\n2. 第\n二\n"
        "绩效等级 合格\n一级指标\n影响力目标(20分) 健全 20 20\n合计\n100.00\n 20.0\n0\n"
    )
    (p,) = q.parse(text).projects
    assert p.unit == "上海市青浦区政务服务办公室"
    assert (p.budget_full_year, p.prior_year_budget, p.executed, p.execution_rate) == (
        D("1000.00"),
        D("0.00"),
        D("900.00"),
        D("0.9"),
    )
    assert p.goal == "1. 第一\n2. 第二"
    assert (p.grade, p.category, p.score_total) == ("合格", "一次性", D("20.00"))


def test__parse__weights_and_total_mismatch_are_reported() -> None:
    text = (
        "2020年度财政项目绩效自评价\n项目名称 乙 预算单位 某局\n当年预算数（元） 1.00 预算执行数（元） 1.00\n"
        "预算执行率（%） 100.00%\n绩效等级 优\n一级指标\n产出目标(24分)\n完成率  12  12\n及时率  10  10\n"
        "合计 100.00 90.00\n"
    )
    result = q.parse(text)
    assert codes(result) == []  # the parser reads; etl/validate compares
    (p,) = result.projects
    assert p.extra["分值:产出目标"] == "24"
    source = read_document("qingpu_2020_case.txt", text.encode("utf-8"))
    found = {c.check: c.message for c in validate_document(normalize_document(source, [("qingpu", result)]))}
    assert {"section_weights_sum", "weights_sum", "scores_sum"} <= set(found)
    assert "24" in found["section_weights_sum"] and "22" in found["section_weights_sum"]
    assert "90.00" in found["scores_sum"] and "22" in found["scores_sum"]


def test__parse__remark_or_name_ambiguity_is_a_check() -> None:
    text = (
        "2020年度财政项目绩效自评价\n项目名称 丙 预算单位 某局\n当年预算数（元） 1.00 预算执行数（元） 1.00\n"
        "预算执行率（%） 100.00%\n绩效等级 优\n一级指标\n产出目标(30分)\n完成率\n10\n8\n进度滞后未\n达预期\n覆盖面\n10\n10\n"
        "进度滞后\n人员到位率\n10\n9\n合计 100.00 27.00\n"
    )
    result = q.parse(text)
    (p,) = result.projects
    assert [i.level3 for i in p.indicators] == ["完成率", "进度滞后未达预期覆盖面", "人员到位率"]
    assert codes(result).count("qingpu_remark_or_name_ambiguous") == 1
    # a known name after the remark splits cleanly
    assert indicator(p, "产出目标", "进度滞后未达预期覆盖面").deviation_reason == "进度滞后"


def test__parse__single_number_rows() -> None:
    base = (
        "2020年度财政项目绩效自评价\n项目名称 丁 预算单位 某局\n当年预算数（元） 1.00 预算执行数（元） 1.00\n"
        "预算执行率（%） 100.00%\n绩效等级 优\n一级指标\n影响力目标(20分)\n{row}\n长效管理制度建设  20  20\n合计 100.00 20.00\n"
    )
    wide = q.parse(base.format(row="人员到位率    0"))
    assert "qingpu_single_number_row" not in codes(wide)
    assert (wide.projects[0].indicators[0].weight, wide.projects[0].indicators[0].score) == (None, D(0))
    narrow = q.parse(base.format(row="人员到位率 0"))
    assert "qingpu_single_number_row" in codes(narrow)
    assert narrow.projects[0].indicators[0].score == D(0)


def test__parse__trailing_text_below_section_maximum_is_a_check() -> None:
    text = (
        "2020年度财政项目绩效自评价\n项目名称 戊 预算单位 某局\n当年预算数（元） 1.00 预算执行数（元） 1.00\n"
        "预算执行率（%） 100.00%\n绩效等级 优\n一级指标\n效果目标(20分)\n满意度  10  10\n社会效益\n合计 100.00 10.00\n"
    )
    result = q.parse(text)
    assert "qingpu_trailing_text_ambiguous" in codes(result)
    assert result.projects[0].extra["分值:效果目标"] == "20"  # weights 10 of 20: compared in etl/validate
    assert result.projects[0].indicators[0].deviation_reason == "社会效益"


def test__parse__header_values_not_understood() -> None:
    text = (
        "2020年度财政项目绩效自评价\n项目名称 己 预算单位 某局\n是否为经常性项目 不确定\n当年预算数（元） 一百元\n"
        "预算执行数（元） 1.00 预算执行率（%） 100.00%\n绩效等级 很好\n一级指标\n"
    )
    result = q.parse(text)
    assert {
        "qingpu_category_unknown",
        "qingpu_amount_unreadable",
        "qingpu_grade_unknown",
        "qingpu_total_missing",
    } <= set(codes(result))
    p = result.projects[0]
    assert (p.category, p.budget_full_year, p.grade) == (None, None, "很好")
    assert next(c for c in result.checks if c.check == "qingpu_amount_unreadable").severity == "error"


def test__parse__missing_labels_and_table() -> None:
    result = q.parse("2020年度财政项目绩效自评价\n项目名称 庚\n")
    assert "qingpu_field_missing" in codes(result)
    assert "qingpu_indicator_table_missing" in codes(result)
    assert result.projects[0].project_name == "庚"


def test__section_header__forms_and_false_alarms() -> None:
    assert q.section_header("投入与管理(36分)", "") == ("投入与管理", D(36), "", False)
    assert q.section_header("产出目标", "(24分) 16台  6  6") == ("产出目标", D(24), "16台  6  6", True)
    assert q.section_header("满意度指标（10分）", "") == ("满意度指标", D(10), "", False)
    assert q.section_header("加强项目成本管理", "（1分）④是否采取了") is None
    assert q.section_header("③项目是否按照规定的程序申请设立；（1分）④项目是否", "") is None


def test__line_tokens__numbers_peeled_from_names_and_rules() -> None:
    toks = q.line_tokens("16台  6  6", 7)
    assert [(t.kind, t.text) for t in toks] == [("text", "16台"), ("num", "6"), ("num", "6")]
    lead = q.line_tokens("5 投诉人次小于5人得5分，否则不得分。", 1)
    assert [(t.kind, t.text) for t in lead] == [("num", "5"), ("text", "投诉人次小于5人得5分，否则不得分。")]
    rule = q.line_tokens("90%及以上得8分；②预算执行率大于80%以上不到90%得6-8", 1)
    assert [t.kind for t in rule] == ["text"]
    blank = q.line_tokens("人员到位率    0", 1)
    assert blank[-1].blank_weight and not blank[-1].lone
    assert [t.text for t in q.line_tokens("完成及时性 项目是否按时完成", 1)] == [
        "完成及时性",
        "项目是否按时完成",
    ]
    assert [t.text for t in q.line_tokens("项 目 管 理", 1)] == ["项 目 管 理"]


def test__join_number_fragments__decimals_wrapped() -> None:
    assert q.join_number_fragments(["100.00", "96.0", "0"]) == ["100.00", "96.00"]
    assert q.join_number_fragments(["100.00", "96.00"]) == ["100.00", "96.00"]
    assert q.join_number_fragments(["100.0", "0", "96.", "00"]) == ["100.00", "96.00"]


def test__parse__standard_row_with_explanation_start_missing() -> None:
    # remark opens with a standard name; the next row's explanation lost its first words
    text = (
        "2020年度财政项目绩效自评价\n项目名称 辛 预算单位 某局\n当年预算数（元） 1.00 预算执行数（元） 1.00\n"
        "预算执行率（%） 100.00%\n绩效等级 优\n一级指标\n投入与管理(13分)\n预算执行率\n反映项目预算执行\n的进度\n8\n"
        "①预算执行率在90%及以上得8分\n4\n预算执行率\n未达到目标\n财务（资\n产）管理制度的健全性\n和执行的有效性\n"
        "否健全、完善、有效\n5\n①是否已制定管理办法（1分）\n5\n合计 100.00 9.00\n"
    )
    result = q.parse(text)
    p = result.projects[0]
    assert [i.level3 for i in p.indicators] == ["预算执行率", "财务（资产）管理制度的健全性和执行的有效性"]
    assert p.indicators[0].deviation_reason == "预算执行率未达到目标"
    assert p.indicators[1].explanation == "否健全、完善、有效"
    assert p.indicators[1].scoring_rule == "①是否已制定管理办法（1分）"
    assert "qingpu_explanation_unrecognised" in codes(result)


def test__parse__simple_row_never_takes_a_remark_as_standard_name() -> None:
    text = (
        "2020年度财政项目绩效自评价\n项目名称 壬 预算单位 某局\n当年预算数（元） 1.00 预算执行数（元） 1.00\n"
        "预算执行率（%） 100.00%\n绩效等级 优\n一级指标\n效果目标(20分)\n专款专用率\n10\n8\n预算执行率\n偏低\n满意度\n10\n10\n"
        "合计 100.00 18.00\n"
    )
    p = q.parse(text).projects[0]
    assert [i.level3 for i in p.indicators] == ["专款专用率", "满意度"]
    assert p.indicators[0].deviation_reason == "预算执行率偏低"
