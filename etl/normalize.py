"""Parsed records -> warehouse rows: units, names, identity, dedup.

This is the one place where units are converted (万元 -> 元, exactly), where a
project's identity is decided, where cut-off unit names are completed from the
document's own unit list, and where a project printed twice (glued PDF
rendering and 'sheet1' rendering) is kept once. Every decision that is not a
plain reading of the text is recorded as a check.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from etl.compare import meets_target, parse_comparable
from etl.model import (
    BudgetLine,
    Check,
    DocumentMeta,
    NarrativeFigure,
    ParseResult,
    Project,
    Source,
)
from etl.parsers.cover import district_of, identity_vocabulary, is_placeholder, region_of
from etl.readers.model import WORKBOOKS, Document, Line
from etl.templates import match_title
from etl.textutil import code_level, squash

CENT = Decimal("0.01")
WAN = Decimal(10000)
UNIT_FACTORS = {"元": Decimal(1), "万元": WAN}
SELF_EVALUATION = "self_evaluation"
TARGET_DECLARATION = "target_declaration"
NOMINAL_SCORE_MAX = Decimal(100)
# A single project of more than this many 万元 in a department's disclosure is
# implausible (10 亿元): a header saying 万元 over such figures is wrong.
IMPLAUSIBLE_WAN = Decimal(100000)
EXCERPT_CHARS = 6000
_DEPARTMENT_SUFFIXES = re.compile(r"[（(](汇总|本级|合并)[)）]\s*$")


@dataclass
class NormalizedDocument:
    """Rows of every table for one document (values already in 元, Decimal)."""

    source_file: str
    meta: DocumentMeta
    layouts: list[str]
    budget_lines: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    three_public: list[dict[str, Any]] = field(default_factory=list)
    narrative_items: list[dict[str, Any]] = field(default_factory=list)
    narrative_figures: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # Parser-local project reference (source_line as text) -> project_id.
    project_refs: dict[str, str] = field(default_factory=dict)
    tables_expected: list[str] = field(default_factory=list)
    tables_found: list[str] = field(default_factory=list)
    # The reader's model (pages, prose lines, table cells): what text checks read.
    source: Document | None = None


def to_yuan(amount: Decimal | None, unit: str | None, checks: list[Check], where: str) -> Decimal | None:
    """Convert a printed amount to 元 exactly; a lost fraction of a 分 is reported."""
    if amount is None:
        return None
    if unit not in UNIT_FACTORS:
        said = "未注明单位" if unit is None else f"单位“{unit}”无法识别"
        checks.append(Check("unit_unknown", "warning", f"{where}：{said}，金额 {amount} 未换算"))
        return None
    value = amount * UNIT_FACTORS[unit]
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if rounded != value:
        checks.append(
            Check(
                "amount_precision",
                "warning",
                f"{where}：{amount}{unit} 换算为元后不足一分，按四舍五入记为 {rounded} 元",
            )
        )
    return rounded


def clean_department(name: str | None) -> str | None:
    """'上海市闵行区城市运行管理中心(汇总)' -> '上海市闵行区城市运行管理中心'."""
    if name is None:
        return None
    name = squash(name)
    return _DEPARTMENT_SUFFIXES.sub("", name) or None


def complete_unit(printed: str | None, units: list[str]) -> tuple[str | None, bool]:
    """Complete a unit name the PDF cut off, when exactly one listed unit starts with it."""
    if not printed:
        return printed, False
    name = clean_department(printed)
    if name is None or name in units:
        return name, False
    candidates = [u for u in units if u.startswith(name)]
    if len(candidates) == 1:
        return candidates[0], True
    return name, False


# Whose reading of the document's facts wins: the cover of an original, then the prose.
_META_ORDER = ("template_tables", "narrative")
_TEXT_KINDS = (
    ("final_accounts", "final_accounts"),
    ("self_eval_forms", SELF_EVALUATION),
    ("self_eval_qingpu", SELF_EVALUATION),
    ("self_eval_glued", SELF_EVALUATION),
    ("declaration_forms", TARGET_DECLARATION),
)


_META_CHECKS = {
    "meta_district_missing": "district",
    "meta_department_missing": "department",
    "meta_year_missing": "year",
}


def _fact_found_elsewhere(check: Check, meta: DocumentMeta) -> bool:
    """A parser's 'fact missing' check is moot when another parser (the cover) read the fact.

    A document of another region (江苏省, 广东省深圳市 …) has no Shanghai district to miss.
    """
    attr = _META_CHECKS.get(check.check)
    if attr == "district" and meta.region is not None and meta.region != identity_vocabulary().home:
        return True
    return attr is not None and getattr(meta, attr) is not None


def _meta_rank(name: str) -> int:
    return _META_ORDER.index(name) if name in _META_ORDER else len(_META_ORDER)


def merge_meta(results: list[tuple[str, ParseResult]]) -> DocumentMeta:
    """Document facts: the cover's reading first, then the narrative's, then any other parser's.

    Each fact keeps where it was read (``meta.sources``). A placeholder name ('上海市XX局') is
    no name. The kind and its scope come together from one parser that read something (a
    kind word on a form is no evidence), the cover's first, else from the layouts found. The
    region and district follow the name kept (the department's, else the unit's).
    """
    meta = DocumentMeta()
    ordered = sorted(results, key=lambda r: _meta_rank(r[0]))
    for _, result in ordered:
        m = result.meta
        for attr in ("department", "unit", "year", "region", "district"):
            value = getattr(m, attr)
            if value is None or getattr(meta, attr) is not None:
                continue
            if attr in ("department", "unit") and is_placeholder(value):
                continue
            setattr(meta, attr, value)
            fallback = m.source_line if attr == "department" else None
            meta.sources[attr] = m.sources.get(attr) or Source(fallback)
        meta.source_line = meta.source_line or m.source_line
        for unit in m.units:
            if unit not in meta.units:
                meta.units.append(unit)
    for name, result in ordered:
        # A kind is what a parser read, not a word on the cover ('部门预算支出' in a target form).
        read = not result.is_empty() or bool(result.tables_found)
        if read and result.meta.kind and name in _META_ORDER:
            _take_kind(meta, result.meta)
            break
    if meta.kind is None:
        # A text extraction says what it is by the layouts found in it, the 决算 first.
        found = {name: r for name, r in results if not r.is_empty()}
        chosen = next(((name, kind) for name, kind in _TEXT_KINDS if name in found), None)
        if chosen is not None:
            m = found[chosen[0]].meta
            _take_kind(meta, DocumentMeta(kind=chosen[1], scope=m.scope, sources=m.sources))
    if meta.scope == "department" and meta.unit is not None:
        meta.unit = None  # a 部门 document is of no one unit (its forms' 实施单位 are the projects')
        meta.sources.pop("unit", None)
    name_attr = "department" if meta.department else "unit" if meta.unit else None
    region = region_of(getattr(meta, name_attr)) if name_attr else None
    if name_attr is not None and region is not None:
        meta.region, meta.district = region, district_of(getattr(meta, name_attr))
        meta.sources["region"] = meta.sources[name_attr]
        meta.sources.pop("district", None)
        if meta.district is not None:
            meta.sources["district"] = meta.sources[name_attr]
    if meta.district is not None and meta.region is None:
        meta.region = identity_vocabulary().home  # a Shanghai district is in 上海市
        meta.sources["region"] = meta.sources["district"]
    return meta


def _take_kind(meta: DocumentMeta, m: DocumentMeta) -> None:
    meta.kind, meta.scope = m.kind, m.scope
    for attr in ("kind", "scope"):
        if getattr(meta, attr) is not None:
            meta.sources[attr] = m.sources.get(attr) or Source()


# A fact's words to look for when its parser said no line: the first line printing them.
_LOCATE_KIND_WORDS = {
    "final_accounts": ("部门决算", "决算"),
    "budget": ("部门预算", "预算"),
    "self_evaluation": ("自评表", "自评"),
    "target_declaration": ("绩效目标", "目标"),
}


def complete_sources(meta: DocumentMeta, source: Document) -> None:
    """Every source with its page, sheet and text; a fact read without a line is placed where printed.

    The narrative parser reads the document's prose as one text and gives a line for the
    department only; the year, district and kind it read are printed on the first line
    that holds them.
    """
    for attr, src in list(meta.sources.items()):
        line = src.line
        if line is None:
            line = _locate(meta, attr, source)
        ln = source.line(line) if line is not None else None
        if ln is None:
            if src.line is None and src.text is None:
                del meta.sources[attr]  # nothing says where: better no place than a wrong one
            continue
        page = src.page if src.page is not None else ln.page
        sheet = src.sheet
        if sheet is None and source.file_type in WORKBOOKS and 1 <= page <= len(source.pages):
            sheet = source.pages[page - 1].name
        text = src.text if src.text is not None else ln.text.strip()
        cell = src.cell if src.cell is not None else _cell_printing(source, ln, text)
        if source.is_text:
            page = None if len(source.pages) <= 1 else page
        meta.sources[attr] = Source(line, page, cell, sheet, text)


def _cell_printing(source: Document, ln: Line, text: str) -> str | None:
    """The cell of a grid row that prints exactly this text (None for prose, or none found)."""
    if ln.table is None:
        return None
    table = source.tables[ln.table]
    row = table.row_at(ln.number)
    if row is None:
        return None
    for c, cell in enumerate(table.rows[row]):
        if cell.is_origin and squash(cell.text) == squash(text):
            return table.place(row, c)
    return None


def _locate(meta: DocumentMeta, attr: str, source: Document) -> int | None:
    value = getattr(meta, attr)
    if attr == "year":
        needles: tuple[str, ...] = (f"{value}年",)
    elif attr == "district":
        needles = (f"{value}区", f"{value}新区")
    elif attr == "kind":
        needles = _LOCATE_KIND_WORDS.get(str(value), ())
    elif attr in ("department", "unit", "region"):
        needles = (squash(str(value)),)
    else:
        return None
    for ln in source.lines:
        text = squash(ln.text)
        if any(n in text for n in needles):
            return ln.number
    return None


def _figure(figures: list[NarrativeFigure], key: str) -> NarrativeFigure | None:
    return next((f for f in figures if f.key == key), None)


def _who(meta: DocumentMeta) -> dict[str, Any]:
    return {"district": meta.district, "year": meta.year, "department": meta.department}


# --- budget lines -----------------------------------------------------------------


@lru_cache(maxsize=512)
def _template_of(statement: str) -> str | None:
    """The standard table a text extraction's statement is (its title as printed)."""
    found = match_title(statement)
    return found.template.template if found else None


def budget_rows(
    lines: list[BudgetLine], source_file: str, meta: DocumentMeta, checks: list[Check]
) -> list[dict]:
    rows = []
    for line in lines:
        amount = to_yuan(line.amount, line.unit, checks, f"{line.statement} {line.code or line.name}")
        level = 0 if line.is_total else code_level(line.code, line.classification)
        rows.append(
            {
                "source_file": source_file,
                "source_line": line.source_line,
                "source_cell": line.source_cell,
                **_who(meta),
                "doc_kind": meta.kind,
                "template": line.template or _template_of(line.statement),
                "statement": line.statement,
                "side": line.side,
                "code": line.code,
                "name": line.name,
                "classification": line.classification,
                "level": level,
                "measure": line.measure,
                "amount_yuan": amount,
                "amount_printed": format(line.amount, "f"),
                "unit_printed": line.unit,
                "is_total": line.is_total,
            }
        )
    return rows


# --- projects ---------------------------------------------------------------------


def dedup_renderings(projects: list[Project], checks: list[Check]) -> list[Project]:
    """Keep each project once: a 'glued' rendering yields to the complete tabbed one.

    A glued form is matched to a tabbed form of the same name and 总分 (and the
    same 年度资金总额 where the glued one has it); what differs is reported.
    """
    glued = [p for p in projects if p.layout == "glued"]
    if not glued:
        return projects
    complete = [p for p in projects if p.layout != "glued"]
    used: set[int] = set()
    for g in glued:
        candidates = [
            (i, p)
            for i, p in enumerate(complete)
            if i not in used
            and squash(p.project_name) == squash(g.project_name)
            and (g.score_total is None or p.score_total == g.score_total)
            and (g.budget_full_year is None or p.budget_full_year == g.budget_full_year)
        ]
        if not candidates:
            complete.append(g)
            used.add(len(complete) - 1)
            checks.append(
                Check(
                    "rendering_only_glued",
                    "warning",
                    f"项目“{g.project_name}”只在粘连版式中出现（第 {g.source_line} 行），没有完整版式可对照；指标可能不全",
                    source_line=g.source_line,
                    project_ref=str(g.source_line),
                )
            )
            continue
        i, kept = candidates[0]
        used.add(i)
        diffs = _rendering_differences(g, kept)
        message = (
            f"项目“{kept.project_name}”在文件中出现两次：粘连版式（第 {g.source_line} 行）与完整版式（第 {kept.source_line} 行）"
            f"不一致：{'；'.join(diffs)}。采用完整版式。"
            if diffs
            else f"项目“{kept.project_name}”在粘连版式（第 {g.source_line} 行）中重复出现，内容一致，只保留一份"
        )
        checks.append(
            Check(
                "rendering_differs" if diffs else "rendering_duplicate",
                "info",
                message,
                source_line=kept.source_line,
                project_ref=str(kept.source_line),
            )
        )
    return complete


def _rendering_differences(glued: Project, kept: Project) -> list[str]:
    diffs = []
    for label, a, b in (
        ("年初预算数", glued.budget_initial, kept.budget_initial),
        ("全年预算数", glued.budget_full_year, kept.budget_full_year),
        ("全年执行数", glued.executed, kept.executed),
    ):
        if a is None and b is not None:
            diffs.append(f"粘连版式缺少{label}（完整版式为 {b}）")
        elif a is not None and a != b:
            diffs.append(f"{label} {a} 对 {b}")
    rows = glued.extra.get("indicator_rows")
    if rows is not None and rows.isdigit() and int(rows) != len(kept.indicators):
        diffs.append(f"粘连版式有 {rows} 行指标，完整版式有 {len(kept.indicators)} 行（可能有指标行被合并）")
    return diffs


def decide_units(
    projects: list[Project], figures: list[NarrativeFigure], checks: list[Check]
) -> dict[int, str | None]:
    """Decide the unit of each project's figures; headers can be wrong.

    Evidence, in order: the narrative's total of self-evaluated projects (万元);
    plausibility of the figures under the printed unit; otherwise the header.
    """
    decided: dict[int, str | None] = {}
    groups: dict[tuple[str, str | None], list[Project]] = {}
    for p in projects:
        groups.setdefault((p.kind, p.amount_unit), []).append(p)
    for (kind, printed), group in groups.items():
        key = "self_eval_budget_total" if kind == SELF_EVALUATION else "declared_budget_total"
        stated = _figure(figures, key)
        amounts = [p.budget_full_year for p in group if p.budget_full_year is not None]
        if kind == TARGET_DECLARATION:
            amounts = [p.budget_initial for p in group if p.budget_initial is not None]
        total = sum(amounts, Decimal(0))
        unit = printed
        how = None
        if stated is not None and stated.unit == "万元" and amounts:
            as_yuan, as_wan = total / WAN, total
            if printed != "元" and abs(as_yuan - stated.value) <= CENT:
                unit = "元"
                how = (
                    f"表头单位为“{printed}”，但 {len(amounts)} 个项目合计 {total} 按元计为 {as_yuan:.2f} 万元，"
                    f"与说明中的 {stated.value} 万元一致，按元处理"
                )
            elif printed != "万元" and abs(as_wan - stated.value) <= CENT:
                unit = "万元"
                how = f"表头单位为“{printed}”，但项目合计 {total} 与说明中的 {stated.value} 万元一致，按万元处理"
        if how is None and printed == "万元" and amounts and max(amounts) >= IMPLAUSIBLE_WAN:
            unit = "元"
            how = f"表头单位为“万元”，但单个项目金额达 {max(amounts)}（按万元即超过 10 亿元），按元处理"
        if how is None and printed is None:
            checks.append(
                Check("unit_missing", "warning", f"{len(group)} 个项目的表头未注明金额单位，金额未换算")
            )
        for p in group:
            decided[id(p)] = unit
        if how is not None:
            severity = "warning" if printed is not None else "info"
            checks.append(Check("unit_decided", severity, how))
    return decided


def project_id(parts: list[Any]) -> str:
    """Stable id from what identifies a project (not its name alone)."""
    raw = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def excerpt(lines: list[str], start: int, end: int) -> str:
    """Source lines start..end (1-based, inclusive), capped so a page can show them."""
    text = "\n".join(lines[max(start - 1, 0) : max(end, start)])
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "\n……（以下省略）"


def project_rows(
    projects: list[Project],
    source_file: str,
    meta: DocumentMeta,
    figures: list[NarrativeFigure],
    checks: list[Check],
    lines: list[str] | None = None,
) -> tuple[list[dict], list[dict], dict[str, str]]:
    """Projects and their indicators as rows; returns the parser-ref -> project_id map."""
    units = decide_units(projects, figures, checks)
    seen: Counter[tuple] = Counter()
    rows, indicator_rows, refs = [], [], {}
    for p in projects:
        unit_name, completed = complete_unit(p.unit, meta.units)
        if completed:
            checks.append(
                Check(
                    "unit_name_completed",
                    "info",
                    f"项目“{p.project_name}”的单位名称原文为“{p.unit}”（被截断），按本文件所列单位补全为“{unit_name}”",
                    source_line=p.source_line,
                    project_ref=str(p.source_line),
                )
            )
        department = clean_department(p.department) or meta.department
        year = p.year or meta.year
        unit = units[id(p)]
        where = f"项目“{p.project_name}”"
        budget_initial = to_yuan(p.budget_initial, unit, checks, where)
        full_year = to_yuan(p.budget_full_year, unit, checks, where)
        executed = to_yuan(p.executed, unit, checks, where)
        prior = to_yuan(p.prior_year_budget, unit, checks, where)
        identity = [meta.district, year, p.kind, department, unit_name, squash(p.project_name), full_year]
        seen[tuple(identity)] += 1
        # The file is part of the identity: the same form in two files stays two rows (reported at build level).
        pid = project_id([source_file, *identity, seen[tuple(identity)]])
        refs[str(p.source_line)] = pid
        score_max = p.score_max
        if score_max is None and p.kind == SELF_EVALUATION:
            score_max = NOMINAL_SCORE_MAX
        rows.append(
            {
                "project_id": pid,
                "source_file": source_file,
                "source_line": p.source_line,
                "source_cell": p.source_cell,
                "end_line": p.end_line,
                "district": meta.district,
                "year": year,
                "department": department,
                "unit": unit_name,
                "project_name": p.project_name,
                "kind": p.kind,
                "layout": p.layout,
                "budget_initial_yuan": budget_initial,
                "budget_full_year_yuan": full_year,
                "executed_yuan": executed,
                "prior_year_budget_yuan": prior,
                "execution_rate": p.execution_rate,
                "execution_weight": p.execution_weight,
                "execution_score": p.execution_score,
                "score_total": p.score_total,
                "score_max": score_max,
                "grade": p.grade,
                "category": p.category,
                "goal": p.goal,
                "result": p.result,
                "amount_unit_printed": p.amount_unit,
                "amount_unit": unit,
                "unit_printed": p.unit,
                "department_printed": p.department,
                "n_indicators": len(p.indicators),
                "extra_json": json.dumps(p.extra, ensure_ascii=False, sort_keys=True) if p.extra else None,
                "source_excerpt": excerpt(lines, p.source_line, p.end_line) if lines else None,
            }
        )
        for seq, ind in enumerate(p.indicators, start=1):
            t, a = parse_comparable(ind.target_value), parse_comparable(ind.actual_value)
            indicator_rows.append(
                {
                    "indicator_id": f"{pid}-{seq:03d}",
                    "project_id": pid,
                    "seq": seq,
                    "source_file": source_file,
                    "source_line": ind.source_line,
                    "source_cell": ind.source_cell,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "level3": ind.level3,
                    "target_value": ind.target_value,
                    "actual_value": ind.actual_value,
                    "weight": ind.weight,
                    "score": ind.score,
                    "deviation_reason": ind.deviation_reason,
                    "explanation": ind.explanation,
                    "scoring_rule": ind.scoring_rule,
                    "target_op": t.op,
                    "target_number": t.number,
                    "target_number_high": t.high,
                    "target_unit": t.unit,
                    "actual_op": a.op,
                    "actual_number": a.number,
                    "actual_unit": a.unit,
                    "meets_target": meets_target(ind.target_value, ind.actual_value),
                }
            )
    return rows, indicator_rows, refs


# --- narrative and 三公 -------------------------------------------------------------


def narrative_rows(result: ParseResult, source_file: str, meta: DocumentMeta, checks: list[Check]):
    """Narrative items and figures (万元 figures to 元; counts and scores as printed)."""
    items = [
        {
            "source_file": source_file,
            "source_line": it.source_line,
            **_who(meta),
            "item": it.item,
            "code": it.code,
            "budget_initial_yuan": to_yuan(it.budget_initial, it.unit, checks, f"说明“{it.item}”"),
            "final_yuan": to_yuan(it.final, it.unit, checks, f"说明“{it.item}”"),
            "reason": it.reason,
            "stated_yuan": to_yuan(it.stated, it.unit, checks, f"说明“{it.item}”"),
            "prior_executed_yuan": to_yuan(it.prior_executed, it.unit, checks, f"说明“{it.item}”"),
            "budget_yuan": to_yuan(it.budget, it.unit, checks, f"说明“{it.item}”"),
            "change_percent": it.change_percent,
            "change_word": it.change_word,
        }
        for it in result.narrative_items
    ]
    figures = [
        {
            "source_file": source_file,
            "source_line": f.source_line,
            **_who(meta),
            "key": f.key,
            "value": f.value,
            "unit": f.unit,
            "text": f.text,
        }
        for f in result.narrative_figures
    ]
    return items, figures


def three_public_rows(result: ParseResult, source_file: str, meta: DocumentMeta, checks: list[Check]):
    return [
        {
            "source_file": source_file,
            "source_line": t.source_line,
            **_who(meta),
            "doc_kind": meta.kind,
            "item": t.item,
            "budget_yuan": to_yuan(t.budget, t.unit, checks, f"三公经费 {t.item}"),
            "actual_yuan": to_yuan(t.actual, t.unit, checks, f"三公经费 {t.item}"),
            # As printed, for the precision of comparisons (etl/validate).
            "unit_printed": t.unit,
            "budget_printed": None if t.budget is None else f"{t.budget:f}",
            "actual_printed": None if t.actual is None else f"{t.actual:f}",
        }
        for t in result.three_public
    ]


# The tables a document's rows go to (besides documents and checks).
ROW_TABLES = (
    "budget_lines",
    "projects",
    "indicators",
    "three_public",
    "narrative_items",
    "narrative_figures",
)


def _add_pages(doc: NormalizedDocument, source: Document) -> None:
    """Every row's page, from its line: provenance is (file, page, line)."""
    for name in ROW_TABLES:
        for row in getattr(doc, name):
            row["source_page"] = source.page_of(row["source_line"])


def normalize_document(source: Document, results: list[tuple[str, ParseResult]]) -> NormalizedDocument:
    """All parsers' results for one document -> rows of every table."""
    source_file = source.source_file
    text = source.text
    meta = merge_meta(results)
    complete_sources(meta, source)
    doc = NormalizedDocument(
        source_file=source_file,
        meta=meta,
        layouts=[n for n, r in results if not r.is_empty()],
        source=source,
    )
    checks = doc.checks
    for _, result in results:
        checks.extend(c for c in result.checks if not _fact_found_elsewhere(c, meta))
    figures = [f for _, r in results for f in r.narrative_figures]
    projects: list[Project] = [p for _, r in results for p in r.projects]
    projects = dedup_renderings(projects, checks)
    for _, result in results:
        doc.budget_lines += budget_rows(result.budget_lines, source_file, meta, checks)
        doc.three_public += three_public_rows(result, source_file, meta, checks)
        items, figs = narrative_rows(result, source_file, meta, checks)
        doc.narrative_items += items
        doc.narrative_figures += figs
    doc.projects, doc.indicators, doc.project_refs = project_rows(
        projects, source_file, meta, figures, checks, text.split("\n")
    )
    for _, result in results:
        doc.tables_expected += [t for t in result.tables_expected if t not in doc.tables_expected]
        doc.tables_found += [t for t in result.tables_found if t not in doc.tables_found]
    fill_item_codes(doc)
    _add_pages(doc, source)
    return doc


_ITEM_NAME = re.compile(r"([^（）()，,、]+?)[（(]项[)）]")
_GPB_TEMPLATES = ("一般公共预算财政拨款支出决算表", "一般公共预算支出功能分类预算表")


def fill_item_codes(doc: NormalizedDocument) -> None:
    """A 决算 paragraph's codes, from the 项 names it gives ('…A（项），B（项）' -> 'code,code').

    Each 项 name must match exactly one 7-digit row of the 一般公共预算 table, else the
    item keeps no code (it is then not compared with the table).
    """
    names: dict[str, list[str]] = {}
    for r in doc.budget_lines:
        if r["template"] in _GPB_TEMPLATES and r["code"] and len(r["code"]) == 7:
            codes = names.setdefault(squash(r["name"]), [])
            if r["code"] not in codes:
                codes.append(r["code"])
    for item in doc.narrative_items:
        if item["code"] is not None:
            continue
        codes = []
        for m in _ITEM_NAME.finditer(item["item"]):
            found = names.get(squash(re.sub(r"^.*[)）]", "", m.group(1))), [])
            if len(found) != 1:
                codes = []
                break
            codes.append(found[0])
        item["code"] = ",".join(codes) or None
