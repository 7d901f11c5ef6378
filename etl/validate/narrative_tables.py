"""What the 说明 states against the tables it restates (VALIDATION.md families 8 and 9).

Totals (收入支出总计 and 财政拨款收入支出总计 against the two 总表's 总计, 本年收入/支出, 基本/项目支出,
一般公共预算, 人员/公用经费, 三公; a non-zero 三公 amount whose cell the table leaves blank), per-item 支出决算
(决算: each 类/款/项 paragraph matched to the 一般公共预算 table by name), and the 绩效
section's counts, amounts, average score and grades against the forms the document carries.
Per-item checks of a 预算's paragraphs live in narrative_items.py.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from etl.model import Check
from etl.normalize import SELF_EVALUATION, TARGET_DECLARATION, NormalizedDocument
from etl.templates import vocabulary
from etl.validate.arithmetic import three_public_printed
from etl.validate.figures import (
    compare,
    from_figure,
    from_line,
    from_value,
    from_yuan,
    show,
    total,
)
from etl.validate.index import LineIndex
from etl.validate.spec import CheckSpec

THREE_PUBLIC_BLANK = "narrative_three_public_blank"

SPECS = (
    CheckSpec(
        "narrative_vs_table",
        "narrative_tables",
        "warning",
        "说明与报表金额不符",
        "说明所述总额（收入支出总计、财政拨款收入支出总计、收入、支出、基本支出、三公经费等）与报表对应数",
        True,
    ),
    CheckSpec(
        THREE_PUBLIC_BLANK,
        "narrative_tables",
        "warning",
        "说明所述三公经费在表中空白",
        "说明所述三公经费（预算数、决算数，不为零）在三公经费表中对应栏空白或整表空白",
    ),
    CheckSpec(
        "narrative_item_vs_table",
        "narrative_tables",
        "warning",
        "说明分项与报表不符",
        "说明各类款项的支出决算与一般公共预算财政拨款支出决算表对应科目",
        True,
    ),
    CheckSpec(
        "narrative_items_sum",
        "narrative_tables",
        "warning",
        "说明分项之和与总额不符",
        "说明所述年初预算总额与各项年初预算之和",
        True,
    ),
    CheckSpec(
        "narrative_project_count",
        "narrative_tables",
        "warning",
        "说明项目个数与绩效表不符",
        "说明所述绩效自评、绩效目标项目个数与文件中的表数",
    ),
    CheckSpec(
        "narrative_budget_total",
        "narrative_tables",
        "warning",
        "说明项目金额与绩效表不符",
        "说明所述绩效项目涉及金额与各表金额之和",
        True,
    ),
    CheckSpec(
        "narrative_avg_score",
        "narrative_tables",
        "warning",
        "说明平均分与自评表不符",
        "说明所述平均得分与各自评表总分的平均值",
        True,
    ),
    CheckSpec(
        "narrative_grade_count",
        "narrative_tables",
        "warning",
        "说明评级个数与自评表不符",
        "说明所述各绩效等级的项目个数与自评表",
    ),
    CheckSpec(
        "project_expenditure_vs_evaluations",
        "narrative_tables",
        "info",
        "项目支出与自评金额对照",
        "支出决算表项目支出与绩效自评项目全年预算之和（仅供参考）",
    ),
)

# 说明 figure key -> (table role, column wordings, total-row names, what it is).
FIGURE_TARGETS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("total_income_expenditure", "summary", ("决算数", "合计"), ("总计",), "收入支出总计"),
    ("fiscal_total", "fiscal_summary", ("决算数", "合计"), ("总计",), "财政拨款收入支出总计"),
    ("total_income", "income", ("本年收入合计", "合计"), ("合计",), "本年收入合计"),
    ("total_income_budget", "income", ("合计",), ("合计",), "收入预算"),
    ("total_expenditure", "expenditure", ("本年支出合计", "合计"), ("合计",), "本年支出合计"),
    ("total_expenditure_budget", "expenditure", ("合计",), ("合计",), "支出预算"),
    ("basic_expenditure", "expenditure", ("基本支出",), ("合计",), "基本支出"),
    ("basic_expenditure_budget", "expenditure", ("基本支出",), ("合计",), "基本支出预算"),
    ("project_expenditure", "expenditure", ("项目支出",), ("合计",), "项目支出"),
    ("project_expenditure_budget", "expenditure", ("项目支出",), ("合计",), "项目支出预算"),
    ("fiscal_income_budget", "income", ("财政拨款收入",), ("合计",), "财政拨款收入"),
    ("gpb_expenditure", "gpb", ("合计",), ("合计",), "一般公共预算财政拨款支出"),
    ("gpb_expenditure_budget", "gpb", ("合计",), ("合计",), "一般公共预算拨款支出预算"),
    ("basic_gpb", "gpb", ("基本支出",), ("合计",), "一般公共预算财政拨款基本支出"),
    ("personnel_cost", "basic", ("决算数", "人员经费"), ("人员经费", "合计"), "人员经费"),
    ("public_cost", "basic", ("决算数", "公用经费"), ("公用经费", "合计"), "公用经费"),
)
THREE_PUBLIC_TARGETS = (
    ("three_public_budget", "budget_yuan", "合计"),
    ("three_public_actual", "actual_yuan", "合计"),
    ("three_public_abroad_budget", "budget_yuan", "因公出国（境）费"),
    ("three_public_abroad_actual", "actual_yuan", "因公出国（境）费"),
    ("three_public_vehicle_budget", "budget_yuan", "公务用车购置及运行维护费"),
    ("three_public_vehicle_actual", "actual_yuan", "公务用车购置及运行维护费"),
    ("three_public_vehicle_purchase_budget", "budget_yuan", "公务用车购置费"),
    ("three_public_vehicle_purchase_actual", "actual_yuan", "公务用车购置费"),
    ("three_public_vehicle_operation_budget", "budget_yuan", "公务用车运行维护费"),
    ("three_public_vehicle_operation_actual", "actual_yuan", "公务用车运行维护费"),
    ("three_public_reception_budget", "budget_yuan", "公务接待费"),
    ("three_public_reception_actual", "actual_yuan", "公务接待费"),
)
# 说明 keys of 机关运行经费, compared with the 三公 table's 机关运行经费 column where it has one.
OPERATING_COST = ("operating_cost", "operating_cost_budget")
GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "合格"), (Decimal(0), "不合格"))


def figure_checks(doc: NormalizedDocument, idx: LineIndex) -> list[Check]:
    """Each total the 说明 states against the table it restates."""
    out: list[Check] = []
    figures = {f["key"]: f for f in doc.narrative_figures}
    for key, role, measures, names, label in FIGURE_TARGETS:
        fig = figures.get(key)
        row = idx.total(role, idx.measure(role, *measures), *names)
        if fig is None or row is None:
            continue
        c = compare(
            "narrative_vs_table",
            f"说明中的{label}与{idx.table_name(role)}",
            from_figure(fig),
            from_line(row),
            statement=row["statement"],
            source_line=fig["source_line"],
        )
        if c:
            out.append(c)
    for key in OPERATING_COST:
        fig = figures.get(key)
        rows = [
            r for r in idx.rows if r["role"] == "three_public" and (r["name"] or "").strip() == "机关运行经费"
        ]
        if fig is None or len(rows) != 1:
            continue
        c = compare(
            "narrative_vs_table",
            f"说明中的机关运行经费与{idx.table_name('three_public')}",
            from_figure(fig),
            from_line(rows[0]),
            statement=rows[0]["statement"],
            source_line=fig["source_line"],
        )
        if c:
            out.append(c)
    items = {r["item"]: r for r in doc.three_public}
    for key, field, item in THREE_PUBLIC_TARGETS:
        fig = figures.get(key)
        if fig is None or item not in items:
            continue
        c = compare(
            "narrative_vs_table",
            f"说明中的三公经费“{item}”{'预算数' if field == 'budget_yuan' else '决算数'}与三公经费表",
            from_figure(fig),
            three_public_printed(items[item], field),
            statement="三公经费表",
            source_line=fig["source_line"],
        )
        if c:
            out.append(c)
    return out


def _three_public_blanks(doc: NormalizedDocument) -> tuple[str, str, bool] | None:
    """(the 三公 table's name, its pages, whether it is blank throughout) when its blanks are facts.

    None when the document has no 三公 table, or when reading it reported an error (a cell or
    row not read is not a blank cell), or when its figures were not read as 三公 rows.
    """
    voc = vocabulary()
    name = next((t for t in doc.tables_found if voc.role_of(t) == "three_public"), None)
    if name is None or any(c.severity == "error" and "三公" in (c.statement or "") for c in doc.checks):
        return None
    empty = next((c for c in doc.checks if c.check == "table_empty" and "三公" in (c.statement or "")), None)
    if empty is not None:
        page = doc.source.page_of(empty.source_line) if doc.source is not None else None
        return name, f"第{page}页" if page else "", True
    if not doc.three_public:
        return None
    pages = sorted({r["source_page"] for r in doc.three_public if r.get("source_page")})
    return name, f"第{'、'.join(map(str, pages))}页" if pages else "", False


def three_public_blank_checks(doc: NormalizedDocument) -> list[Check]:
    """A 三公 amount the 说明 states (not zero) whose cell the 三公 table leaves blank.

    A blank cell is no figure, so the amount comparison (narrative_vs_table) has nothing to
    compare; a 说明 stating 0.00 against a blank cell says the same thing and raises nothing.
    """
    table = _three_public_blanks(doc)
    if table is None:
        return []
    name, pages, empty = table
    figures = {f["key"]: f for f in doc.narrative_figures}
    items = {r["item"]: r for r in doc.three_public}
    out: list[Check] = []
    for key, field, item in THREE_PUBLIC_TARGETS:
        fig = figures.get(key)
        stated = from_figure(fig) if fig is not None else None
        row = items.get(item)
        if stated is None or stated.value == 0 or (row is not None and row.get(field) is not None):
            continue
        label = "预算数" if field == "budget_yuan" else "决算数"
        where = f"{name}（{pages}）" if pages else name
        blank = "整表未填列任何金额" if empty else f"“{item}”{label}栏为空白"
        out.append(
            Check(
                THREE_PUBLIC_BLANK,
                "warning",
                f"说明所述三公经费“{item}”{label}为{stated.full()}，但{where}{blank}，表中未反映该金额",
                statement=name,
                source_line=fig["source_line"] if fig else None,
                figure=stated.full(),
                compared=f"空白（{where}“{item}”{label}栏）",
            )
        )
    return out


def final_item_checks(doc: NormalizedDocument, idx: LineIndex) -> list[Check]:
    """决算: each paragraph's 支出决算 against the 项 rows it names; Σ年初预算 against the total."""
    out: list[Check] = []
    measure, _ = idx.row_total("gpb")
    gpb = {c: r for c, r in idx.codes("gpb", measure).items() if len(c) == 7}
    for item in doc.narrative_items:
        if item.get("final_yuan") is None:
            continue
        codes = item["code"].split(",") if item.get("code") else []
        rows = [gpb[c] for c in codes if c in gpb]
        if not rows or len(rows) != len(codes):
            continue
        c = compare(
            "narrative_item_vs_table",
            f"说明中“{item['item']}”的支出决算与{idx.table_name('gpb')} {'+'.join(codes)}",
            from_yuan(item["final_yuan"], _where(item)),
            total([p for p in (from_line(r) for r in rows) if p], "+".join(codes))
            if len(rows) > 1
            else from_line(rows[0]),
            statement=rows[0]["statement"],
            code=codes[0] if len(codes) == 1 else None,
            source_line=item["source_line"],
        )
        if c:
            out.append(c)
    fig = {f["key"]: f for f in doc.narrative_figures}.get("gpb_budget_initial")
    budgets = [i for i in doc.narrative_items if i.get("budget_initial_yuan") is not None]
    if fig and budgets:
        c = compare(
            "narrative_items_sum",
            "说明中一般公共预算财政拨款支出年初预算与各项年初预算之和",
            from_figure(fig),
            total([from_yuan(i["budget_initial_yuan"], _where(i)) for i in budgets], f"说明{len(budgets)}项"),
            source_line=fig["source_line"],
        )
        if c:
            out.append(c)
    return out


def _where(row: dict) -> str:
    return f"说明第{row['source_page']}页" if row.get("source_page") else "说明"


def _grade(score: Decimal | None) -> str | None:
    if score is None:
        return None
    return next(g for floor, g in GRADES if score >= floor)


def performance_checks(doc: NormalizedDocument, idx: LineIndex) -> list[Check]:
    """Counts, totals, average score and grade counts of the 绩效 section vs the forms."""
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
                    figure=f"{count['value']:f}个（说明）",
                    compared=f"{len(projects)}个（{label}表）",
                )
            )
        amounts = [p[amount_field] for p in projects if p[amount_field] is not None]
        fig = figures.get(total_key)
        if fig is not None and amounts:
            parts = [from_value(a, "元", "") for a in amounts]
            c = compare(
                "narrative_budget_total",
                f"说明所述{label}项目涉及金额与{len(amounts)}个{label}表金额之和",
                from_figure(fig),
                total(parts, f"{len(amounts)}个{label}表"),
                source_line=fig["source_line"],
            )
            if c:
                out.append(c)
    evaluations = [p for p in doc.projects if p["kind"] == SELF_EVALUATION and p["score_total"] is not None]
    avg = figures.get("self_eval_avg_score")
    if avg is not None and evaluations:
        mean = sum((p["score_total"] for p in evaluations), Decimal(0)) / len(evaluations)
        places = max(0, -int(avg["value"].as_tuple().exponent))
        tolerance = Decimal(5) / Decimal(10) ** (places + 1)
        diff = abs(mean - avg["value"])
        if diff:
            within = diff <= tolerance
            out.append(
                Check(
                    "narrative_avg_score",
                    "info" if within else "warning",
                    f"说明称平均得分 {avg['value']:f} 分，{len(evaluations)} 个自评表总分的平均值为 {mean:.2f} 分"
                    + ("，在取整误差范围内，属尾差" if within else ""),
                    source_line=avg["source_line"],
                    figure=f"{avg['value']:f}分（说明）",
                    compared=f"{mean:.2f}分（{len(evaluations)}个自评表平均）",
                )
            )
    if evaluations:
        grades: dict[str, int] = defaultdict(int)
        for p in evaluations:
            grades[p["grade"] or _grade(p["score_total"]) or ""] += 1
        for _, grade in GRADES:
            fig = figures.get(f"grade_count_{grade}")
            if fig is not None and fig["value"] != grades.get(grade, 0):
                out.append(
                    Check(
                        "narrative_grade_count",
                        "warning",
                        f"说明称绩效评级为“{grade}”的项目 {fig['value']:f} 个，自评表（按等级或总分）为 {grades.get(grade, 0)} 个",
                        source_line=fig["source_line"],
                        figure=f"{fig['value']:f}个（说明）",
                        compared=f"{grades.get(grade, 0)}个（自评表）",
                    )
                )
    project_total = idx.total("expenditure", "项目支出", "合计")
    budgets = [
        p["budget_full_year_yuan"]
        for p in doc.projects
        if p["kind"] == SELF_EVALUATION and p["budget_full_year_yuan"]
    ]
    if project_total is not None and budgets:
        computed = sum(budgets, Decimal(0))
        if computed != project_total["amount_yuan"]:
            a = from_line(project_total)
            out.append(
                Check(
                    "project_expenditure_vs_evaluations",
                    "info",
                    f"{a.full() if a else ''}；自评项目全年预算合计 {show(computed, '万元')}（仅供对照：自评项目不必覆盖全部项目支出）",
                    statement=project_total["statement"],
                    source_line=project_total["source_line"],
                    figure=a.full() if a else None,
                    compared=f"{show(computed, '万元')}（自评项目全年预算合计）",
                )
            )
    return out


def checks(doc: NormalizedDocument, idx: LineIndex) -> list[Check]:
    return (
        figure_checks(doc, idx)
        + three_public_blank_checks(doc)
        + final_item_checks(doc, idx)
        + performance_checks(doc, idx)
    )
