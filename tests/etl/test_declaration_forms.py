"""Declaration forms (绩效目标填报表 / 申报表) read from grids, against figures typed by hand.

The real originals: 万里街道 2023 部门预算 (pages 31–35, five 财政项目支出绩效目标填报表) and
深圳宝安区松岗街道's workbook of 20 二级项目支出绩效目标申报表. Their expected figures are in
tests/cases/declaration_forms/expected.toml, typed from the rendered pages and the sheets'
cells (page / cell beside each value); one parametrized test reads them all. Each real
file is read once per module. Continuations and unreadable forms are built as grids:
the real long form of page 34 split over two pages, and small forms written inline.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from etl.build import process_document
from etl.model import ParseResult, Project
from etl.parsers import layout_parsers
from etl.parsers.declaration_forms import (
    KIND,
    PROJECT_LAYOUT,
    detect,
    match_label,
    parse,
    title_kind,
    vocabulary,
)
from etl.readers import read_document
from etl.readers.model import PDF, XLSX, Cell, Document, DocumentBuilder, Table

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases" / "declaration_forms"
REAL = ROOT / "cases" / "real"
SHARED = Path("/work/shared/real")
EXPECTED: dict[str, Any] = tomllib.loads((CASES / "expected.toml").read_text(encoding="utf-8"))
DOCUMENTS = {d["key"]: d for d in EXPECTED["document"]}
WANLI, SONGGANG = "wanli_2023", "songgang_2023"


def real_path(name: str) -> Path:
    """tests/cases/real/<name>, else the shared copy; the test is skipped when neither exists."""
    for folder in (REAL, SHARED):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"real document {name} not available")


Reading = tuple[Document, ParseResult]


@pytest.fixture(scope="module")
def real() -> Callable[[str], Reading]:
    """Document key -> (document model, this parser's result); each file read once per module."""
    cache: dict[str, Reading] = {}

    def get(key: str) -> Reading:
        if key not in cache:
            path = real_path(DOCUMENTS[key]["file"])
            doc = read_document(path.name, path.read_bytes())
            cache[key] = (doc, parse(doc))
        return cache[key]

    return get


@pytest.fixture(scope="module")
def outcomes() -> Callable[[str], dict[str, Any]]:
    """Document key -> process_document's rows (the whole pipeline), once per module."""
    cache: dict[str, dict[str, Any]] = {}

    def get(key: str) -> dict[str, Any]:
        if key not in cache:
            path = real_path(DOCUMENTS[key]["file"])
            cache[key] = process_document(path.name, path.read_bytes())
        return cache[key]

    return get


def on_page(doc: Document, result: ParseResult, page: int) -> Project:
    found = [p for p in result.projects if doc.page_of(p.source_line) == page]
    assert len(found) == 1, [(p.project_name, doc.page_of(p.source_line)) for p in result.projects]
    return found[0]


# --- the expected figures ---------------------------------------------------------------------


def _figures() -> list[tuple[str, int, str, Any]]:
    out: list[tuple[str, int, str, Any]] = []
    for entry in EXPECTED["project"]:
        for name, value in entry.items():
            if name not in ("document", "page"):
                out.append((entry["document"], entry["page"], name, value))
    for entry in EXPECTED["indicator"]:
        out.append((entry["document"], entry["page"], f"indicator {entry['n']}", entry))
    return out


def _figure_id(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else "v"


@pytest.mark.parametrize(("document", "page", "what", "expected"), _figures(), ids=_figure_id)
def test__real_form__figure_as_printed(
    real: Callable[[str], Reading], document: str, page: int, what: str, expected: Any
) -> None:
    doc, result = real(document)
    p = on_page(doc, result, page)
    if what.startswith("indicator "):
        ind = p.indicators[expected["n"] - 1]
        got = {k: getattr(ind, k) for k in ("level1", "level2", "level3", "target_value", "explanation")}
        want = {k: expected.get(k) for k in got}
        assert got == want
        line = doc.line(ind.source_line)
        assert line is not None and line.page == page and ind.level3 in line.text
    elif what == "indicators":
        assert len(p.indicators) == expected
    elif what.startswith("extra."):
        assert p.extra.get(what.removeprefix("extra.")) == expected
    elif what.startswith("budget_"):
        assert getattr(p, what) == Decimal(expected)
    else:
        assert getattr(p, what) == expected


# --- counts and checks of the real documents -----------------------------------------------


def test__wanli_2023__five_forms_in_page_order_with_their_indicators(real: Callable[[str], Reading]) -> None:
    doc, result = real(WANLI)
    assert detect(doc)
    assert [doc.page_of(p.source_line) for p in result.projects] == [31, 32, 33, 34, 35]
    assert [len(p.indicators) for p in result.projects] == DOCUMENTS[WANLI]["indicators"]
    assert {(p.kind, p.layout, p.year, p.amount_unit) for p in result.projects} == {
        (KIND, PROJECT_LAYOUT, 2023, "元")
    }
    # Every form's title row is its first line; its last indicator row its last.
    for p in result.projects:
        assert doc.line(p.source_line).text.startswith("财政项目支出绩效目标填报表")
        assert p.end_line == p.indicators[-1].source_line
    # What the forms state (p. 31 主管部门); the document's cover, read by template_tables, ranks first.
    assert (result.meta.department, result.meta.year) == ("上海市普陀区人民政府万里街道办事处", 2023)


def test__wanli_2023__page_35_disagreement_is_one_check_with_both_figures(
    outcomes: Callable[[str], dict[str, Any]],
) -> None:
    out = outcomes(WANLI)
    found = [c for c in out["checks"] if c["check"].startswith("declaration_")]
    assert [c["check"] for c in found] == DOCUMENTS[WANLI]["checks"]
    (check,) = found
    assert (check["severity"], check["source_page"]) == ("warning", 35)
    assert "10,903,043.00" in check["message"] and "11,419,043.00" in check["message"]
    assert "第 35 页" in check["message"] and "公共服务设施运行经费" in check["message"]
    page_35 = next(p for p in out["projects"] if p["kind"] == "target_declaration" and p["source_page"] == 35)
    assert check["project_id"] == page_35["project_id"]


def test__process_document__wanli_2023_budget_keeps_its_kind_and_gains_five_declarations(
    outcomes: Callable[[str], dict[str, Any]],
) -> None:
    out = outcomes(WANLI)
    doc = out["document"]
    assert (doc["kind"], doc["district"], doc["year"]) == ("budget", "普陀", 2023)
    assert "declaration_forms" in doc["layouts"].split(",")
    declarations = [p for p in out["projects"] if p["kind"] == "target_declaration"]
    assert len(declarations) == 5
    assert [p["source_page"] for p in declarations] == [31, 32, 33, 34, 35]
    per_project = Counter(i["project_id"] for i in out["indicators"])
    assert [per_project[p["project_id"]] for p in declarations] == DOCUMENTS[WANLI]["indicators"]
    assert {p["amount_unit"] for p in declarations} == {"元"}
    # 年度资金申请总额 of page 35 in 元, as printed (not the disagreeing 当年财政拨款).
    assert declarations[4]["budget_initial_yuan"] == Decimal("10903043.00")
    check = next(c for c in out["checks"] if c["check"] == "declaration_annual_split_mismatch")
    assert check["source_page"] == 35 and check["project_id"] == declarations[4]["project_id"]


def test__process_document__songgang_sets_no_shanghai_district(
    outcomes: Callable[[str], dict[str, Any]],
) -> None:
    out = outcomes(SONGGANG)
    doc = out["document"]
    assert (doc["kind"], doc["district"]) == ("target_declaration", None)
    assert len(out["projects"]) == 20 and {p["district"] for p in out["projects"]} == {None}
    assert {p["department"] for p in out["projects"]} == {"深圳市宝安区松岗街道办事处"}  # （本级） dropped
    # The labels say 万元, the sheets' own texts and the sizes say 元: normalisation decides 元.
    assert {p["amount_unit"] for p in out["projects"]} == {"元"}
    assert out["projects"][19]["budget_initial_yuan"] == Decimal("5500000.00")
    assert sum(p["n_indicators"] for p in out["projects"]) == len(out["indicators"])


def test__registered_as_a_grid_layout() -> None:
    assert "declaration_forms" in [p.name for p in layout_parsers()]


# --- continuations: the real long form split over two pages --------------------------------


def rebuilt(chunks: list[list[list[Cell]]], blank_carried: bool = False) -> Document:
    """A PDF-like document with one grid per page, from rows of a real grid.

    A merged region that started on an earlier page starts again at its first row on this
    one; with ``blank_carried`` it is blank there (its text printed on the first page only).
    """
    builder = DocumentBuilder("rebuilt.pdf", PDF)
    for page, rows in enumerate(chunks, start=1):
        builder.page()
        here: dict[int, int] = {}
        for r, row in enumerate(rows):
            here.setdefault(row[0].row, r)
        seen: dict[tuple[int, int], tuple[int, int]] = {}
        cells = []
        for r, row in enumerate(rows):
            out = []
            for c, cell in enumerate(row):
                if cell.origin[0] in here:
                    origin, text = (here[cell.origin[0]], cell.origin[1] - row[0].col), cell.text
                else:
                    origin = seen.setdefault(cell.origin, (r, c))
                    text = "" if blank_carried else cell.text
                out.append(Cell(text, r, c, origin))
            cells.append(out)
        builder.table(page, cells)
    return builder.document


def long_form(real: Callable[[str], Reading]) -> Table:
    doc, _ = real(WANLI)
    return next(t for t in doc.tables if t.page == 34)


def levels(p: Project) -> list[tuple[str | None, str | None, str, str | None]]:
    return [(i.level1, i.level2, i.level3, i.target_value) for i in p.indicators]


@pytest.mark.parametrize(
    ("at", "repeat_header", "blank_carried"),
    [(30, False, False), (30, False, True), (30, True, True), (13, True, False), (10, False, False)],
    ids=[
        "mid-indicators",
        "mid-indicators-merged-text-on-first-page",
        "header-repeated",
        "after-one-row",
        "before-goals",
    ],
)
def test__form_split_over_two_pages_reads_as_one(
    real: Callable[[str], Reading], at: int, repeat_header: bool, blank_carried: bool
) -> None:
    doc, result = real(WANLI)
    whole = on_page(doc, result, 34)
    table = long_form(real)
    second = ([table.rows[11]] if repeat_header else []) + table.rows[at:]
    split = parse(rebuilt([table.rows[:at], second], blank_carried=blank_carried))
    assert split.checks == []
    (p,) = split.projects
    assert levels(p) == levels(whole)
    assert (p.project_name, p.budget_initial, p.goal) == (
        whole.project_name,
        whole.budget_initial,
        whole.goal,
    )
    assert p.extra == whole.extra


@pytest.mark.parametrize("blank_carried", [False, True], ids=["levels-repeated", "levels-blank-at-top"])
def test__continuation_that_cannot_be_aligned_is_reported_with_its_page(
    real: Callable[[str], Reading], blank_carried: bool
) -> None:
    table = long_form(real)
    narrower = [row[1:] for row in table.rows[30:]]  # one column fewer, no header
    result = parse(rebuilt([table.rows[:30], narrower], blank_carried=blank_carried))
    (check,) = result.checks
    assert (check.check, check.severity, check.page) == ("row_not_aligned", "error", 2)
    assert "第 2 页" in check.message and "各类工作经费" in check.message
    (p,) = result.projects
    assert len(p.indicators) == 30 - 12  # the rows of the first page only


# --- small forms written as grids -------------------------------------------------------------


def grid(rows: list[list[str]]) -> list[list[Cell]]:
    """Rows of texts -> cells; '<' continues the cell on the left, '^' the cell above."""
    origins: list[list[tuple[int, int]]] = []
    for r, row in enumerate(rows):
        origins.append([])
        for c, text in enumerate(row):
            if text == "<" and c > 0:
                origins[r].append(origins[r][c - 1])
            elif text == "^" and r > 0:
                origins[r].append(origins[r - 1][c])
            else:
                origins[r].append((r, c))
    return [[Cell(rows[o[0]][o[1]], r, c, o) for c, o in enumerate(origins[r])] for r in range(len(rows))]


def document(*pages: list[str | list[list[str]]], file_type: str = PDF) -> Document:
    """Pages of blocks: a string is a prose line, a list of rows a grid."""
    builder = DocumentBuilder("forms.pdf", file_type)
    for number, blocks in enumerate(pages, start=1):
        builder.page(name=f"Sheet{number}" if file_type == XLSX else None)
        for block in blocks:
            if isinstance(block, str):
                builder.prose(number, block)
            else:
                builder.table(number, grid(block), sheet=f"Sheet{number}" if file_type == XLSX else None)
    return builder.document


TITLE = [["财政项目支出绩效目标填报表", "<", "<", "<"], ["（2022年度）", "<", "<", "<"]]
FIELDS = [
    ["项目名称", "设备运行与维护", "项目性质", "经常性项目"],
    ["主管部门", "上海市松江区城市运行管理中心", "实施单位", "上海市松江区城市运行管理中心"],
    ["项目资金（万元）", "项目资金总额", "12.5", ""],
    ["^", "年度资金申请总额", "10", ""],
    ["^", "其中：当年财政拨款", "10", ""],
    ["项目总目标", "<", "年度总体目标", "<"],
    ["保障设备运行", "<", "全年设备完好", "<"],
]
INDICATORS = [
    ["一级指标", "二级指标", "三级指标", "年度指标值"],
    ["产出指标", "数量指标", "维护设备数", ">=120台"],
    ["^", "时效指标", "故障响应时间", "<=2小时"],
    ["满意度指标", "服务对象满意度指标", "使用部门满意度", ">=90%"],
]


def test__small_form__fields_goals_and_indicators() -> None:
    result = parse(document([TITLE + FIELDS, INDICATORS]))  # two grids on one page
    (p,) = result.projects
    assert (p.project_name, p.department, p.category, p.year) == (
        "设备运行与维护",
        "上海市松江区城市运行管理中心",
        "经常性",  # the category word of 项目性质 '经常性项目'
        2022,
    )
    assert p.extra["项目性质"] == "经常性项目"
    # budget_full_year is 当年财政拨款 (as the text layout stores it); 项目资金总额 stays in extra.
    assert (p.amount_unit, p.budget_initial, p.budget_full_year) == ("万元", Decimal("10"), Decimal("10"))
    assert p.extra["项目资金总额"] == "12.5"
    assert (p.goal, p.extra["项目总目标"]) == ("全年设备完好", "保障设备运行")
    assert levels(p) == [
        ("产出指标", "数量指标", "维护设备数", ">=120台"),
        ("产出指标", "时效指标", "故障响应时间", "<=2小时"),
        ("满意度指标", "服务对象满意度指标", "使用部门满意度", ">=90%"),
    ]
    # 项目资金总额 12.5 over 年度资金申请总额 10 is compared by etl/validate (test_performance):
    # the parser only reads, and read everything here.
    assert result.checks == []


def test__small_form__title_as_prose_above_the_grid() -> None:
    doc = document(["财政项目支出绩效目标填报表", "（2024年度）", FIELDS[:2] + INDICATORS])
    (p,) = parse(doc).projects
    assert (p.project_name, p.year, p.source_line, p.extra["表名"]) == (
        "设备运行与维护",
        2024,
        1,
        "财政项目支出绩效目标填报表",
    )
    assert len(p.indicators) == 3


def test__form_without_project_name_is_an_error_naming_its_page() -> None:
    nameless = [
        ["财政项目支出绩效目标填报表", "<", "<", "<"],
        ["主管部门", "某部门", "实施单位", "某单位"],
        *INDICATORS,
    ]
    result = parse(document(["封面"], [nameless]))
    assert result.projects == []
    (check,) = result.checks
    assert (check.check, check.severity, check.page) == ("declaration_form_unreadable", "error", 2)
    assert "第 2 页" in check.message and "项目名称" in check.message


def test__form_without_indicators_is_an_error_but_keeps_what_was_read() -> None:
    result = parse(document([TITLE + FIELDS[:2]]))
    (p,) = result.projects
    assert p.project_name == "设备运行与维护" and p.indicators == []
    errors = [c for c in result.checks if c.severity == "error"]
    assert [(c.check, c.page) for c in errors] == [("declaration_form_unreadable", 1)]


def test__title_on_a_page_without_any_grid_is_reported() -> None:
    result = parse(document(["财政项目支出绩效目标填报表", "（2023年度）", "（本页为扫描图片）"]))
    assert result.projects == []
    (check,) = result.checks
    assert (check.check, check.severity, check.page) == ("declaration_form_unreadable", "error", 1)


def test__a_line_pointing_to_forms_printed_elsewhere_is_not_a_title() -> None:
    # 普陀商务委 2025 部门预算 pp. 23-26: each 项目情况说明 ends '七、绩效目标' / '详见单位的项目绩效目标表'
    result = parse(document(["七、绩效目标", "详见单位的项目绩效目标表"]))
    assert result.projects == [] and result.checks == []


def test__self_evaluation_grid_is_not_a_declaration() -> None:
    self_eval = [
        ["项目支出绩效自评表", "<", "<", "<"],
        ["项目名称", "设备运行与维护", "主管部门", "某部门"],
        ["一级指标", "三级指标", "年度指标值", "实际完成值"],
        ["产出指标", "维护设备数", "120台", "118台"],
    ]
    untitled = self_eval[1:]
    for rows in (self_eval, untitled):
        result = parse(document([rows]))
        assert (result.projects, result.checks) == ([], [])


def test__a_second_title_in_the_same_grid_starts_a_second_form() -> None:
    result = parse(
        document([TITLE + FIELDS[:1] + INDICATORS + TITLE + [["项目名称", "业务培训", "", ""], *INDICATORS]])
    )
    assert [(p.project_name, len(p.indicators)) for p in result.projects] == [
        ("设备运行与维护", 3),
        ("业务培训", 3),
    ]


def test__a_sentence_between_grids_ends_the_form() -> None:
    doc = document(
        [TITLE + FIELDS[:1] + INDICATORS[:2]],
        ["三、其他需要说明的事项：本部门无政府性基金预算。", [["产出指标", "数量指标", "另一张表", "1"]]],
    )
    (p,) = parse(doc).projects
    assert [i.level3 for i in p.indicators] == ["维护设备数"]


def test__non_forms_are_not_detected_and_odd_grids_do_not_crash() -> None:
    budget = [["项目", "本年预算数"], ["一般公共服务支出", "1,234.00"]]
    assert not detect(document([budget]))
    assert not detect(DocumentBuilder("empty.pdf", PDF).document)
    odd = document(
        [[["财政项目支出绩效目标填报表"]], [["项目名称"]], [[""]], [["一级指标", "三级指标", "指标值"]]],
        [[["^"]], [["项目名称：只有名称"]], [["产出指标", "数量", ""]]],
    )
    result = parse(odd)  # must not raise
    assert all(c.severity in ("error", "warning", "info") for c in result.checks)


def test__xlsx_forms_do_not_continue_across_sheets() -> None:
    sheet1 = [
        ["二级项目支出绩效目标申报表", "<", "<", "<"],
        ["项目名称：", "甲项目", "申请单位：", "深圳市宝安区某街道办事处"],
        *INDICATORS[:2],
    ]
    sheet2 = [INDICATORS[3]]
    result = parse(document([sheet1], [sheet2], file_type=XLSX))
    (p,) = result.projects
    assert len(p.indicators) == 1 and p.extra["地区"] == "深圳市宝安区"


# --- vocabulary ---------------------------------------------------------------------------


def test__vocabulary_is_read_from_forms_toml() -> None:
    voc = vocabulary()
    assert "年度（/项目）指标值" in voc.columns["target"] and "目标值" in voc.columns["target"]
    assert title_kind("财政项目支出绩效目标填报表") == "declaration"
    assert title_kind("2022年度项目支出绩效目标申报表") == "declaration"
    assert title_kind("二级项目支出绩效目标申报表") == "declaration"
    assert title_kind("财政项目支出绩效目标填报表（续）") == "continued"
    assert title_kind("财政项目支出绩效自评表") == "other"
    assert title_kind("按照要求编报绩效目标申报表，共5个项目。") is None
    assert title_kind("详见单位的项目绩效目标表") is None


@pytest.mark.parametrize(
    ("text", "key", "unit"),
    [
        ("项目名称", "project_name", None),
        ("项目名称：", "project_name", None),
        ("项目资金（元）", None, "元"),
        ("项目总金额（中期规划，万元）：", None, "万元"),
        ("其中：当年财政拨款", None, None),
        ("长期目标（跨度多年的项目需填）：", None, None),
    ],
)
def test__labels(text: str, key: str | None, unit: str | None) -> None:
    match = match_label(text)
    assert match is not None and (match.spec.key, match.unit) == (key, unit)


def test__not_labels() -> None:
    for text in ("年度目标值", "4,100,000.00", "新建万里街道社区公共服务中心", ""):
        assert match_label(text) is None, text
