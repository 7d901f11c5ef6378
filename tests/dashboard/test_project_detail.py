"""项目详情 through streamlit.testing.v1.AppTest: downloads, units, search, declarations, 其他信息.

Figures are the seed documents' own, typed from (or read out of) data/raw:
闵行 2022 自评 公共安全隐患举报奖励, line 285 of its file:
    年度资金总额 20000.00 950.00 500.00 10 52.64% 5.26
松江 2022 绩效目标申报 设备运行与维护: 年度资金申请总额 1132300 (元), 其中：当年财政拨款 1132300.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from openpyxl import load_workbook
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from .conftest import APP, RAW, as_read, project_id

MINHANG = "minhang_city_operation_center_2022_self_evaluation.txt"
SONGJIANG_DECLARATION = "songjiang_city_operation_center_2022_target_declaration.txt"
# Stored codes that must never reach the screen or a download.
CODE = re.compile(r"[a-z]+(?:_[a-z]+)+|tabbed|glued|qingpu|declaration|True|False|None|nan")


def open_project(pid: str, params: dict | None = None, came_from: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"project": pid, **(params or {})})
    if came_from is not None:  # a click on another page: that page's run first
        at.run()
        at.session_state["_came_from"] = came_from
    at.switch_page("app_pages/project_detail.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["项目详情"]
    return at


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, object]]:
    """What each download button hands the browser: key -> (file name, bytes).

    AppTest keeps no media files after a run, so the data passed to st.download_button
    is recorded on the way through (the real widget still runs); a callable is what the
    browser's click runs.
    """
    seen: dict[str, tuple[str, object]] = {}
    original = DeltaGenerator.download_button

    def spy(self, label, data, file_name=None, *args, **kwargs):
        seen[kwargs.get("key")] = (file_name, data)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    return seen


def payload(entry: tuple[str, object]) -> bytes:
    data = entry[1]
    return data() if callable(data) else data  # type: ignore[operator,return-value]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def indicator_table(at: AppTest):
    tables = [d.value for d in at.dataframe if "三级指标" in d.value.columns]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def screen_texts(at: AppTest) -> list[str]:
    """Every piece of text the page prints outside the interactive tables."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
    out += [h.value for h in at.header] + [s.value for s in at.subheader]
    out += [w.value for w in at.warning] + [i.value for i in at.info] + [e.value for e in at.error]
    out += [f"{m.label} {m.value} {m.help or ''}" for m in at.metric]
    for table in at.table:
        out += [str(v) for v in table.value.to_numpy().ravel().tolist()] + list(table.value.columns)
    return out


def minhang_pid(con) -> str:
    return project_id(con, "公共安全隐患举报奖励", "闵行")


def declaration_pid(con) -> str:
    return project_id(con, "设备运行与维护", "松江")


def declared_figure(label: str) -> Decimal:
    """The figure printed under ``label`` in the 设备运行与维护 form of the 松江 declaration."""
    lines = [line.strip() for line in (RAW / SONGJIANG_DECLARATION).read_text(encoding="utf-8").split("\n")]
    start = next(
        i for i in range(len(lines) - 1) if lines[i] == "项目名称" and lines[i + 1] == "设备运行与维护"
    )
    at = next(i for i in range(start, len(lines)) if lines[i] == label)
    return Decimal(next(v for v in lines[at + 1 :] if v))


# --- 1. downloads of the indicator table ----------------------------------------------------


def test_indicator_downloads_are_the_table_on_screen(con, served):
    at = open_project(minhang_pid(con))
    shown = indicator_table(at)
    assert {b.proto.label for b in at.get("download_button")} == {
        "下载绩效指标 CSV（UTF-8，Excel 可直接打开）",
        "下载绩效指标 Excel（XLSX）",
        "导出简报（PDF）",
        "导出简报（Word）",
    }
    csv_name, _ = served["pd_ind_csv"]
    xlsx_name, _ = served["pd_ind_xlsx"]
    assert "公共安全隐患举报奖励" in csv_name and csv_name.endswith(".csv")
    assert "公共安全隐患举报奖励" in xlsx_name and xlsx_name.endswith(".xlsx")

    raw = payload(served["pd_ind_csv"])
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header == list(shown.columns)
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), header
    assert len(body) == len(shown) == 9
    cells = [c for row in body for c in row]
    assert not [c for c in cells if CODE.fullmatch(c)], cells
    by_name = {row[header.index("三级指标")]: dict(zip(header, row, strict=True)) for row in body}
    first = by_name["安全隐患举报奖励应奖尽奖率"]  # line 292: 100% 100% 14 14 无
    assert (first["年度指标值"], first["实际完成值"], first["分值（分）"], first["得分（分）"]) == (
        "100%",
        "100%",
        "14.00",
        "14.00",
    )
    assert first["是否达标"] == "是"

    book = load_workbook(io.BytesIO(payload(served["pd_ind_xlsx"])), read_only=True)
    sheet = book["绩效指标"]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == list(shown.columns)
    about = [
        " ".join(str(v) for v in row if v is not None) for row in book["说明"].iter_rows(values_only=True)
    ]
    text = "\n".join(about)
    for needed in ("公共安全隐患举报奖励", "上海市闵行区城市运行管理中心", "2022", MINHANG):
        assert needed in text, (needed, about)


# --- 2. units -------------------------------------------------------------------------------


def test_small_amounts_in_yuan_large_ones_in_wan(con):
    printed = (RAW / MINHANG).read_text(encoding="utf-8").split("\n")[284]
    assert printed.split("\t")[1:5] == ["年度资金总额", "20000.00", "950.00", "500.00"]
    at = open_project(minhang_pid(con))
    shown = metrics(at)
    assert shown["全年预算数"] == "950.00 元"  # not "0.10 万元"
    assert shown["全年执行数"] == "500.00 元"  # not "0.05 万元" beside 52.64%
    assert shown["年初预算数"] == "2.00 万元"  # 20000.00 元
    assert shown["执行率"] == "52.64%"
    assert shown["总分"] == "95.26 / 100 分"
    helps = {m.label: m.help for m in at.metric}
    assert helps["年初预算数"] == "原表数字：20,000.00 元"


# --- 3. the way back ------------------------------------------------------------------------


def test_back_links_keep_the_filters_when_the_origin_is_unknown(con):
    at = open_project(minhang_pid(con), {"district": "闵行"}, came_from="（未知页面）")
    back = [(p.proto.label, parse_qs(p.proto.query_string)) for p in at.get("page_link")]
    back = [(label, q) for label, q in back if label.startswith("返回")]
    assert [label for label, _ in back] == ["返回 绩效评分", "返回 预算执行", "返回 数据下载"]
    assert all(q == {"district": ["闵行"]} for _, q in back), back


def test_back_link_to_the_page_the_official_came_from(con):
    at = open_project(minhang_pid(con), {"district": "闵行", "year": "2022"}, came_from="预算执行")
    back = [p.proto for p in at.get("page_link") if p.proto.label.startswith("返回")]
    assert [p.label for p in back] == ["返回 预算执行"]
    assert parse_qs(back[0].query_string) == {"district": ["闵行"], "year": ["2022"]}


# --- 4. a search without a match ------------------------------------------------------------


def test_a_search_without_match_shows_no_project(con):
    at = open_project(minhang_pid(con))
    assert [h.value for h in at.header] == ["公共安全隐患举报奖励"]
    at.text_input(key="pd_q").input("没有这个项目名称").run()
    assert not at.exception
    assert any(w.value.startswith("没有找到名称包含“没有这个项目名称”的项目") for w in at.warning)
    assert not at.header
    assert not at.metric
    assert not [d for d in at.dataframe if "三级指标" in d.value.columns]
    assert not at.get("download_button")
    # clearing the search shows the project of the link again
    at.text_input(key="pd_q").input("").run()
    assert [h.value for h in at.header] == ["公共安全隐患举报奖励"]
    assert metrics(at)["全年执行数"] == "500.00 元"


# --- 5./6. a declaration ----------------------------------------------------------------------


def test_a_declaration_shows_what_it_declares(con, served):
    applied = declared_figure("年度资金申请总额")
    fiscal = declared_figure("其中：当年财政拨款")
    assert applied == Decimal("1132300")
    at = open_project(declaration_pid(con))
    shown = metrics(at)
    assert set(shown) == {"年度资金申请总额", "当年财政拨款", "指标数"}
    assert shown["年度资金申请总额"] == f"{applied / 10000:,.2f} 万元" == "113.23 万元"
    assert shown["当年财政拨款"] == f"{fiscal / 10000:,.2f} 万元"
    assert "执行率" not in shown and "总分" not in shown and "全年执行数" not in shown
    table = indicator_table(at)
    assert shown["指标数"] == f"{len(table)} 个"
    assert "年度指标值" in table.columns
    assert not {"实际完成值", "得分（分）", "是否达标"} & set(table.columns)
    targets = dict(zip(table["三级指标"], table["年度指标值"], strict=True))
    assert targets["系统运行率"] == "=100%"  # printed under 质量指标
    assert not at.get("plotly_chart")  # no 预算步骤 chart for a declaration
    header = payload(served["pd_ind_csv"]).decode("utf-8-sig").split("\r\n")[0].split("\n")[0]
    assert header.split(",") == list(table.columns)


# --- 5. 其他信息 ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["self_evaluation", "declaration"])
def test_extra_information_is_a_readable_table(con, which):
    at = open_project(minhang_pid(con) if which == "self_evaluation" else declaration_pid(con))
    assert not at.get("json")
    (table,) = at.table
    extra = table.value
    assert list(extra.columns) == ["项目", "内容"]
    labels = list(extra["项目"])
    assert not [label for label in labels if re.search(r"[A-Za-z]", label)], labels
    assert not any("{" in t for t in screen_texts(at))
    raw = dict(zip(labels, extra["内容"], strict=True))  # Markdown (st.table cells are rendered)
    rows = {k: as_read(v) for k, v in raw.items()}
    if which == "self_evaluation":
        assert rows["当年财政拨款 · 全年预算数"] == "950.00 元"
        assert rows["当年财政拨款 · 年初预算数"] == "2.00 万元"
    else:
        assert rows["年度资金申请总额"] == "113.23 万元"
        assert rows["计划开始日期"] == "2022-01-01"
        assert "中心硬件设施保障费" in rows["年度预算安排"]
        assert "80*7800*10%" in rows["年度预算安排"]
        assert "80\\*7800\\*10" in raw["年度预算安排"]  # '*' kept as printed, not italics


# --- 7. no None, no codes ---------------------------------------------------------------------


@pytest.mark.parametrize("which", ["self_evaluation", "declaration", "qingpu"])
def test_no_none_and_no_english_codes_on_screen(con, which):
    pid = {
        "self_evaluation": lambda: minhang_pid(con),
        "declaration": lambda: declaration_pid(con),
        "qingpu": lambda: project_id(con, "智慧城市", "青浦"),  # no 年初预算数 printed
    }[which]()
    at = open_project(pid)
    texts = screen_texts(at)
    assert not [t for t in texts if "None" in t], texts
    assert not [t for t in texts if re.search(r"\b(tabbed|qingpu|declaration|self_evaluation)\b", t)]
    source = next(m.value for m in at.markdown if m.value.startswith("来源文件："))
    assert re.search(r"版式：[\u4e00-\u9fff]", source), source
    table = indicator_table(at)
    assert not [c for c in table.columns if not re.search(r"[\u4e00-\u9fff]", c)]
    if "是否达标" in table.columns:
        assert set(table["是否达标"].dropna()) <= {"是", "否"}
    # a column the form does not fill (青浦 prints no 年度指标值) is left out, not shown all "—"
    assert not [c for c in table.columns if table[c].isna().all()], list(table.columns)
    if which == "qingpu":
        assert metrics(at)["年初预算数"] == "—"
        assert {"指标解释", "评分规则", "分值（分）", "得分（分）"} <= set(table.columns)


def test__project_from_a_pdf__links_frame_its_name_and_each_indicator_cell(con) -> None:
    # 万里街道 2023 部门预算, page 31: the 填报表 of 新建万里街道社区公共服务中心 (a PDF original).
    at = open_project(project_id(con, "新建万里街道社区公共服务中心", "普陀"))
    links = {p.proto.label: parse_qs(p.proto.query_string) for p in at.get("page_link")}
    label = next(label for label in links if label.startswith("查看原文"))
    assert label == "查看原文（第31页 表1 第3行第3列）"  # the cell right of 项目名称
    assert links[label] == {
        "file": ["putuo_wanli_subdistrict_2023_department_budget.pdf"],
        "page": ["31"],
        "cell": ["表1 第3行第3列"],  # the cell says where; the form's first line is another row
    }
    table = indicator_table(at)
    urls = table["原文位置"].to_list()
    assert len(urls) == len(table) and all(u.startswith("/source?file=putuo_wanli") for u in urls)
    query, shown = urls[0].split("?", 1)[1].split("#")
    assert (parse_qs(query)["page"], parse_qs(query)["cell"]) == (["31"], ["表1 第13行第4列"])  # 规划建筑面积
    assert shown == "第31页 表1 第13行第4列"  # what the link reads, and what the download holds
