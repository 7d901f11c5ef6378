"""Every page through streamlit.testing.v1.AppTest, from the entry file as `streamlit run` would.

Figures checked here are the seed documents' own (see test_queries.py for where
each was read); pages show money in 万元.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import pages, ui

from .conftest import APP, as_read, project_id

# Every page but 原文查看 and 数据导入 (their own tests open them with a document or a corpus).
PAGES = [p.name for p in pages.PAGES if p.name not in ("source", "data_import")]
TITLES = {p.name: p.title for p in pages.PAGES}


def open_page(page: str = "overview", params: dict | None = None) -> AppTest:
    """The page opened by its address (with URL parameters), as an official's link opens it: one run
    of the entry file with that page chosen (its file name is its address), not 总览's run first."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params.update(params or {})
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def chart_titles(at: AppTest) -> list[str]:
    titles = [json.loads(c.proto.spec)["layout"]["title"] for c in at.get("plotly_chart")]
    return [t["text"] + t.get("subtitle", {}).get("text", "") for t in titles]


def table(at: AppTest, *columns: str):
    """The first st.dataframe holding all the given columns (as pandas)."""
    for df in at.dataframe:
        value = df.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def district_block(at: AppTest, heading: str) -> dict[str, str]:
    for block in at.container:
        if any(m.value == heading for m in block.markdown):
            return {m.label: m.value for m in block.metric}
    raise AssertionError(f"no block {heading}")


# --- every page runs ---------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(page):
    at = open_page(page)
    assert_clean(at)
    assert [t.value for t in at.title] == [TITLES[page]]
    assert not at.error
    # the shared sidebar filters are drawn on every page
    assert [m.label for m in at.sidebar.multiselect] == ["区", "年度", "部门", "文件类型"]
    # every column header an official sees is Chinese (an unlabelled column shows its code name)
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        for name in frame.value.columns:
            entry = config.get(f"name:{name}") or config.get(name) or {}
            if entry.get("hidden"):
                continue
            label = entry.get("label") or name
            assert re.search(r"[\u4e00-\u9fff]|^\d{4}$", label), f"{page}: column {name!r} shown as {label!r}"


# --- key figures per page ----------------------------------------------------------------


def test_overview_shows_headline_figures():
    at = open_page("overview")
    assert_clean(at)
    songjiang = district_block(at, "**松江区 2020 年度**")
    assert songjiang["本年支出合计"] == "3,984.05 万元"
    assert songjiang["基本支出"] == "2,026.81 万元"
    assert songjiang["项目支出"] == "1,957.24 万元"
    assert songjiang["绩效自评项目"] == "9 个"
    qingpu = district_block(at, "**青浦区 2020 年度**")
    assert qingpu["本年支出合计"] == "4,638.73 万元"
    assert qingpu["绩效自评项目"] == "7 个"
    minhang = district_block(at, "**闵行区 2022 年度**")
    assert minhang["绩效自评项目"] == "21 个"
    assert minhang["本年支出合计"] == "—"
    # 普陀 2024: the 财政局's PDF 决算, 本年支出合计 2,940.05 万元 (p.10), 基本 2,336.91, 项目 603.14
    putuo = district_block(at, "**普陀区 2024 年度**")
    assert putuo["本年支出合计"] == "2,940.05 万元"
    assert putuo["基本支出"] == "2,336.91 万元"
    assert putuo["项目支出"] == "603.14 万元"
    assert any("万元" in t for t in chart_titles(at))
    coverage = table(at, "区")
    assert sorted(set(coverage["区"])) == sorted(["普陀", "松江", "闵行", "青浦"])


def test_compare_districts_uses_each_districts_latest_year():
    at = open_page("compare_districts")
    assert_clean(at)
    assert len(chart_titles(at)) == 1  # one tab's chart at a time
    for tab in ("预算执行率", "绩效自评得分分布"):
        at.session_state["cmp_view"] = tab
        at.run()
        assert_clean(at)
        assert len(chart_titles(at)) == 1
    at.session_state["cmp_view"] = "支出结构（各类占本年支出合计的比重）"
    at.run()
    # One year per district for the whole page (its latest with any 决算 or 自评), said in a caption:
    # 松江's latest is 2021 (自评 only), so its 2020 决算 is not mixed in.
    said = next(c.value for c in at.caption if c.value.startswith("各区可得的年度不同"))
    assert "松江区 2021 年" in said and "闵行区 2022 年" in said and "青浦区 2020 年" in said
    absent = next(c.value for c in at.caption if c.value.startswith("无部门决算数据的区："))
    assert "闵行" in absent and "松江" in absent
    summary = table(at, "district", "evaluated_projects")
    assert set(summary["coverage"]) == {
        "松江区 · 行政服务中心",
        "闵行区 · 城市运行管理中心",
        "青浦区 · 政务服务办公室",
    }
    counts = dict(zip(summary["district"], summary["evaluated_projects"], strict=True))
    years = dict(zip(summary["district"], summary["year"], strict=True))
    assert counts == {"松江": 5, "闵行": 21, "青浦": 7}
    assert years == {"松江": 2021, "闵行": 2022, "青浦": 2020}


def test_compare_years_table_in_wan():
    at = open_page("compare_years")
    assert_clean(at)
    grouped = table(at, "district", "year", "total_expenditure_yuan")
    row = grouped[(grouped["district"] == "松江") & (grouped["year"] == 2020)]
    assert row["total_expenditure_yuan"].iloc[0] == pytest.approx(3984.05)
    # 松江 2021 has no 决算: shown empty, not as 0
    no_spend = grouped[(grouped["district"] == "松江") & (grouped["year"] == 2021)]
    assert no_spend["total_expenditure_yuan"].isna().all()
    titles = chart_titles(at)
    assert any("万元" in t for t in titles) and any("分" in t for t in titles)


def test_structure_shows_tree_and_three_public():
    at = open_page("structure")
    assert_clean(at)
    # One document at a time, the newest first: 司法局's 2026 预算 (never two departments added up).
    choice = at.selectbox(key="st_doc")
    assert "司法局 · 2026 年度 · 部门预算" in choice.format_func(choice.value)
    assert any(t.startswith("支出预算总表") for t in chart_titles(at))
    qingpu = next(i for i in choice.options if "青浦区" in i and "部门决算" in i)
    choice.select_index(choice.options.index(qingpu)).run()
    assert at.session_state["st_doc"] == "qingpu_government_service_office_2020_final_accounts.txt"
    assert_clean(at)
    titles = chart_titles(at)
    assert any(t.startswith("支出决算表") for t in titles)
    assert any("三公" in t for t in titles)
    tp = table(at, "district", "item", "budget_yuan", "actual_yuan")
    total = tp[(tp["district"] == "青浦") & (tp["item"] == "合计")]
    assert total["budget_yuan"].iloc[0] == pytest.approx(2.60)
    assert total["actual_yuan"].iloc[0] == pytest.approx(1.99)
    # 合计 is stated in a caption, not drawn beside its own parts.
    assert any(c.value.startswith("合计：预算数 2.60 万元") for c in at.caption)
    spec = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert all("合计" not in str(x) for trace in spec["data"] for x in trace.get("x", []))


def test_execution_lists_under_executed_projects():
    at = open_page("execution")
    assert_clean(at)
    # rates printed under 90%: 52.64% and 55.77% (闵行 lines 285, 党建经费), 70.41% and 38.57%
    # (青浦 lines 1338, 2235); every other form prints 93.69% or more
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["自评项目"] == "42 个"
    assert metrics["执行不足项目"] == "4 个"
    under = table(at, "project_name", "execution_rate")  # the first such table: 执行不足的项目
    assert set(under["project_name"]) == {
        "公共安全隐患举报奖励",
        "党建经费",
        "台式电脑",
        "“互联网+政务服务”建设经费",
    }
    rates = dict(zip(under["project_name"], under["execution_rate"], strict=True))
    assert rates["公共安全隐患举报奖励"] == pytest.approx(52.64)
    assert rates["“互联网+政务服务”建设经费"] == pytest.approx(38.57)


def test_scores_lists_the_anomalies():
    at = open_page("scores")
    assert_clean(at)
    anomalies = table(at, "finding", "detail")
    missed = anomalies[anomalies["finding"] == "未达目标却得满分"]
    assert missed["detail"].str.contains("居民知晓度：目标 100%，实际 0%，得分 9/9", regex=False).any()
    assert "窗口业务管理" not in set(missed["project_name"])
    assert any("分" in t for t in chart_titles(at))


def test_project_detail_from_the_url(con):
    pid = project_id(con, "公共安全隐患举报奖励", "闵行")
    at = open_page("project_detail", {"project": pid})
    assert_clean(at)
    assert [h.value for h in at.header] == ["公共安全隐患举报奖励"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["执行率"] == "52.64%"
    assert metrics["总分"].startswith("95.26")
    assert metrics["年初预算数"] == "2.00 万元"  # 20,000.00 元 (line 285): 1 万元 or more in 万元
    assert metrics["全年执行数"] == "500.00 元"
    indicators = table(at, "三级指标", "得分（分）")
    assert "公共安全隐患案件发现处置及时性" in set(indicators["三级指标"])
    # the goal text is shown without the <p> markup of the source form
    assert not any("<p>" in t.value for t in at.text)
    assert any("区城运中心每月及时梳理" in t.value for t in at.text)


def test_project_detail_search_and_open():
    at = open_page("project_detail")
    at.text_input(key="pd_q").input("热线").run()
    assert_clean(at)
    found = table(at, "project_name")
    assert set(found["project_name"]) == {
        "962000民生热线电话费项目（线路租费）",
        "闵行区网格化中心市民服务热线功能拓展(2022运维)",
    }
    row = list(found["project_name"]).index("闵行区网格化中心市民服务热线功能拓展(2022运维)")
    at.session_state["pd_found"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()  # would time out if the page kept switching to itself
    assert_clean(at)
    assert [as_read(h.value) for h in at.header] == ["闵行区网格化中心市民服务热线功能拓展(2022运维)"]
    assert at.query_params["q"] == "热线"
    at.run()
    assert [as_read(h.value) for h in at.header] == ["闵行区网格化中心市民服务热线功能拓展(2022运维)"]


def test_clicking_an_anomaly_opens_the_project(con):
    pid = project_id(con, "公共安全隐患举报奖励", "闵行")
    at = open_page("scores", {"district": "闵行"})
    anomalies = table(at, "finding", "project_name")
    row = list(anomalies["project_name"]).index("公共安全隐患举报奖励")
    at.session_state["sc_anomalies"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert_clean(at)
    assert [t.value for t in at.title] == ["项目详情"]
    assert at.query_params["project"] == pid
    assert at.query_params["district"] == "闵行"  # shared filters travel with the link
    assert {m.label: m.value for m in at.metric}["执行率"] == "52.64%"


def test_download_page_offers_both_formats():
    at = open_page("download")
    assert_clean(at)
    assert any("共 54 行" in c.value for c in at.caption)  # 49 seed projects + 5 万里 2023 declarations
    assert len(at.get("download_button")) == 2
    at.text_input(key="dl_text").input("热线").run()
    assert_clean(at)
    assert any("共 2 行" in c.value for c in at.caption)
    at.selectbox(key="dl_table").set_value("indicators").run()
    assert_clean(at)
    assert "三级指标" in at.dataframe[0].value.columns


def test_quality_page_lists_checks_per_file():
    at = open_page("quality")
    assert_clean(at)
    summary = table(at, "document", "source_file", "警告")
    assert "minhang_city_operation_center_2022_self_evaluation.txt" in set(summary["source_file"])
    # Documents are named as an official names them: department, year, kind (the file last).
    assert "上海市松江区城市运行管理中心 2020年 部门决算" in set(summary["document"])
    assert "None" not in summary.astype(str).to_numpy().ravel().tolist()
    # Each finding: its Chinese title (not the id), its page and both figures as printed.
    # (ui.table labels the columns in Chinese through column_config: 校验项, 页码, 原文数字, 对照数字.)
    details = [df.value for df in at.dataframe if "figure" in df.value.columns]
    assert details and all("check" not in d.columns and "title" in d.columns for d in details)
    rows = [r for d in details for _, r in d.iterrows() if r["title"] == "基本支出与人员公用经费不符"]
    assert len(rows) == 1
    row = rows[0]
    assert "2,026.81万元" in row["figure"] and "1,963.59+2,020.46=3,984.05万元" in row["compared"]
    assert row["source_page"] == 1
    assert ui.LABELS["title"] == "校验项" and ui.LABELS["figure"] == "原文数字"


# --- filters -------------------------------------------------------------------------------


def test_filters_from_the_url_and_across_pages():
    at = open_page("overview", {"district": "青浦"})
    assert_clean(at)
    assert at.sidebar.multiselect[0].value == ["青浦"]
    assert [m.value for m in at.markdown if m.value.startswith("**")] == ["**青浦区 2020 年度**"]
    at.switch_page("app_pages/execution.py").run()
    assert_clean(at)
    assert {m.label: m.value for m in at.metric}["自评项目"] == "7 个"
    assert at.query_params["district"] == "青浦"


def test_reset_clears_the_filters():
    at = open_page("overview", {"district": "青浦", "year": "2020"})
    at.sidebar.button[0].click().run()
    assert_clean(at)
    assert at.sidebar.multiselect[0].value == []
    assert "district" not in at.query_params and "year" not in at.query_params
    # the seeds' 4 district-years, 普陀 2024 (财政局 决算, 万里 预算) and the 预算-only 普陀 2023 and 2026
    assert len([m for m in at.markdown if m.value.startswith("**")]) == 7


def test_a_kind_filter_that_excludes_self_evaluations():
    at = open_page("scores", {"kind": "target_declaration"})
    assert_clean(at)
    assert any("没有绩效自评项目" in i.value for i in at.info)


# --- a missing warehouse ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["overview", "scores"])
def test_missing_warehouse_explains_how_to_build(monkeypatch, tmp_path: Path, page):
    empty = tmp_path / "nowhere"
    empty.mkdir()
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(empty))
    at = open_page(page)
    assert_clean(at)
    (error,) = at.error
    assert "未找到数据仓库" in error.value
    assert f"python -m etl build --raw data/raw --out {empty}" in error.value
    assert [c.value for c in at.code] == [f"python -m etl build --raw data/raw --out {empty}"]
    assert not at.sidebar.multiselect  # no page drawn over a missing warehouse


def test_broken_manifest_is_explained(monkeypatch, tmp_path: Path):
    (tmp_path / "_build.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(tmp_path))
    at = open_page("overview")
    assert_clean(at)
    assert "清单文件" in at.error[0].value
    assert "python -m etl build" in at.error[0].value


# --- hostile URL parameters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"district": "不存在"}, "链接中的区“不存在”不在数据范围内，已忽略"),
        ({"year": "abc"}, "链接中的年度“abc”无效，已忽略"),
        ({"district": "区" * 10_000}, "链接中的区“" + "区" * 20 + "”不在数据范围内，已忽略"),
        ({"year": "9" * 10_000}, "不在数据范围内，已忽略"),
        ({"district": "1;DROP TABLE projects"}, "不在数据范围内，已忽略"),
        ({"department": "x' OR '1'='1"}, "链接中的部门"),
        ({"kind": "<script>"}, "链接中的文件类型"),
        ({"evil": "1"}, "链接中的参数“evil”无法识别，已忽略"),
        ({"district": ["松江"] * 50}, "取值过多"),
    ],
)
def test_hostile_url_parameters_show_a_note(params, note):
    at = open_page("overview", params)
    assert_clean(at)
    assert any(note in w.value for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]
    # the page still shows the data (the bad value was dropped) and the URL is cleaned
    assert len(at.metric) >= 5
    for key, value in at.query_params.items():
        assert key in {"district", "year"} and len(str(value)) < 200


@pytest.mark.parametrize("page", ["project_detail", "scores", "download", "quality"])
def test_hostile_parameters_on_other_pages(page):
    params = {
        "project": "1;DROP TABLE projects",
        "q": "q" * 10_000,
        "district": "1;DROP TABLE projects",
        "year": "abc",
    }
    at = open_page(page, params)
    assert_clean(at)
    assert at.sidebar.warning
    if page == "project_detail":
        assert any("项目编号在当前数据中不存在" in w.value for w in at.warning)
        assert len(at.text_input(key="pd_q").value) <= 100


def test_hostile_project_id_leaves_the_data_intact(con):
    at = open_page("project_detail", {"project": "x'; DROP TABLE projects; --"})
    assert_clean(at)
    at2 = open_page("execution")
    assert {m.label: m.value for m in at2.metric}["自评项目"] == "42 个"


def test_link_notes_go_once_the_user_filters():
    at = open_page("overview", {"district": "不存在"})
    assert any("不存在" in w.value for w in at.sidebar.warning)
    at.run()  # a rerun keeps the note
    assert any("不存在" in w.value for w in at.sidebar.warning)
    at.sidebar.multiselect[0].set_value(["松江"]).run()
    assert_clean(at)
    assert not at.sidebar.warning
    assert at.query_params["district"] == "松江"


def test_overview_cards_say_which_department_a_figure_covers():
    # 松江 2020's 决算 is one department's (城市运行管理中心), not the district's.
    at = open_page("overview", {"district": "松江", "year": "2020"})
    assert_clean(at)
    captions = [c.value for c in at.caption]
    assert any("部门决算：松江区 · 城市运行管理中心" in c for c in captions), captions
    help_texts = [m.help for m in at.metric if m.label == "本年支出合计"]
    assert help_texts and "城市运行管理中心" in help_texts[0]
    table_ = table(at, "final_coverage")
    assert set(table_["final_coverage"]) == {"松江区 · 城市运行管理中心"}


def test_compare_years_district_line_keeps_only_departments_of_every_year():
    at = open_page("compare_years")
    assert_clean(at)
    grouped = table(at, "district", "year", "total_expenditure_yuan")
    # 普陀's only 决算 is 财政局 2024: one point, not a line joining other departments' years.
    putuo = grouped[(grouped["district"] == "普陀") & grouped["total_expenditure_yuan"].notna()]
    assert list(putuo["year"]) == [2024]


@pytest.mark.parametrize("name", ["indicators", "projects", "budget_lines", "narrative_items", "checks"])
def test_download_headers_and_values_are_chinese(name: str):
    at = open_page("download")
    at.selectbox(key="dl_table").set_value(name).run()
    assert_clean(at)
    shown = at.dataframe[0].value
    english = [c for c in shown.columns if re.fullmatch(r"[A-Za-z_ ]+", c)]
    assert not english, english
    for column in ("类型", "文件类型", "版式", "分类", "严重程度", "是否合计", "是否达标"):
        if column in shown.columns:
            values = {str(v) for v in shown[column].dropna().unique()}
            assert not any(re.fullmatch(r"[a-z_]+|True|False", v) for v in values), (column, values)
    for column in shown.columns:
        if "执行率" in column:
            assert column.endswith("（%）")
            assert shown[column].dropna().between(0, 1000).all()


def test_fifty_bogus_url_values_make_one_note():
    at = open_page("overview", {"district": [f"假区{i}" for i in range(50)], "year": ["abc", "1900"]})
    assert_clean(at)
    assert len(at.sidebar.warning) == 1
    assert "取值过多" in at.sidebar.warning[0].value and "另有" in at.sidebar.warning[0].value


def test_budget_page_follows_one_department_across_years():
    # 万里街道's 支出预算: 16,497.86 万元 in 2023 (p. 6 of its 2023 budget), 15,621.11 万元 in 2024.
    at = open_page("budget")
    assert_clean(at)
    assert at.selectbox(key="bg_department").value == "上海市普陀区人民政府万里街道办事处"
    years = table(at, "year", "expenditure_yuan", "change_yuan")
    assert list(years["year"]) == [2023, 2024]
    assert years["expenditure_yuan"].tolist() == pytest.approx([16497.864, 15621.1123])
    assert years["change_yuan"].iloc[1] == pytest.approx(15621.1123 - 16497.864)
    assert years["change_rate"].iloc[1] == pytest.approx((15621.1123 / 16497.864 - 1) * 100)
    titles = chart_titles(at)
    assert any("按年度" in t for t in titles) and any("功能分类" in t for t in titles)
    # No department here has a 预算 and a 决算 of the same year: the page says so.
    assert any("没有同一部门同一年度既有部门预算又有部门决算" in i.value for i in at.info)


def test_a_shared_link_restores_the_page_widgets():
    at = open_page("compare_districts", {"cmp_mode": "指定年度", "cmp_year": "2020"})
    assert_clean(at)
    assert at.radio(key="cmp_mode").value == "指定年度"
    assert at.selectbox(key="cmp_year").value == 2020
    assert at.query_params["cmp_mode"] == "指定年度" and at.query_params["cmp_year"] == "2020"
    at = open_page(
        "execution", {"ex_threshold": "70", "ex_n": "10", "ex_view": "逐项目预算步骤（年初 → 全年 → 执行）"}
    )
    assert_clean(at)
    assert (at.slider(key="ex_threshold").value, at.slider(key="ex_n").value) == (70, 10)  # the tab is open
    at.slider(key="ex_threshold").set_value(80).run()
    assert at.query_params["ex_threshold"] == "80"  # a change goes into the link
    at = open_page("download", {"dl_table": "checks", "q": "三公"})
    assert_clean(at)
    assert (at.selectbox(key="dl_table").value, at.text_input(key="dl_text").value) == ("checks", "三公")


def test_execution_draws_only_the_open_tabs_chart():
    """A filter change redraws one chart, not four (each costs the browser 0.15-0.4 s)."""
    at = open_page("execution")
    assert_clean(at)
    assert chart_titles(at) == ["全年预算数与执行数（万元，对数坐标）"]
    at.session_state["ex_view"] = "执行率分布"
    at.run()
    assert [t.split("（")[0] for t in chart_titles(at)] == ["项目预算执行率分布"]
    assert at.query_params["ex_view"] == "执行率分布"  # the open tab is in the link


def test_a_bad_widget_value_in_a_link_is_dropped():
    at = open_page("compare_districts", {"cmp_mode": "<script>", "cmp_year": "abc"})
    assert_clean(at)
    assert at.radio(key="cmp_mode").value == "各区最新年度"
    at = open_page("execution", {"ex_threshold": "3"})
    assert_clean(at)
    assert at.slider(key="ex_threshold").value == 90


def test_a_shared_link_restores_the_chosen_severities():
    at = open_page("quality", {"dq_sev": "info"})
    assert_clean(at)
    assert at.multiselect(key="dq_sev").value == ["info"]
    at.multiselect(key="dq_sev").set_value(["error", "info"]).run()
    assert at.query_params["dq_sev"] == "error,info"
    at = open_page("quality", {"dq_sev": "bogus,,x"})
    assert_clean(at)
    assert at.multiselect(key="dq_sev").value == ["error", "warning"]  # nothing valid: the default


def test_a_drill_from_a_chart_replaces_the_filters_on_the_next_run():
    """What state.drill leaves for the next run (a bar clicked on 总览): the sidebar takes it before drawing."""
    at = open_page("overview", {"district": "青浦"})
    at.session_state["_pending_filters"] = {
        "districts": ["普陀"],
        "years": [2024],
        "departments": ["上海市普陀区财政局"],
        "kinds": [],
    }
    at.switch_page("app_pages/structure.py").run()
    assert_clean(at)
    assert [m.value for m in at.sidebar.multiselect][:3] == [["普陀"], [2024], ["上海市普陀区财政局"]]
    assert at.selectbox[0].value is not None
    assert "普陀区 · 财政局 · 2024 年度 · 部门决算" in at.selectbox[0].format_func(at.selectbox[0].value)
    assert at.query_params["district"] == "普陀" and at.query_params["year"] == "2024"
    assert "_pending_filters" not in at.session_state


def test_quality_messages_wrap_onto_several_lines():
    """A check's 说明 runs to 100–200 characters: its tables get rows tall enough to wrap (above 4 rem)."""
    at = open_page("quality")
    assert_clean(at)
    heights = [d.proto.row_height for d in at.dataframe if "message" in d.value.columns]
    assert heights and all(h > 64 for h in heights), heights


def test_overview_counts_a_form_whose_district_and_year_were_not_read(monkeypatch, tmp_path: Path):
    """深圳 松岗's declaration workbook names no Shanghai district, and (its targets' '2023年' taken
    out) no year: 总览 still draws."""
    import shutil

    import openpyxl

    from etl.build import build
    from tests.conftest import ROOT, SEEDS

    raw = tmp_path / "raw"
    raw.mkdir()
    name = "shenzhen_songgang_subdistrict_2023_target_declarations.xlsx"
    wb = openpyxl.load_workbook(ROOT / "tests" / "cases" / "real" / name)
    for ws in wb.worksheets:  # the forms print no year; their targets name 2023 ('2023年12月前')
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "2023年" in cell.value:
                    cell.value = cell.value.replace("2023年", "本年")
    wb.save(raw / name)
    shutil.copy(SEEDS["songjiang_2020"], raw)
    build(raw, tmp_path / "warehouse", workers=1)
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(tmp_path / "warehouse"))
    at = open_page("overview")
    assert_clean(at)
    matrix = next(d.value for d in at.dataframe if "区" in d.value.columns and "2020" in d.value.columns)
    rows = (
        {r["区"]: r for r in matrix.to_dicts()}
        if hasattr(matrix, "to_dicts")
        else {r["区"]: r for r in matrix.to_dict("records")}
    )
    assert rows["未识别区"]["年度未识别"] == "绩效目标申报 20 个项目"  # the workbook's 20 forms
    assert "部门决算 1 个部门" in rows["松江"]["2020"]


def test_structure_link_names_the_document_not_its_place_in_the_list():
    # issue 19.1: a shared link kept 'st_doc=2', which opened another department after an import.
    at = open_page("structure", {"st_doc": "qingpu_government_service_office_2020_final_accounts.txt"})
    assert_clean(at)
    assert "青浦区" in at.selectbox(key="st_doc").format_func(at.selectbox(key="st_doc").value)
    old = open_page("structure", {"st_doc": "2"})  # a position is no document: the newest is shown
    assert_clean(old)
    assert "司法局 · 2026 年度" in old.selectbox(key="st_doc").format_func(old.selectbox(key="st_doc").value)


def test_structure_table_of_classes_and_a_drill_kept_in_the_link():
    # issue 19.10: amounts and shares beside the treemap; the 类 drilled to is a link parameter;
    # the top tile states the total (Plotly's implicit root hovered as "-- 万元").
    at = open_page("structure", {"st_doc": "songjiang_city_operation_center_2020_final_accounts.txt"})
    assert_clean(at)
    rows = table(at, "code", "name", "level_text", "amount_yuan", "share_of_total", "share_of_parent")
    classes = rows[rows["level_text"] == "类"]
    assert classes["share_of_total"].sum() == pytest.approx(100.0, abs=0.01)
    at.selectbox(key="st_class").select_index(1).run()
    assert_clean(at)
    chosen = at.session_state["st_class"]
    drilled = table(at, "code", "level_text")
    assert set(drilled["code"].str[:3]) == {chosen}
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    tree = spec["data"][0]
    assert tree["ids"][0] == "合计" and tree["parents"][0] == "" and tree["customdata"][0] > 0


def test_structure_statement_radio_keeps_an_option_after_switching_kinds():
    # issue 19.10: after switching from a 决算 to a 预算 the 口径 radio showed neither option.
    at = open_page("structure", {"st_doc": "songjiang_city_operation_center_2020_final_accounts.txt"})
    at.radio(key="st_statement").set_value("一般公共预算财政拨款支出决算表").run()
    doc = at.selectbox(key="st_doc")
    budget = next(o for o in doc.options if "部门预算" in o)
    doc.select_index(doc.options.index(budget)).run()
    assert_clean(at)
    radio = at.radio(key="st_statement_budget")
    assert radio.value in radio.options and radio.value == "支出预算总表"


def test_compare_years_score_line_never_joins_two_departments():
    # issue 19.3: 松江's 自评 are 城市运行管理中心's in 2020 and 行政服务中心's in 2021; the score line
    # drew one 松江 line from one to the other (an '8.8-point rise'). Each has one year: no 松江 line.
    at = open_page("compare_years")
    assert_clean(at)
    grouped = table(at, "district", "year", "avg_score")
    songjiang = grouped[(grouped["district"] == "松江") & grouped["avg_score"].notna()]
    assert songjiang.empty, songjiang
    captions = as_read(" ".join(c.value for c in at.caption))
    assert "未计入区的绩效自评得分趋势" in captions and "城市运行管理中心（2020 年）" in captions
    assert "行政服务中心（2021 年）" in captions
    # by department each keeps its own point
    at.radio(key="yr_by").set_value("部门").run()
    by_department = table(at, "department", "year", "avg_score")
    assert by_department["avg_score"].notna().sum() >= 2


def test_compare_years_table_has_the_change_and_the_departments_counted():
    at = open_page("compare_years")
    grouped = table(
        at, "district", "year", "total_expenditure_yuan", "change_yuan", "change_rate", "final_departments_n"
    )
    songjiang_2020 = grouped[(grouped["district"] == "松江") & (grouped["year"] == 2020)].iloc[0]
    assert songjiang_2020["final_departments_n"] == 1


def test_compare_districts_given_year_defaults_to_a_year_some_district_holds():
    # issue 19.4: 指定年度 defaulted to 2026 (only a 预算), a year no compared district has a 决算 or
    # 自评 of, and the caption then claimed 2026 for every district.
    at = open_page("compare_districts")
    at.radio(key="cmp_mode").set_value("指定年度").run()
    assert_clean(at)
    year = at.selectbox(key="cmp_year")
    assert "2026" not in year.options and "2024" in year.options and year.value == 2024  # 普陀 财政局 决算
    caption = as_read(" ".join(c.value for c in at.caption))
    assert "指定年度 2024 年" in caption and "普陀区 部门决算" in caption and "松江区 无数据" in caption


def test_overview_says_no_final_accounts_and_counts_department_budgets():
    # issue 19.5: '部门未识别' stood where a district-year simply has no 决算, and 部门预算 were ignored.
    at = open_page("overview")
    assert_clean(at)
    head = table(at, "district", "year", "final_coverage", "budget_coverage", "budget_expenditure_yuan")
    songjiang_2021 = head[(head["district"] == "松江") & (head["year"] == 2021)].iloc[0]
    assert (
        songjiang_2021["final_coverage"] == "无部门决算" and songjiang_2021["budget_coverage"] == "无部门预算"
    )
    assert not head["final_coverage"].str.contains("部门未识别").any()
    # 司法局 2026 部门预算 p.13 支出预算总表 合计 96,282,213.44 元
    justice = head[(head["district"] == "普陀") & (head["year"] == 2026)].iloc[0]
    assert justice["budget_expenditure_yuan"] == pytest.approx(9628.22, abs=0.005)
    assert justice["budget_coverage"] == "普陀区 · 司法局"
    assert any(m.label == "部门预算支出合计" for m in at.metric)


def test_execution_narrative_chart_holds_final_accounts_items_with_whole_labels():
    # issue 19.2: the 说明 chart cut labels to their last 18 characters ("2010601 出（类）财政事务…") and
    # 10 of its 30 bars were 部门预算 items with no 决算 figure.
    at = open_page("execution", {"ex_view": "部门决算说明：年初预算与支出决算"})
    assert_clean(at)
    spec = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "说明中的年初预算与支出决算" in json.loads(c.proto.spec)["layout"]["title"]["text"]
    )
    final = next(t for t in spec["data"] if t["name"] == "支出决算")
    assert all(x is not None for x in final["x"])  # every bar has its 决算 figure
    labels = final["y"]
    assert "普陀 2024：2010601<br>行政运行（项）" in labels  # 财政局 2024 决算 说明 p.23
    assert not any("司法局" in y or " 2026：" in y for y in labels)  # no 预算 items
    for label in labels:
        name = "".join(label.split("<br>")[1:])
        assert name.endswith(("）", ")", "…")), label


def test_download_shows_no_internals():
    # issue 19.7: 其他信息 as raw JSON, 项目编号 as a hash, an English check id.
    at = open_page("download", {"district": "普陀"})
    at.selectbox(key="dl_table").set_value("projects").run()
    assert_clean(at)
    shown = at.dataframe[0].value
    assert "项目编号" not in shown.columns and "project_id" not in shown.columns
    other = shown["其他信息"].dropna()
    assert not other.empty and not other.str.startswith("{").any()
    assert other.str.contains("年度资金申请总额：10,903,043.00").any()  # 万里 2023 p.35, as printed
    at.selectbox(key="dl_table").set_value("checks").run()
    assert not [c for c in at.dataframe[0].value.columns if c in ("check", "check_id", "校验编号")]
    names = [b.proto.label for b in at.get("download_button")]
    assert names, "download buttons shown"


def test_download_file_name_says_what_it_holds():
    from dashboard import export

    assert (
        export.file_name("项目", "普陀", "2023", "年度资金", "20261207-0816")
        == "项目-普陀-2023-年度资金-20261207-0816"
    )
    assert export.file_name("项目", "上海市/普陀 区") == "项目-上海市_普陀_区"


def test_unit_sentence_is_what_an_official_says():
    # issue 19.6: "表头金额单位：万元（采用：元）" is not a sentence an official understands.
    said = ui.unit_sentence("万元", "元")
    assert said == "原表表头写的金额单位是万元，但数字实为元，按元读入（依据见“数据质量”页）。"
    assert ui.unit_sentence("元", "元") == "原表金额单位为元。"
    assert "未注明" in ui.unit_sentence(None, "万元") and "采用" not in said


def test_quality_lists_each_document_with_its_identity_and_where_it_was_read():
    at = open_page("quality")
    assert_clean(at)
    assert not any("识别依据" in df.value.columns for df in at.dataframe)  # drawn once opened
    at.session_state["dq_open_identities"] = True  # the official opens 文件与识别结果
    at.run()
    docs = table(at, "所属地区", "区", "部门", "编报范围", "年度", "识别依据")
    justice = docs[docs["来源文件"] == "putuo_justice_bureau_2026_department_budget.pdf"].iloc[0]
    assert (justice["所属地区"], justice["区"], justice["部门"], justice["编报范围"], justice["年度"]) == (
        "上海市", "普陀", "上海市普陀区司法局", "部门", 2026,
    )  # fmt: skip
    assert "部门：第1页" in justice["识别依据"]


def test_download_preview_puts_the_subject_and_the_amount_first():
    # issue 19.8: at 1400 px the 报表数据 preview hid 科目 and 金额 off to the right
    at = open_page("download")
    at.selectbox(key="dl_table").set_value("budget_lines").run()
    assert_clean(at)
    columns = list(at.dataframe[0].value.columns)
    assert columns[:7] == ["区", "年度", "部门", "科目编码", "科目名称", "栏目", "金额（元）"], columns


def test_key_columns_come_first_where_a_phone_shows_two():
    # issue 19.8: at 400 px 数据质量 and 区际比较 hid the finding and the figures to the right
    quality = open_page("quality")
    details = [d.value for d in quality.dataframe if {"message", "title"} <= set(d.value.columns)]
    assert details, [list(d.value.columns)[:4] for d in quality.dataframe]
    assert all(list(d.columns)[0] == "message" for d in details if "project_name" not in d.columns)
    summary = table(quality, "错误", "警告", "提示", "document")
    assert list(summary.columns)[:3] == ["错误", "警告", "提示"]
    districts = open_page("compare_districts")
    scores = table(districts, "district", "avg_score", "execution_rate")
    assert list(scores.columns)[:5] == [
        "district",
        "year",
        "evaluated_projects",
        "avg_score",
        "execution_rate",
    ]


def test_structure_offers_the_newest_documents_and_keeps_a_linked_one(monkeypatch):
    """At 100,000 documents the list held 40,000 options and a change took 4 s to draw."""
    monkeypatch.setattr(ui, "MAX_DOCUMENT_CHOICES", 2)
    # the seeds' 决算 and 预算, newest first: 司法局 2026, 万里 2024 and 财政局 2024, 万里 2023, 2020 ...
    at = open_page("structure")
    assert_clean(at)
    assert len(at.selectbox(key="st_doc").options) == 2
    assert any("下拉只列出其中 2 份（最新的在前）" in c.value for c in at.caption)
    old = "songjiang_city_operation_center_2020_final_accounts.txt"
    at = open_page("structure", {"st_doc": old})  # a shared link to an older one still opens it
    assert_clean(at)
    assert at.selectbox(key="st_doc").value == old and len(at.selectbox(key="st_doc").options) == 3
