"""dashboard.queries against figures read by hand from the seed documents in data/raw.

Every expected value below was read from the source text (line numbers given),
not from the code's output.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from dashboard import queries
from dashboard.queries import Filters

from .conftest import project_id

HOSTILE = "松江' OR '1'='1"


def _row(df: pl.DataFrame, **match: object) -> dict:
    rows = [r for r in df.iter_rows(named=True) if all(r[k] == v for k, v in match.items())]
    assert len(rows) == 1, f"expected one row for {match}, got {len(rows)}"
    return rows[0]


# --- 总览 ---------------------------------------------------------------------------


def test_headline_songjiang_2020_matches_the_final_accounts(con, everything):
    # songjiang_city_operation_center_2020_final_accounts.txt line 1555:
    # 本年支出合计3,984.05万元，其中：基本支出2,026.81万元 … 项目支出1,957.24万元
    head = queries.headline_by_district_year(con, everything)
    row = _row(head, district="松江", year=2020)
    assert row["total_expenditure_yuan"] == Decimal("39840500.00")
    assert row["basic_yuan"] == Decimal("20268100.00")
    assert row["project_yuan"] == Decimal("19572400.00")
    # nine distinct self-evaluation forms in the appendix (printed twice: lines 1711-2649 and 2731-3161)
    assert row["evaluated_projects"] == 9


def test_headline_qingpu_2020_matches_the_final_accounts(con, everything):
    # qingpu_government_service_office_2020_final_accounts.txt line 357:
    # 合计 4,638.73 1,154.29 3,484.45
    row = _row(queries.headline_by_district_year(con, everything), district="青浦", year=2020)
    assert row["total_expenditure_yuan"] == Decimal("46387300.00")
    assert row["basic_yuan"] == Decimal("11542900.00")
    assert row["project_yuan"] == Decimal("34844500.00")
    assert row["evaluated_projects"] == 7  # 7 项目名称 forms, lines 1332-4260


def test_headline_counts_evaluated_projects_per_district_year(con, everything):
    head = queries.headline_by_district_year(con, everything)
    counts = {(r["district"], r["year"]): r["evaluated_projects"] for r in head.iter_rows(named=True)}
    # 21 自评表 in the 闵行 file, 5 in the 松江 2021 file
    # 普陀 2024 is the 财政局's PDF 决算 (no self-evaluations); 普陀 2023 and 2026 hold only 部门预算
    # (万里 2023, 司法局 2026): rows with their budget and no 决算 figures.
    assert counts == {
        ("普陀", 2023): 0,
        ("普陀", 2024): 0,
        ("普陀", 2026): 0,
        ("松江", 2020): 9,
        ("松江", 2021): 5,
        ("闵行", 2022): 21,
        ("青浦", 2020): 7,
    }
    # 支出决算表 合计 row, 本年支出合计 2,940.05 万元 (putuo_finance_bureau_2024_final_accounts.pdf p.10)
    assert _row(head, district="普陀", year=2024)["total_expenditure_yuan"] == Decimal("29400500.00")
    assert _row(head, district="普陀", year=2026)["total_expenditure_yuan"] is None
    assert _row(head, district="普陀", year=2026)["budget_expenditure_yuan"] == Decimal("96282213.44")
    # No 决算 for 闵行 2022: the spending columns are empty, not zero.
    minhang = _row(head, district="闵行", year=2022)
    assert minhang["total_expenditure_yuan"] is None
    # 松江 2021 总分: 100, 100, 100, 98 (窗口业务管理, line 132), 100
    assert _row(head, district="松江", year=2021)["avg_score"] == pytest.approx(99.6)


def test_headline_follows_the_district_filter(con):
    head = queries.headline_by_district_year(con, Filters(districts=("青浦",)))
    assert head["district"].to_list() == ["青浦"]


def test_coverage_holds_the_four_districts(con, everything):
    cov = queries.coverage(con, everything)
    assert set(cov["district"].to_list()) == {"普陀", "松江", "闵行", "青浦"}
    # one 决算 department in 普陀 (财政局 2024); the three 普陀 budgets are not counted as 决算
    assert _row(cov, district="普陀", year=2024, kind="final_accounts")["n"] == 1
    assert cov.filter((pl.col("district") == "普陀") & (pl.col("kind") == "final_accounts")).height == 1
    # the 2022 松江 target declaration file has 7 项目名称 forms (lines 56-1167)
    assert _row(cov, district="松江", year=2022, kind="target_declaration")["n"] == 7
    assert _row(cov, district="闵行", year=2022, kind="self_evaluation")["n"] == 21
    # the budgets count as budgets: 万里街道 2023 and 2024, 司法局 2026 (one department each)
    budgets = cov.filter(pl.col("kind") == "budget").sort("year")
    assert budgets.select("district", "year", "n").rows() == [
        ("普陀", 2023, 1),
        ("普陀", 2024, 1),
        ("普陀", 2026, 1),
    ]
    only_final = queries.coverage(con, Filters(kinds=("final_accounts",)))
    assert set(only_final["kind"].to_list()) == {"final_accounts"}


def test_filter_options_list_what_the_corpus_holds(con):
    options = queries.filter_options(con)
    assert options["districts"] == ["普陀", "松江", "闵行", "青浦"]
    # seeds 2020-2022; 普陀: 2024 决算, budgets of 2023, 2024 (万里) and 2026 (司法局)
    assert options["years"] == [2020, 2021, 2022, 2023, 2024, 2026]
    assert "上海市闵行区城市运行管理中心" in options["departments"]


# --- 结构 ---------------------------------------------------------------------------


def test_spending_by_class_songjiang_2020(con):
    # line 1566: 社会保障和就业支出（类）148.30万元 … 卫生健康支出（类）56.98万元 …
    # 城乡社区支出（类）3,727.47万元，占93.56% … 住房保障支出（类）51.30万元
    df = queries.spending_by_class(con, Filters(districts=("松江",), years=(2020,)))
    amounts = {r["code"]: r["amount_yuan"] for r in df.iter_rows(named=True)}
    assert amounts == {
        "208": Decimal("1483000.00"),
        "210": Decimal("569800.00"),
        "212": Decimal("37274700.00"),
        "221": Decimal("513000.00"),
    }
    share = _row(df, code="212")["share"]
    assert float(share) == pytest.approx(0.9356, abs=5e-5)


def test_three_public_qingpu_totals(con):
    # qingpu … line 854: 2.60 1.99 … (合计 预算数 2.60 万元, 决算数 1.99 万元)
    df = queries.three_public(con, Filters(districts=("青浦",)))
    total = _row(df, item="合计")
    assert total["budget_yuan"] == Decimal("26000.00")
    assert total["actual_yuan"] == Decimal("19900.00")


# --- 项目与评分 ------------------------------------------------------------------------


def test_projects_count_and_kinds(con, everything):
    df = queries.projects(con, everything)
    # 42 self-evaluations (9 + 5 + 21 + 7); 7 declarations (松江 2022) and the five 绩效目标填报表
    # of 万里街道's 2023 budget (putuo_wanli_subdistrict_2023_department_budget.pdf pp. 31-35)
    assert df.height == 54
    assert df.filter(pl.col("kind") == "target_declaration").height == 12
    assert df.filter(pl.col("kind") == "self_evaluation").height == 42
    assert queries.projects(con, everything, "self_evaluation").height == 42


def test_project_public_safety_reward(con):
    # minhang … lines 282-302: 年度资金总额 20000.00 950.00 500.00 10 52.64% 5.26 … 总分 100 95.26
    pid = project_id(con, "公共安全隐患举报奖励", "闵行")
    p = queries.project(con, pid).row(0, named=True)
    assert p["budget_initial_yuan"] == Decimal("20000.00")
    assert p["budget_full_year_yuan"] == Decimal("950.00")
    assert p["executed_yuan"] == Decimal("500.00")
    assert p["execution_rate"] == Decimal("0.5264")
    assert p["score_total"] == Decimal("95.26")
    assert queries.project(con, "no-such-id").is_empty()


def test_window_business_indicator_lost_a_point(con):
    # songjiang_administrative_service_center_2021 line 113:
    # 服务新开办企业数量 >=29000家 3146 7 6 预算调整，实际与预期有差距
    pid = project_id(con, "窗口业务管理", "松江")
    inds = queries.project_indicators(con, pid)
    row = _row(inds, level3="服务新开办企业数量")
    assert row["target_value"] == ">=29000家"
    assert row["actual_value"] == "3146"
    assert row["weight"] == Decimal("7")
    assert row["score"] == Decimal("6")
    assert row["meets_target"] is False


def test_anomalies_missed_target_with_full_points(con, everything):
    # songjiang 2020 line 3041: 居民知晓度 100% 0% 9 9 无 (宣传与推广, 总分 86)
    found = queries.anomalies(con, everything)
    missed = found.filter(pl.col("finding") == "未达目标却得满分")
    hits = missed.filter(
        (pl.col("district") == "松江")
        & (pl.col("year") == 2020)
        & (pl.col("project_name") == "宣传与推广")
        & pl.col("detail").str.contains("居民知晓度：目标 100%，实际 0%，得分 9/9", literal=True)
    )
    assert hits.height == 1
    assert hits["score_total"][0] == Decimal("86.00")


def test_anomalies_skip_an_indicator_that_lost_points(con, everything):
    # 窗口业务管理 missed 服务新开办企业数量 but scored 6 of 7: not "full points".
    found = queries.anomalies(con, everything)
    assert not found["detail"].str.contains("服务新开办企业数量", literal=True).any()
    missed = found.filter(pl.col("finding") == "未达目标却得满分")
    assert "窗口业务管理" not in missed["project_name"].to_list()


def test_anomalies_low_execution_high_score(con, everything):
    # 公共安全隐患举报奖励: 执行率 52.64%, 总分 95.26
    found = queries.anomalies(con, everything).filter(pl.col("finding") == "执行率低但得分高")
    row = _row(found, project_name="公共安全隐患举报奖励")
    assert row["district"] == "闵行"
    assert "52.64%" in row["detail"] and "95.26" in row["detail"]


def test_points_lost_for_songjiang_2021(con):
    # 窗口业务管理 lost 1 point each on 服务新开办企业数量 (7→6) and 政务服务免费快递业务量 (7→6)
    # (lines 113-114); its total is 98 (line 132); the other four forms score 100.
    lost = queries.points_lost(con, Filters(districts=("松江",), years=(2021,)))
    total = sum(float(v) for v in lost["points_lost"].to_list())
    assert total == pytest.approx(2.0)
    assert float(_row(lost, level1="产出指标", level2="数量指标")["points_lost"]) == pytest.approx(2.0)


def test_search_projects_finds_the_minhang_hotlines(con):
    # minhang lines 27 and 260 are the only project names containing 热线
    found = queries.search_projects(con, "热线")
    assert set(found["district"].to_list()) == {"闵行"}
    assert set(found["project_name"].to_list()) == {
        "962000民生热线电话费项目（线路租费）",
        "闵行区网格化中心市民服务热线功能拓展(2022运维)",
    }


@pytest.mark.parametrize("needle", ["%", "_", "%%", "\\"])
def test_search_treats_like_wildcards_as_text(con, needle):
    # no project name contains these characters: unescaped, % and _ would match all 54
    assert queries.search_projects(con, needle).is_empty()


# --- parameters are bound, never formatted --------------------------------------------------


@pytest.mark.parametrize(
    "f",
    [
        Filters(districts=(HOSTILE,)),
        Filters(departments=("x' OR '1'='1",)),
        Filters(districts=("1;DROP TABLE projects",)),
        Filters(districts=("'); DROP TABLE projects; --",), years=(2020,)),
    ],
)
def test_hostile_filter_values_match_nothing(con, f):
    assert queries.headline_by_district_year(con, f).is_empty()
    assert queries.coverage(con, f).is_empty()
    assert queries.projects(con, f).is_empty()
    assert queries.anomalies(con, f).is_empty()
    assert queries.spending_by_class(con, f).is_empty()
    assert queries.download_table(con, "budget_lines", f).is_empty()
    assert queries.download_table(con, "indicators", f).is_empty()
    # the tables are all still there
    assert queries.projects(con, Filters()).height == 54


def test_hostile_text_is_bound(con):
    assert queries.search_projects(con, "' OR '1'='1").is_empty()
    assert queries.project(con, "' OR '1'='1").is_empty()
    assert queries.download_table(con, "projects", Filters(), text="' OR 1=1 --").is_empty()
    with pytest.raises(ValueError):
        queries.download_table(con, "projects; DROP TABLE projects", Filters())


def test_kind_filter_is_honoured(con):
    only_declarations = Filters(kinds=("target_declaration",))
    assert queries.projects(con, only_declarations, "self_evaluation").is_empty()
    declared = queries.projects(con, only_declarations)
    assert declared.height == 12 and set(declared["kind"].to_list()) == {"target_declaration"}
    assert queries.headline_by_district_year(con, only_declarations).is_empty()
    assert queries.anomalies(con, only_declarations).is_empty()


def test_download_table_filters_by_text(con, everything):
    df = queries.download_table(con, "projects", everything, text="热线")
    assert df.height == 2
    assert queries.download_table(con, "projects", everything, limit=5).height == 5


# --- money stays exact ------------------------------------------------------------------------


def _money_columns(df: pl.DataFrame) -> list[str]:
    return [c for c in df.columns if c.endswith("_yuan")]


@pytest.mark.parametrize(
    "name",
    [
        "headline_by_district_year",
        "spending_by_class",
        "functional_tree",
        "economic_basic",
        "basic_vs_project",
        "three_public",
        "projects",
        "project_trend",
        "project_links",
        "narrative_items",
    ],
)
def test_money_columns_stay_decimal(con, everything, name):
    df = getattr(queries, name)(con, everything)
    money = _money_columns(df)
    assert money, f"{name} has no money column"
    for column in money:
        assert isinstance(df.schema[column], pl.Decimal), (name, column, df.schema[column])
        values = df[column].drop_nulls().to_list()
        if name == "project_links":
            # The seeds' one declaration (松江 2022) has no self-evaluation of 2022 or later: no rows.
            assert df.is_empty()
            continue
        assert values and all(isinstance(v, Decimal) for v in values), (name, column)


def test_download_money_stays_decimal(con, everything):
    df = queries.download_table(con, "budget_lines", everything)
    assert isinstance(df.schema["amount_yuan"], pl.Decimal)


def test_data_version_time_is_beijing_time():
    from dashboard.state import beijing_time

    assert beijing_time("2026-12-01T23:51:06+00:00") == "2026-12-02 07:51 北京时间"
    assert beijing_time("not a time") == "not a time"


def test_budget_vs_final_per_class_with_the_reason():
    from decimal import Decimal

    import duckdb

    from dashboard import queries

    con = duckdb.connect()
    con.sql(
        """CREATE TABLE budget_lines AS SELECT * FROM (VALUES
        ('普陀', 2024, '某局', 'budget', '支出预算总表', '合计', 1, '208', '社会保障和就业支出', 100.00::DECIMAL(18,2)),
        ('普陀', 2024, '某局', 'final_accounts', '支出决算表', '本年支出合计', 1, '208', '社会保障和就业支出', 95.00::DECIMAL(18,2)),
        ('普陀', 2024, '某局', 'budget', '支出预算总表', '合计', 1, '210', '卫生健康支出', 50.00::DECIMAL(18,2)),
        ('普陀', 2023, '他局', 'budget', '支出预算总表', '合计', 1, '208', '社会保障和就业支出', 10.00::DECIMAL(18,2))
        ) t(district, year, department, doc_kind, template, measure, level, code, name, amount_yuan)"""
    )
    con.sql(
        """CREATE TABLE narrative_items AS SELECT * FROM (VALUES
        ('普陀', 2024, '某局', '2080505', '退休人员减少。')) t(district, year, department, code, reason)"""
    )
    out = queries.budget_vs_final(con, queries.Filters())
    assert out["department"].unique().to_list() == ["某局"]  # 他局 has no 决算 of 2023
    row = out.filter(out["code"] == "208").row(0, named=True)
    assert (row["budget_yuan"], row["final_yuan"], row["difference_yuan"]) == (
        Decimal("100.00"),
        Decimal("95.00"),
        Decimal("-5.00"),
    )
    assert row["rate"] == pytest.approx(0.95)
    assert out.filter(out["code"] == "210")["final_yuan"].to_list() == [None]


def test_checks_summary_lists_every_document_even_a_clean_one(con):
    docs = queries.documents(con)
    summary = queries.checks_summary(con, queries.Filters())
    assert set(summary["source_file"]) == set(docs["source_file"])
    # a document with no finding at all reads 0 / 0 / 0 instead of being missing
    import duckdb

    mem = duckdb.connect()
    mem.sql(
        "CREATE TABLE documents AS SELECT * FROM (VALUES ('a.pdf', '普陀', 2024, '某局', 'budget', true), "
        "('b.pdf', '普陀', 2024, '他局', 'budget', true)) t(source_file, district, year, department, kind, counted)"
    )
    mem.sql(
        "CREATE TABLE checks AS SELECT * FROM (VALUES ('x1', 'a.pdf', 'warning', '普陀', 2024, '某局')) "
        "t(check_id, source_file, severity, district, year, department)"
    )
    rows = {r["source_file"]: r for r in queries.checks_summary(mem, queries.Filters()).iter_rows(named=True)}
    assert (rows["a.pdf"]["warnings"], rows["b.pdf"]["warnings"], rows["b.pdf"]["errors"]) == (1, 0, 0)


def test_download_indicators_tell_same_name_projects_apart(con, everything):
    """Two projects named alike: each indicator row names its unit, form and amount, and stays with its project."""
    df = queries.download_table(con, "indicators", everything)
    for column in ("unit", "kind", "budget_full_year_yuan"):
        assert column in df.columns
    # 松江 2020 城运中心's seed has three self-evaluations named 宣传与推广 (lines 1715, 1832, 2116; same unit, form):
    # their 全年预算数 tells them apart.
    twins = df.filter(
        (pl.col("district") == "松江") & (pl.col("year") == 2020) & (pl.col("project_name") == "宣传与推广")
    )
    assert twins["project_id"].n_unique() == 3
    per_project = twins.group_by("project_id").agg(pl.col("budget_full_year_yuan").first())
    assert per_project["budget_full_year_yuan"].n_unique() == 3
    # one project's rows are contiguous: the project id changes only where a new project starts
    ids = df["project_id"].to_list()
    starts = [i for i in range(len(ids)) if i == 0 or ids[i] != ids[i - 1]]
    assert len(starts) == df["project_id"].n_unique()
