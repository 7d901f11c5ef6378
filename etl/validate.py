"""Checks an auditor expects of a document, on the normalised rows.

Families follow shared/VALIDATION.md: hierarchy (类 = Σ款 = Σ项), printed totals
vs sums, row composition, across tables, 基本支出 composition, 三公, narrative vs
tables, and each project's scores, weights and execution rate. Rounding is told
from error: n figures rounded to 0.01 万元 may miss their rounded total by up to
(n + 1) × 0.005 万元 — inside that envelope the finding is `info`, outside it is a
`warning` naming both figures as printed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from etl.model import Check
from etl.normalize import SELF_EVALUATION, TARGET_DECLARATION, WAN, NormalizedDocument
from etl.textutil import squash

T1 = "收入支出决算总表"
T2 = "收入决算表"
T3 = "支出决算表"
T4 = "财政拨款收入支出决算总表"
T5 = "一般公共预算财政拨款支出决算表"
T6 = "一般公共预算财政拨款基本支出决算表"
HALF_CENT_WAN = Decimal("50")  # 0.005 万元 in 元
RATE_TOLERANCE = Decimal("0.005")  # half a percentage point
POINT_TOLERANCE = Decimal("0.01")
EXPENSE_PARTS = ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
INCOME_PARTS = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、")


def wan(yuan: Decimal | None) -> str:
    """元 -> '3,984.05' (万元, two decimals) for messages."""
    if yuan is None:
        return "—"
    return f"{yuan / WAN:,.2f}"


def _compare(
    check: str,
    what: str,
    printed: Decimal,
    computed: Decimal,
    n: int,
    *,
    statement: str | None = None,
    code: str | None = None,
    source_line: int | None = None,
    printed_label: str = "印",
    computed_label: str = "合计",
) -> Check | None:
    """Compare a printed figure with a sum of n printed figures (all in 元, from 万元)."""
    diff = abs(printed - computed)
    if diff == 0:
        return None
    tolerance = (n + 1) * HALF_CENT_WAN
    severity = "info" if diff <= tolerance else "warning"
    tail = "，在四舍五入误差范围内" if severity == "info" else ""
    return Check(
        check,
        severity,
        f"{what}：{printed_label} {wan(printed)} 万元，{computed_label} {wan(computed)} 万元，相差 {wan(diff)} 万元{tail}",
        source_line=source_line,
        statement=statement,
        code=code,
    )


class LineIndex:
    """Budget lines by (statement, measure, code) and by total-row name."""

    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        self.by_code: dict[tuple[str, str, str], dict] = {}
        self.totals: dict[tuple[str, str, str], dict] = {}
        self.summary: dict[tuple[str, str | None, str, str], dict] = {}
        self.statements: set[str] = set()
        for r in rows:
            self.statements.add(r["statement"])
            if r["amount_yuan"] is None:
                continue
            if r["code"] is not None:
                self.by_code.setdefault((r["statement"], r["measure"], r["code"]), r)
            elif r["side"] is not None:
                name = _NUMBERING.sub("", squash(r["name"]))
                self.summary.setdefault((r["statement"], r["side"], name, r["measure"]), r)
            if r["is_total"]:
                self.totals.setdefault((r["statement"], r["measure"], squash(r["name"])), r)

    def measures(self, statement: str) -> set[str]:
        return {m for (s, m, _) in self.by_code if s == statement} | {
            m for (s, m, _) in self.totals if s == statement
        }

    def codes(self, statement: str, measure: str) -> dict[str, dict]:
        return {c: r for (s, m, c), r in self.by_code.items() if s == statement and m == measure}

    def total(self, statement: str, measure: str, *names: str) -> dict | None:
        for name in names or ("合计",):
            for (s, m, n), r in self.totals.items():
                if s == statement and m == measure and n.startswith(name):
                    return r
        return None

    def side(self, statement: str, side: str, name: str, measure: str | None = None) -> dict | None:
        for (s, sd, n, m), r in self.summary.items():
            if s == statement and sd == side and n == name and (measure is None or m == measure):
                return r
        return None


def hierarchy_checks(idx: LineIndex) -> list[Check]:
    """类 = Σ款, 款 = Σ项 (by code prefix), per statement and measure."""
    out = []
    for statement in sorted(idx.statements):
        for measure in sorted(idx.measures(statement)):
            codes = idx.codes(statement, measure)
            for code, row in sorted(codes.items()):
                children = [
                    r
                    for c, r in codes.items()
                    if len(c) == len(code) + 2 and c.startswith(code) and len(code) in (3, 5)
                ]
                if not children:
                    continue
                computed = sum((r["amount_yuan"] for r in children), Decimal(0))
                level = {3: "类", 5: "款"}[len(code)]
                sub = {3: "款", 5: "项"}[len(code)]
                c = _compare(
                    "hierarchy_sum",
                    f"{statement}“{measure}”栏 {code} {row['name']}（{level}）与其下各{sub}之和",
                    row["amount_yuan"],
                    computed,
                    len(children),
                    statement=statement,
                    code=code,
                    source_line=row["source_line"],
                    computed_label=f"各{sub}合计",
                )
                if c:
                    out.append(c)
    return out


def total_row_checks(idx: LineIndex) -> list[Check]:
    """Printed 合计 row = Σ类 for every measure of the detail tables."""
    out = []
    for statement in (T2, T3, T5):
        for measure in sorted(idx.measures(statement)):
            total = idx.total(statement, measure, "合计")
            classes = [r for c, r in idx.codes(statement, measure).items() if len(c) == 3]
            if total is None or not classes:
                continue
            c = _compare(
                "total_row_sum",
                f"{statement}“{measure}”栏合计行与各类之和",
                total["amount_yuan"],
                sum((r["amount_yuan"] for r in classes), Decimal(0)),
                len(classes),
                statement=statement,
                source_line=total["source_line"],
                computed_label="各类合计",
            )
            if c:
                out.append(c)
    return out


def row_composition_checks(idx: LineIndex, rows: list[dict]) -> list[Check]:
    """本年支出合计 = 基本 + 项目 (+ …) and 本年收入合计 = Σ收入来源, row by row."""
    out = []
    plans = (
        (T3, "本年支出合计", EXPENSE_PARTS),
        (T5, "合计", EXPENSE_PARTS[:2]),
        (T2, "本年收入合计", INCOME_PARTS),
    )
    for statement, total_measure, parts in plans:
        keyed: dict[str, dict[str, dict]] = defaultdict(dict)
        for r in rows:
            if r["statement"] != statement or r["amount_yuan"] is None:
                continue
            key = r["code"] or squash(r["name"])
            keyed[key][r["measure"]] = r
        for key, cells in keyed.items():
            total = cells.get(total_measure)
            present = [cells[p] for p in parts if p in cells]
            if total is None or not present:
                continue
            computed = sum((r["amount_yuan"] for r in present), Decimal(0))
            # Blank cells are unknown, not zero: with parts missing, only report parts exceeding the total.
            if len(present) < len(parts) and computed < total["amount_yuan"]:
                continue
            c = _compare(
                "row_composition",
                f"{statement} {key}：{total_measure}与{'+'.join(r['measure'] for r in present)}",
                total["amount_yuan"],
                computed,
                len(present),
                statement=statement,
                code=total["code"],
                source_line=total["source_line"],
                computed_label="各栏之和",
            )
            if c:
                out.append(c)
    return out


def _cross(out: list[Check], check: str, what: str, a: dict | None, b: dict | None, la: str, lb: str) -> None:
    if a is None or b is None:
        return
    c = _compare(
        check,
        what,
        a["amount_yuan"],
        b["amount_yuan"],
        1,
        statement=a["statement"],
        source_line=a["source_line"],
        printed_label=la,
        computed_label=lb,
    )
    if c:
        out.append(c)


def cross_table_checks(idx: LineIndex) -> list[Check]:
    """The same figure printed in two tables must agree."""
    out: list[Check] = []
    t4_out = idx.side(T4, "支出", "本年支出合计", "一般公共预算财政拨款") or idx.side(
        T4, "支出", "本年支出合计", "合计"
    )
    pairs = (
        (
            "收入支出决算总表“本年收入合计”与收入决算表合计",
            idx.side(T1, "收入", "本年收入合计"),
            idx.total(T2, "本年收入合计"),
            T1,
            T2,
        ),
        (
            "收入支出决算总表“本年支出合计”与支出决算表合计",
            idx.side(T1, "支出", "本年支出合计"),
            idx.total(T3, "本年支出合计"),
            T1,
            T3,
        ),
        (
            "收入决算表“财政拨款收入”合计与财政拨款收入支出决算总表“本年收入合计”",
            idx.total(T2, "财政拨款收入"),
            idx.side(T4, "收入", "本年收入合计"),
            T2,
            T4,
        ),
        (
            "一般公共预算财政拨款支出决算表合计与财政拨款收入支出决算总表“本年支出合计”",
            idx.total(T5, "合计"),
            t4_out,
            T5,
            T4,
        ),
    )
    for what, a, b, la, lb in pairs:
        _cross(out, "cross_table", what, a, b, la, lb)
    # 收入支出决算总表 per 类 vs 支出决算表 类.
    for code, row in sorted(idx.codes(T3, "本年支出合计").items()):
        if len(code) != 3:
            continue
        summary = idx.side(T1, "支出", squash(row["name"]))
        _cross(out, "cross_table", f"收入支出决算总表与支出决算表 {code} {row['name']}", summary, row, T1, T3)
    return out


def basic_expenditure_checks(idx: LineIndex) -> list[Check]:
    """人员经费 = 301 + 303; 公用经费 = other 类; 人员 + 公用 = 基本支出 (T5)."""
    out: list[Check] = []
    classes = {c: r for c, r in idx.codes(T6, "决算数").items() if len(c) == 3}
    personnel = idx.total(T6, "决算数", "人员经费")
    public = idx.total(T6, "决算数", "公用经费")
    parts = [classes[c] for c in ("301", "303") if c in classes]
    if personnel and parts:
        c = _compare(
            "basic_personnel",
            "基本支出决算表“人员经费合计”与 301+303",
            personnel["amount_yuan"],
            sum((r["amount_yuan"] for r in parts), Decimal(0)),
            len(parts),
            statement=T6,
            source_line=personnel["source_line"],
            computed_label="301+303",
        )
        if c:
            out.append(c)
    others = [r for c, r in classes.items() if c not in ("301", "303")]
    if public and others:
        c = _compare(
            "basic_public",
            f"基本支出决算表“公用经费合计”与 {'+'.join(sorted(c for c in classes if c not in ('301', '303')))}",
            public["amount_yuan"],
            sum((r["amount_yuan"] for r in others), Decimal(0)),
            len(others),
            statement=T6,
            source_line=public["source_line"],
            computed_label="各类之和",
        )
        if c:
            out.append(c)
    basic = idx.total(T5, "基本支出", "合计")
    if basic and personnel and public:
        c = _compare(
            "basic_composition",
            "基本支出（一般公共预算财政拨款支出决算表）与人员经费+公用经费（基本支出决算表）",
            basic["amount_yuan"],
            personnel["amount_yuan"] + public["amount_yuan"],
            2,
            statement=T6,
            source_line=personnel["source_line"],
            printed_label="基本支出",
            computed_label="人员经费+公用经费",
        )
        if c:
            out.append(c)
    return out


def three_public_checks(rows: list[dict], idx: LineIndex) -> list[Check]:
    """小计 and 合计 formulas; T6's matching codes not above the 三公 决算."""
    out: list[Check] = []
    items = {r["item"]: r for r in rows}
    for field, label in (("budget_yuan", "预算数"), ("actual_yuan", "决算数")):

        def get(name: str, field: str = field) -> Decimal | None:
            r = items.get(name)
            return None if r is None else r[field]

        total, abroad, car, reception = (
            get("合计"),
            get("因公出国（境）费"),
            get("公务用车购置及运行维护费"),
            get("公务接待费"),
        )
        if None not in (total, abroad, car, reception):
            c = _compare(
                "three_public_sum",
                f"三公经费{label}：合计与因公出国（境）+公务用车+公务接待",
                total,
                abroad + car + reception,  # type: ignore[operator]
                3,
                statement="三公经费支出决算表",
                source_line=items["合计"]["source_line"],
            )
            if c:
                out.append(c)
        buy, run = get("公务用车购置费"), get("公务用车运行维护费")
        if None not in (car, buy, run):
            c = _compare(
                "three_public_sum",
                f"三公经费{label}：公务用车小计与购置费+运行维护费",
                car,  # type: ignore[arg-type]
                buy + run,  # type: ignore[operator]
                2,
                statement="三公经费支出决算表",
                source_line=items["公务用车购置及运行维护费"]["source_line"],
            )
            if c:
                out.append(c)
    basic = idx.codes(T6, "决算数")
    for code, item in (
        ("30212", "因公出国（境）费"),
        ("31013", "公务用车购置费"),
        ("30231", "公务用车运行维护费"),
        ("30217", "公务接待费"),
    ):
        actual = items[item]["actual_yuan"] if item in items else None
        if code in basic and actual is not None and basic[code]["amount_yuan"] > actual:
            out.append(
                Check(
                    "three_public_vs_basic",
                    "warning",
                    f"基本支出决算表 {code} {basic[code]['name']} {wan(basic[code]['amount_yuan'])} 万元，"
                    f"高于三公经费表“{item}”决算数 {wan(actual)} 万元",
                    statement=T6,
                    code=code,
                    source_line=basic[code]["source_line"],
                )
            )
    return out


_FIGURE_TARGETS: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("total_income", T2, "本年收入合计", ("合计",), "本年收入合计"),
    ("total_expenditure", T3, "本年支出合计", ("合计",), "本年支出合计"),
    ("basic_expenditure", T3, "基本支出", ("合计",), "基本支出"),
    ("project_expenditure", T3, "项目支出", ("合计",), "项目支出"),
    ("gpb_expenditure", T5, "合计", ("合计",), "一般公共预算财政拨款支出"),
    ("basic_gpb", T5, "基本支出", ("合计",), "一般公共预算财政拨款基本支出"),
    ("personnel_cost", T6, "决算数", ("人员经费",), "人员经费"),
    ("public_cost", T6, "决算数", ("公用经费",), "公用经费"),
)


def narrative_checks(doc: NormalizedDocument, idx: LineIndex) -> list[Check]:
    """Figures stated in the 说明 against the tables, and each item's 年初预算 vs 决算."""
    out: list[Check] = []
    figures = {f["key"]: f for f in doc.narrative_figures}
    for key, statement, measure, names, label in _FIGURE_TARGETS:
        fig, row = figures.get(key), idx.total(statement, measure, *names)
        if fig is None or row is None or fig["unit"] != "万元":
            continue
        c = _compare(
            "narrative_vs_table",
            f"说明中的{label}与{statement}",
            fig["value"] * WAN,
            row["amount_yuan"],
            1,
            statement=statement,
            source_line=fig["source_line"],
            printed_label="说明",
            computed_label="表中",
        )
        if c:
            out.append(c)
    tp = {r["item"]: r for r in doc.three_public}
    for key, field, label in (
        ("three_public_budget", "budget_yuan", "预算数"),
        ("three_public_actual", "actual_yuan", "决算数"),
    ):
        fig = figures.get(key)
        if fig and "合计" in tp and tp["合计"][field] is not None and fig["unit"] == "万元":
            c = _compare(
                "narrative_vs_table",
                f"说明中的三公经费{label}与三公经费表",
                fig["value"] * WAN,
                tp["合计"][field],
                1,
                statement="三公经费支出决算表",
                source_line=fig["source_line"],
                printed_label="说明",
                computed_label="表中",
            )
            if c:
                out.append(c)
    # Items: match each 说明 paragraph to the 项 of 一般公共预算财政拨款支出决算表 it names (one or several).
    t5 = {c: r for c, r in idx.codes(T5, "合计").items() if len(c) == 7}
    for item in doc.narrative_items:
        codes = _item_codes(item["item"], t5)
        if not codes:
            continue
        item["code"] = ",".join(codes)
        if item["final_yuan"] is None:
            continue
        c = _compare(
            "narrative_item_vs_table",
            f"说明中“{item['item']}”的支出决算与一般公共预算财政拨款支出决算表 {'+'.join(codes)}",
            item["final_yuan"],
            sum((t5[code]["amount_yuan"] for code in codes), Decimal(0)),
            len(codes),
            statement=T5,
            code=codes[0] if len(codes) == 1 else None,
            source_line=item["source_line"],
            printed_label="说明",
            computed_label="表中",
        )
        if c:
            out.append(c)
    fig = figures.get("gpb_budget_initial")
    budgets = [i["budget_initial_yuan"] for i in doc.narrative_items if i["budget_initial_yuan"] is not None]
    if fig and budgets and fig["unit"] == "万元":
        c = _compare(
            "narrative_items_sum",
            "说明中一般公共预算财政拨款支出年初预算与各项年初预算之和",
            fig["value"] * WAN,
            sum(budgets, Decimal(0)),
            len(budgets),
            source_line=fig["source_line"],
            printed_label="说明总额",
            computed_label="各项之和",
        )
        if c:
            out.append(c)
    return out


_ITEM_NAME = re.compile(r"([^（）()，,、]+?)[（(]项[)）]")


def _item_codes(item: str, t5: dict[str, dict]) -> list[str]:
    """Codes of the 项 a 说明 paragraph names ('…（款）A（项），B（项）' -> codes of A and B).

    Each 项 name must match exactly one row of the table, else nothing is matched.
    """
    codes = []
    for m in _ITEM_NAME.finditer(item):
        name = squash(re.sub(r"^.*[)）]", "", m.group(1)))
        matches = [c for c, r in t5.items() if squash(r["name"]) == name]
        if len(matches) != 1:
            return []
        codes.append(matches[0])
    return codes


def _grade(score: Decimal | None) -> str | None:
    if score is None:
        return None
    if score >= 90:
        return "优"
    if score >= 80:
        return "良"
    if score >= 60:
        return "合格"
    return "不合格"


def performance_narrative_checks(doc: NormalizedDocument, idx: LineIndex) -> list[Check]:
    """Counts, totals, average score and grade counts of the 预算绩效管理情况 section vs the forms."""
    out: list[Check] = []
    figures = {f["key"]: f for f in doc.narrative_figures}
    for kind, count_key, total_key, label, amount_field in (
        (
            SELF_EVALUATION,
            "self_eval_project_count",
            "self_eval_budget_total",
            "绩效自评",
            "budget_full_year_yuan",
        ),
        (
            TARGET_DECLARATION,
            "declared_project_count",
            "declared_budget_total",
            "编报绩效目标",
            "budget_initial_yuan",
        ),
    ):
        projects = [p for p in doc.projects if p["kind"] == kind]
        if not projects:
            continue
        count = figures.get(count_key)
        if count is not None and count["value"] != len(projects):
            out.append(
                Check(
                    "narrative_project_count",
                    "warning",
                    f"说明称{label}项目 {count['value']:f} 个，文件中的{label}表有 {len(projects)} 个",
                    source_line=count["source_line"],
                )
            )
        total = figures.get(total_key)
        amounts = [p[amount_field] for p in projects if p[amount_field] is not None]
        if total is not None and amounts and total["unit"] == "万元":
            computed = sum(amounts, Decimal(0))
            diff = abs(total["value"] * WAN - computed)
            if diff > HALF_CENT_WAN:
                out.append(
                    Check(
                        "narrative_budget_total",
                        "warning",
                        f"说明称{label}项目涉及预算金额 {total['value']:f} 万元，而 {len(amounts)} 个{label}表的金额合计为 "
                        f"{wan(computed)} 万元（{computed:f} 元），两者不一致",
                        source_line=total["source_line"],
                    )
                )
    evaluations = [p for p in doc.projects if p["kind"] == SELF_EVALUATION and p["score_total"] is not None]
    avg = figures.get("self_eval_avg_score")
    if avg is not None and evaluations:
        mean = sum((p["score_total"] for p in evaluations), Decimal(0)) / len(evaluations)
        places = max(0, -avg["value"].as_tuple().exponent)  # type: ignore[operator]
        tolerance = Decimal(5) / Decimal(10) ** (places + 1)
        diff = abs(mean - avg["value"])
        if diff > tolerance:
            out.append(
                Check(
                    "narrative_avg_score",
                    "warning",
                    f"说明称平均得分 {avg['value']:f} 分，{len(evaluations)} 个自评表总分的平均值为 {mean:.2f} 分",
                    source_line=avg["source_line"],
                )
            )
        elif diff:
            out.append(
                Check(
                    "narrative_avg_score",
                    "info",
                    f"说明称平均得分 {avg['value']:f} 分，自评表平均 {mean:.2f} 分，在取整误差范围内",
                    source_line=avg["source_line"],
                )
            )
    if evaluations:
        grades = defaultdict(int)
        for p in evaluations:
            grades[p["grade"] or _grade(p["score_total"])] += 1
        for grade in ("优", "良", "合格", "不合格"):
            fig = figures.get(f"grade_count_{grade}")
            if fig is not None and fig["value"] != grades.get(grade, 0):
                out.append(
                    Check(
                        "narrative_grade_count",
                        "warning",
                        f"说明称绩效评级为“{grade}”的项目 {fig['value']:f} 个，自评表（按等级或总分）为 {grades.get(grade, 0)} 个",
                        source_line=fig["source_line"],
                    )
                )
    # 项目支出 of the 决算 against the self-evaluated budgets: informative only.
    project_total = idx.total(T3, "项目支出", "合计")
    budgets = [
        p["budget_full_year_yuan"]
        for p in doc.projects
        if p["kind"] == SELF_EVALUATION and p["budget_full_year_yuan"]
    ]
    if project_total is not None and budgets:
        computed = sum(budgets, Decimal(0))
        if computed != project_total["amount_yuan"]:
            out.append(
                Check(
                    "project_expenditure_vs_evaluations",
                    "info",
                    f"支出决算表项目支出 {wan(project_total['amount_yuan'])} 万元，自评项目全年预算合计 {wan(computed)} 万元",
                    statement=T3,
                    source_line=project_total["source_line"],
                )
            )
    return out


def project_checks(projects: list[dict], indicators: list[dict]) -> list[Check]:
    """Each project: weights add to the maximum, scores to the total, rate = executed / budget."""
    out: list[Check] = []
    by_project: dict[str, list[dict]] = defaultdict(list)
    for ind in indicators:
        by_project[ind["project_id"]].append(ind)
    for p in projects:
        if p["kind"] != SELF_EVALUATION:
            continue
        pid, name, line = p["project_id"], p["project_name"], p["source_line"]
        inds = by_project.get(pid, [])

        def add(check: str, severity: str, message: str, pid: str = pid, line: int = line) -> None:
            out.append(Check(check, severity, message, source_line=line, project_ref=pid))

        weights = [i["weight"] for i in inds if i["weight"] is not None]
        scores = [i["score"] for i in inds if i["score"] is not None]
        exec_w = p["execution_weight"] or Decimal(0)
        exec_s = p["execution_score"] or Decimal(0)
        if p["score_max"] is not None and inds:
            total_w = sum(weights, Decimal(0)) + exec_w
            if total_w != p["score_max"]:
                add(
                    "weights_sum",
                    "warning",
                    f"项目“{name}”指标分值合计 {total_w:f}（含预算执行 {exec_w:f}），不等于满分 {p['score_max']:f}",
                )
        if inds:
            total_s = sum(scores, Decimal(0)) + exec_s
            if p["score_total"] is None:
                add("score_total_missing", "warning", f"项目“{name}”未打印总分；各项得分合计为 {total_s:f}")
            elif abs(total_s - p["score_total"]) > POINT_TOLERANCE:
                add(
                    "scores_sum",
                    "warning",
                    f"项目“{name}”总分印为 {p['score_total']:f}，各项得分合计为 {total_s:f}（含预算执行 {exec_s:f}）",
                )
        if p["score_total"] is not None and p["score_max"] is not None and p["score_total"] > p["score_max"]:
            add(
                "score_above_max",
                "error",
                f"项目“{name}”总分 {p['score_total']:f} 超过满分 {p['score_max']:f}",
            )
        budget, executed, rate = p["budget_full_year_yuan"], p["executed_yuan"], p["execution_rate"]
        if budget and executed is not None and rate is not None:
            computed = executed / budget
            diff = abs(computed - rate)
            if diff > RATE_TOLERANCE:
                add(
                    "execution_rate",
                    "warning",
                    f"项目“{name}”执行率印为 {rate * 100:.2f}%，执行数 {executed:f} 元 / 全年预算 {budget:f} 元 = {computed * 100:.2f}%",
                )
            elif diff > Decimal("0.00005"):
                add(
                    "execution_rate",
                    "info",
                    f"项目“{name}”执行率印为 {rate * 100:.2f}%，按执行数 {executed:f} / 全年预算 {budget:f} 计算为 {computed * 100:.2f}%，差异在 0.5 个百分点内",
                )
        if budget is not None and executed is not None and executed > budget:
            add(
                "executed_above_budget",
                "warning",
                f"项目“{name}”执行数 {executed:f} 元超过全年预算 {budget:f} 元",
            )
    return out


def validate_document(doc: NormalizedDocument) -> list[Check]:
    """Every check family on one normalised document."""
    idx = LineIndex(doc.budget_lines)
    checks: list[Check] = []
    checks += hierarchy_checks(idx)
    checks += total_row_checks(idx)
    checks += row_composition_checks(idx, doc.budget_lines)
    checks += cross_table_checks(idx)
    checks += basic_expenditure_checks(idx)
    checks += three_public_checks(doc.three_public, idx)
    checks += narrative_checks(doc, idx)
    checks += performance_narrative_checks(doc, idx)
    checks += project_checks(doc.projects, doc.indicators)
    return checks
