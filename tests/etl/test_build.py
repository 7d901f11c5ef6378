"""Warehouse-level tests: the whole build on the five seed documents, read back with polars.

Every golden figure here was read by hand from the seed text in data/raw (file lines are
cited as ``L<n>``); none was copied from the parser's output. The seed warehouse is built
once per session; the other builds (re-encoded seeds, bad files beside the seeds, failing
builds) each get their own directory under tmp_path_factory.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import etl.build
from etl import load
from etl.build import BuildError, build
from etl.errors import WarehouseUnwritable
from tests.conftest import RAW, SEEDS

D = Decimal

SJ2020 = SEEDS["songjiang_2020"].name
MH2022 = SEEDS["minhang_2022"].name
SJ2022 = SEEDS["songjiang_2022_decl"].name
QP2020 = SEEDS["qingpu_2020"].name
SJ2021 = SEEDS["songjiang_2021"].name
SEED_FILES = [p.name for p in SEEDS.values()]

TABLES = (
    "documents",
    "budget_lines",
    "projects",
    "indicators",
    "checks",
    "three_public",
    "narrative_items",
    "narrative_figures",
    "project_links",
)
SJ_CITY_OPS = "上海市松江区城市运行管理中心"
MH_CITY_OPS = "上海市闵行区城市运行管理中心"


# --- fixtures and helpers ----------------------------------------------------------------


def _read(out: Path) -> dict[str, pl.DataFrame]:
    return {name: load.read_table(out, name) for name in TABLES}


def _copy_seeds(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for path in SEEDS.values():
        (dest / path.name).write_bytes(path.read_bytes())
    return dest


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seeds alone (data/raw also holds real PDFs; they have tests of their own)."""
    root = tmp_path_factory.mktemp("seed_build")
    out = root / "warehouse"
    build(_copy_seeds(root / "raw"), out)
    return out


@pytest.fixture(scope="session")
def wh(warehouse: Path) -> dict[str, pl.DataFrame]:
    return _read(warehouse)


@pytest.fixture(scope="session")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    root = tmp_path_factory.mktemp("seed_build_again")
    out = root / "warehouse"
    build(_copy_seeds(root / "raw"), out, cache_dir=False)
    return _read(out)


def _where(df: pl.DataFrame, **equal: object) -> pl.DataFrame:
    for column, value in equal.items():
        df = df.filter(pl.col(column) == value)
    return df


def _one(df: pl.DataFrame, **equal: object) -> dict:
    found = _where(df, **equal)
    assert found.height == 1, f"{equal}: {found.height} rows"
    return found.row(0, named=True)


def _indicators_of(wh: dict[str, pl.DataFrame], project_id: str) -> pl.DataFrame:
    return wh["indicators"].filter(pl.col("project_id") == project_id).sort("seq")


def _same(got: pl.DataFrame, expected: pl.DataFrame, table: str) -> None:
    try:
        assert_frame_equal(got, expected, check_exact=True)
    except AssertionError as exc:
        raise AssertionError(f"table {table}: {exc}") from None


def _plain(text: str) -> str:
    """Message text with thousands separators removed: '5,301.88' -> '5301.88'."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


# --- documents ---------------------------------------------------------------------------

DOCUMENTS = [
    # file, district, year, department, a layout the file must be recognised as
    (SJ2020, "松江", 2020, SJ_CITY_OPS, "template_tables"),
    (MH2022, "闵行", 2022, MH_CITY_OPS, "self_eval_forms"),
    (SJ2022, "松江", 2022, SJ_CITY_OPS, "declaration_forms"),
    (QP2020, "青浦", 2020, "上海市青浦区政务服务办公室", "self_eval_qingpu"),
    (SJ2021, "松江", 2021, "上海市松江区行政服务中心", "self_eval_forms"),
]


# 青浦 2020 prints two rows of its 财政拨款收入支出决算总表 (二十二, 二十四) with 3 figures for
# 4 columns (PDF text, lines 603-604): they are not placed, so the document is honestly partial.
EXPECTED_STATUS = {SJ2020: "ok", MH2022: "ok", SJ2022: "ok", QP2020: "partial", SJ2021: "ok"}


def test_documents__five_rows_ok_but_qingpu_partial(wh: dict[str, pl.DataFrame]) -> None:
    docs = wh["documents"]
    assert sorted(docs["source_file"].to_list()) == sorted(SEED_FILES)
    assert dict(zip(docs["source_file"], docs["status"], strict=True)) == EXPECTED_STATUS
    assert docs["error"].null_count() == 5
    reasons = _where(wh["checks"], source_file=QP2020).filter(pl.col("check") == "row_not_aligned")
    assert sorted(m[: m.index("”")] for m in reasons["message"]) == [
        "财政拨款收入支出决算总表一行印有“二十二、灾害防治及应急管理支出 0.00 0.00 0.00",
        "财政拨款收入支出决算总表一行印有“二十四、抗疫特别国债安排的支出 0.00 0.00 0.00",
    ]


@pytest.mark.parametrize(("source_file", "district", "year", "department", "layout"), DOCUMENTS)
def test_documents__district_year_department_per_file(
    wh: dict[str, pl.DataFrame], source_file: str, district: str, year: int, department: str, layout: str
) -> None:
    doc = _one(wh["documents"], source_file=source_file)
    assert (doc["district"], doc["year"], doc["department"]) == (district, year, department)
    assert layout in doc["layouts"].split(",")
    assert doc["encoding"] == "utf-8"
    assert doc["sha256"] == hashlib.sha256((RAW / source_file).read_bytes()).hexdigest()


def test_documents__counts_agree_with_the_tables(wh: dict[str, pl.DataFrame]) -> None:
    for doc in wh["documents"].iter_rows(named=True):
        f = doc["source_file"]
        assert doc["n_projects"] == _where(wh["projects"], source_file=f).height, f
        assert doc["n_indicators"] == _where(wh["indicators"], source_file=f).height, f
        assert doc["n_budget_lines"] == _where(wh["budget_lines"], source_file=f).height, f
        assert doc["n_checks"] == _where(wh["checks"], source_file=f).height, f


def test_every_row_carries_its_documents_district_year_department(wh: dict[str, pl.DataFrame]) -> None:
    who = wh["documents"].select("source_file", "district", "year", "department")
    for table in (
        "budget_lines",
        "projects",
        "checks",
        "three_public",
        "narrative_items",
        "narrative_figures",
    ):
        df = wh[table]
        joined = df.select("source_file", "district", "year", "department").join(
            who, on="source_file", how="left", suffix="_doc"
        )
        for column in ("district", "year", "department"):
            bad = joined.filter(pl.col(column).ne_missing(pl.col(f"{column}_doc")))
            assert bad.is_empty(), f"{table}.{column}: {bad.head(3)}"


def test_manifest__counts_files_and_severities_match_the_tables(
    warehouse: Path, wh: dict[str, pl.DataFrame]
) -> None:
    manifest = load.read_manifest(warehouse)
    assert manifest is not None
    assert warehouse.is_symlink() and (warehouse / load.MANIFEST).is_file()
    for name in TABLES:
        assert manifest["counts"][name] == wh[name].height, name
    files = {f["source_file"]: f for f in manifest["files"]}
    assert set(files) == set(SEED_FILES)
    for name, f in files.items():
        assert f["sha256"] == hashlib.sha256((RAW / name).read_bytes()).hexdigest()
        assert f["status"] == EXPECTED_STATUS[name]
    severities = Counter(wh["checks"]["severity"].to_list())
    assert {k: v for k, v in manifest["checks_by_severity"].items() if v} == dict(severities)


def test_no_float_column_anywhere_and_money_is_decimal_18_2(wh: dict[str, pl.DataFrame]) -> None:
    money = 0
    for name, df in wh.items():
        for column, dtype in df.schema.items():
            assert not dtype.is_float(), f"{name}.{column} is {dtype}"
            if column.endswith("_yuan"):
                money += 1
                assert dtype == pl.Decimal(18, 2), f"{name}.{column} is {dtype}"
    # budget_lines 1, projects 4, three_public 2, narrative_items 5 (决算: 2; 预算: 3)
    assert money == 12


# --- projects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_file", "kind", "count"),
    [
        (SJ2020, "self_evaluation", 9),  # 绩效自评的2020年度项目9个 (L1607); nine sheet1 forms L2727-3201
        (MH2022, "self_evaluation", 21),  # 21 项目名称 lines L5-L484
        (SJ2021, "self_evaluation", 5),  # L5, L39, L69, L103, L136
        (QP2020, "self_evaluation", 7),  # 绩效自评的2020年度项目7个 (L1234); L1332-L4260
        (SJ2022, "target_declaration", 7),  # 编报绩效目标的项目7个 (L3)
    ],
)
def test_projects__every_project_exactly_once(
    wh: dict[str, pl.DataFrame], source_file: str, kind: str, count: int
) -> None:
    projects = _where(wh["projects"], source_file=source_file)
    assert projects.height == count
    assert projects["kind"].unique().to_list() == [kind]


def test_projects__ids_are_unique_and_total_49(wh: dict[str, pl.DataFrame]) -> None:
    projects = wh["projects"]
    assert projects.height == 9 + 21 + 5 + 7 + 7
    assert projects["project_id"].n_unique() == projects.height
    assert projects["project_id"].null_count() == 0


# (name, 全年预算数 as printed in the sheet1 form, 总分, indicator rows counted by hand)
SONGJIANG_2020_FORMS = [
    ("课题与规划", D("30000.00"), D(91), 6),  # L2731
    ("网络信息系统运行与维护", D("739550.00"), D(91), 10),  # L2768
    ("网络信息系统运行与维护", D("127700.00"), D(85), 15),  # L2823
    ("网络信息系统开发、升级、建设", D("17242249.00"), D(90), 13),  # L2888
    ("网络信息系统运行与维护", D("107000.00"), D(91), 8),  # L2949
    ("宣传与推广", D("712723.00"), D(86), 9),  # L3000
    ("宣传与推广", D("7682.00"), D(91), 6),  # L3060
    ("法律咨询与服务", D("30000.00"), D(97), 7),  # L3108
    ("宣传与推广", D("575856.58"), D(95), 10),  # L3157, printed twice side by side
]


def test_projects__songjiang_2020_holds_each_printed_form_once(wh: dict[str, pl.DataFrame]) -> None:
    projects = _where(wh["projects"], source_file=SJ2020)
    got = sorted(
        (r["project_name"], r["budget_full_year_yuan"], r["score_total"], r["n_indicators"])
        for r in projects.iter_rows(named=True)
    )
    assert got == sorted(SONGJIANG_2020_FORMS)
    # Each glued (PDF text) rendering has its complete sheet1 twin, so none is kept on its own.
    assert "glued" not in projects["layout"].to_list()
    for r in projects.iter_rows(named=True):
        assert r["department"] == SJ_CITY_OPS and r["unit"] == SJ_CITY_OPS
        assert r["budget_initial_yuan"] == r["budget_full_year_yuan"] == r["executed_yuan"]
        assert r["execution_rate"] == D(1)


def test_projects__three_different_xuanchuan_projects(wh: dict[str, pl.DataFrame]) -> None:
    same_name = _where(wh["projects"], source_file=SJ2020, project_name="宣传与推广")
    assert same_name["project_id"].n_unique() == 3
    assert sorted(same_name["budget_full_year_yuan"].to_list()) == [
        D("7682.00"),
        D("575856.58"),
        D("712723.00"),
    ]


def test_projects__side_by_side_block_is_kept_once_with_its_ten_indicators(
    wh: dict[str, pl.DataFrame],
) -> None:
    project = _one(wh["projects"], source_file=SJ2020, budget_full_year_yuan=D("575856.58"))
    indicators = _indicators_of(wh, project["project_id"])
    # L3169-L3199: ten rows, each printed twice on the same line.
    assert indicators["level3"].to_list() == [
        "硬件购置数",
        "硬件维护次数",
        "网络及通讯设备维护次数",
        "系统可操作性",
        "业务覆盖率",
        "系统使用率",
        "系统更新及时率",
        "安全事故发生次数",
        "维护及时安全运维",
        "受益群体满意度",
    ]
    assert indicators["weight"].to_list() == [D(w) for w in (5, 10, 10, 10, 9, 2, 3, 13, 13, 10)]


MINHANG_PROJECTS = [
    "闵行区城市运行“一网统管”可视化平台(2022运维)",
    "962000民生热线电话费项目（线路租费）",
    "962000号码使用费项目",
    "直播保障专用线路租费",
    "城运中心机房及多媒体会议室运维",
    "抽查案件质量评价(2022运维)",
    "区城市综合管理和应急联动信息系统项目(二期)(2019升级改造)(2022运维)",
    "闵行大联动决策分析系统 (拓展) (2022运维)",
    "闵行大联动综合业务平台(深化)项目(2022运维)",
    "微联动平台(2022运维)",
    "非保内设备损坏维护维修(2022运维)",
    "闵行区网格化中心市民服务热线功能拓展(2022运维)",
    "公共安全隐患举报奖励",
    "无主设施应急处置补贴",
    "网格化管理信息系统平台维护(2022运维)",
    "区城市综合管理和应急联动信息系统项目(二期)(2022运维)",
    "闵行区联动中心存储备份系统(2022运维)",
    "城管通运行",
    "政府购买辅助服务项目经费",
    "电脑耗材、电话等办公经费",
    "党建经费",
]


def test_projects__minhang_names_and_totals(wh: dict[str, pl.DataFrame]) -> None:
    projects = _where(wh["projects"], source_file=MH2022).sort("source_line")
    assert projects["project_name"].to_list() == MINHANG_PROJECTS
    # 总分 column: 100 everywhere except L256 99.95, L302 95.26, L459 99.37, L502 95.58.
    assert sorted(projects["score_total"].to_list()) == sorted(
        [D(100)] * 17 + [D("99.95"), D("95.26"), D("99.37"), D("95.58")]
    )
    assert set(projects["department"].to_list()) == {MH_CITY_OPS}
    assert set(projects["department_printed"].to_list()) == {MH_CITY_OPS + "(汇总)"}


def test_projects__songjiang_2021_funds_and_totals(wh: dict[str, pl.DataFrame]) -> None:
    projects = _where(wh["projects"], source_file=SJ2021).sort("source_line")
    got = [
        (
            r["project_name"],
            r["budget_initial_yuan"],
            r["budget_full_year_yuan"],
            r["executed_yuan"],
            r["score_total"],
            r["n_indicators"],
        )
        for r in projects.iter_rows(named=True)
    ]
    assert got == [
        ("深化“一网通办”专项费用", D("8340000"), D("6261700"), D("6261700"), D(100), 18),  # L8 '6,261,700'
        ("业务培训", D("18000"), D("7980"), D("7980"), D(100), 15),  # L42
        ("宣传与推广", D("730000"), D("667136.24"), D("667136.24"), D(100), 19),  # L72
        ("窗口业务管理", D("3596500"), D("802257.18"), D("802257.18"), D(98), 18),  # L106, 总分 98 L132
        ("网络信息系统运行与维护", D("1000000"), D("935600"), D("935600"), D(100), 19),  # L139
    ]


def test_projects__qingpu_funds(wh: dict[str, pl.DataFrame]) -> None:
    projects = _where(wh["projects"], source_file=QP2020).sort("source_line")
    got = [
        (
            r["project_name"],
            r["budget_full_year_yuan"],
            r["executed_yuan"],
            r["prior_year_budget_yuan"],
            r["execution_rate"],
        )
        for r in projects.iter_rows(named=True)
    ]
    # 当年预算数 / 预算执行数 / 上年预算金额 / 预算执行率 of each form (L1334-L4263).
    assert got == [
        ("台式电脑", D("113600.00"), D("79984.00"), D("0.00"), D("0.7041")),
        ("“互联网+政务服务”管理经费", D("3146000.00"), D("3135297.22"), D("1653400.00"), D("0.9966")),
        ("“互联网+政务服务”建设经费", D("27048448.74"), D("10433436.99"), D("10716780.00"), D("0.3857")),
        ("进驻窗口单位成本及管理工作", D("7341100.00"), D("7021160.19"), D("5957150.00"), D("0.9564")),
        ("物业费与租赁费", D("6180106.00"), D("6177725.09"), D("0.00"), D("0.9996")),
        ("政府网站运维管理经费", D("2252100.00"), D("2135346.00"), D("2786680.00"), D("0.9482")),
        ("智慧城市", D("6937400.00"), D("6868206.00"), D("0.00"), D("0.9900")),
    ]


def test_projects__declarations(wh: dict[str, pl.DataFrame]) -> None:
    projects = _where(wh["projects"], source_file=SJ2022).sort("source_line")
    got = [(r["project_name"], r["budget_initial_yuan"]) for r in projects.iter_rows(named=True)]
    # 年度资金申请总额 of each form (L75, L257, L422, L628, L803, L973, L1186): 582.64万元 in all (L3).
    assert got == [
        ("设备运行与维护", D("1132300")),
        ("法律咨询与服务", D("30000")),
        ("网络信息系统运行与维护", D("576000")),
        ("业务培训", D("75000")),
        ("课题与规划", D("200000")),
        ("宣传与推广", D("1020000")),
        ("网络信息系统开发、升级、建设（历年已批复）", D("2793072.2")),
    ]
    assert sum(projects["budget_initial_yuan"].to_list()) == D("5826372.20")
    assert projects["executed_yuan"].null_count() == 7
    assert projects["score_total"].null_count() == 7
    assert set(projects["year"].to_list()) == {2022}


def test_projects__every_form_lies_within_its_source_lines(wh: dict[str, pl.DataFrame]) -> None:
    texts = {name: (RAW / name).read_text(encoding="utf-8").split("\n") for name in SEED_FILES}
    for r in wh["projects"].iter_rows(named=True):
        lines = texts[r["source_file"]]
        assert 1 <= r["source_line"] <= r["end_line"] <= len(lines)
        span = "".join("".join(lines[r["source_line"] - 1 : r["end_line"]]).split())
        assert "".join(r["project_name"].split()) in span, (r["source_file"], r["source_line"])


def test_project_id__stable_across_two_builds(
    wh: dict[str, pl.DataFrame], second_build: dict[str, pl.DataFrame]
) -> None:
    key = ["source_file", "source_line", "project_name"]
    first = wh["projects"].select(*key, "project_id").sort(key)
    again = second_build["projects"].select(*key, "project_id").sort(key)
    assert_frame_equal(first, again)
    assert (
        wh["indicators"]["indicator_id"].sort().to_list()
        == second_build["indicators"]["indicator_id"].sort().to_list()
    )
    assert wh["checks"]["check_id"].sort().to_list() == second_build["checks"]["check_id"].sort().to_list()


# --- units -------------------------------------------------------------------------------


def test_units__songjiang_2020_forms_say_wan_but_hold_yuan(wh: dict[str, pl.DataFrame]) -> None:
    projects = _where(wh["projects"], source_file=SJ2020)
    big = _one(projects, project_name="网络信息系统开发、升级、建设")
    assert big["budget_full_year_yuan"] == D("17242249.00")  # L2898, header 项目资金（万元） L2896
    assert big["executed_yuan"] == D("17242249.00")
    assert set(projects["amount_unit_printed"].to_list()) == {"万元"}
    assert set(projects["amount_unit"].to_list()) == {"元"}
    # The narrative's 1957.28万元 for 9 projects (L1607) is their sum read as 元.
    assert sum(projects["budget_full_year_yuan"].to_list()) == D("19572760.58")
    decided = _where(wh["checks"], source_file=SJ2020, check="unit_decided")
    assert decided.height >= 1
    assert any("1957.28" in _plain(m) for m in decided["message"].to_list())


def test_units__budget_lines_are_wan_times_10000_exactly(wh: dict[str, pl.DataFrame]) -> None:
    lines = wh["budget_lines"]
    # Every 决算 table of both final accounts says 单位：万元 (e.g. SJ2020 L50-L1393, QP2020 L221).
    assert set(lines["unit_printed"].to_list()) == {"万元"}
    assert lines["amount_yuan"].null_count() == 0
    for r in lines.iter_rows(named=True):
        assert r["amount_yuan"] == D(r["amount_printed"].replace(",", "")) * 10000, r


def test_units__songjiang_2020_total_expenditure(wh: dict[str, pl.DataFrame]) -> None:
    # 支出决算表 合计 本年支出合计 3,984.05 (L428-L429).
    row = _one(
        wh["budget_lines"],
        source_file=SJ2020,
        statement="支出决算表",
        measure="本年支出合计",
        is_total=True,
    )
    assert row["amount_yuan"] == D("39840500.00")
    assert str(row["amount_yuan"]) == "39840500.00"
    assert row["level"] == 0 and row["code"] is None


# --- budget lines ------------------------------------------------------------------------

STATEMENTS = {
    "收入支出决算总表",
    "收入决算表",
    "支出决算表",
    "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算表",
}


def test_budget_lines__statement_names_without_the_year(wh: dict[str, pl.DataFrame]) -> None:
    lines = wh["budget_lines"]
    for source_file in (SJ2020, QP2020):
        # SJ2020 prints '2020年度一般公共预算财政拨款基本支出决算表' (L939).
        assert set(_where(lines, source_file=source_file)["statement"].to_list()) == STATEMENTS
    assert lines.filter(pl.col("statement").str.contains(r"\d{4}|年度")).is_empty()


def test_budget_lines__levels(wh: dict[str, pl.DataFrame]) -> None:
    lines = wh["budget_lines"]
    totals = lines.filter(pl.col("is_total"))
    assert totals.height > 0
    assert set(totals["level"].to_list()) == {0}
    assert totals["code"].null_count() == totals.height
    coded = lines.filter(pl.col("code").is_not_null())
    expected = {
        ("functional", 3): 1,
        ("functional", 5): 2,
        ("functional", 7): 3,
        ("economic", 3): 1,
        ("economic", 5): 2,
    }
    for r in coded.iter_rows(named=True):
        assert r["level"] == expected[(r["classification"], len(r["code"]))], r
    assert set(coded["classification"].to_list()) == {"functional", "economic"}


@pytest.mark.parametrize(
    ("statement", "measure", "code", "name", "printed", "level"),
    [
        ("支出决算表", "本年支出合计", "208", "社会保障和就业支出", "148.30", 1),  # L428ff
        ("支出决算表", "基本支出", "20805", "行政事业单位养老支出", "148.30", 2),
        ("支出决算表", "本年支出合计", "2080505", "机关事业单位基本养老保险缴费支出", "99.08", 3),
        ("支出决算表", "项目支出", "2120199", "其他城乡社区管理事务支出", "1,957.24", 3),
        ("一般公共预算财政拨款支出决算表", "基本支出", "21201", "城乡社区管理事务", "1,770.23", 2),
        ("一般公共预算财政拨款基本支出决算表", "决算数", "301", "工资福利支出", "1,963.09", 1),  # L951
        ("一般公共预算财政拨款基本支出决算表", "决算数", "30101", "基本工资", "135.78", 2),  # L958
    ],
)
def test_budget_lines__songjiang_2020_rows(
    wh: dict[str, pl.DataFrame], statement: str, measure: str, code: str, name: str, printed: str, level: int
) -> None:
    row = _one(wh["budget_lines"], source_file=SJ2020, statement=statement, measure=measure, code=code)
    assert row["name"] == name
    assert row["level"] == level
    assert row["amount_yuan"] == D(printed.replace(",", "")) * 10000


def test_budget_lines__songjiang_2020_basic_expenditure_totals(wh: dict[str, pl.DataFrame]) -> None:
    basic = _where(
        wh["budget_lines"], source_file=SJ2020, statement="一般公共预算财政拨款基本支出决算表", is_total=True
    )
    got = {r["name"]: r["amount_yuan"] for r in basic.iter_rows(named=True)}
    assert got == {"人员经费合计": D("19635900.00"), "公用经费合计": D("20204600.00")}  # L1210-L1213


@pytest.mark.parametrize(
    ("statement", "measure", "code", "name", "yuan"),
    [
        # 收入决算表: '2080505 / 机关事业单位基本养老保 / 险缴费支出 / 99.14 ...' (L254-L261)
        ("收入决算表", "本年收入合计", "2080505", "机关事业单位基本养老保险缴费支出", "991400.00"),
        ("收入决算表", "财政拨款收入", "2080505", "机关事业单位基本养老保险缴费支出", "991400.00"),
        # '2080506 / 机关事业单位职业年金缴 / 费支出 48.72 ...' (L281-L285)
        ("收入决算表", "本年收入合计", "2080506", "机关事业单位职业年金缴费支出", "487200.00"),
        # 支出决算表: '2080505 / 机关事业单位基本养老 / 保险缴费支出 / 92.38 ...' (L377-L381)
        ("支出决算表", "本年支出合计", "2080505", "机关事业单位基本养老保险缴费支出", "923800.00"),
    ],
)
def test_budget_lines__qingpu_wrapped_names_are_joined(
    wh: dict[str, pl.DataFrame], statement: str, measure: str, code: str, name: str, yuan: str
) -> None:
    row = _one(wh["budget_lines"], source_file=QP2020, statement=statement, measure=measure, code=code)
    assert row["name"] == name
    assert row["amount_yuan"] == D(yuan)
    assert row["level"] == 3


def test_budget_lines__one_name_per_code_in_a_document(wh: dict[str, pl.DataFrame]) -> None:
    names = (
        wh["budget_lines"]
        .filter(pl.col("code").is_not_null())
        .group_by("source_file", "classification", "code")
        .agg(pl.col("name").unique())
        .filter(pl.col("name").list.len() > 1)
    )
    assert names.is_empty(), names


def test_budget_lines__amounts_are_printed_near_their_source_line(wh: dict[str, pl.DataFrame]) -> None:
    texts = {name: (RAW / name).read_text(encoding="utf-8").split("\n") for name in (SJ2020, QP2020)}
    for r in wh["budget_lines"].iter_rows(named=True):
        lines = texts[r["source_file"]]
        here = "".join(lines[r["source_line"] - 1].split())
        if r["code"] is not None:
            assert r["code"] in here, r
        window = "".join("".join(lines[r["source_line"] - 1 : r["source_line"] + 30]).split()).replace(
            ",", ""
        )
        assert r["amount_printed"].replace(",", "") in window, r


# --- indicators --------------------------------------------------------------------------


def test_indicators__minhang_public_safety_reward(wh: dict[str, pl.DataFrame]) -> None:
    # L282-L302: 20000.00 | 950.00 | 500.00 | 10 | 52.64% | 5.26, 总分 95.26.
    project = _one(wh["projects"], source_file=MH2022, project_name="公共安全隐患举报奖励")
    assert project["budget_initial_yuan"] == D("20000.00")
    assert project["budget_full_year_yuan"] == D("950.00")
    assert project["executed_yuan"] == D("500.00")
    assert project["execution_rate"] == D("0.5264")
    assert project["execution_weight"] == D(10)
    assert project["execution_score"] == D("5.26")
    assert project["score_total"] == D("95.26")
    assert project["n_indicators"] == 9
    indicators = _indicators_of(wh, project["project_id"])
    assert indicators["level3"].to_list() == [
        "安全隐患举报奖励应奖尽奖率",
        "奖励案件类型",
        "奖励程序合规性",
        "奖励发放及时性",
        "公共安全隐患案件发现处置及时性",
        "有责投诉率",
        "公共安全隐患事件",
        "公共安全隐患案件处理机制健全性",
        "举报市民满意度",
    ]
    assert indicators["weight"].to_list() == [D(w) for w in (14, 12, 12, 12, 10, 10, 5, 5, 10)]
    assert indicators["score"].to_list() == [D(w) for w in (14, 12, 12, 12, 10, 10, 5, 5, 10)]
    # L297 '有责投诉率|||0%|0%|10|10|无' is printed without its 一级/二级 cells: carried from L296.
    row = _one(indicators, level3="有责投诉率")
    assert (row["level1"], row["level2"], row["target_value"], row["actual_value"]) == (
        "效益指标",
        "社会效益指标",
        "0%",
        "0%",
    )


def test_indicators__songjiang_2021_new_companies(wh: dict[str, pl.DataFrame]) -> None:
    project = _one(wh["projects"], source_file=SJ2021, project_name="窗口业务管理")
    row = _one(_indicators_of(wh, project["project_id"]), level3="服务新开办企业数量")
    # L113: 产出指标 | 数量指标 | 服务新开办企业数量 | >=29000家 | 3146 | 7 | 6 | 预算调整，实际与预期有差距
    assert row["source_line"] == 113
    assert (row["level1"], row["level2"]) == ("产出指标", "数量指标")
    assert row["target_value"] == ">=29000家"
    assert row["actual_value"] == "3146"
    assert row["weight"] == D(7) and row["score"] == D(6)
    assert row["meets_target"] is False
    assert row["target_op"] == ">="
    assert row["target_number"] == D(29000)
    assert row["target_unit"] == "家"
    assert row["actual_number"] == D(3146)
    assert row["deviation_reason"] == "预算调整，实际与预期有差距"


def test_indicators__songjiang_2020_resident_awareness(wh: dict[str, pl.DataFrame]) -> None:
    project = _one(wh["projects"], source_file=SJ2020, budget_full_year_yuan=D("712723.00"))
    assert project["project_name"] == "宣传与推广"
    row = _one(_indicators_of(wh, project["project_id"]), level3="居民知晓度")
    # L3041: 效益指标 | 社会效益指标 | 居民知晓度 | 100% | 0% | 9 | 9 | 无
    assert (row["level1"], row["level2"]) == ("效益指标", "社会效益指标")
    assert (row["target_value"], row["actual_value"]) == ("100%", "0%")
    assert row["weight"] == D(9) and row["score"] == D(9)
    assert row["meets_target"] is False


def test_indicators__declarations_have_targets_only(wh: dict[str, pl.DataFrame]) -> None:
    ids = _where(wh["projects"], source_file=SJ2022)["project_id"].implode()
    indicators = wh["indicators"].filter(pl.col("project_id").is_in(ids))
    assert indicators.height > 0
    assert indicators["target_value"].null_count() == 0
    for column in ("actual_value", "weight", "score", "meets_target"):
        assert indicators[column].null_count() == indicators.height, column
    # 设备运行与维护 (L108-L199): fifteen indicators, e.g. 受益群体满意度 >=85%.
    project = _one(wh["projects"], source_file=SJ2022, project_name="设备运行与维护")
    rows = _indicators_of(wh, project["project_id"])
    assert rows.height == 15
    row = _one(rows, level3="受益群体满意度")
    assert (row["level1"], row["level2"], row["target_value"]) == (
        "满意度指标",
        "服务对象满意度指标",
        ">=85%",
    )
    assert (row["target_op"], row["target_number"], row["target_unit"]) == (">=", D(85), "%")


FUNDS_LABELS = ("年度资金总额", "当年财政拨款", "上年结转", "其他资金", "项目资金")


def test_indicators__budget_execution_line_is_not_an_indicator(wh: dict[str, pl.DataFrame]) -> None:
    tabbed = wh["projects"].filter(pl.col("layout") == "self_eval_form")
    indicators = wh["indicators"].filter(pl.col("project_id").is_in(tabbed["project_id"].implode()))
    for label in FUNDS_LABELS:
        for column in ("level1", "level2", "level3"):
            assert indicators.filter(pl.col(column).str.contains(label)).is_empty(), (label, column)
    # The funds line carries the 10 points of budget execution; indicators carry the other 90.
    assert set(tabbed["execution_weight"].to_list()) == {D(10)}
    for project in _where(wh["projects"], source_file=SJ2021).iter_rows(named=True):
        weights = _indicators_of(wh, project["project_id"])["weight"].to_list()
        assert sum(weights) == D(90), project["project_name"]  # hand-summed, L14-L166
        assert project["execution_score"] == D(10)


LEVEL1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}


def test_indicators__tabbed_self_evaluations_have_full_hierarchy(wh: dict[str, pl.DataFrame]) -> None:
    tabbed = wh["projects"].filter(
        (pl.col("layout") == "self_eval_form") & (pl.col("kind") == "self_evaluation")
    )
    indicators = wh["indicators"].filter(pl.col("project_id").is_in(tabbed["project_id"].implode()))
    assert indicators.height > 300
    assert indicators["level1"].null_count() == 0
    assert indicators["level2"].null_count() == 0
    assert set(indicators["level1"].to_list()) <= LEVEL1
    assert all(level2.endswith("指标") for level2 in indicators["level2"].to_list())
    assert indicators["level3"].null_count() == 0


@pytest.mark.parametrize(
    ("source_file", "line", "level1", "level2", "level3"),
    [
        # Merged cells carried down from the row above (SJ2021).
        (SJ2021, 119, "产出指标", "时效指标", "快递邮寄及时性"),  # L117 starts 时效指标
        (SJ2021, 120, "产出指标", "成本指标", "资金使用率"),
        (SJ2021, 131, "满意度指标", "服务对象满意度指标", "企业、群众满意度"),  # L130
        (SJ2021, 154, "产出指标", "时效指标", "项目工作开展及时率"),  # after the page break L153
        (SJ2021, 164, "效益指标", "可持续影响指标", "信息公开情况"),  # L161
        # 闵行 城管通运行: L426 '案件办结率|||≥96%…' and L428 '效益指标||案件信息获取及时性…'
        (MH2022, 426, "效益指标", "社会效益指标", "案件办结率"),
        (MH2022, 428, "效益指标", "社会效益指标", "案件信息获取及时性"),
    ],
)
def test_indicators__merged_cells_carried(
    wh: dict[str, pl.DataFrame], source_file: str, line: int, level1: str, level2: str, level3: str
) -> None:
    row = _one(wh["indicators"], source_file=source_file, source_line=line)
    assert (row["level1"], row["level2"], row["level3"]) == (level1, level2, level3)


def test_indicators__ids_seq_and_counts(wh: dict[str, pl.DataFrame]) -> None:
    indicators = wh["indicators"]
    assert indicators["indicator_id"].n_unique() == indicators.height
    per_project = indicators.group_by("project_id").agg(
        pl.len().alias("n"), pl.col("seq").sort().alias("seq"), pl.col("source_file").unique().alias("files")
    )
    projects = wh["projects"].join(per_project, on="project_id", how="left")
    for r in projects.iter_rows(named=True):
        n = r["n"] or 0
        assert r["n_indicators"] == n, r["project_name"]
        assert (r["seq"] or []) == list(range(1, n + 1)), r["project_name"]
        assert (r["files"] or [r["source_file"]]) == [r["source_file"]]
    assert indicators.filter(~pl.col("project_id").is_in(wh["projects"]["project_id"].implode())).is_empty()


def test_indicators__printed_at_their_source_line(wh: dict[str, pl.DataFrame]) -> None:
    texts = {name: (RAW / name).read_text(encoding="utf-8").split("\n") for name in SEED_FILES}
    for r in wh["indicators"].iter_rows(named=True):
        lines = texts[r["source_file"]]
        here = "".join(lines[r["source_line"] - 1].split())
        window = "".join("".join(lines[r["source_line"] - 1 : r["source_line"] + 12]).split())
        name = "".join(r["level3"].split())
        assert here and name[:2] in here and name in window, (r["source_file"], r["source_line"], name)


# --- the orphan fragment in 闵行 ------------------------------------------------------------


def test_orphan_fragment__attached_to_no_project(wh: dict[str, pl.DataFrame]) -> None:
    project = _one(wh["projects"], source_file=MH2022, project_name="闵行区联动中心存储备份系统(2022运维)")
    indicators = _indicators_of(wh, project["project_id"])
    # Its own form L393-L401: eight rows, 分值 20+20+10+8+8+6+8+10 = 90 (+10 budget execution).
    assert indicators["level3"].to_list() == [
        "存储设备维保服务数量",
        "设备维护质量达标率",
        "设备维护及时性",
        "存储设备正常运行率",
        "系统故障重复率",
        "数据存储调取正常",
        "长效管理制度健全性",
        "使用人员满意度",
    ]
    assert project["n_indicators"] == 8
    assert sum(indicators["weight"].to_list()) == D(90)
    assert project["end_line"] < 403
    # L403-L406 (and the 总分 at L407) belong to no form at all.
    stray = _where(wh["indicators"], source_file=MH2022).filter(pl.col("source_line").is_between(402, 408))
    assert stray.is_empty(), stray
    # The next form (城管通运行, L409-L432) keeps only its own ten rows.
    next_form = _one(wh["projects"], source_file=MH2022, project_name="城管通运行")
    rows = _indicators_of(wh, next_form["project_id"])
    assert rows.height == 10
    assert rows["source_line"].min() > 411


def test_orphan_fragment__warning_names_the_lines(wh: dict[str, pl.DataFrame]) -> None:
    warnings = _where(wh["checks"], source_file=MH2022, severity="warning")
    naming = [m for m in warnings["message"].to_list() if "403" in m and ("406" in m or "407" in m)]
    assert len(naming) == 1, warnings["message"].to_list()


# --- dedup of the two renderings in 松江 2020 ------------------------------------------------


def test_dedup__legal_consulting_renderings_differ(wh: dict[str, pl.DataFrame]) -> None:
    legal = _one(wh["projects"], source_file=SJ2020, project_name="法律咨询与服务")
    assert legal["source_line"] == 3108  # the sheet1 form is kept
    found = _where(wh["checks"], source_file=SJ2020, project_id=legal["project_id"]).filter(
        pl.col("check").str.starts_with("rendering_")
    )
    assert found.height == 1, found
    message = found["message"][0]
    assert "法律咨询与服务" in message and "3108" in message
    # The glued rendering prints no figure after '年度资金总 / 额' (L1859-L1861): the missing
    # budget is what differs from the sheet1 form's 30000.00 (L3118).
    assert "预算数" in message or "年度资金总额" in message


def test_dedup__identical_renderings_are_noted_not_kept(wh: dict[str, pl.DataFrame]) -> None:
    noted = _where(wh["checks"], source_file=SJ2020).filter(pl.col("check").str.starts_with("rendering_"))
    project_ids = set(_where(wh["projects"], source_file=SJ2020)["project_id"].to_list())
    # Nine glued renderings (L1711-L2651), each matched to one sheet1 form.
    assert noted.height == 9
    assert set(noted["project_id"].to_list()) == project_ids


# --- narrative against tables ------------------------------------------------------------


def test_narrative__qingpu_projects_exceed_the_stated_total(wh: dict[str, pl.DataFrame]) -> None:
    # L1236: 绩效自评的2020年度项目7个，涉及预算金额5290.51万元; the seven forms add up to
    # 53,018,754.74 元 = 5301.88万元 (hand sum of the 当年预算数 above).
    warnings = _where(wh["checks"], source_file=QP2020, severity="warning")
    naming = [m for m in warnings["message"].to_list() if "5290.51" in _plain(m) and "5301.88" in _plain(m)]
    assert len(naming) >= 1, warnings["message"].to_list()


def test_narrative__songjiang_basic_expenditure_does_not_add_up(wh: dict[str, pl.DataFrame]) -> None:
    # 基本支出 2,026.81 (L1555, 支出决算表) vs 人员经费合计 1,963.59 + 公用经费合计 2,020.46 = 3,984.05.
    warnings = _where(wh["checks"], source_file=SJ2020, severity="warning")
    naming = [
        m
        for m in warnings["message"].to_list()
        if "2026.81" in _plain(m)
        and ("3984.05" in _plain(m) or ("1963.59" in _plain(m) and "2020.46" in _plain(m)))
    ]
    assert len(naming) >= 1, warnings["message"].to_list()


def test_narrative__songjiang_2020_item_figures(wh: dict[str, pl.DataFrame]) -> None:
    # L1575: 住房保障支出（类）住房改革支出（款）住房公积金（项）… 年初预算为53.82万元，支出决算为51.30万元
    item = _one(wh["narrative_items"], source_file=SJ2020, code="2210201")
    assert "住房公积金" in item["item"]
    assert (item["budget_initial_yuan"], item["final_yuan"]) == (D("538200.00"), D("513000.00"))


def test_narrative__declarations_agree_with_their_stated_total(wh: dict[str, pl.DataFrame]) -> None:
    # L3: 编报绩效目标的项目7个，涉及项目预算资金582.64万元; the seven forms add up to
    # 5,826,372.20 元 (hand sum above): no finding may claim otherwise.
    assert _where(wh["checks"], source_file=SJ2022).filter(pl.col("severity") != "info").is_empty()


# --- 三公 --------------------------------------------------------------------------------


def test_three_public__qingpu_total(wh: dict[str, pl.DataFrame]) -> None:
    # L777-L854: 合计 预算数 2.60 决算数 1.99 (all of it 公务接待费).
    total = _one(wh["three_public"], source_file=QP2020, item="合计")
    assert (total["budget_yuan"], total["actual_yuan"]) == (D("26000.00"), D("19900.00"))
    reception = _one(wh["three_public"], source_file=QP2020, item="公务接待费")
    assert (reception["budget_yuan"], reception["actual_yuan"]) == (D("26000.00"), D("19900.00"))


def test_three_public__songjiang_all_zero(wh: dict[str, pl.DataFrame]) -> None:
    rows = _where(wh["three_public"], source_file=SJ2020)  # L1218-L1266: twelve 0.00
    assert rows.height == 6
    assert set(rows["budget_yuan"].to_list()) == {D(0)}
    assert set(rows["actual_yuan"].to_list()) == {D(0)}


# --- checks table integrity --------------------------------------------------------------


def test_checks__ids_unique_and_references_exist(wh: dict[str, pl.DataFrame]) -> None:
    checks = wh["checks"]
    assert checks["check_id"].n_unique() == checks.height
    assert set(checks["severity"].to_list()) <= {"error", "warning", "info"}
    assert set(checks["source_file"].to_list()) <= set(SEED_FILES)
    ids = wh["projects"]["project_id"].implode()
    assert checks.filter(pl.col("project_id").is_not_null() & ~pl.col("project_id").is_in(ids)).is_empty()
    links = wh["project_links"]
    assert links.filter(~pl.col("declaration_id").is_in(ids) | ~pl.col("evaluation_id").is_in(ids)).is_empty()
    assert _where(checks, severity="error").is_empty()


# --- encodings ---------------------------------------------------------------------------

VARIANTS = {
    "utf8_bom": ("utf-8-sig", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
    "gb18030": ("gb18030", lambda t: t.encode("gb18030")),
    "crlf": ("utf-8", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
    "gb18030_crlf": ("gb18030", lambda t: t.replace("\n", "\r\n").encode("gb18030")),
}


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, pl.DataFrame]]]:
    builds = {}
    for variant, (_, encode) in VARIANTS.items():
        root = tmp_path_factory.mktemp(f"enc_{variant}")
        raw = root / "raw"
        raw.mkdir()
        for path in SEEDS.values():
            (raw / path.name).write_bytes(encode(path.read_text(encoding="utf-8")))
        build(raw, root / "warehouse")
        builds[variant] = (raw, _read(root / "warehouse"))
    return builds


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_encodings__identical_rows_in_every_table(
    wh: dict[str, pl.DataFrame], encoded: dict[str, tuple[Path, dict[str, pl.DataFrame]]], variant: str
) -> None:
    raw, tables = encoded[variant]
    for name in TABLES:
        if name == "documents":
            continue
        # Same file names, same text after decoding: every id (project, indicator, check) agrees too.
        _same(tables[name], wh[name], name)
    # Only what describes the bytes differs: their hash and the encoding detected.
    docs, base = tables["documents"].sort("source_file"), wh["documents"].sort("source_file")
    assert_frame_equal(docs.drop("sha256", "encoding"), base.drop("sha256", "encoding"))
    assert set(docs["encoding"].to_list()) == {VARIANTS[variant][0]}
    for r in docs.iter_rows(named=True):
        assert r["sha256"] == hashlib.sha256((raw / r["source_file"]).read_bytes()).hexdigest()
    assert set(docs["sha256"].to_list()).isdisjoint(base["sha256"].to_list())


# --- bad files beside the seeds ----------------------------------------------------------

EMPTY, BINARY, TRUNCATED, NO_LAYOUT = "empty.txt", "scan.pdf", "truncated_copy.txt", "meeting_notes.txt"
BINARY_BYTES = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\x00\x00\x01\x02\x03endstream\n"
)
NOTES = "会议纪要\n时间：2021年3月5日\n地点：区政府三楼会议室\n一、会议同意采购打印机两台。\n二、下次会议时间另行通知。\n"


def _truncated_bytes() -> bytes:
    """松江 2021 cut in the middle of a character inside its third form (宣传与推广, L67-L99)."""
    data = SEEDS["songjiang_2021"].read_bytes()
    cut = data.index("宣传活动开展及时性".encode()) + 5  # 宣 and two of the three bytes of 传
    assert data[cut - 1] & 0xC0 == 0x80 and data[cut] & 0xC0 == 0x80  # inside a multi-byte character
    return data[:cut]


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    root = tmp_path_factory.mktemp("bad_files")
    raw = _copy_seeds(root / "raw")
    (raw / EMPTY).write_bytes(b"")
    (raw / BINARY).write_bytes(BINARY_BYTES)
    (raw / TRUNCATED).write_bytes(_truncated_bytes())
    (raw / NO_LAYOUT).write_text(NOTES, encoding="utf-8")
    result = build(raw, root / "warehouse")
    assert result.documents == 9 and result.failed == 3
    return _read(root / "warehouse")


def test_bad_files__listed_in_documents_with_their_status(bad_build: dict[str, pl.DataFrame]) -> None:
    docs = bad_build["documents"]
    status = dict(zip(docs["source_file"].to_list(), docs["status"].to_list(), strict=True))
    assert status == {
        **EXPECTED_STATUS,
        EMPTY: "failed",
        BINARY: "failed",
        NO_LAYOUT: "failed",
        TRUNCATED: "partial",
    }
    for name in (EMPTY, BINARY, NO_LAYOUT):
        doc = _one(docs, source_file=name)
        assert doc["error"], name
        assert doc["n_projects"] == doc["n_budget_lines"] == doc["n_indicators"] == 0


@pytest.mark.parametrize(
    ("name", "reason"),
    [(EMPTY, "空"), (BINARY, "损坏"), (NO_LAYOUT, "未"), (TRUNCATED, "截断")],
)
def test_bad_files__an_error_check_names_the_file(
    bad_build: dict[str, pl.DataFrame], name: str, reason: str
) -> None:
    checks = _where(bad_build["checks"], source_file=name)
    raised = checks.select("check", "severity", "message").rows()
    errors = _where(checks, severity="error")
    assert errors.height >= 1, f"no error-severity check for {name}: {raised}"
    assert any(reason in m for m in errors["message"].to_list()), raised


def test_bad_files__truncated_copy_keeps_what_precedes_the_cut(bad_build: dict[str, pl.DataFrame]) -> None:
    projects = _where(bad_build["projects"], source_file=TRUNCATED).sort("source_line")
    complete = projects.filter(pl.col("score_total").is_not_null())
    assert complete["project_name"].to_list() == ["深化“一网通办”专项费用", "业务培训"]
    assert "窗口业务管理" not in projects["project_name"].to_list()


def test_bad_files__seed_rows_unchanged(
    bad_build: dict[str, pl.DataFrame], wh: dict[str, pl.DataFrame]
) -> None:
    for name in TABLES:
        if name == "project_links":
            assert_frame_equal(bad_build[name], wh[name])
            continue
        got = bad_build[name].filter(pl.col("source_file").is_in(SEED_FILES))
        if name == "checks":
            # The truncated copy repeats 松江 2021's forms: each repeated project is flagged in both files.
            repeated = got.filter(pl.col("check") == "project_in_several_files")
            copied = (
                bad_build["projects"].filter(pl.col("source_file") == TRUNCATED)["project_name"].to_list()
            )
            seed_2021 = wh["projects"].filter((pl.col("year") == 2021) & pl.col("project_name").is_in(copied))
            assert len(copied) == 3  # two complete forms and the one cut in the middle
            assert sorted(repeated["project_id"].drop_nulls().to_list()) == sorted(
                seed_2021["project_id"].to_list()
            )
            got = got.filter(pl.col("check") != "project_in_several_files")
        _same(got, wh[name], name)


def test_bad_files__project_and_indicator_ids_stay_unique(bad_build: dict[str, pl.DataFrame]) -> None:
    """A truncated copy of a seed must not share keys with the seed: ids identify one row each."""
    projects, indicators = bad_build["projects"], bad_build["indicators"]
    dup = (
        projects.group_by("project_id")
        .agg(pl.col("source_file"), pl.col("project_name").first(), pl.col("n_indicators"))
        .filter(pl.col("source_file").list.len() > 1)
    )
    assert dup.is_empty(), f"project_id shared by several rows: {dup.rows()}"
    assert indicators["indicator_id"].n_unique() == indicators.height


# --- builds that must not publish --------------------------------------------------------


def _bad_only(raw: Path) -> Path:
    raw.mkdir(parents=True)
    (raw / EMPTY).write_bytes(b"")
    (raw / BINARY).write_bytes(BINARY_BYTES)
    (raw / NO_LAYOUT).write_text(NOTES, encoding="utf-8")
    return raw


def test_no_usable_file__build_error_and_nothing_written(tmp_path: Path) -> None:
    raw = _bad_only(tmp_path / "raw")
    out = tmp_path / "warehouse"
    with pytest.raises(BuildError) as exc:
        build(raw, out)
    message = str(exc.value)
    for name in (EMPTY, BINARY, NO_LAYOUT):
        assert name in message
    assert not out.exists() and not out.is_symlink()
    assert not load.builds_dir(out).exists()


def test_no_usable_file__previous_warehouse_untouched(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / SJ2021).write_bytes(SEEDS["songjiang_2021"].read_bytes())
    out = tmp_path / "warehouse"
    build(good, out)
    link, manifest = os.readlink(out), load.read_manifest(out)
    before = sorted(p.name for p in load.builds_dir(out).iterdir())
    with pytest.raises(BuildError):
        build(_bad_only(tmp_path / "raw"), out)
    assert os.readlink(out) == link
    assert load.read_manifest(out) == manifest
    assert sorted(p.name for p in load.builds_dir(out).iterdir()) == before
    assert load.read_table(out, "projects").height == 5


def test_no_files__build_error(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / ".hidden.txt").write_bytes(SEEDS["songjiang_2021"].read_bytes())
    with pytest.raises(BuildError, match="中没有文件"):
        build(raw, tmp_path / "warehouse")
    with pytest.raises(BuildError, match="原始文件目录不存在"):
        build(tmp_path / "missing", tmp_path / "warehouse")
    assert not (tmp_path / "warehouse").exists()


# --- atomic swap -------------------------------------------------------------------------


@pytest.fixture()
def published(tmp_path: Path) -> tuple[Path, str, dict, dict[str, pl.DataFrame], list[str]]:
    out = tmp_path / "warehouse"
    build(_copy_seeds(tmp_path / "raw"), out)
    return out, os.readlink(out), load.read_manifest(out), _read(out), _build_dirs(out)


def _build_dirs(out: Path) -> list[str]:
    return sorted(p.name for p in load.builds_dir(out).iterdir())


def _assert_unchanged(published: tuple) -> None:
    out, link, manifest, tables, dirs = published
    assert os.readlink(out) == link
    assert load.read_manifest(out) == manifest
    assert _build_dirs(out) == dirs  # no staging directory or half-written build left behind
    for name in TABLES:
        assert_frame_equal(load.read_table(out, name), tables[name])


def test_atomic_swap__write_fails_midway(published: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    out = published[0]
    written: list[str] = []
    real_write = load._write_parquet

    def disk_full(frame: pl.DataFrame, file: Path) -> None:
        if len(written) == 4:
            Path(file).write_bytes(b"PAR1 half a file")
            raise OSError(28, "No space left on device")
        written.append(str(file))
        return real_write(frame, file)

    monkeypatch.setattr(load, "_write_parquet", disk_full)
    with pytest.raises(WarehouseUnwritable, match="磁盘空间不足"):  # said in one line by the CLI
        build(out.parent / "raw", out)
    monkeypatch.undo()
    assert len(written) == 4  # the second build had parsed everything and was writing
    _assert_unchanged(published)


def test_atomic_swap__a_table_frame_fails(published: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    out = published[0]
    real_frame = etl.build.frame

    def broken(table: str, rows: list) -> pl.DataFrame:
        if table == "indicators":
            raise ValueError("indicators: cannot cast")
        return real_frame(table, rows)

    monkeypatch.setattr(etl.build, "frame", broken)
    with pytest.raises(ValueError, match="cannot cast"):
        build(out.parent / "raw", out)
    monkeypatch.undo()
    _assert_unchanged(published)


def test_atomic_swap__a_successful_rebuild_replaces_it_whole(published: tuple) -> None:
    out, link, manifest, tables, _ = published
    old = (out.parent / link).resolve()
    build(out.parent / "raw", out)
    assert os.readlink(out) != link
    assert load.read_manifest(out)["build_id"] != manifest["build_id"]
    # A reader still holding the previous build can finish reading it.
    assert json.loads((old / load.MANIFEST).read_text(encoding="utf-8")) == manifest
    for name in TABLES:
        assert_frame_equal(load.read_table(out, name), tables[name])


def test__project_links__a_declaration_meets_only_evaluations_of_its_year_or_later() -> None:
    from etl.build import project_links

    def project(pid: str, kind: str, year: int, name: str = "热线服务") -> dict:
        return {
            "project_id": pid,
            "kind": kind,
            "district": "松江",
            "department": "某局",
            "year": year,
            "project_name": name,
        }

    projects = [
        project("d22", "target_declaration", 2022),
        project("e20", "self_evaluation", 2020),
        project("e22", "self_evaluation", 2022),
        project("e23", "self_evaluation", 2023),
    ]
    links = project_links(projects)
    assert sorted(link["evaluation_id"] for link in links) == ["e22", "e23"]
    assert {link["candidates"] for link in links} == {2}
