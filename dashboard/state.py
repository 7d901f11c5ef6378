"""Shared page state: the warehouse snapshot, cached queries and the URL-kept filters.

Every page run resolves the warehouse once (one build id for the whole run, so
a page never mixes two builds), reads its data through :func:`data` (cached by
query name, build id and parameters) and draws the shared sidebar with
:func:`sidebar_filters`. Filters live in ``st.query_params`` so a link
reproduces the view; hostile or stale values are dropped with a visible note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from dashboard import comparisons, db, queries
from dashboard.export import BEIJING
from dashboard.queries import KIND_LABELS, KINDS, Filters
from dashboard.safe_text import md

MAX_PARAM_LENGTH = 200
MAX_PARAM_VALUES = 20
MAX_NOTES = 3  # notes named in the one warning about a link's bad values
MAX_DEPARTMENT_CHOICES = 1000  # departments the sidebar lists at once (see _department_filter)
PARAM_KEYS = {"district": "districts", "year": "years", "department": "departments", "kind": "kinds"}
# Other parameters the pages read (项目详情: project, q) or may read; anything else is dropped.
OTHER_PARAMS = {"project", "q", "table", "page", "mode", "sev", "file", "line", "cell"}
# Page widgets a shared link keeps (their keys are the URL parameters; see url_widget).
WIDGET_PARAMS = {
    "cmp_mode", "cmp_year", "yr_by", "sc_by", "ex_threshold", "ex_n", "st_statement", "st_doc",
    "st_statement_budget", "st_class", "ex_view", "sc_view", "cmp_view",
    "dl_table", "dl_text", "bg_department", "dq_sev",
}  # fmt: skip
OTHER_PARAMS |= WIDGET_PARAMS
FILTER_ATTRS = ("districts", "years", "departments", "kinds")  # Filters' fields, in order


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(build_id: str, path: str) -> duckdb.DuckDBPyConnection:
    """One in-memory copy of a build, shared by all sessions (never mutated)."""
    return db.connect(Path(path))


def snapshot() -> db.Snapshot:
    """The build this page run reads: resolved once per run, so a run never mixes builds."""
    return db.current_snapshot()


def connection(snap: db.Snapshot) -> duckdb.DuckDBPyConnection:
    return _connection(snap.build_id, str(snap.path))


# Modules whose functions state.data runs: each takes the connection first, then hashable parameters.
QUERY_MODULES = {m.__name__: m for m in (queries, comparisons)}


# Shared objects, not pickled copies: a page run took 30-90 ms at 100,000 documents unpickling the
# frames it asked for (bench/browser_latency.py). Polars frames are never changed in place here;
# data() hands each caller its own copy of a dict or list.
@st.cache_resource(max_entries=1024, show_spinner=False)
def _cached(
    name: str, build_id: str, path: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> pl.DataFrame:
    con = _connection(build_id, path)
    module, _, function = name.rpartition(".")
    return getattr(QUERY_MODULES[module], function)(con, *args, **dict(kwargs))


def data(snap: db.Snapshot, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a query function (dashboard.queries, dashboard.comparisons) on the snapshot, cached by
    its parameters.

    Pages pass the function itself (a typo fails where it is written, and the editor follows
    it); the cache keys it by name, the one thing Streamlit can hash of it."""
    module = QUERY_MODULES.get(query.__module__)
    if module is None or not hasattr(module, query.__name__):
        raise ValueError(f"{query!r} is not a query of {' or '.join(QUERY_MODULES)}")
    name = f"{query.__module__}.{query.__name__}"
    result = _cached(name, snap.build_id, str(snap.path), args, tuple(sorted(kwargs.items())))
    return _own(result)


def _own(result: Any) -> Any:
    """The caller's own copy of a shared dict or list result (their values are lists of names and
    numbers: one level is enough, and a deep copy of 5,000 departments cost 20-50 ms a run)."""
    if isinstance(result, dict):
        return {k: list(v) if isinstance(v, list) else v for k, v in result.items()}
    if isinstance(result, list):
        return list(result)
    return result


# --- filters in the URL -------------------------------------------------------------


def _clean_list(
    raw: list[str], allowed: list[Any], label: str, notes: list[str], cast=str
) -> tuple[Any, ...]:
    kept: list[Any] = []
    if len(raw) > MAX_PARAM_VALUES:
        notes.append(f"链接中的{label}取值过多（{len(raw)} 个），只读取前 {MAX_PARAM_VALUES} 个")
    for value in raw[:MAX_PARAM_VALUES]:
        value = value[:MAX_PARAM_LENGTH]
        try:
            typed = cast(value)
        except (TypeError, ValueError):
            notes.append(f"链接中的{label}“{value[:20]}”无效，已忽略")
            continue
        if typed in allowed:
            if typed not in kept:
                kept.append(typed)
        else:
            notes.append(f"链接中的{label}“{str(value)[:20]}”不在数据范围内，已忽略")
    return tuple(kept)


def filters_from_params(
    params: dict[str, list[str]], options: dict[str, list[Any]]
) -> tuple[Filters, list[str]]:
    """URL parameters -> Filters, dropping values that are not in the data (with notes)."""
    notes: list[str] = []
    districts = _clean_list(params.get("district", []), options["districts"], "区", notes)
    years = _clean_list(params.get("year", []), options["years"], "年度", notes, cast=int)
    departments = _clean_list(params.get("department", []), options["departments"], "部门", notes)
    kinds = _clean_list(params.get("kind", []), list(KINDS), "文件类型", notes)
    unknown = sorted(set(params) - set(PARAM_KEYS) - OTHER_PARAMS)
    for key in unknown[:3]:
        notes.append(f"链接中的参数“{key[:20]}”无法识别，已忽略")
    return Filters(districts, years, departments, kinds), notes


def params_from_filters(f: Filters) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, attr in PARAM_KEYS.items():
        values = getattr(f, attr)
        if values:
            out[key] = [str(v) for v in values]
    return out


def _query_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _reset_filters() -> None:
    for attr in FILTER_ATTRS:
        st.session_state[f"w_{attr}"] = []
    st.session_state["filter_notes"] = []


def drill(page: str, **chosen: Sequence[Any]) -> None:
    """Open ``page`` narrowed to what was clicked (districts=, years=, departments=, kinds=).

    The sidebar's widgets are already drawn in this run and cannot be changed: the new
    filters wait in session state and the next run's sidebar takes them before drawing.
    """
    f = Filters(*(tuple(chosen.get(attr, ())) for attr in FILTER_ATTRS))
    st.session_state["_pending_filters"] = {attr: list(getattr(f, attr)) for attr in FILTER_ATTRS}
    st.switch_page(page, query_params=params_from_filters(f))


def sidebar_filters(snap: db.Snapshot) -> Filters:
    """Draw the shared sidebar; keep the chosen filters in session state and the URL."""
    options = data(snap, queries.filter_options)
    pending = st.session_state.pop("_pending_filters", None)
    if pending is not None:  # a click on a chart elsewhere chose these (see drill)
        for attr, values in pending.items():
            st.session_state[f"w_{attr}"] = values
        st.session_state["filters"] = Filters()
        st.session_state["filter_notes"] = []
    if "filters" not in st.session_state:
        f, notes = filters_from_params(_query_params(), options)
        st.session_state["filters"] = f
        st.session_state["filter_notes"] = notes
        for attr in FILTER_ATTRS:
            st.session_state[f"w_{attr}"] = list(getattr(f, attr))
    # A rebuild may drop a value still held by a widget: a multiselect refuses unknown values.
    for attr, allowed in (
        ("districts", options["districts"]),
        ("years", options["years"]),
        ("departments", options["departments"]),
        ("kinds", list(KINDS)),
    ):
        held = st.session_state.get(f"w_{attr}", [])
        st.session_state[f"w_{attr}"] = [v for v in held if v in allowed]
    with st.sidebar:
        st.markdown("### 筛选条件")
        st.multiselect("区", options["districts"], key="w_districts", placeholder="全部区")
        st.multiselect("年度", options["years"], key="w_years", placeholder="全部年度")
        _department_filter(snap)
        st.multiselect(
            "文件类型",
            list(KINDS),
            key="w_kinds",
            format_func=lambda k: KIND_LABELS[k],
            placeholder="全部类型",
        )
        # A widget's state can only be changed before it is drawn: reset in the callback.
        st.button("重置筛选", width="stretch", on_click=_reset_filters)
        st.caption(f"数据更新于 {beijing_time(snap.created_at)}")
    f = Filters(
        tuple(st.session_state["w_districts"]),
        tuple(st.session_state["w_years"]),
        tuple(st.session_state["w_departments"]),
        tuple(st.session_state["w_kinds"]),
    )
    if f != st.session_state["filters"]:
        st.session_state["filter_notes"] = []  # the link's notes are stale once the user filters
    st.session_state["filters"] = f
    notes = list(dict.fromkeys(st.session_state.get("filter_notes", [])))
    if notes:
        # One note however many bad values a link carries: the first few, then how many more.
        # The notes quote the link's values: shown as text (issue 17), never as Markdown.
        shown = "；".join(md(n) for n in notes[:MAX_NOTES]) + (
            f"；另有 {len(notes) - MAX_NOTES} 处已忽略" if len(notes) > MAX_NOTES else ""
        )
        st.sidebar.warning(shown, icon=":material/warning:")
    keep = {k: st.query_params.get_all(k) for k in st.query_params if k in OTHER_PARAMS}
    wanted = {**keep, **params_from_filters(f)}
    if wanted != _query_params():
        st.query_params.from_dict(wanted)
    return f


def _department_filter(snap: db.Snapshot) -> None:
    """The 部门 list of the 区 and 年度 chosen above it, or only the chosen ones when too long.

    Every run draws the list again in the browser: 8,064 departments (100,000 documents) cost
    it 150-200 ms of every filter change (bench/browser_latency.py), one district's 500 little.
    """
    held = list(st.session_state.get("w_departments", []))
    within = data(
        snap,
        queries.department_choices,
        tuple(st.session_state.get("w_districts", [])),
        tuple(st.session_state.get("w_years", [])),
    )
    placeholder = "全部部门"
    if len(within) > MAX_DEPARTMENT_CHOICES:
        shown = held
        placeholder = "全部部门（先选区）"
    else:
        listed = set(within)
        shown = within + [d for d in held if d not in listed]
    st.multiselect("部门", shown, key="w_departments", placeholder=placeholder)
    if len(within) > MAX_DEPARTMENT_CHOICES:
        st.caption(f"所选范围内有 {len(within):,} 个部门，请先选择区，再按部门筛选。")


def describe(f: Filters) -> dict[str, str]:
    """Filters in words, for exports and captions."""
    return {
        "区": "、".join(f.districts) or "全部",
        "年度": "、".join(map(str, f.years)) or "全部",
        "部门": "、".join(f.departments) or "全部",
        "文件类型": "、".join(KIND_LABELS[k] for k in f.kinds) or "全部",
    }


def beijing_time(iso: str) -> str:
    """'2026-12-01T23:51:06+00:00' -> '2026-12-02 07:51 北京时间' (the officials' clock)."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M 北京时间")


def scope_text(f: Filters) -> str:
    d = describe(f)
    return f"{d['区']}区 · {d['年度']}年度" if f.districts or f.years else "全部区、全部年度"


# --- page widgets in the URL ----------------------------------------------------------


def url_widget(
    key: str, options: Sequence[Any] | None = None, cast: Callable[[str], Any] = str, many: bool = False
) -> bool:
    """Seed a page widget from the link once per session (a bad value is dropped); the entry
    file writes its value back after the run (keep_widgets_in_url). True when the widget's
    value now lives in session state, so the page must not pass its own default."""
    st.session_state.setdefault("_url_widgets", set()).add(key)
    seeded = f"_url_seeded_{key}"
    if key not in st.session_state and not st.session_state.get(seeded) and key in st.query_params:
        st.session_state[seeded] = True
        raw = st.query_params[key][:MAX_PARAM_LENGTH]
        if many:  # a multiselect: 'error,warning'
            try:
                values = [cast(v) for v in raw.split(",") if v]
            except (TypeError, ValueError):
                values = []
            kept = [v for v in values if options is None or v in options][:MAX_PARAM_VALUES]
            if kept:
                st.session_state[key] = kept
            return key in st.session_state
        try:
            value = cast(raw)
        except (TypeError, ValueError):
            value = None
        if value is not None and (options is None or value in options):
            st.session_state[key] = value
    if not many and options is not None and key in st.session_state and st.session_state[key] not in options:
        # chosen among other options (another document, other filters): the widget starts afresh
        del st.session_state[key]
    return key in st.session_state


def keep_widgets_in_url() -> None:
    """After the page ran: its widgets' values into the link (another page's stay as they were,
    so a link opened on one page and shared from it restores that page)."""
    for key in st.session_state.pop("_url_widgets", set()):
        value = st.session_state.get(key)
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        if value is None or value == "":
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != str(value):
            st.query_params[key] = str(value)
