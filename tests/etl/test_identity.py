"""Whose each document is: region, district, department, unit, scope, year and kind, each with
where it was read (documents.identity_sources).

Every expected fact is typed from the page image or the cell (tests/cases/real, and the made
cases of tests/cases/planted/identity, remade by its make_cases.py), never from the parser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from etl.build import process_document
from etl.parsers.cover import district_of, is_placeholder, read_cover, region_of
from etl.readers.model import DocumentBuilder
from etl.schema import TABLES
from etl.validate.versions import group_key
from tests.realdocs import outcome

PLANTED = Path(__file__).resolve().parents[1] / "cases" / "planted" / "identity"
FIELDS = ("region", "district", "department", "unit", "scope", "year", "kind")

# file -> (region, district, department, unit, scope, year, kind), as the cover or form head prints them.
REAL: dict[str, tuple[Any, ...]] = {
    # p.1: 上海市普陀区财政局 / 2024年度部门决算
    "putuo_finance_bureau_2024_final_accounts.pdf": (
        "上海市", "普陀", "上海市普陀区财政局", None, "department", 2024, "final_accounts",
    ),
    # p.1: 上海市XX局 (a stand-in: no department) / 2024年度部门决算
    "template_2024_final_accounts.pdf": ("上海市", None, None, None, "department", 2024, "final_accounts"),
    # p.1: 上海市普陀区2026年区级部门预算 / 预算主管部门：上海市普陀区司法局
    "putuo_justice_bureau_2026_department_budget.pdf": (
        "上海市", "普陀", "上海市普陀区司法局", None, "department", 2026, "budget",
    ),
    # A1: 2026年度普陀区部门预算公开情况检查表, A3: 部门名称: 上海市普陀区司法局 (a review: nothing read)
    "putuo_justice_bureau_2026_department_budget_review.xlsx": (
        "上海市", "普陀", "上海市普陀区司法局", None, None, 2026, None,
    ),
    "putuo_wanli_subdistrict_2023_department_budget.pdf": (
        "上海市", "普陀", "上海市普陀区人民政府万里街道办事处", None, "department", 2023, "budget",
    ),
    "putuo_wanli_subdistrict_2024_department_budget.pdf": (
        "上海市", "普陀", "上海市普陀区人民政府万里街道办事处", None, "department", 2024, "budget",
    ),
    # p.1: 上海市普陀区2025年区级部门预算 / 预算主管部门：上海市普陀区商务委员会
    "putuo_commerce_commission_2025_department_budget.pdf": (
        "上海市", "普陀", "上海市普陀区商务委员会", None, "department", 2025, "budget",
    ),
    # p.1: 上海市普陀区2025年区级单位预算 / 预算单位：上海市普陀区商务委员会
    "putuo_commerce_commission_2025_unit_budget.pdf": (
        "上海市", "普陀", "上海市普陀区商务委员会", "上海市普陀区商务委员会", "unit", 2025, "budget",
    ),
    # p.1: 江苏省人大常委会办公厅 / 2017年度部门预算
    "jiangsu_npc_standing_committee_office_2017_department_budget.pdf": (
        "江苏省", None, "江苏省人大常委会办公厅", None, "department", 2017, "budget",
    ),
    # sheet 1 B3 申请单位 / E3 一级预算单位: 深圳市宝安区松岗街道办事处（本级）; sheet 15 D14: 2023年12月前
    "shenzhen_songgang_subdistrict_2023_target_declarations.xlsx": (
        "广东省深圳市", None, "深圳市宝安区松岗街道办事处", "深圳市宝安区松岗街道办事处",
        "project", 2023, "target_declaration",
    ),
    # A1 2021年度项目支出绩效自评表; B3 渝中区就业和人才中心; I3 渝中区人力资源和社会保障局
    "chongqing_yuzhong_hrss_2021_self_evaluation.xlsx": (
        "重庆市", None, "渝中区人力资源和社会保障局", "渝中区就业和人才中心",
        "project", 2021, "self_evaluation",
    ),
    # A1 2024年市级部门整体预算绩效目标表; B2 湛江市人力资源和社会保障局
    "zhanjiang_hrss_2024_department_targets.xlsx": (
        "广东省湛江市", None, "湛江市人力资源和社会保障局", None, "department", 2024, "target_declaration",
    ),
    # A1 2020年项目申报表; C3 项目主管部门, F3 项目执行单位: 武汉市人力资源和社会保障局东湖新技术开发区分局
    "wuhan_donghu_hrss_2020_project_application.xlsx": (
        "湖北省武汉市", None, "武汉市人力资源和社会保障局东湖新技术开发区分局",
        "武汉市人力资源和社会保障局东湖新技术开发区分局", "project", 2020, "target_declaration",
    ),
    # 项目支出绩效目标申报表 D6 [105]教育部, 项目基本信息 B6 [105210]北京大学, B7 2019年210青少年…
    # (refused as blank forms: no kind, but who and which year)
    "central_pku_2019_project_library_export.xls": ("中央", None, "教育部", "北京大学", None, 2019, None),
}  # fmt: skip

# file -> {fact: where an official finds it}, typed from the page or the sheet.
WHERE: dict[str, dict[str, str]] = {
    "putuo_finance_bureau_2024_final_accounts.pdf": {
        "department": "第1页（全文第1行）",
        "year": "第1页（全文第2行）",
    },
    "putuo_commerce_commission_2025_unit_budget.pdf": {
        "unit": "第1页（全文第2行）",
        "scope": "第1页（全文第2行）",
        "year": "第1页（全文第1行）",
    },
    "jiangsu_npc_standing_committee_office_2017_department_budget.pdf": {
        "department": "第1页（全文第1行）",
        "region": "第1页（全文第1行）",
        "year": "第1页（全文第2行）",
    },
    "template_2024_final_accounts.pdf": {"region": "第1页（全文第1行）"},
    "putuo_justice_bureau_2026_department_budget_review.xlsx": {
        "department": "工作表“2026年部门预算 ”A3",
        "year": "工作表“2026年部门预算 ”A1",
    },
    "shenzhen_songgang_subdistrict_2023_target_declarations.xlsx": {
        "department": "工作表“1.政府购买服务（专业技术服务类社区工作站管理经费）花果山社区”E3",
        "unit": "工作表“1.政府购买服务（专业技术服务类社区工作站管理经费）花果山社区”B3",
        "year": "工作表“15.社区工作站经费（松涛社区）”D14",
    },
    "chongqing_yuzhong_hrss_2021_self_evaluation.xlsx": {
        "department": "工作表“就业补助资金”I3",
        "unit": "工作表“就业补助资金”B3",
        "year": "工作表“就业补助资金”A1",
    },
    "zhanjiang_hrss_2024_department_targets.xlsx": {
        "department": "工作表“Sheet1”B2",
        "scope": "工作表“Sheet1”A1",
    },
    "wuhan_donghu_hrss_2020_project_application.xlsx": {
        "department": "工作表“Sheet1”C3",
        "unit": "工作表“Sheet1”F3",
    },
    "central_pku_2019_project_library_export.xls": {
        "department": "工作表“项目支出绩效目标申报表”D6",
        "region": "工作表“项目支出绩效目标申报表”D6",
        "unit": "工作表“项目基本信息”B6",
        "year": "工作表“项目基本信息”B7",
    },
}


def _identity(document: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(document[f] for f in FIELDS)


def _sources(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return json.loads(document["identity_sources"] or "{}")


@pytest.mark.parametrize("name", sorted(REAL))
def test__real_document__identity_as_printed(name: str) -> None:
    assert _identity(outcome(name)["document"]) == REAL[name]


@pytest.mark.parametrize("name", sorted(WHERE))
def test__real_document__each_fact_says_where_it_was_read(name: str) -> None:
    sources = _sources(outcome(name)["document"])
    assert {f: sources[f]["where"] for f in WHERE[name]} == WHERE[name]


@pytest.mark.parametrize("name", sorted(REAL))
def test__real_document__every_fact_stored_has_a_source_and_no_other(name: str) -> None:
    document = outcome(name)["document"]
    sources = _sources(document)
    assert set(sources) == {f for f in FIELDS if document[f] is not None}
    for fact, src in sources.items():
        assert src["where"], fact
        assert src["text"], fact


def test__source_text__is_what_the_page_prints() -> None:
    sources = _sources(outcome("putuo_commerce_commission_2025_department_budget.pdf")["document"])
    assert sources["department"]["text"] == "预算主管部门：上海市普陀区商务委员会"
    assert (sources["department"]["page"], sources["department"]["line"]) == (1, 2)
    assert sources["kind"]["text"] == "上海市普陀区2025年区级部门预算"
    pku = _sources(outcome("central_pku_2019_project_library_export.xls")["document"])
    assert pku["department"]["text"] == "[105]教育部"
    assert (pku["department"]["sheet"], pku["department"]["cell"]) == ("项目支出绩效目标申报表", "D6")


def test__two_scopes_of_one_department_and_year_are_two_documents() -> None:
    dept = outcome("putuo_commerce_commission_2025_department_budget.pdf")["document"]
    unit = outcome("putuo_commerce_commission_2025_unit_budget.pdf")["document"]
    assert (dept["department"], dept["year"]) == (unit["department"], unit["year"])
    assert (dept["scope"], unit["scope"]) == ("department", "unit")
    assert group_key(dept, frozenset()) != group_key(unit, frozenset())


# --- made cases: a name cut at a line end, a party committee -------------------------------------


def _planted(name: str) -> dict[str, Any]:
    return process_document(name, (PLANTED / name).read_bytes())["document"]


def test__cover_title_wrapped_over_two_lines__full_name() -> None:
    # Page 1 prints '上海市普陀区规划和自然' / '资源局' (36 pt) / '2024年度部门决算'.
    document = _planted("wrapped_title_final_accounts.pdf")
    assert _identity(document) == (
        "上海市",
        "普陀",
        "上海市普陀区规划和自然资源局",
        None,
        "department",
        2024,
        "final_accounts",
    )
    assert _sources(document)["department"]["text"] == "上海市普陀区规划和自然\n资源局"


def test__cover_label_wrapped_over_two_lines__full_name_and_no_mismatch() -> None:
    # Page 1 prints '预算主管部门：上海市普陀区城市管理行政执' / '法局' (20 pt).
    out = process_document("wrapped_label_budget.pdf", (PLANTED / "wrapped_label_budget.pdf").read_bytes())
    assert out["document"]["department"] == "上海市普陀区城市管理行政执法局"
    assert not [c for c in out["checks"] if c["check"] == "department_name_mismatch"]


def test__party_committee_department__district_read_after_zhonggong() -> None:
    document = _planted("party_committee_final_accounts.docx")
    assert (document["region"], document["district"], document["department"]) == (
        "上海市",
        "普陀",
        "中共上海市普陀区委宣传部",
    )


def test__placeholder_department__no_department_but_its_place() -> None:
    # 预算主管部门：上海市普陀区XX局
    document = _planted("placeholder_budget.docx")
    assert (document["region"], document["district"], document["department"]) == ("上海市", "普陀", None)


# --- the cover reader on small models --------------------------------------------------------------


def _cover(*lines: tuple[str, tuple[float, float, float, float] | None]) -> DocumentBuilder:
    b = DocumentBuilder("case.pdf", "pdf")
    b.page()
    for text, box in lines:
        b.prose(1, text, box)
    return b


def test__read_cover__name_followed_by_a_year_line_is_not_joined() -> None:
    b = _cover(("上海市普陀区财政局", (176, 349, 419, 376)), ("2024年度部门决算", (186, 394, 409, 432)))
    cover = read_cover(b.document)
    assert (cover.department, cover.year, cover.kind) == ("上海市普陀区财政局", 2024, "final_accounts")


def test__read_cover__a_name_ending_like_one_still_takes_its_wrapped_end() -> None:
    # '人民政府' ends like a name; '万里街道办事处' in the same size right under it is its end.
    b = _cover(
        ("上海市普陀区人民政府", (100, 78, 460, 114)),
        ("万里街道办事处", (170, 137, 422, 173)),
        ("2024年度部门决算", (188, 205, 407, 231)),
    )
    assert read_cover(b.document).department == "上海市普陀区人民政府万里街道办事处"


def test__read_cover__a_smaller_line_far_below_is_another_block() -> None:
    b = _cover(
        ("上海市普陀区规划和自然", (100, 78, 496, 114)),
        ("资源局", (250, 400, 280, 410)),  # small print far down the page: not the title's end
    )
    assert read_cover(b.document).department is None


def test__read_cover__label_alone_takes_the_next_line() -> None:
    b = _cover(
        ("上海市普陀区2026年区级部门预算", None), ("预算主管部门：", None), ("上海市普陀区司法局", None)
    )
    cover = read_cover(b.document)
    assert (cover.department, cover.district, cover.region) == ("上海市普陀区司法局", "普陀", "上海市")
    assert cover.sources["department"].text == "预算主管部门：\n上海市普陀区司法局"


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("上海市普陀区财政局", "上海市"),
        ("普陀区财政局", "上海市"),
        ("中共上海市普陀区委宣传部", "上海市"),
        ("江苏省人大常委会办公厅", "江苏省"),
        ("广东省深圳市宝安区松岗街道办事处", "广东省深圳市"),
        ("深圳市宝安区松岗街道办事处", "广东省深圳市"),
        ("湛江市人力资源和社会保障局", "广东省湛江市"),
        ("武汉市人力资源和社会保障局东湖新技术开发区分局", "湖北省武汉市"),
        ("渝中区人力资源和社会保障局", "重庆市"),
        ("[105]教育部", "中央"),
        ("国家统计局", "中央"),
        ("江北区财政局", None),  # 重庆 and 宁波 both have a 江北区: the name tells no city
        ("北京大学", None),
        ("财政局", None),
    ],
)
def test__region_of(name: str, region: str | None) -> None:
    assert region_of(name) == region


def test__district_of__only_shanghai_districts() -> None:
    assert [district_of(n) for n in ("上海市浦东新区财政局", "中共上海市普陀区委", "渝中区财政局")] == [
        "浦东",
        "普陀",
        None,
    ]


@pytest.mark.parametrize(
    ("name", "placeholder"),
    [
        ("上海市XX局", True),
        ("××区财政局", True),
        ("XX单位", True),
        ("上海市○○中心", True),
        ("上海市普陀区某某中心", False),  # how examples name a department
        ("上海市普陀区财政局", False),
        ("上海市普陀区X射线检测中心", False),
    ],
)
def test__is_placeholder(name: str, placeholder: bool) -> None:
    assert is_placeholder(name) is placeholder


def test__schema__documents_declare_the_identity_columns() -> None:
    columns = {c.name: c for c in TABLES["documents"]}
    for name in ("region", "unit", "identity_sources"):
        assert columns[name].label and columns[name].description
    assert "project" in columns["scope"].description


def test__undated_forms__the_year_their_targets_name_is_said() -> None:
    # 深圳 prints no year on its 20 forms; 15.社区工作站经费（松涛社区） D14 reads 2023年12月前.
    checks = outcome("shenzhen_songgang_subdistrict_2023_target_declarations.xlsx")["checks"]
    found = [c["message"] for c in checks if c["check"] == "declaration_year_missing"]
    assert found == [
        "本文件有 20 张绩效目标申报表未印年度，文件封面也未写明年度，年度取其指标值所写的2023年（如“2023年12月前”）"
    ]


def test__no_shanghai_district_is_missing_from_another_regions_document() -> None:
    jiangsu = outcome("jiangsu_npc_standing_committee_office_2017_department_budget.pdf")["checks"]
    template = outcome("template_2024_final_accounts.pdf")[
        "checks"
    ]  # 上海市XX局: a Shanghai name, no district
    assert [c for c in jiangsu if c["check"] in ("meta_district_missing", "meta_department_missing")] == []
    assert [c["check"] for c in template if c["check"] == "meta_district_missing"] == [
        "meta_district_missing"
    ]
