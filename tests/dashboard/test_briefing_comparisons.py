"""导出简报 of 区际比较, 年度比较 and 项目详情 (dashboard/briefing_compare.py, briefing_project.py).

Figures are typed from the seed documents and the 万里街道 PDF in data/raw (file and page or line
given), or, for one department's 决算 of two years (no published pair exists yet), taken from the
truth etl.synth_originals records for the Word 决算 it writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import briefing, briefing_ui, db, export
from dashboard.briefing import Point
from dashboard.queries import Filters
from etl.build import build
from etl.synth import DEPARTMENTS, DISTRICTS
from etl.synth_originals import final_accounts_docx
from tests.dashboard.conftest import RAW, as_read
from tests.dashboard.test_briefing import _one
from tests.realdocs import REAL

FINANCE = "putuo_finance_bureau_2024_final_accounts.pdf"
QINGPU = "qingpu_government_service_office_2020_final_accounts.txt"
SONGJIANG_2020 = "songjiang_city_operation_center_2020_final_accounts.txt"
SONGJIANG_2021 = "songjiang_administrative_service_center_2021_self_evaluation.txt"
MINHANG = "minhang_city_operation_center_2022_self_evaluation.txt"
WANLI_2023 = "putuo_wanli_subdistrict_2023_department_budget.pdf"


def _project_id(con: duckdb.DuckDBPyConnection, file: str, name: str) -> str:
    rows = con.sql(
        "SELECT project_id FROM projects WHERE source_file = $f AND project_name = $n",
        params={"f": file, "n": name},
    ).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


# --- 区际比较 ------------------------------------------------------------------------------


def test__districts_say_which_year_of_each_district_is_compared(con, everything):
    points = briefing_compare_points(con, everything)
    # the seeds: 普陀 2024 决算 (财政局); 松江 2021 自评; 闵行 2022 自评; 青浦 2020 决算 with its 自评
    _one(
        points,
        "比较 4 个区，按各区有数据的最近一年：普陀区 2024 年（部门决算）；松江区 2021 年（绩效自评）；"
        "闵行区 2022 年（绩效自评）；青浦区 2020 年（部门决算、绩效自评）。",
    )


def briefing_compare_points(con: duckdb.DuckDBPyConnection, f: Filters, **choices) -> list[Point]:
    return list(briefing.build("区际比较", con, f, made_at="-", data_at="-", **choices).points)


def test__districts_largest_class_with_its_share_and_pages(con, everything):
    point = _one(briefing_compare_points(con, everything), "各区支出最大的类")
    # 财政局 2024 p.10: 201 一般公共服务支出 2,106.66 of 合计 2,940.05 (71.65 %)
    assert "2024 普陀区 · 财政局为“一般公共服务支出”（201）2,106.66 万元，占 71.65%" in point.text
    # 青浦 2020 line 359: 201 一般公共服务支出 3,712.75 of line 357's 合计 4,638.73 (80.04 %)
    assert "2020 青浦区 · 政务服务办公室为“一般公共服务支出”（201）3,712.75 万元，占 80.04%" in point.text
    assert point.source_text == f"来源：{FINANCE} 第10页；{QINGPU} 第357、359行"


def test__districts_execution_and_scores_name_their_files(con, everything):
    points = briefing_compare_points(con, everything)
    rate = _one(points, "各区自评项目总体执行率")
    assert "最低的是青浦区" in rate.text
    assert {s.file for s in rate.sources} == {QINGPU, MINHANG, SONGJIANG_2021}
    # 松江 2021: 100, 100, 100, 98, 100 → 99.60
    _one(points, "各区自评平均分（从高到低）：松江区 · 行政服务中心 2021 年 99.60 分")


def test__districts_at_a_year_few_hold_say_so(con, everything):
    b = briefing.build("区际比较", con, everything, made_at="-", data_at="-", year=2021)
    assert ("比较口径", "指定年度 2021 年") in b.scope
    _one(list(b.points), "普陀区 2021 年（无数据）", "松江区 2021 年（绩效自评）")
    _one(list(b.points), "都没有部门决算", "无法比较支出结构")
    assert [t.title for t in b.tables] == ["各区执行率与得分"]


# --- 年度比较 ------------------------------------------------------------------------------


def test__years_by_district_leave_out_departments_of_one_year(con, everything):
    """The issue's case: 松江's score line would join 城市运行管理中心 2020 to 行政服务中心 2021."""
    points = list(briefing.build("年度比较", con, everything, made_at="-", data_at="-", by="区").points)
    _one(
        points,
        "只在部分年度有绩效自评得分、未计入区的趋势的部门：松江区 城市运行管理中心（2020 年）、松江区 行政服务中心（2021 年）",
    )
    scores = _one(points, "绩效自评平均分")
    assert "松江区" not in scores.text
    assert SONGJIANG_2021 not in scores.source_text and SONGJIANG_2020 not in scores.source_text
    _one(
        points, "只有一个年度部门决算、尚不能比较的：普陀区（2024 年）、松江区（2020 年）、青浦区（2020 年）"
    )


def _same_department_two_years() -> tuple[int, int]:
    """Two indexes the generator gives the same district and department and different years."""
    step = len(DISTRICTS) * len(DEPARTMENTS)
    for k in range(1, 12):
        if (step * k) % 6:
            return 0, step * k
    raise AssertionError("no such pair")


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("briefing_two_years")
    raw = root / "raw"
    raw.mkdir()
    for i in _same_department_two_years():
        doc = final_accounts_docx(i)
        (raw / doc.file_name).write_bytes(doc.data)
    build(raw, root / "warehouse", workers=1)
    connection = db.connect(db.current_snapshot(root / "warehouse").path)
    yield connection
    connection.close()


def _total(doc) -> Decimal:
    """The truth's 支出决算表 合计 (万元 as printed) in 元."""
    (line,) = [
        t for t in doc.lines if t.statement == "支出决算表" and t.code is None and t.measure == "本年支出合计"
    ]
    return line.amount * 10000


def test__years_say_the_change_on_the_year_before_with_both_files(two_years):
    old, new = sorted((final_accounts_docx(i) for i in _same_department_two_years()), key=lambda d: d.year)
    assert (old.district, old.department) == (new.district, new.department) and old.year != new.year
    points = list(
        briefing.build("年度比较", two_years, Filters(), made_at="-", data_at="-", by="部门").points
    )
    a, b = _total(new), _total(old)
    point = _one(points, f"{new.year} 年本年支出合计 {briefing.money(a)}")
    assert f"比 {old.year} 年（{briefing.money(b)}）{briefing.change(a, b)}" in point.text
    assert {s.file for s in point.sources} == {old.file_name, new.file_name}
    by_district = list(
        briefing.build("年度比较", two_years, Filters(), made_at="-", data_at="-", by="区").points
    )
    assert f"，1 个部门之和，比 {old.year} 年" in _one(by_district, "本年支出合计").text


# --- 项目详情 ------------------------------------------------------------------------------


def test__project_self_evaluation_states_its_money_score_and_lost_points(con):
    pid = _project_id(con, QINGPU, "“互联网+政务服务”建设经费")
    b = briefing.build("项目详情", con, Filters(districts=("松江",)), made_at="-", data_at="-", project=pid)
    assert b.scope == (
        ("项目", f"“互联网+政务服务”建设经费（{QINGPU}）"),
    )  # the sidebar's filters do not apply
    points = list(b.points)
    # line 2232-2234: 当年预算数 27,048,448.74 元, 预算执行数 10,433,436.99 元, 执行率 38.57%
    money = _one(points, "全年预算数 2,704.84 万元", "全年执行数 1,043.34 万元", "执行率 38.57%")
    assert money.text.startswith("年初预算数未印")
    assert money.source_text == f"来源：{QINGPU} 第2228行"
    _one(points, "总分 92.00 / 100.00 分，绩效等级“优”")  # line 2786: 92.0; line 2259: 绩效等级 优
    # 预算执行率: 分值 8, 得分 0, 偏差原因 预算执行率未达到年初设定的目标值
    _one(
        points,
        "1 个未得满分，共失 8.00 分",
        "“预算执行率”（分值 8.00，得分 0.00，偏差原因：预算执行率未达到年初设定的目标值）",
    )
    assert [t.title for t in b.tables] == ["绩效指标"] and len(b.figures) == 1


def test__project_declaration_states_what_it_asks_not_a_score(con):
    pid = _project_id(con, WANLI_2023, "新建万里街道社区公共服务中心")
    points = list(briefing.build("项目详情", con, Filters(), made_at="-", data_at="-", project=pid).points)
    # p.31: 年度资金申请总额 4,100,000.00 元, 其中：当年财政拨款 4,100,000.00 元
    asked = _one(points, "年度资金申请总额 410.00 万元，其中当年财政拨款 410.00 万元")
    assert asked.source_text == f"来源：{WANLI_2023} 第31页"
    assert not any("总分" in p.text or "执行率 " in p.text for p in points)


def test__project_unknown_says_so():
    b = briefing.build("项目详情", None, Filters(), made_at="-", data_at="-", project=None)  # type: ignore[arg-type]
    assert [p.text for p in b.points] == ["未选择项目（或该项目已不在当前数据中），没有可导出的项目详情。"]
    assert b.figures == () and b.tables == ()


def test__project_file_name_names_the_project_not_the_filters():
    moment = datetime(2026, 12, 7, 8, 30, tzinfo=export.BEIJING)
    name = briefing_ui.file_name("项目详情", Filters(districts=("松江",)), moment, "就业补助资金")
    assert name == "项目详情简报-就业补助资金-20261207-0830"


# --- the pages' control ------------------------------------------------------------------


@pytest.mark.parametrize("page", ["compare_districts", "compare_years", "project_detail"])
def test__the_pages_end_with_the_export_control(con, page):
    from .test_pages import assert_clean, open_page

    params = (
        {"project": _project_id(con, QINGPU, "“互联网+政务服务”建设经费")} if page == "project_detail" else {}
    )
    at = open_page(page, params)
    assert_clean(at)
    assert at.subheader[-1].value == "导出简报"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[-2:] == ["导出简报（PDF）", "导出简报（Word）"]


# --- documents without a Shanghai district -------------------------------------------------

CHONGQING = "chongqing_yuzhong_hrss_2021_self_evaluation.xlsx"


@pytest.fixture(scope="module")
def with_other_region(tmp_path_factory: pytest.TempPathFactory, warehouse) -> Iterator[Path]:
    """The seeds and 重庆渝中's 2021 self-evaluation (no Shanghai district): the real corpus's case."""
    root = tmp_path_factory.mktemp("other_region")
    raw = root / "raw"
    raw.mkdir()
    for path in RAW.iterdir():
        shutil.copy(path, raw / path.name)
    shutil.copy(REAL / CHONGQING, raw / CHONGQING)
    build(raw, root / "wh", workers=1)
    yield root / "wh"


def test__districts_name_a_document_outside_any_district_and_still_open(with_other_region, monkeypatch):
    """A self-evaluation of 重庆市 has no district: 区际比较 failed on sorting it among the districts."""
    from .test_pages import assert_clean, open_page

    monkeypatch.setenv("BUDGET_WAREHOUSE", str(with_other_region))
    at = open_page("compare_districts")
    assert_clean(at)
    captions = [as_read(c.value) for c in at.caption]  # Markdown escapes undone
    assert any(f"不参与区际比较的文件：重庆市 2021 年绩效自评（{CHONGQING}）" in c for c in captions), (
        captions
    )
    con = db.connect(db.current_snapshot(with_other_region).path)
    points = briefing_compare_points(con, Filters())
    _one(points, "比较 4 个区")
    _one(points, f"不参与比较的文件：重庆市 2021 年绩效自评（{CHONGQING}）")


def test__a_project_of_no_district_is_drawn_under_other_regions(with_other_region):
    """预算执行 counted 重庆's 就业补助资金 (88%, 7,574 万元) among its 43 projects but drew no point of it."""
    from dashboard import charts, queries

    con = db.connect(db.current_snapshot(with_other_region).path)
    evals = queries.projects(con, Filters(), "self_evaluation").with_columns(
        rate=pl.coalesce("execution_rate", "execution_rate_computed")
    )
    # chongqing_yuzhong_hrss_2021_self_evaluation.xlsx: B5 全年预算数 7574 (万元), F5 执行数 6643, G21 执行率 0.88
    box = {t.name: list(t.y) for t in charts.execution_box(evals).data}
    assert box["其他地区"] == [pytest.approx(88.0)]
    scatter = {t.name: list(t.x) for t in charts.budget_scatter(evals, 0.9).data if t.name}
    assert scatter["其他地区 · 执行率低于 90%"] == [pytest.approx(7574.0)]
    histogram = {t.name for t in charts.score_distribution(evals).data}
    assert "其他地区" in histogram and None not in histogram


def test__years_by_district_have_no_row_of_no_district(with_other_region, monkeypatch):
    """重庆's 2021 self-evaluation made a '—' district row in 年度比较's table."""
    from .test_pages import assert_clean, open_page, table

    monkeypatch.setenv("BUDGET_WAREHOUSE", str(with_other_region))
    at = open_page("compare_years")
    assert_clean(at)
    grouped = table(at, "district", "year", "evaluated")
    assert grouped["district"].notna().all(), grouped
    captions = [as_read(c.value) for c in at.caption]
    assert any(
        f"不计入各区趋势的文件（切换到“部门”可查看）：重庆市 2021 年绩效自评（{CHONGQING}）" in c
        for c in captions
    )


# --- 总览's change on the year before --------------------------------------------------------


def test__overview_table_says_the_change_on_last_year_of_the_same_departments():
    from .test_pages import assert_clean, open_page, table

    at = open_page("overview")
    assert_clean(at)
    rows = table(at, "district", "year", "budget_change_yuan", "final_change_yuan")
    putuo = rows[rows["district"] == "普陀"].set_index("year")
    # 万里街道 支出预算总表 合计: 2024 p.20 156,211,123 元; 2023 p.18 164,978,640 元 (the same one department)
    assert putuo.loc[2024, "budget_change_yuan"] == pytest.approx(-876.75, abs=0.005)  # the table is in 万元
    assert putuo.loc[2024, "budget_change_rate"] == pytest.approx(-8767517 / 164978640 * 100)  # in %
    # 普陀 2024's 决算 (财政局) has no 2023 决算 to compare with; 2026's 预算 (司法局) no 2025 one
    assert putuo.loc[2024, "final_change_yuan"] != putuo.loc[2024, "final_change_yuan"]  # NaN: blank
    assert putuo.loc[2026, "budget_change_yuan"] != putuo.loc[2026, "budget_change_yuan"]


def test__a_change_between_different_departments_is_left_blank():
    from dashboard import comparisons

    head = pl.DataFrame(
        {
            "district": ["松江", "松江", "松江"],
            "year": [2020, 2021, 2022],
            "v": [Decimal(100), Decimal(150), Decimal(120)],
            "d": [["甲"], ["甲", "乙"], ["乙", "甲"]],
        }
    )
    out = comparisons.change_on_last_year(head, "v", "d", "x").sort("year")
    assert out["x_change_yuan"].to_list() == [None, None, Decimal(-30)]  # 2021 adds 乙: not comparable
    assert out["x_change_rate"].to_list()[2] == pytest.approx(-0.2)


def test__a_project_of_another_province_is_named_with_its_region(with_other_region, monkeypatch):
    """重庆's 就业补助资金 read '未识别区 · 2021 年度' on 项目详情."""
    from .test_pages import assert_clean, open_page

    con = db.connect(db.current_snapshot(with_other_region).path)
    pid = _project_id(con, CHONGQING, "就业补助资金")
    points = briefing.build("项目详情", con, Filters(), made_at="-", data_at="-", project=pid).points
    # B2 就业补助资金; I3 项目主管部门 渝中区人力资源和社会保障局; B3 实施单位 渝中区就业和人才中心
    assert points[0].text == (
        "项目“就业补助资金”：重庆市 · 渝中区人力资源和社会保障局，2021 年度绩效自评，实施单位渝中区就业和人才中心。"
    )
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(with_other_region))
    at = open_page("project_detail", {"project": pid})
    assert_clean(at)
    assert any("重庆市 · 2021 年度 · 绩效自评" in m.value for m in at.markdown), [
        m.value for m in at.markdown
    ][:5]
