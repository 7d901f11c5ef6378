"""Text from documents and links is shown as text, never rendered as Markdown or HTML (issue 17, item 4).

A department named '…![t](http://evil.example/x.png)' made every official's browser fetch that
address on 总览 and 数据质量, and a link's '?district=![](//host/d)' did the same in the sidebar
note. Every page is run (streamlit.testing.v1.AppTest) on a warehouse built from documents that
carry links, images and tags (tests/reliability/hostile.py), once with those documents chosen and
once with every URL parameter the app reads set to a hostile value; no element that renders
Markdown or HTML may hold a live outside link or image. tests/e2e/test_injection_journey.py
checks the same in a real browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import lxml.html
import polars as pl
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from dashboard import charts, pages, state
from dashboard.safe_text import chart_text, md, md_code
from etl import load
from tests.reliability import hostile

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "streamlit_app.py"
PAGES = [p.name for p in pages.PAGES if p.name != "data_import"]
PAYLOADS = (hostile.IMAGE, hostile.LINK, hostile.IMG_TAG, hostile.A_TAG, hostile.BARE)

# --- what a renderer would make of a string ------------------------------------------------

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_INLINE_LINK = re.compile(r"\[[^\]]*\]\s*\(\s*<?([^)\s>]*)")  # [text](target) and ![alt](target)
_HTML_TAG = re.compile(r"<\s*/?\s*(?:a|img)\b[^>]*>?", re.IGNORECASE)
_ANGLE_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")  # an address with a scheme or a host
# GitHub's autolink literals, as remark-gfm finds them in the text once escapes are resolved.
_LITERAL = re.compile(r"(?:https?://|www\.)[-.\w]+|[-.+\w]+@[-\w]+(?:\.[-\w]+)+", re.IGNORECASE)


def internal(target: str) -> bool:
    """A link to this app: an absolute path, a query or a fragment (never '//host' or 'x:')."""
    return (target.startswith("/") and not target.startswith("//")) or target.startswith(("?", "#"))


def outside_markup(body: str) -> list[str]:
    """The links, images and tags Markdown (as Streamlit renders it) would make of ``body``.

    Escaped characters open nothing; a code span shows its content as it is.
    """
    masked = _CODE_SPAN.sub(lambda m: "\x00" * len(m.group(0)), body.replace("\\`", "\x00\x00"))
    bare = _ESCAPED.sub("\x00\x00", masked)
    found = [m.group(0) for m in _INLINE_LINK.finditer(bare) if not internal(m.group(1))]
    found += _HTML_TAG.findall(bare) + _ANGLE_AUTOLINK.findall(bare)
    found += _LITERAL.findall(_ESCAPED.sub(r"\1", masked))
    return found


def chart_markup(spec: str) -> list[str]:
    """Tags Plotly would draw as links in a figure (its customdata is never drawn)."""

    def strings(value: object, key: str = "") -> Iterator[str]:
        if key == "customdata":
            return
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from strings(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v, key)

    return [tag for s in strings(json.loads(spec)) for tag in _HTML_TAG.findall(s)]


def html_markup(body: str) -> list[str]:
    """Outside links and images in st.markdown(..., unsafe_allow_html=True): one HTML block, so
    Markdown leaves it alone (no blank line in it, or what follows would be Markdown again)."""
    found = ["a blank line ends the HTML block"] if re.search(r"\n\s*\n", body) else []
    tree = lxml.html.fragment_fromstring(body, create_parent="div")
    found += [f"<a href={a.get('href')}>" for a in tree.iter("a") if not internal(a.get("href") or "")]
    found += [f"<img src={i.get('src')}>" for i in tree.iter("img")]
    return found


# Proto fields Streamlit renders as Markdown: bodies, labels, tooltips, metric values and deltas,
# progress and spinner texts (st.text's body and st.code's text are shown as they are).
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "text", "caption"}
PLAIN_ELEMENTS = {"Text", "Code"}


def problems(at: AppTest) -> list[str]:
    """Every live outside link, image or tag the page's elements would render."""
    found: list[str] = []

    def fields(value: object, key: str = "") -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield key, value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from fields(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from fields(v, key)

    for node in [*at.main, *at.sidebar]:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = type(proto).__name__
        data = MessageToDict(proto)
        where = type(node).__name__
        if kind == "PlotlyChart":
            found += [f"{where}: {t}" for t in chart_markup(data["spec"])]
            continue
        if kind == "PageLink" and (data.get("external") or _SCHEME.match(data.get("page", ""))):
            found.append(f"{where} to {data.get('page')}")  # st.page_link to an outside address
        if kind in ("Dataframe", "Table"):
            found += [f"{where}: {p}" for p in table_markup(node, data)]
            continue
        if kind in PLAIN_ELEMENTS:
            continue
        if kind == "Markdown" and data.get("allowHtml"):
            found += [f"{where} (HTML): {p}" for p in html_markup(data["body"])]
            continue
        for key, text in fields(data):
            if key in MARKDOWN_FIELDS or (kind == "Radio" and key == "options"):
                found += [f"{where}.{key}: {m!r} in {text[:160]!r}" for m in outside_markup(text)]
    return found


def table_markup(node: object, data: dict) -> list[str]:
    """A dataframe's link and Markdown columns (plain text columns show what they hold); st.table
    renders every cell as Markdown."""
    frame = node.value  # type: ignore[attr-defined]
    if type(node.proto).__name__ == "Table":  # type: ignore[attr-defined]
        cells = [str(v) for c in frame.columns for v in frame[c].tolist() if isinstance(v, str)]
        return [m for cell in cells for m in outside_markup(cell)]
    found = []
    for name, config in json.loads(data.get("columns") or "{}").items():
        kind = (config.get("type_config") or {}).get("type")
        if kind in ("link", "markdown") and name in frame.columns:
            values = [v for v in frame[name].tolist() if isinstance(v, str)]
            if kind == "link":
                found += [f"link column {name}: {v}" for v in values if not internal(v)]
            else:
                found += [f"markdown column {name}: {m}" for v in values for m in outside_markup(v)]
    return found


# --- the helper and the checker ---------------------------------------------------------------


@pytest.mark.parametrize("payload", [*PAYLOADS, *hostile.URL_VALUES])
def test_escaped_text_renders_nothing_live(payload: str) -> None:
    assert outside_markup(payload), "the checker must see the raw payload as live markup"
    assert outside_markup(md(payload)) == []
    assert outside_markup(f"部门：**{md(payload)}**（{md_code(payload)}）") == []
    assert "<" not in chart_text(payload) and ">" not in chart_text(payload)


def test_normal_text_is_unchanged() -> None:
    """Full-width punctuation and Chinese need no escape: the text reads as before."""
    for text in ("上海市（松江区）城市运行管理中心", "“一网通办”专项费用", "说明：本年度无数据。"):
        assert md(text) == text
    assert md("闵行区联动中心存储备份系统(2022运维)") == r"闵行区联动中心存储备份系统\(2022运维\)"
    assert md_code("a`b") == "``a`b``" and md_code("`x") == "`` `x ``"


def test_charts_draw_document_names_as_text() -> None:
    """Figures the hostile corpus cannot reach (it has no 部门预算; the ETL squeezes the space out
    of a department's '<a href'): a name with a live tag is drawn as text in every place."""
    name = f"部门{hostile.A_TAG}{hostile.IMG_TAG}"
    money = pl.Decimal(18, 2)
    years = pl.DataFrame(
        {"district": ["松江"] * 2, "year": [2025, 2026], "label": ["2025 年", "2026 年"],
         "basic_yuan": [1, 2], "project_yuan": [3, 4]},
        schema_overrides={"basic_yuan": money, "project_yuan": money},
    )  # fmt: skip
    classes = pl.DataFrame(
        {"year": [2026], "code": ["201"], "name": [name], "amount_yuan": [5]},
        schema_overrides={"amount_yuan": money},
    )
    trend = pl.DataFrame({"department": [name, name], "year": [2025, 2026], "avg_score": [90.0, 91.0]})
    three = pl.DataFrame(
        {"item": [name], "district": ["松江"], "budget_yuan": [1], "actual_yuan": [1]},
        schema_overrides={"budget_yuan": money, "actual_yuan": money},
    )
    figures = [
        charts.budget_years(years, name),
        charts.budget_classes(classes, name),
        charts.trend(trend, "avg_score", "平均分", "分", by="department", in_wan=False),
        charts.three_public(three),
    ]
    for fig in figures:
        assert chart_markup(fig.to_json()) == [], fig.layout.title.text


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    raw, warehouse = hostile.build(tmp_path_factory.mktemp("hostile"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUDGET_WAREHOUSE", str(warehouse))
        mp.setenv("BUDGET_RAW", str(raw))
        yield raw, warehouse


@pytest.fixture(scope="module")
def facts(corpus: tuple[Path, Path]) -> dict:
    """What the ETL kept of the hostile documents (the texts the pages will show)."""
    base = corpus[1]
    con = duckdb.connect()

    def rows(sql: str) -> list[tuple]:
        return con.sql(
            re.sub(r"'\{w\}/(\w+)\.parquet'", lambda m: load.duckdb_source(base, m[1]), sql)
        ).fetchall()

    out = {
        "departments": [
            r[0] for r in rows("SELECT DISTINCT department FROM '{w}/documents.parquet' ORDER BY 1")
        ],
        "projects": rows("SELECT project_id, project_name, unit, goal FROM '{w}/projects.parquet'"),
        "messages": [r[0] for r in rows("SELECT message FROM '{w}/checks.parquet'")],
        "indicators": [r[0] for r in rows("SELECT level3 FROM '{w}/indicators.parquet'")],
        "budget_names": [r[0] for r in rows("SELECT DISTINCT name FROM '{w}/budget_lines.parquet'")],
        "files": [r[0] for r in rows("SELECT source_file FROM '{w}/documents.parquet'")],
    }
    con.close()
    return out


def test_hostile_text_reaches_the_warehouse(facts: dict) -> None:
    """The page tests are not vacuous: each kind of outside text survives the ETL as printed."""
    evil = [d for d in facts["departments"] if hostile.HOST in d]
    assert len(evil) == 2 and any(hostile.IMAGE in d and hostile.LINK in d for d in evil), evil
    named = [p for p in facts["projects"] if hostile.IMAGE in (p[1] or "") and hostile.A_TAG in p[1]]
    assert len(named) == 1
    assert hostile.IMG_TAG in named[0][3] and hostile.A_TAG in named[0][3]  # the goal
    assert any(hostile.LINK in (p[2] or "") for p in facts["projects"])  # the unit
    assert any(hostile.LINK in (i or "") and hostile.IMG_TAG in i for i in facts["indicators"])
    assert any(hostile.IMAGE in m and hostile.IMG_TAG in m for m in facts["messages"])  # a finding
    assert any(hostile.A_TAG in (n or "") for n in facts["budget_names"])
    assert hostile.HOSTILE_FILE in facts["files"]


def open_page(page: str, params: dict[str, str | list[str]]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(params)
    if page != "overview":  # opened by its address: its file name is its address
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def documents_chosen(facts: dict) -> dict[str, str | list[str]]:
    """The hostile documents in view: their departments chosen, their project and file opened."""
    project = next(p[0] for p in facts["projects"] if hostile.A_TAG in (p[1] or ""))
    return {
        "department": [d for d in facts["departments"] if hostile.HOST in d],
        "project": project,
        "dq_sev": "error,warning,info",
        "yr_by": "部门",
        "sc_by": "部门",
        "file": hostile.HOSTILE_FILE,
        "line": "5",
        "cell": hostile.URL_VALUES[0],
    }


def every_parameter_hostile() -> dict[str, str]:
    """Every parameter the app reads (dashboard/state.py), and one it does not, set to a hostile value."""
    keys = sorted(set(state.PARAM_KEYS) | state.OTHER_PARAMS)
    params = {k: hostile.URL_VALUES[i % len(hostile.URL_VALUES)] for i, k in enumerate(keys)}
    params["q"] = hostile.LINK  # 项目详情 quotes a search that found nothing
    params["dl_text"] = hostile.IMAGE  # 数据下载 quotes its name filter
    params[hostile.URL_VALUES[0]] = "1"  # an unknown parameter is named in the note
    return params


@pytest.mark.parametrize("page", PAGES)
def test_document_text_is_shown_as_text(page: str, facts: dict) -> None:
    at = open_page(page, documents_chosen(facts))
    assert problems(at) == []


@pytest.mark.parametrize("page", PAGES)
def test_link_parameters_are_shown_as_text(page: str, facts: dict) -> None:
    at = open_page(page, every_parameter_hostile())
    assert problems(at) == []
