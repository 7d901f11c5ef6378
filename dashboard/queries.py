"""Every question the pages ask, as one typed function each, parameters bound.

Functions take a DuckDB connection (a cursor is made per query, so sessions on
different threads never share one) and a :class:`Filters`; values chosen by the
user are only ever passed as bound parameters, never formatted into SQL.
Money stays DECIMAL (元) in the frames; pages convert to 万元 for display.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from etl import templates

KINDS = ("final_accounts", "budget", "self_evaluation", "target_declaration")
KIND_LABELS = templates.KIND_LABELS
T3 = "支出决算表"
B3 = "支出预算总表"  # the 预算's expenditure table (T3's place in the budget template)
B2 = "收入预算总表"
B5 = "一般公共预算支出功能分类预算表"
B6 = "一般公共预算基本支出经济分类预算表"
T5 = "一般公共预算财政拨款支出决算表"
T6 = "一般公共预算财政拨款基本支出决算表"
# The expenditure tables a 支出结构 can be drawn from, and the column holding a row's total.
STRUCTURE_TABLES = {T3: "本年支出合计", T5: "合计", B3: "合计", B5: "合计"}


@dataclass(frozen=True)
class Filters:
    """The shared sidebar filters; an empty tuple means 'all'."""

    districts: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()
    kinds: tuple[str, ...] = field(default=())
    files: tuple[str, ...] = ()  # one document's figures (支出结构): set by a page, never by the sidebar

    def params(self) -> dict[str, Any]:
        return {
            "districts": list(self.districts),
            "years": list(self.years),
            "departments": list(self.departments),
        }

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


def _where(alias: str = "", year: str = "year") -> str:
    """The shared-filter predicate over a table (optionally aliased); values stay bound parameters."""
    a = f"{alias}." if alias else ""
    return f"""(len($districts::VARCHAR[]) = 0 OR list_contains($districts::VARCHAR[], {a}district))
    AND (len($years::INTEGER[]) = 0 OR list_contains($years::INTEGER[], {a}{year}))
    AND (len($departments::VARCHAR[]) = 0 OR list_contains($departments::VARCHAR[], {a}department))"""


_WHERE = _where()
# One document's figures (Filters.files), for the questions 支出结构 asks of one document.
_ONE_DOCUMENT = "(len($files::VARCHAR[]) = 0 OR list_contains($files::VARCHAR[], source_file))"


def run(con: duckdb.DuckDBPyConnection, sql: str, **params: Any) -> pl.DataFrame:
    """Execute on a fresh cursor with bound parameters; result as a Polars frame."""
    cur = con.cursor()
    try:
        return cur.sql(sql, params=params or None).pl()
    finally:
        cur.close()


def _kind_guard(f: Filters, kind: str) -> str:
    # Not user input: a constant chosen by us from the filter's membership.
    return "TRUE" if f.wants(kind) else "FALSE"


def _project_kinds(f: Filters) -> list[str]:
    return [k for k in ("self_evaluation", "target_declaration") if f.wants(k)]


def _where_used(f: Filters, alias: str = "", year: str = "year") -> tuple[str, dict[str, Any]]:
    """Like :func:`_where`, but a predicate only for each filter in use, and only its value bound."""
    a = f"{alias}." if alias else ""
    preds, params = [], {}
    if f.districts:
        preds.append(f"list_contains($districts::VARCHAR[], {a}district)")
        params["districts"] = list(f.districts)
    if f.years:
        preds.append(f"list_contains($years::INTEGER[], {a}{year})")
        params["years"] = list(f.years)
    if f.departments:
        preds.append(f"list_contains($departments::VARCHAR[], {a}department)")
        params["departments"] = list(f.departments)
    if f.files:
        preds.append(f"list_contains($files::VARCHAR[], {a}source_file)")
        params["files"] = list(f.files)
    return " AND ".join(preds) or "TRUE", params


def _matches(column: str, values: Sequence[Any], dtype: pl.DataType) -> pl.Expr:
    """A Polars predicate: ``column`` is one of ``values`` (none: no row); values are data, never code."""
    if len(values) == 1:
        return pl.col(column) == pl.lit(values[0], dtype=dtype)
    return pl.col(column).is_in(pl.Series(list(values), dtype=dtype).implode())


def _frame_filters(f: Filters) -> list[pl.Expr]:
    """The shared filters in use, as Polars predicates over district / year / department."""
    used = (
        ("district", f.districts, pl.String),
        ("year", f.years, pl.Int32),
        ("department", f.departments, pl.String),
        ("source_file", f.files, pl.String),  # only frames that keep the file are asked for one document
    )
    return [_matches(col, values, dtype) for col, values, dtype in used if values]


# --- derived once per build -------------------------------------------------------
#
# A DuckDB statement costs 0.5–1 ms here whatever it reads (parsing, planning, the
# pipeline, the Arrow result; `SELECT * FROM` a 450-row table: 1 ms), about half of
# what Datasette takes for a whole indexed lookup over HTTP (bench/datasette_compare.py).
# So the five hottest questions read data derived once per connection (one connection =
# one build, never mutated): 决算 and 自评 summed per department and year (总览 adds them
# up again under the filters), the 类 structure per district-year (without a department
# filter each district-year's rows stand alone, so a call selects them) and per
# department (with one, a call adds them up again), the auditor's findings that depend
# only on a project's own indicators, and the projects and the indicators as Polars
# frames sorted on their keys (a selection; a slice through the row index). Nothing
# remembers a call's filters or result.


@dataclass(frozen=True)
class _Derived:
    spend_by_department: pl.DataFrame  # 支出决算表 total row's three figures per department and year
    evals_by_department: pl.DataFrame  # self-evaluations' count and sums per department and year
    projects: pl.DataFrame  # projects()' columns, in its order
    indicators: pl.DataFrame  # project_indicators()' columns, sorted by project_id, seq
    indicator_rows: dict[str, tuple[int, int]]  # project_id -> (first row, rows) in ``indicators``
    class_by_district_year: pl.DataFrame  # spending_by_class() over everything, in its order
    class_by_department: pl.DataFrame  # its 本年支出合计 per department, district, year and 类


_DERIVED: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Derived] = weakref.WeakKeyDictionary()
_DERIVED_LOCK = threading.Lock()

_INDICATOR_COLUMNS = """
    seq, level1, level2, level3, target_value, actual_value, weight, score, meets_target,
    deviation_reason, explanation, scoring_rule, source_line, source_page, source_cell
"""


def precompute(con: duckdb.DuckDBPyConnection) -> None:
    """Build the derived tables and frames of one connection's warehouse tables (db.connect calls it)."""
    indicators = run(con, f"SELECT project_id, {_INDICATOR_COLUMNS} FROM indicators ORDER BY project_id, seq")
    spans = indicators.with_row_index("row").group_by("project_id").agg(pl.col("row").min(), pl.len())
    derived = _Derived(
        spend_by_department=run(
            con,
            f"""
            SELECT district, year, department,
                   sum(amount_yuan) FILTER (WHERE measure = '本年支出合计') AS total_expenditure_yuan,
                   sum(amount_yuan) FILTER (WHERE measure = '基本支出') AS basic_yuan,
                   sum(amount_yuan) FILTER (WHERE measure = '项目支出') AS project_yuan
            FROM budget_lines WHERE template = '{T3}' AND level = 0 AND code IS NULL
            GROUP BY ALL ORDER BY district, year, department
            """,
        ),
        evals_by_department=run(
            con,
            """
            SELECT district, year, department, count(*) AS projects,
                   (sum(score_total) * 100)::BIGINT AS score_hundredths, count(score_total) AS scored,
                   sum(executed_yuan) AS executed_yuan, sum(budget_full_year_yuan) AS budget_full_year_yuan
            FROM projects WHERE kind = 'self_evaluation'
            GROUP BY ALL ORDER BY district, year, department
            """,
        ),
        projects=run(
            con,
            f"""
            SELECT {_PROJECT_COLUMNS},
                   executed_yuan / nullif(budget_full_year_yuan, 0) AS execution_rate_computed
            FROM projects ORDER BY district, year, department, project_name, source_line
            """,
        ),
        indicators=indicators.drop("project_id"),
        indicator_rows={pid: (int(row), int(n)) for pid, row, n in spans.iter_rows()},
        class_by_district_year=run(
            con,
            f"""
            SELECT district, year, code, any_value(name) AS name, sum(amount_yuan) AS amount_yuan,
                   sum(amount_yuan) / sum(sum(amount_yuan)) OVER (PARTITION BY district, year) AS share,
                   list(DISTINCT department) AS departments
            FROM budget_lines
            WHERE template = '{T3}' AND measure = '本年支出合计' AND level = 1
            GROUP BY district, year, code
            ORDER BY district, year, amount_yuan DESC
            """,
        ),
        class_by_department=run(
            con,
            f"""
            SELECT district, year, department, code, any_value(name) AS name, sum(amount_yuan) AS amount_yuan
            FROM budget_lines
            WHERE template = '{T3}' AND measure = '本年支出合计' AND level = 1
            GROUP BY ALL ORDER BY district, year, department, code
            """,
        ),
    )
    _DERIVED[con] = derived


def _derived(con: duckdb.DuckDBPyConnection) -> _Derived:
    """The connection's derived data, built on first use when db.connect did not build it."""
    derived = _DERIVED.get(con)
    if derived is None:
        with _DERIVED_LOCK:
            if con not in _DERIVED:
                precompute(con)
            derived = _DERIVED[con]
    return derived


# --- filter choices ---------------------------------------------------------------


# Who and when the warehouse holds: every document read, and every project's own district and year.
_PRESENT = """
    SELECT district, year, department FROM documents WHERE status <> 'failed'
    UNION SELECT district, year, department FROM projects
"""


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """Districts, years and departments present anywhere in the warehouse."""
    df = run(con, _PRESENT)
    return {
        "districts": sorted(x for x in df["district"].unique().to_list() if x),
        "years": sorted(x for x in df["year"].unique().to_list() if x),
        "departments": sorted(x for x in df["department"].unique().to_list() if x),
    }


def department_choices(
    con: duckdb.DuckDBPyConnection, districts: tuple[str, ...], years: tuple[int, ...]
) -> list[str]:
    """The departments of the chosen districts and years (every one when none is chosen): the
    sidebar's 部门 list follows the 区 and 年度 chosen above it."""
    df = run(
        con,
        f"SELECT DISTINCT department FROM ({_PRESENT}) WHERE department IS NOT NULL AND {_WHERE} ORDER BY department",
        **Filters(districts=districts, years=years).params(),
    )
    return df["department"].to_list()


# --- 预算与决算 -------------------------------------------------------------------


def budget_summary(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Per department and year of a 预算: the totals, 基本/项目, 三公 and 机关运行经费.

    支出预算合计 is the printed 合计 row; where the table prints no 合计 column, the sum of its
    基本支出 and 项目支出 (as in budget_vs_final).
    """
    if not f.wants("budget"):
        return pl.DataFrame()
    return run(
        con,
        f"""
        WITH lines AS (
            SELECT district, department, year,
                   sum(amount_yuan) FILTER (WHERE template = '{B3}' AND measure = '合计' AND level = 0) AS expenditure_yuan,
                   sum(amount_yuan) FILTER (WHERE template = '{B3}' AND measure = '基本支出' AND level = 0) AS basic_yuan,
                   sum(amount_yuan) FILTER (WHERE template = '{B3}' AND measure = '项目支出' AND level = 0) AS project_yuan,
                   sum(amount_yuan) FILTER (WHERE template = '{B2}' AND measure = '合计' AND level = 0) AS income_yuan,
                   sum(amount_yuan) FILTER (WHERE name = '机关运行经费' AND code IS NULL
                                            AND template LIKE '%三公%') AS operating_cost_yuan
            FROM budget_lines WHERE doc_kind = 'budget' AND {_WHERE} GROUP BY ALL
        ), tp AS (
            SELECT district, department, year, sum(budget_yuan) FILTER (WHERE item = '合计') AS three_public_yuan
            FROM three_public WHERE doc_kind = 'budget' AND {_WHERE} GROUP BY ALL
        )
        SELECT l.* REPLACE (coalesce(l.expenditure_yuan, l.basic_yuan + l.project_yuan) AS expenditure_yuan),
               tp.three_public_yuan
        FROM lines l LEFT JOIN tp ON l.district IS NOT DISTINCT FROM tp.district
             AND l.department IS NOT DISTINCT FROM tp.department AND l.year = tp.year
        ORDER BY district, department, year
        """,
        **f.params(),
    )


def budget_by_class(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """A 预算's 支出预算总表 by 类 (合计), per department and year."""
    if not f.wants("budget"):
        return pl.DataFrame()
    return run(
        con,
        f"""
        SELECT district, department, year, code, any_value(name) AS name, sum(amount_yuan) AS amount_yuan
        FROM budget_lines
        WHERE doc_kind = 'budget' AND template = '{B3}' AND measure = '合计' AND level = 1 AND {_WHERE}
        GROUP BY ALL ORDER BY district, department, year, code
        """,
        **f.params(),
    )


# A department-year's 预算 and 决算 per 类 and 款 (the printed 合计, else 基本 + 项目 where a table
# prints only those), for the questions that set them side by side: ``where`` filters the rows,
# ``shift`` moves a 决算's year (+1: the 决算 of the year before a budget, keyed by the budget's).
def _budget_by_code(where: str) -> str:
    return f"""
            SELECT district, department, year, code, any_value(name) AS name,
                   coalesce(sum(amount_yuan) FILTER (WHERE measure = '合计'), sum(amount_yuan)) AS budget_yuan
            FROM budget_lines
            WHERE doc_kind = 'budget' AND template = '{B3}' AND measure IN ('合计', '基本支出', '项目支出')
              AND level IN (1, 2) AND {where}
            GROUP BY ALL"""


def _final_by_code(where: str, shift: int = 0) -> str:
    return f"""
            SELECT district, department, year + {int(shift)} AS year, code, any_value(name) AS name,
                   coalesce(sum(amount_yuan) FILTER (WHERE measure = '本年支出合计'), sum(amount_yuan)) AS final_yuan
            FROM budget_lines
            WHERE doc_kind = 'final_accounts' AND template = '{T3}'
              AND measure IN ('本年支出合计', '基本支出', '项目支出') AND level IN (1, 2) AND {where}
            GROUP BY ALL"""


def budget_vs_final(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Departments with a 预算 and a 决算 of the same year: per 类 and 款, the budget, the final
    figure, the difference and the rate, with the 决算 说明's reason when it gives one.

    A row's figure is its printed 合计 (本年支出合计); a table that prints only 基本支出 and
    项目支出 columns (some 单位预算) gives their sum.
    """
    if not (f.wants("budget") and f.wants("final_accounts")):
        return pl.DataFrame()
    return run(
        con,
        f"""
        WITH b AS ({_budget_by_code(_WHERE)}
        ), a AS ({_final_by_code(_WHERE)}
        ), reasons AS (
            SELECT district, department, year, left(code, 5) AS code, string_agg(DISTINCT reason, '；') AS reason
            FROM narrative_items WHERE reason IS NOT NULL AND code IS NOT NULL AND {_WHERE} GROUP BY ALL
        )
        , pairs AS (  -- department-years holding both (a municipal unit's district is null: still a pair)
            SELECT district, department, year FROM b INTERSECT SELECT district, department, year FROM a
        ), joined AS (
            SELECT coalesce(b.district, a.district) AS district,
                   coalesce(b.department, a.department) AS department,
                   coalesce(b.year, a.year) AS year, coalesce(b.code, a.code) AS code,
                   coalesce(a.name, b.name) AS name, b.budget_yuan, a.final_yuan
            FROM b FULL JOIN a ON b.district IS NOT DISTINCT FROM a.district AND b.department = a.department
                 AND b.year = a.year AND b.code IS NOT DISTINCT FROM a.code
        )
        SELECT j.district, j.department, j.year, j.code, j.name, j.budget_yuan, j.final_yuan,
               j.final_yuan - j.budget_yuan AS difference_yuan,
               j.final_yuan::DOUBLE / nullif(j.budget_yuan::DOUBLE, 0) AS rate,
               r.reason
        FROM joined j
        SEMI JOIN pairs p ON p.district IS NOT DISTINCT FROM j.district AND p.department = j.department
             AND p.year = j.year
        LEFT JOIN reasons r ON r.district IS NOT DISTINCT FROM j.district AND r.department = j.department
             AND r.year = j.year AND r.code = j.code
        ORDER BY j.district, j.department, j.year, j.code
        """,
        **f.params(),
    )


def budget_against_last_final(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """A department's 预算 of a year against its 决算 of the year before (the natural pair: the
    2025 部门预算 is drawn up beside the 2024 决算), per 类 and 款: the budget, last year's final
    figure, the change in 元 and as a rate. The year filter names the budget's year."""
    if not (f.wants("budget") and f.wants("final_accounts")):
        return pl.DataFrame()
    district = "(len($districts::VARCHAR[]) = 0 OR list_contains($districts::VARCHAR[], district))"
    department = "(len($departments::VARCHAR[]) = 0 OR list_contains($departments::VARCHAR[], department))"
    return run(
        con,
        f"""
        WITH b AS ({_budget_by_code(_WHERE)}
        ), a AS ({_final_by_code(f"{district} AND {department}", shift=1)}  -- the 决算 of the year before
        ), pairs AS (
            SELECT district, department, year FROM b INTERSECT SELECT district, department, year FROM a
        ), joined AS (
            SELECT coalesce(b.district, a.district) AS district, coalesce(b.department, a.department) AS department,
                   coalesce(b.year, a.year) AS year, coalesce(b.code, a.code) AS code,
                   coalesce(b.name, a.name) AS name, b.budget_yuan, a.final_yuan AS last_final_yuan
            FROM b FULL JOIN a ON b.district IS NOT DISTINCT FROM a.district AND b.department = a.department
                 AND b.year = a.year AND b.code = a.code
        )
        SELECT j.district, j.department, j.year, j.year - 1 AS final_year, j.code, j.name,
               j.budget_yuan, j.last_final_yuan, j.budget_yuan - j.last_final_yuan AS change_yuan,
               j.budget_yuan::DOUBLE / nullif(j.last_final_yuan::DOUBLE, 0) - 1 AS change_rate
        FROM joined j
        SEMI JOIN pairs p ON p.district IS NOT DISTINCT FROM j.district AND p.department = j.department
             AND p.year = j.year
        ORDER BY j.district, j.department, j.year, j.code
        """,
        **f.params(),
    )


# --- 总览 -------------------------------------------------------------------------


_HEADLINE_COLUMNS = (
    "district", "year", "total_expenditure_yuan", "basic_yuan", "project_yuan", "budget_expenditure_yuan",
    "evaluated_projects", "avg_score", "execution_rate", "final_departments", "budget_departments",
    "evaluated_departments",
)  # fmt: skip


def _sum(column: str) -> pl.Expr:
    """SQL's sum: null when every value is null (Polars' sum would say 0)."""
    return pl.when(pl.col(column).count() > 0).then(pl.col(column).sum())


def headline_by_district_year(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Per district and year: 决算 totals, 基本/项目 split, evaluated projects, score, execution."""
    derived, where = _derived(con), _frame_filters(f)
    spend = (
        derived.spend_by_department.filter(*where, pl.lit(f.wants("final_accounts")))
        .group_by("district", "year")
        .agg(
            _sum("total_expenditure_yuan"),
            _sum("basic_yuan"),
            _sum("project_yuan"),
            pl.col("department").unique().alias("final_departments"),
        )
    )
    scored = pl.col("scored").sum()
    budget = _sum("budget_full_year_yuan").cast(pl.Float64)
    evals = (
        derived.evals_by_department.filter(*where, pl.lit(f.wants("self_evaluation")))
        .group_by("district", "year")
        .agg(
            pl.col("projects").sum().alias("evaluated_projects"),
            # bit for bit SQL's avg(score_total): the sum in hundredths / (count × 100), in DOUBLE
            pl.when(scored > 0)
            .then(pl.col("score_hundredths").sum().cast(pl.Float64) / (scored * 100).cast(pl.Float64))
            .alias("avg_score"),
            pl.when(budget != 0)
            .then(_sum("executed_yuan").cast(pl.Float64) / budget)
            .alias("execution_rate"),
            pl.col("department").unique().alias("evaluated_departments"),
        )
    )
    budgets = budget_summary(con, f)
    budget = (
        budgets.group_by("district", "year").agg(
            _sum("expenditure_yuan").alias("budget_expenditure_yuan"),
            pl.col("department").unique().alias("budget_departments"),
        )
        if not budgets.is_empty()
        else pl.DataFrame(
            schema={
                "district": pl.String,
                "year": pl.Int32,
                "budget_expenditure_yuan": pl.Decimal(18, 2),
                "budget_departments": pl.List(pl.String),
            }
        )
    )
    none = pl.lit([], dtype=pl.List(pl.String))
    keys = ["district", "year"]
    return (
        spend.join(evals, on=keys, how="full", coalesce=True, nulls_equal=True)
        .join(
            budget.cast({"year": spend.schema["year"]}), on=keys, how="full", coalesce=True, nulls_equal=True
        )
        .with_columns(
            pl.col("evaluated_projects").fill_null(0),
            pl.col("final_departments").fill_null(none),
            pl.col("budget_departments").fill_null(none),
            pl.col("evaluated_departments").fill_null(none),
        )
        .select(_HEADLINE_COLUMNS)
        .sort("district", "year", nulls_last=True)
    )


def coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """district × year × document kind: how many departments / projects the corpus holds."""
    return run(
        con,
        f"""
        SELECT district, year, doc_kind AS kind, count(DISTINCT department) AS n
        FROM budget_lines
        WHERE ((doc_kind = 'final_accounts' AND {_kind_guard(f, "final_accounts")})
               OR (doc_kind = 'budget' AND {_kind_guard(f, "budget")})) AND {_WHERE}
        GROUP BY ALL
        UNION ALL
        SELECT district, year, kind, count(*) AS n FROM projects
        WHERE {_WHERE} AND list_contains($kinds::VARCHAR[], kind) GROUP BY ALL
        ORDER BY district, year, kind
        """,
        kinds=_project_kinds(f),
        **f.params(),
    )


# --- 区际比较 / 支出结构 -------------------------------------------------------------


def latest_year_per_district(con: duckdb.DuckDBPyConnection, f: Filters, kind: str) -> pl.DataFrame:
    """The latest year each district has data of a kind (the corpus is sparse)."""
    if kind == "final_accounts":
        sql = f"SELECT district, max(year) AS year FROM budget_lines WHERE doc_kind = 'final_accounts' AND {_WHERE} GROUP BY district ORDER BY district"
        return run(con, sql, **f.params())
    return run(
        con,
        f"SELECT district, max(year) AS year FROM projects WHERE kind = $kind AND {_WHERE} GROUP BY district ORDER BY district",
        kind=kind,
        **f.params(),
    )


def district_years(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Each district's years with a 决算 or a self-evaluation (what 区际比较 compares), and which."""
    return run(
        con,
        f"""
        SELECT DISTINCT district, year, doc_kind AS kind FROM budget_lines
        WHERE doc_kind = 'final_accounts' AND district IS NOT NULL AND {_WHERE}
        UNION
        SELECT DISTINCT district, year, kind FROM projects
        WHERE kind = 'self_evaluation' AND district IS NOT NULL AND {_WHERE}
        ORDER BY district, year, kind
        """,
        **f.params(),
    )


def spending_by_class(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """本年支出合计 by 类 (支出决算表) per district and year, with each 类's share."""
    if not f.wants("final_accounts"):
        return pl.DataFrame()
    derived = _derived(con)
    if not f.departments:
        # Each district-year's rows (and shares) stand alone: select them from the summary of everything.
        return derived.class_by_district_year.filter(*_frame_filters(f))
    # The departments change the sums and shares: add the departments' figures up again.
    total = pl.col("amount_yuan").sum().over("district", "year")
    return (
        derived.class_by_department.filter(*_frame_filters(f))
        .group_by("district", "year", "code")
        .agg(
            pl.col("name").first(),
            _sum("amount_yuan"),
            pl.col("department").unique().alias("departments"),
        )
        .with_columns(
            share=pl.when(total != 0).then(pl.col("amount_yuan").cast(pl.Float64) / total.cast(pl.Float64))
        )
        .select("district", "year", "code", "name", "amount_yuan", "share", "departments")
        .sort("district", "year", "amount_yuan", descending=[False, False, True], nulls_last=True)
    )


def functional_tree(con: duckdb.DuckDBPyConnection, f: Filters, statement: str = T3) -> pl.DataFrame:
    """类/款/项 amounts (a row's total column) with their parent codes, for a treemap."""
    if statement not in STRUCTURE_TABLES or not (f.wants("final_accounts") or f.wants("budget")):
        return pl.DataFrame()
    return run(
        con,
        f"""
        SELECT code, any_value(name) AS name, level,
               CASE WHEN level = 1 THEN NULL ELSE left(code, length(code) - 2) END AS parent,
               sum(amount_yuan) AS amount_yuan
        FROM budget_lines
        WHERE template = $statement AND measure = $measure AND level BETWEEN 1 AND 3
          AND classification = 'functional' AND {_WHERE} AND {_ONE_DOCUMENT}
        GROUP BY code, level ORDER BY code
        """,
        statement=statement,
        measure=STRUCTURE_TABLES[statement],
        files=list(f.files),
        **f.params(),
    )


def structure_documents(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """The 决算 and 预算 in scope, one row per document (its file names it in a link): what a
    支出结构 is drawn for."""
    kinds = [k for k in ("final_accounts", "budget") if f.wants(k)]
    return run(
        con,
        f"""
        SELECT DISTINCT source_file, district, department, year, doc_kind FROM budget_lines
        WHERE list_contains($kinds::VARCHAR[], doc_kind) AND {_WHERE}
        ORDER BY year DESC, district, department, doc_kind DESC, source_file
        """,
        kinds=kinds,
        **f.params(),
    )


def economic_basic(con: duckdb.DuckDBPyConnection, f: Filters, template: str = T6) -> pl.DataFrame:
    """基本支出 by economic class (301/302/303/310) and 款 (决算: 决算数; 预算: 合计)."""
    if template not in (T6, B6):
        return pl.DataFrame()
    measure = "决算数" if template == T6 else "合计"
    return run(
        con,
        f"""
        SELECT code, any_value(name) AS name, level,
               CASE WHEN level = 2 THEN left(code, 3) END AS parent, sum(amount_yuan) AS amount_yuan
        FROM budget_lines
        WHERE template = $template AND measure = $measure AND classification = 'economic' AND level IN (1, 2)
          AND {_WHERE} AND {_ONE_DOCUMENT}
        GROUP BY code, level ORDER BY code
        """,
        template=template,
        measure=measure,
        files=list(f.files),
        **f.params(),
    )


def basic_vs_project(con: duckdb.DuckDBPyConnection, f: Filters, template: str = T3) -> pl.DataFrame:
    """基本支出 vs 项目支出 (the expenditure table's total row) per district and year."""
    if template not in (T3, B3):
        return pl.DataFrame()
    return run(
        con,
        f"""
        SELECT district, year, measure, sum(amount_yuan) AS amount_yuan
        FROM budget_lines
        WHERE template = $template AND level = 0 AND code IS NULL AND measure IN ('基本支出', '项目支出') AND {_WHERE} AND {_ONE_DOCUMENT}
        GROUP BY ALL ORDER BY district, year, measure
        """,
        template=template,
        files=list(f.files),
        **f.params(),
    )


def three_public(
    con: duckdb.DuckDBPyConnection, f: Filters, doc_kind: str = "final_accounts"
) -> pl.DataFrame:
    """三公经费 budget vs actual per item, district and year (departments summed)."""
    if not f.wants(doc_kind):
        return pl.DataFrame()
    return run(
        con,
        f"""
        SELECT district, year, item, sum(budget_yuan) AS budget_yuan, sum(actual_yuan) AS actual_yuan,
               count(DISTINCT department) AS departments
        FROM three_public WHERE doc_kind = $doc_kind AND {_WHERE} AND {_ONE_DOCUMENT}
        GROUP BY district, year, item
        ORDER BY district, year,
                 list_position(['合计', '因公出国（境）费', '公务用车购置及运行维护费', '公务用车购置费',
                                '公务用车运行维护费', '公务接待费'], item) NULLS LAST, item
        """,
        doc_kind=doc_kind,
        files=list(f.files),
        **f.params(),
    )


# --- projects ---------------------------------------------------------------------

_PROJECT_COLUMNS = """
    project_id, district, year, department, unit, project_name, kind,
    budget_initial_yuan, budget_full_year_yuan, executed_yuan, execution_rate,
    score_total, score_max, grade, category, n_indicators, source_file, source_line
"""


def projects(con: duckdb.DuckDBPyConnection, f: Filters, kind: str | None = None) -> pl.DataFrame:
    """Projects in the filter, one row each (self-evaluations and/or declarations)."""
    # an explicit kind still honours the sidebar's 文件类型 filter
    wanted = [kind] if kind is not None and f.wants(kind) else []
    kinds = wanted if kind is not None else _project_kinds(f)
    # A selection from the projects, kept in this function's order (a filter keeps it).
    return _derived(con).projects.filter(_matches("kind", kinds, pl.String), *_frame_filters(f))


def points_lost(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Where points were lost: Σ(weight − score) by 一级/二级 indicator."""
    return run(
        con,
        f"""
        SELECT CASE i.level1 WHEN '产出目标' THEN '产出指标' WHEN '效益目标' THEN '效益指标'
                             WHEN '满意度目标' THEN '满意度指标' ELSE i.level1 END AS level1,
               coalesce(i.level2, '（无二级）') AS level2,
               sum(i.weight - i.score) AS points_lost, count(*) AS indicators,
               count(*) FILTER (WHERE i.score < i.weight) AS indicators_short
        FROM indicators i JOIN projects p USING (project_id)
        WHERE p.kind = 'self_evaluation' AND i.weight IS NOT NULL AND i.score IS NOT NULL
          AND {_where("p", "year")} AND {_kind_guard(f, "self_evaluation")}
        GROUP BY ALL ORDER BY points_lost DESC
        """,
        **f.params(),
    )


def anomalies(
    con: duckdb.DuckDBPyConnection, f: Filters, low_rate: float = 0.8, high_score: float = 90
) -> pl.DataFrame:
    """Findings an auditor wants, one row per project and finding."""
    where, params = _where_used(f, "p", "year")
    in_scope = "TRUE" if where == "TRUE" else "project_id IN (SELECT project_id FROM p)"
    return run(
        con,
        f"""
        WITH p AS (
            SELECT * FROM projects p
            WHERE kind = 'self_evaluation' AND {_kind_guard(f, "self_evaluation")} AND {where}
        ),
        low_rate_high_score AS (
            SELECT p.project_id, '执行率低但得分高' AS finding,
                   printf('执行率 %.2f%%，总分 %g', 100 * coalesce(p.execution_rate, p.executed_yuan / nullif(p.budget_full_year_yuan, 0))::DOUBLE, p.score_total::DOUBLE) AS detail
            FROM p WHERE coalesce(p.execution_rate, p.executed_yuan / nullif(p.budget_full_year_yuan, 0)) < $low_rate
              AND p.score_total >= $high_score
        ),
        -- the findings of a project's own indicators are checks (etl.validate.performance)
        registered AS (
            SELECT project_id, title AS finding, message AS detail FROM checks
            WHERE "check" IN ('indicator_missed_but_full_points', 'weights_sum', 'indicator_values_all_identical')
              AND project_id IS NOT NULL
        ),
        found AS (
            SELECT * FROM low_rate_high_score
            UNION ALL SELECT * FROM registered
            WHERE {_kind_guard(f, "self_evaluation")} AND {in_scope}
        )
        SELECT found.finding, p.district, p.year, p.department, p.project_name, found.detail,
               p.execution_rate, p.score_total, p.project_id
        FROM found JOIN projects p USING (project_id)
        ORDER BY found.finding, p.district, p.year, p.project_name
        """,
        low_rate=low_rate,
        high_score=high_score,
        **params,
    )


def project_trend(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Per district/department and year: 决算 total, evaluated projects, average score."""
    return run(
        con,
        f"""
        WITH spend AS (
            SELECT district, department, year, sum(amount_yuan) AS total_expenditure_yuan
            FROM budget_lines
            WHERE template = '{T3}' AND level = 0 AND code IS NULL AND measure = '本年支出合计' AND {_WHERE}
              AND {_kind_guard(f, "final_accounts")}
            GROUP BY ALL
        ), evals AS (
            SELECT district, department, year, count(*) FILTER (WHERE kind = 'self_evaluation') AS evaluated,
                   count(*) FILTER (WHERE kind = 'target_declaration') AS declared,
                   avg(score_total) AS avg_score, count(score_total) AS scored,
                   sum(budget_full_year_yuan) FILTER (WHERE kind = 'self_evaluation') AS evaluated_budget_yuan
            FROM projects WHERE {_WHERE} AND list_contains($kinds::VARCHAR[], kind) GROUP BY ALL
        )
        SELECT coalesce(s.district, e.district) AS district, coalesce(s.department, e.department) AS department,
               coalesce(s.year, e.year) AS year, s.total_expenditure_yuan,
               coalesce(e.evaluated, 0) AS evaluated, coalesce(e.declared, 0) AS declared,
               e.avg_score, coalesce(e.scored, 0) AS scored, e.evaluated_budget_yuan
        FROM spend s FULL JOIN evals e ON s.district IS NOT DISTINCT FROM e.district
             AND s.department IS NOT DISTINCT FROM e.department AND s.year = e.year
        ORDER BY district, department, year
        """,
        kinds=_project_kinds(f),
        **f.params(),
    )


def project_links(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Declarations followed to self-evaluations of the same department and name."""
    return run(
        con,
        f"""
        SELECT l.district, l.department, l.project_name, l.declaration_year, l.evaluation_year,
               l.evaluation_name, l.match_method, l.candidates,
               d.budget_initial_yuan AS declared_yuan, e.budget_full_year_yuan, e.executed_yuan, e.score_total,
               l.declaration_id, l.evaluation_id,
               d.source_file AS declaration_file, e.source_file AS evaluation_file
        FROM project_links l
        JOIN projects d ON d.project_id = l.declaration_id
        JOIN projects e ON e.project_id = l.evaluation_id
        WHERE {_where("l", "declaration_year")}
        ORDER BY l.district, l.department, l.project_name, l.evaluation_year
        """,
        **f.params(),
    )


def narrative_items(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """The 说明's 年初预算 vs 决算 per functional item, with the reason it states."""
    return run(
        con,
        f"""
        SELECT district, year, department, item, code, budget_initial_yuan, final_yuan,
               final_yuan - budget_initial_yuan AS difference_yuan, reason, source_file, source_line
        FROM narrative_items
        WHERE {_WHERE} AND {_kind_guard(f, "final_accounts")} AND final_yuan IS NOT NULL
          -- a 决算's 说明 only: a 部门预算's items state a budget and no 决算 to set beside it
          AND source_file IN (SELECT source_file FROM documents WHERE kind = 'final_accounts')
        ORDER BY district, year, department, source_line
        """,
        **f.params(),
    )


# --- 项目详情 -------------------------------------------------------------------------


def search_projects(con: duckdb.DuckDBPyConnection, text: str, limit: int = 50) -> pl.DataFrame:
    """Projects whose name contains ``text`` (bound as a parameter, LIKE wildcards escaped)."""
    needle = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return run(
        con,
        f"""
        SELECT {_PROJECT_COLUMNS} FROM projects
        WHERE project_name LIKE '%' || $needle || '%' ESCAPE '\\'
        ORDER BY district, year, project_name LIMIT $limit
        """,
        needle=needle,
        limit=limit,
    )


def project(con: duckdb.DuckDBPyConnection, project_id: str) -> pl.DataFrame:
    """One project with every column and its document's region (empty frame when the id is unknown)."""
    return run(
        con,
        "SELECT p.*, d.region FROM projects p LEFT JOIN documents d USING (source_file) WHERE p.project_id = $pid",
        pid=project_id,
    )


def project_indicators(con: duckdb.DuckDBPyConnection, project_id: str) -> pl.DataFrame:
    derived = _derived(con)
    first, rows = derived.indicator_rows.get(project_id, (0, 0))
    return derived.indicators.slice(first, rows)  # the project's rows of the table sorted by id, seq


def project_checks(con: duckdb.DuckDBPyConnection, project_id: str) -> pl.DataFrame:
    return run(
        con,
        "SELECT severity, title, figure, compared, message, source_page, source_line FROM checks WHERE project_id = $pid ORDER BY severity, source_line",
        pid=project_id,
    )


def same_project_elsewhere(con: duckdb.DuckDBPyConnection, project_id: str) -> pl.DataFrame:
    """The same department's projects of the same name in other years or kinds."""
    return run(
        con,
        f"""
        SELECT {_PROJECT_COLUMNS} FROM projects o
        WHERE o.project_id <> $pid AND EXISTS (
            SELECT 1 FROM projects p WHERE p.project_id = $pid
              AND p.district = o.district AND p.department = o.department
              AND regexp_replace(p.project_name, '[（(][^（）()]*[)）]$', '') = regexp_replace(o.project_name, '[（(][^（）()]*[)）]$', '')
        )
        ORDER BY year, kind
        """,
        pid=project_id,
    )


# --- 数据下载 / 数据质量 ---------------------------------------------------------------

DOWNLOAD_TABLES = {
    "projects": "项目",
    "indicators": "绩效指标",
    "budget_lines": "决算与预算报表",
    "narrative_items": "决算说明逐项",
    "checks": "校验结果",
    "documents": "文件与识别结果",
}


def download_table(
    con: duckdb.DuckDBPyConnection, table: str, f: Filters, text: str = "", limit: int | None = None
) -> pl.DataFrame:
    """A whole table under the shared filters (indicators through their project).

    ``text`` narrows rows by a substring of the table's main name column. An indicator row
    carries its project's 实施单位, form and 全年预算数, and one project's rows stay together,
    so two projects of the same name never read as one.
    """
    if table not in DOWNLOAD_TABLES:
        raise ValueError(f"unknown table {table!r}")
    needle = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    lim = "" if limit is None else " LIMIT $limit"
    params: dict[str, Any] = {"needle": needle, **f.params()}
    if limit is not None:
        params["limit"] = limit
    if table == "indicators":
        where = _where("p", "year")
        sql = f"""
            SELECT p.district, p.year, p.department, p.project_name, p.unit, p.kind, p.budget_full_year_yuan,
                   i.* EXCLUDE (project_id), i.project_id
            FROM indicators i JOIN projects p USING (project_id)
            WHERE {where} AND list_contains($kinds::VARCHAR[], p.kind)
              AND (i.level3 LIKE '%' || $needle || '%' ESCAPE '\\' OR p.project_name LIKE '%' || $needle || '%' ESCAPE '\\')
            ORDER BY p.district, p.year, p.project_name, p.department, p.unit, p.kind, p.project_id, i.seq{lim}
        """
        params["kinds"] = _project_kinds(f)
    elif table == "projects":
        sql = f"""
            SELECT * EXCLUDE (source_excerpt) FROM projects WHERE {_WHERE} AND list_contains($kinds::VARCHAR[], kind)
              AND project_name LIKE '%' || $needle || '%' ESCAPE '\\'
            ORDER BY district, year, department, project_name{lim}
        """
        params["kinds"] = _project_kinds(f)
    elif table == "documents":
        sql = f"""
            SELECT source_file, region, district, department, unit, scope, year, kind AS doc_kind, status, tables_found,
                   tables_expected, tables_missing, n_budget_lines, n_projects, n_indicators, n_checks,
                   counted, in_totals, totals_via, identity_sources, error
            FROM documents WHERE {_WHERE} AND source_file LIKE '%' || $needle || '%' ESCAPE '\\'
            ORDER BY district NULLS LAST, year, department, source_file{lim}
        """
    elif table == "budget_lines":
        sql = f"""
            SELECT b.*, d.region, d.scope FROM budget_lines b JOIN documents d USING (source_file)
            WHERE {_where("b")} AND {_kind_guard(f, "final_accounts")}
              AND (name LIKE '%' || $needle || '%' ESCAPE '\\' OR coalesce(code, '') LIKE $needle || '%' ESCAPE '\\')
            ORDER BY b.district, b.year, b.department, b.statement, b.source_line{lim}
        """
    elif table == "narrative_items":
        sql = f"""
            SELECT * FROM narrative_items WHERE {_WHERE} AND {_kind_guard(f, "final_accounts")}
              AND item LIKE '%' || $needle || '%' ESCAPE '\\'
            ORDER BY district, year, department, source_line{lim}
        """
    else:
        sql = f"""
            SELECT * FROM checks WHERE ({_WHERE} OR district IS NULL)
              AND message LIKE '%' || $needle || '%' ESCAPE '\\'
            ORDER BY source_file, severity, source_line{lim}
        """
    return run(con, sql, **params)


def checks_summary(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Every document in scope with its checks per severity (a clean document shows 0, 0, 0)."""
    return run(
        con,
        f"""
        SELECT d.source_file, d.department, d.year, d.kind AS doc_kind, d.district, d.counted,
               count(c.check_id) FILTER (WHERE c.severity = 'error') AS errors,
               count(c.check_id) FILTER (WHERE c.severity = 'warning') AS warnings,
               count(c.check_id) FILTER (WHERE c.severity = 'info') AS infos
        FROM documents d LEFT JOIN checks c USING (source_file)
        WHERE ({_where("d", "year")} OR d.district IS NULL)
        GROUP BY ALL ORDER BY errors DESC, warnings DESC, d.source_file
        """,
        **f.params(),
    )


def checks_list(
    con: duckdb.DuckDBPyConnection, f: Filters, severities: tuple[str, ...] = ("error", "warning", "info")
) -> pl.DataFrame:
    """Checks with the project or statement they concern."""
    return run(
        con,
        f"""
        SELECT c.source_file, c.severity, c.title, c.family, c.source_page, c.figure, c.compared, c.message,
               c.statement, c.code, c.source_line, c."check", c.project_id, p.project_name
        FROM checks c LEFT JOIN projects p USING (project_id)
        WHERE list_contains($severities::VARCHAR[], c.severity)
          AND ({_where("c", "year")} OR c.district IS NULL)
        ORDER BY c.source_file, CASE c.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, c.source_line
        """,
        severities=list(severities),
        **f.params(),
    )


def out_of_totals(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Unit documents in the filter whose department's consolidated document counts instead."""
    return run(
        con,
        f"""
        SELECT department, year, kind AS doc_kind, source_file, totals_via FROM documents
        WHERE in_totals = FALSE AND {_WHERE} ORDER BY department, year, source_file
        """,
        **f.params(),
    )


def documents(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return run(con, "SELECT * FROM documents ORDER BY source_file")


def document_versions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Files that are copies or versions of one document, grouped by identity: which one counts."""
    return run(
        con,
        """
        SELECT identity, source_file, department, year, kind AS doc_kind, counted,
               CASE WHEN counted THEN '计入' ELSE '不计入' END AS counted_text, version_of,
               n_budget_lines, n_projects
        FROM documents
        WHERE identity IN (SELECT identity FROM documents WHERE identity IS NOT NULL
                           GROUP BY identity HAVING count(*) > 1)
        ORDER BY identity, counted DESC, source_file
        """,
    )


def version_differences(con: duckdb.DuckDBPyConnection, identity: str) -> pl.DataFrame:
    """Every figure two versions of one document print differently (the counted one beside)."""
    return run(
        con,
        """
        SELECT item AS diff_item, value AS diff_value, value_counted AS diff_value_counted,
               source_file, "table" AS diff_table
        FROM version_differences WHERE identity = $identity
        ORDER BY source_file, diff_table, diff_item
        """,
        identity=identity,
    )


# --- 简报 (dashboard/briefing.py) -------------------------------------------------------


def statement_rows(
    con: duckdb.DuckDBPyConnection, f: Filters, templates: Sequence[str], levels: Sequence[int] = (0, 1)
) -> pl.DataFrame:
    """The rows of the named tables at the given levels (0: the 合计 row, 1: each 类) with where each
    figure is printed (file, page, line, cell) and the file's type: what a briefing's sentence cites."""
    return run(
        con,
        f"""
        SELECT b.district, b.year, b.department, b.doc_kind, b.template, b.code, b.name, b.level, b.measure,
               b.amount_yuan, b.source_file, b.source_page, b.source_line, b.source_cell, d.file_type
        FROM budget_lines b LEFT JOIN documents d USING (source_file)
        WHERE list_contains($templates::VARCHAR[], b.template) AND list_contains($levels::INTEGER[], b.level)
          AND {_where("b")}
        ORDER BY b.district, b.year, b.department, b.source_file, b.source_line
        """,
        templates=list(templates),
        levels=list(levels),
        **f.params(),
    )
