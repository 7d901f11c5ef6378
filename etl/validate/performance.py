"""Performance forms (VALIDATION.md family 9, form half): for each self-evaluated project the
indicator weights + the execution weight = 满分, Σ scores = 总分, 总分 ≤ 满分, and the
printed 执行率 = 执行数 / 全年预算数 to the precision it is printed.

A declaration's funding block: 项目资金总额 = 财政资金 + 其他资金, 年度资金申请总额 =
当年财政拨款 + 上年结转 + 其他资金, 财政资金 = 当年财政拨款 + 上年结转 (the identities of
etl/templates/forms.toml), read from the amounts each parser keeps as printed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from functools import cache

from etl.model import Check
from etl.normalize import SELF_EVALUATION, TARGET_DECLARATION
from etl.parsers.declaration_forms import vocabulary as form_vocabulary
from etl.textutil import parse_amount
from etl.validate.spec import CheckSpec

SPECS = (
    CheckSpec(
        "weights_sum",
        "performance",
        "warning",
        "指标分值合计不等于满分",
        "各指标分值与预算执行率分值之和与满分",
    ),
    CheckSpec(
        "scores_sum",
        "performance",
        "warning",
        "得分合计与总分不符",
        "各指标得分与预算执行率得分之和与印出的总分",
    ),
    CheckSpec("score_total_missing", "performance", "warning", "未印总分", "自评表有各项得分却没有印出总分"),
    CheckSpec("score_above_max", "performance", "error", "总分超过满分", "自评表总分与满分"),
    CheckSpec(
        "execution_rate",
        "performance",
        "warning",
        "执行率计算有误",
        "印出的执行率与执行数÷全年预算数（按印出精度）",
        True,
    ),
    CheckSpec("executed_above_budget", "performance", "warning", "执行数超过预算", "全年执行数与全年预算数"),
    CheckSpec(
        "declaration_fiscal_split_mismatch",
        "performance",
        "warning",
        "财政资金构成不符",
        "申报表财政资金与当年财政拨款加上年结转资金之和",
    ),
    CheckSpec(
        "declaration_annual_split_mismatch",
        "performance",
        "warning",
        "年度申请额构成不符",
        "申报表年度资金申请总额与当年财政拨款、上年结转、其他资金之和",
    ),
    CheckSpec(
        "declaration_total_split_mismatch",
        "performance",
        "warning",
        "项目资金总额构成不符",
        "申报表项目资金总额与财政资金、其他资金之和",
    ),
    CheckSpec(
        "indicator_score_above_weight",
        "performance",
        "warning",
        "指标得分超过分值",
        "自评表每个指标的得分与其分值",
    ),
    CheckSpec(
        "indicator_missed_but_full_points",
        "performance",
        "warning",
        "未达目标却得满分",
        "自评表指标的实际完成值未达到年度指标值（按印出的数值和比较方向），得分却等于分值",
    ),
    CheckSpec(
        "indicator_values_all_identical",
        "performance",
        "info",
        "目标值与实际值全部相同",
        "一个自评项目有3个以上指标，每个指标的实际完成值与年度指标值一字不差（可能照抄目标，值得核对）",
    ),
    CheckSpec(
        "section_weights_sum",
        "performance",
        "warning",
        "一级指标分值不符",
        "自评表一级指标印出的分值与其下各指标分值之和（如青浦表的投入与管理36分）",
    ),
    CheckSpec(
        "declaration_total_differs_from_annual",
        "performance",
        "info",
        "项目总额与年度申请额不同",
        "申报表项目资金总额与年度资金申请总额（跨年度项目可不同）",
    ),
    CheckSpec(
        "project_in_several_files",
        "performance",
        "warning",
        "同一项目出现在多个文件",
        "同一区、年度、名称的项目出现在不止一个文件中（汇总时可能重复计算）",
    ),
)
POINT_TOLERANCE = Decimal("0.01")
# Percentages: within half a percentage point a difference is 尾差 (shared/VALIDATION.md).
RATE_TOLERANCE = Decimal("0.005")


def project_checks(projects: list[dict], indicators: list[dict]) -> list[Check]:
    out: list[Check] = []
    by_project: dict[str, list[dict]] = defaultdict(list)
    for ind in indicators:
        by_project[ind["project_id"]].append(ind)
    for p in projects:
        if p["kind"] != SELF_EVALUATION:
            continue
        pid, name, line = p["project_id"], p["project_name"], p["source_line"]
        inds = by_project.get(pid, [])

        def add(
            check: str,
            severity: str,
            message: str,
            figure: str | None = None,
            compared: str | None = None,
            pid: str = pid,
            line: int = line,
        ) -> None:
            out.append(
                Check(
                    check,
                    severity,
                    message,
                    source_line=line,
                    project_ref=pid,
                    figure=figure,
                    compared=compared,
                )
            )

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
                    f"{total_w:f}分（各项分值之和）",
                    f"{p['score_max']:f}分（满分）",
                )
        if scores:  # a form without a 得分 column has no total to print
            total_s = sum(scores, Decimal(0)) + exec_s
            if p["score_total"] is None:
                add(
                    "score_total_missing",
                    "warning",
                    f"项目“{name}”未打印总分；各项得分合计为 {total_s:f}",
                    f"{total_s:f}分（各项得分之和）",
                )
            elif abs(total_s - p["score_total"]) > POINT_TOLERANCE:
                add(
                    "scores_sum",
                    "warning",
                    f"项目“{name}”总分印为 {p['score_total']:f}，各项得分合计为 {total_s:f}（含预算执行 {exec_s:f}）",
                    f"{p['score_total']:f}分（印出的总分）",
                    f"{total_s:f}分（各项得分之和）",
                )
        if p["score_total"] is not None and p["score_max"] is not None and p["score_total"] > p["score_max"]:
            add(
                "score_above_max",
                "error",
                f"项目“{name}”总分 {p['score_total']:f} 超过满分 {p['score_max']:f}",
                f"{p['score_total']:f}分（总分）",
                f"{p['score_max']:f}分（满分）",
            )
        budget, executed, rate = p["budget_full_year_yuan"], p["executed_yuan"], p["execution_rate"]
        if budget and executed is not None and rate is not None:
            computed = executed / budget
            diff = abs(computed - rate)
            figure = f"{rate * 100:.2f}%（印出的执行率）"
            compared = f"{computed * 100:.2f}%（{executed:,.2f} 元 ÷ {budget:,.2f} 元）"
            if diff > RATE_TOLERANCE:
                add(
                    "execution_rate",
                    "warning",
                    f"项目“{name}”执行率印为 {rate * 100:.2f}%，执行数 {executed:,.2f} 元 ÷ 全年预算 {budget:,.2f} 元 = {computed * 100:.2f}%",
                    figure,
                    compared,
                )
            elif diff > Decimal("0.00005"):
                add(
                    "execution_rate",
                    "info",
                    f"项目“{name}”执行率印为 {rate * 100:.2f}%，按执行数 ÷ 全年预算计算为 {computed * 100:.2f}%，差异在 0.5 个百分点以内，属尾差",
                    figure,
                    compared,
                )
        if budget is not None and executed is not None and executed > budget:
            add(
                "executed_above_budget",
                "warning",
                f"项目“{name}”执行数 {executed:,.2f} 元超过全年预算 {budget:,.2f} 元",
                f"{executed:,.2f}元（执行数）",
                f"{budget:,.2f}元（全年预算）",
            )
    return out


def indicator_checks(indicators: list[dict], projects: list[dict]) -> list[Check]:
    """Each indicator's 得分 not above its 分值; each 一级指标's printed 分值 = Σ its indicators' 分值."""
    out: list[Check] = []
    names = {p["project_id"]: p["project_name"] for p in projects}
    for ind in indicators:
        weight, score = ind.get("weight"), ind.get("score")
        if weight is not None and score is not None and score > weight:
            out.append(
                Check(
                    "indicator_score_above_weight",
                    "warning",
                    f"项目“{names.get(ind['project_id'], '')}”指标“{ind['level3']}”得分 {score:f} 大于分值 {weight:f}",
                    source_line=ind["source_line"],
                    project_ref=ind["project_id"],
                    figure=f"{score:f}分（得分）",
                    compared=f"{weight:f}分（分值）",
                )
            )
    by_section: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for ind in indicators:
        if ind.get("weight") is not None and ind.get("level1"):
            by_section[(ind["project_id"], ind["level1"])] += ind["weight"]
    for p in projects:
        extra = json.loads(p.get("extra_json") or "{}")
        for key, printed in extra.items():
            if not key.startswith(SECTION_POINTS):
                continue
            section = key.removeprefix(SECTION_POINTS)
            points, weights = parse_amount(printed), by_section.get((p["project_id"], section), Decimal(0))
            if points is not None and points != weights:
                out.append(
                    Check(
                        "section_weights_sum",
                        "warning",
                        f"项目“{p['project_name']}”一级指标“{section}”印为 {points:f} 分，其下各指标分值合计 {weights:f} 分",
                        source_line=p["source_line"],
                        project_ref=p["project_id"],
                        figure=f"{points:f}分（一级指标分值）",
                        compared=f"{weights:f}分（各指标分值之和）",
                    )
                )
    return out


# Project.extra key of a 一级指标's printed 分值 (青浦: '分值:投入与管理' -> '36').
SECTION_POINTS = "分值:"
# The text layout keeps each funding amount under 'fund_<name>'.
FUND_PREFIX = "fund_"


@cache
def _fund_labels() -> dict[str, str]:
    """Project.extra key -> amount name of the funding block (both layouts)."""
    voc = form_vocabulary()
    names = {spec.extra: spec.amount for _, spec in voc.labels if spec.amount and spec.extra}
    names.update({label: amount for amount, label in voc.renamed_extra.items()})
    return names


def _funds(project: dict) -> dict[str, tuple[Decimal, str, str]]:
    """Amount name -> (value, as printed, label) of one declaration's funding block."""
    extra = json.loads(project.get("extra_json") or "{}")
    out: dict[str, tuple[Decimal, str, str]] = {}
    for key, text in extra.items():
        name = key.removeprefix(FUND_PREFIX) if key.startswith(FUND_PREFIX) else _fund_labels().get(key)
        if name is None or not isinstance(text, str):
            continue
        try:
            value = parse_amount(text)
        except ValueError:
            continue  # unreadable: the parser reported it
        if value is not None:
            out[name] = (value, text, FUND_NAMES.get(name, key))
    return out


# Amount name -> how the form labels it, for messages.
FUND_NAMES = {
    "total": "项目资金总额",
    "annual": "年度资金申请总额",
    "fiscal": "财政资金",
    "other": "其他资金",
    "current_year": "当年财政拨款",
    "carryover": "上年结转资金",
    "other_annual": "其他资金（年度）",
}


def declaration_checks(projects: list[dict]) -> list[Check]:
    """The funding block's sums, as printed; a multi-year project's 财政资金 may exceed the year's."""
    out: list[Check] = []
    for p in projects:
        if p["kind"] != TARGET_DECLARATION:
            continue
        funds = _funds(p)
        unit = p.get("amount_unit_printed") or p.get("amount_unit") or ""
        where = f"第 {p['source_page']} 页" if p.get("source_page") else ""

        def add(check: str, severity: str, message: str, figure: str, compared: str, p: dict = p) -> None:
            out.append(
                Check(
                    check,
                    severity,
                    message,
                    source_line=p["source_line"],
                    project_ref=p["project_id"],
                    figure=figure,
                    compared=compared,
                )
            )

        total, annual = funds.get("total"), funds.get("annual")
        multi_year = total is not None and annual is not None and total[0] != annual[0]
        if multi_year:
            add(
                "declaration_total_differs_from_annual",
                "info",
                f"{where}项目“{p['project_name']}”项目资金总额 {total[1]} 与年度资金申请总额 {annual[1]} 不同（可能为跨年度项目）",
                f"{total[1]}{unit}（项目资金总额）",
                f"{annual[1]}{unit}（年度资金申请总额）",
            )
        reported: list[tuple[Decimal, set[str]]] = []
        for ident in form_vocabulary().identities:
            whole = funds.get(ident.total)
            parts = [k for k in ident.parts if k in funds]
            if whole is None or not parts:
                continue
            computed = sum((funds[k][0] for k in parts), Decimal(0))
            difference = whole[0] - computed
            if difference == 0 or any(d == difference and ps & set(parts) for d, ps in reported):
                continue  # equal, or the same misprint seen through another sum
            reported.append((difference, set(parts)))
            terms = " + ".join(f"{funds[k][2]} {funds[k][1]}" for k in parts)
            # 财政资金 covers every year of a multi-year project, its parts only this one.
            severity = "info" if multi_year and ident.total == "fiscal" else "warning"
            add(
                ident.check,
                severity,
                f"{where}项目“{p['project_name']}”：{whole[2]} {whole[1]}{unit}，不等于{terms} = {computed:,.2f}{unit}"
                f"（相差 {abs(difference):,.2f}{unit}）"
                + (
                    "；项目资金总额与年度资金申请总额不同，差额可能属于其他年度"
                    if severity == "info"
                    else "；两数均按原文保留，请核对原表"
                ),
                f"{whole[1]}{unit}（{whole[2]}）",
                f"{computed:,.2f}{unit}（{terms}）",
            )
    return out


def audit_checks(indicators: list[dict], projects: list[dict]) -> list[Check]:
    """What an auditor looks for in a self-evaluation's own indicators: a target missed with full
    points, and every 实际完成值 copied from its 年度指标值."""
    out: list[Check] = []
    evaluated = {p["project_id"]: p for p in projects if p.get("kind") == SELF_EVALUATION}
    rows: dict[str, list[dict]] = defaultdict(list)
    for ind in indicators:
        if ind["project_id"] in evaluated:
            rows[ind["project_id"]].append(ind)
    for pid, inds in rows.items():
        p = evaluated[pid]
        missed = [
            i
            for i in inds
            if i.get("meets_target") is False and i.get("score") is not None and i.get("weight") is not None
            and i["score"] >= i["weight"]
        ]  # fmt: skip
        if missed:
            detail = "；".join(
                f"{i['level3']}：目标 {i['target_value']}，实际 {i['actual_value']}，得分 {i['score']:f}/{i['weight']:f}"
                for i in missed
            )
            out.append(
                Check(
                    "indicator_missed_but_full_points",
                    "warning",
                    f"项目“{p['project_name']}”有 {len(missed)} 个指标未达到年度指标值却得满分：{detail}",
                    source_line=missed[0]["source_line"],
                    project_ref=pid,
                )
            )
        if len(inds) >= 3 and all(i.get("target_value") == i.get("actual_value") for i in inds):
            out.append(
                Check(
                    "indicator_values_all_identical",
                    "info",
                    f"项目“{p['project_name']}”的 {len(inds)} 个指标，实际完成值与年度指标值一字不差",
                    source_line=p["source_line"],
                    project_ref=pid,
                )
            )
    return out


def checks(projects: list[dict], indicators: list[dict]) -> list[Check]:
    return (
        project_checks(projects, indicators)
        + indicator_checks(indicators, projects)
        + audit_checks(indicators, projects)
        + declaration_checks(projects)
    )
