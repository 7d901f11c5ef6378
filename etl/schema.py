"""Every warehouse table and column, declared once: dtype, unit and meaning.

The registry drives casting (``frame``), the README's data model and the
dashboard's column labels, so a column is described in exactly one place.
Money is always ``*_yuan`` as DECIMAL(18,2): never float.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

MONEY = pl.Decimal(18, 2)
RATE = pl.Decimal(12, 6)
POINTS = pl.Decimal(9, 2)
NUMBER = pl.Decimal(24, 6)


@dataclass(frozen=True)
class Column:
    name: str
    dtype: Any
    label: str  # Chinese label for the UI and exports
    description: str
    unit: str | None = None


def _c(name: str, dtype: Any, label: str, description: str, unit: str | None = None) -> Column:
    return Column(name, dtype, label, description, unit)


_PROVENANCE = [
    _c("source_file", pl.String, "来源文件", "File name in data/raw the figure was read from."),
    _c(
        "source_line",
        pl.Int32,
        "来源行号",
        "1-based line of the document: a text file's line; in a PDF/DOCX/XLSX a prose line or table row.",
    ),
    _c("source_page", pl.Int32, "来源页码", "1-based page (PDF page, XLSX sheet; text: form-feed pages)."),
]
_WHO = [
    _c(
        "district",
        pl.String,
        "区",
        "A Shanghai district's short name as the document gives it (松江, 闵行, 青浦 …); null for other regions.",
    ),
    _c("year", pl.Int32, "年度", "Budget year the document reports on."),
    _c("department", pl.String, "部门", "主管部门, full name without suffixes such as (汇总)."),
]

TABLES: dict[str, list[Column]] = {
    "documents": [
        _c("source_file", pl.String, "来源文件", "File name in data/raw."),
        _c("sha256", pl.String, "SHA-256", "Hash of the file's bytes: identifies the exact input."),
        *_WHO,
        _c(
            "kind",
            pl.String,
            "文件类型",
            "Main kind: final_accounts (决算), budget (预算), self_evaluation (绩效自评), target_declaration (绩效目标).",
        ),
        _c(
            "scope",
            pl.String,
            "编报范围",
            "department (部门: a consolidated 部门预算/决算, or a 部门整体 target form), unit (单位: one "
            "单位's own document) or project (项目: a project's 自评表 or 绩效目标表), as the cover or form says.",
        ),
        _c(
            "region",
            pl.String,
            "所属地区",
            "The 市/省 the document belongs to, read from its name or cover: 上海市, 江苏省, 重庆市, "
            "广东省深圳市 …; 中央 for a central unit. Null when nothing names a place.",
        ),
        _c(
            "unit",
            pl.String,
            "单位",
            "The 单位 the document is of: a 单位预算's 预算单位, a form's 实施单位/申请单位 (full name).",
        ),
        _c(
            "identity_sources",
            pl.String,
            "识别依据",
            "Where each identity fact was read, as JSON {fact: {where, page, line, cell, sheet, text}} for "
            "region, district, department, unit, scope, year, kind: 'where' is what an official looks up "
            "(第1页（全文第2行）, 工作表“Sheet1”B3), 'text' the words read there.",
        ),
        _c(
            "status",
            pl.String,
            "状态",
            "ok: every listed table read; partial: something was not read (see checks); failed: nothing read.",
        ),
        _c(
            "file_type",
            pl.String,
            "文件格式",
            "pdf, docx, xlsx, xls, doc (.doc/.wps through LibreOffice) or text, told by the file's bytes.",
        ),
        _c(
            "encoding",
            pl.String,
            "编码",
            "Text encoding detected (utf-8, utf-8-sig, gb18030); text files only.",
        ),
        _c("n_pages", pl.Int32, "页数", "Pages (PDF), sheets (XLSX), form-feed pages (text)."),
        _c("layouts", pl.String, "版式", "Layouts recognised in the file, comma-separated."),
        _c(
            "tables_expected",
            pl.Int32,
            "应有报表数",
            "Standard tables the 目录 lists (else the template's set).",
        ),
        _c("tables_found", pl.Int32, "读到报表数", "Standard tables found and read."),
        _c("tables_missing", pl.String, "缺少的报表", "Expected tables not found, '、'-separated."),
        _c("n_budget_lines", pl.Int32, "报表数据行", "Figures read from the 决算/预算 tables of the file."),
        _c("n_projects", pl.Int32, "项目数", "Projects (self-evaluations and declarations) kept."),
        _c("n_indicators", pl.Int32, "指标数", "Indicators of the kept projects."),
        _c("n_checks", pl.Int32, "校验条目", "Checks raised for the file."),
        _c("error", pl.String, "错误", "Why the file could not be read (failed files only)."),
        _c(
            "content_sha256",
            pl.String,
            "内容指纹",
            "Hash of the figures the file prints: equal for a copy saved with other bytes.",
        ),
        _c(
            "identity",
            pl.String,
            "文件标识",
            "kind|scope|district|department|year (+ the projects' names for forms): two files with the same "
            "identity are copies or versions of one document. Null when a part could not be read.",
        ),
        _c(
            "counted",
            pl.Boolean,
            "计入",
            "False for a copy or a version not chosen: its rows are not in the other tables.",
        ),
        _c("version_of", pl.String, "以此文件为准", "The file that counts instead, when this one does not."),
        _c(
            "in_totals",
            pl.Boolean,
            "计入合计",
            "False for a unit's 单位预算/决算 when its department's 部门预算/决算 of the year counts (it "
            "already holds the unit): its rows stay in the tables, pages that add figures leave them out.",
        ),
        _c(
            "totals_via",
            pl.String,
            "合计所用文件",
            "The department's document that holds this unit's figures.",
        ),
    ],
    "budget_lines": [
        *_PROVENANCE,
        _c(
            "source_cell",
            pl.String,
            "来源单元格",
            "Cell of an original: 'B7' in a sheet, else table/row/column.",
        ),
        *_WHO,
        _c("doc_kind", pl.String, "文件类型", "final_accounts (决算) or budget (预算): the document's kind."),
        _c(
            "template",
            pl.String,
            "标准报表",
            "The standard table (canonical title) when recognised from an original; null for text files.",
        ),
        _c("statement", pl.String, "报表", "Table title as printed without the year (支出决算表 …)."),
        _c("side", pl.String, "收支", "收入 or 支出 in the two-sided summary tables, else null."),
        _c("code", pl.String, "科目编码", "Classification code as printed; null for total and summary rows."),
        _c("name", pl.String, "科目名称", "Row name as printed, wrapped lines joined."),
        _c("classification", pl.String, "分类", "functional (支出功能分类) or economic (经济分类)."),
        _c("level", pl.Int8, "层级", "0 = printed total; functional 1/2/3 = 类/款/项; economic 1/2 = 类/款."),
        _c("measure", pl.String, "栏目", "Column header as printed (本年支出合计, 基本支出, 决算数 …)."),
        _c("amount_yuan", MONEY, "金额（元）", "The figure converted once to 元.", "元"),
        _c("amount_printed", pl.String, "原文数值", "The figure exactly as printed."),
        _c("unit_printed", pl.String, "原文单位", "Unit the table header states (万元 / 元)."),
        _c("is_total", pl.Boolean, "合计行", "True for printed total rows."),
    ],
    "projects": [
        _c("project_id", pl.String, "项目编号", "Stable id: same project, same id across rebuilds."),
        *_PROVENANCE,
        _c(
            "source_cell",
            pl.String,
            "来源单元格",
            "The cell of the form's 项目名称 in an original: 'B2' in a sheet, else table/row/column.",
        ),
        _c("end_line", pl.Int32, "结束行号", "Last source line of the form."),
        *_WHO,
        _c(
            "unit",
            pl.String,
            "实施单位",
            "实施单位/预算单位, full name (cut-off names completed from the document).",
        ),
        _c("project_name", pl.String, "项目名称", "Project name as printed."),
        _c("kind", pl.String, "类型", "self_evaluation (绩效自评) or target_declaration (绩效目标申报)."),
        _c(
            "layout",
            pl.String,
            "版式",
            "Source layout: self_eval_form and declaration_form (read from cells of any file), qingpu, declaration, glued (text).",
        ),
        _c(
            "budget_initial_yuan",
            MONEY,
            "年初预算数（元）",
            "年初预算数; declarations: 年度资金申请总额.",
            "元",
        ),
        _c("budget_full_year_yuan", MONEY, "全年预算数（元）", "全年预算数 or 当年预算数.", "元"),
        _c("executed_yuan", MONEY, "全年执行数（元）", "全年执行数 or 预算执行数.", "元"),
        _c("prior_year_budget_yuan", MONEY, "上年预算金额（元）", "上年预算金额 where printed (青浦).", "元"),
        _c("execution_rate", RATE, "执行率", "Fraction as printed: 52.64% -> 0.5264."),
        _c("execution_weight", POINTS, "预算执行分值", "Points the budget-execution line carries (10)."),
        _c("execution_score", POINTS, "预算执行得分", "Points scored on budget execution."),
        _c("score_total", POINTS, "总分", "总分 as printed."),
        _c("score_max", POINTS, "满分", "The form's nominal maximum (100)."),
        _c("grade", pl.String, "绩效等级", "绩效等级 where printed (优/良/合格/不合格)."),
        _c("category", pl.String, "项目类别", "经常性 / 一次性 where printed."),
        _c("goal", pl.String, "年度目标", "预期目标 / 年度总目标 text."),
        _c("result", pl.String, "实际完成情况", "实际完成情况 / 主要绩效 text."),
        _c("amount_unit_printed", pl.String, "表头单位", "Unit the form's header states."),
        _c("amount_unit", pl.String, "采用单位", "Unit the figures were read in, after cross-checks."),
        _c("unit_printed", pl.String, "原文单位名称", "实施单位 exactly as printed (may be cut off)."),
        _c("department_printed", pl.String, "原文主管部门", "主管部门 exactly as printed."),
        _c("n_indicators", pl.Int32, "指标数", "Indicators kept for the project."),
        _c(
            "extra_json", pl.String, "其他信息", "Other printed fields (dates, problems, fund split) as JSON."
        ),
        _c(
            "source_excerpt",
            pl.String,
            "原文摘录",
            "The form's source lines (capped) for provenance on the pages.",
        ),
    ],
    "indicators": [
        _c("indicator_id", pl.String, "指标编号", "project_id + position."),
        _c("project_id", pl.String, "项目编号", "The project the row belongs to."),
        _c("seq", pl.Int32, "序号", "Position of the indicator in its form (1-based)."),
        *_PROVENANCE,
        _c(
            "source_cell",
            pl.String,
            "来源单元格",
            "The cell of the indicator's name (三级指标): 'D11' in a sheet, else table/row/column.",
        ),
        _c("level1", pl.String, "一级指标", "一级 indicator (产出/效益/满意度 …; 青浦: 投入与管理 …)."),
        _c("level2", pl.String, "二级指标", "二级 indicator (数量/质量/时效/成本 …)."),
        _c("level3", pl.String, "三级指标", "The indicator's name."),
        _c("target_value", pl.String, "年度指标值", "Target exactly as printed."),
        _c("actual_value", pl.String, "实际完成值", "Actual exactly as printed."),
        _c("weight", POINTS, "分值", "Weight (分值/权重)."),
        _c("score", POINTS, "得分", "Score (得分/自评分)."),
        _c("deviation_reason", pl.String, "偏差原因", "偏差原因分析及改进措施 / 备注."),
        _c("explanation", pl.String, "指标解释", "指标解释 (青浦)."),
        _c("scoring_rule", pl.String, "评分规则", "评分规则 (青浦)."),
        _c("target_op", pl.String, "目标比较符", "Comparison of the target: >=, >, <=, <, =, range."),
        _c("target_number", NUMBER, "目标数值", "Number in the target."),
        _c("target_number_high", NUMBER, "目标上限", "Upper bound of a range target (2-3人)."),
        _c("target_unit", pl.String, "目标单位", "Unit after the target's number (%, 家, 次 …)."),
        _c("actual_op", pl.String, "实际比较符", "Comparison printed with the actual, if any."),
        _c("actual_number", NUMBER, "实际数值", "Number in the actual value."),
        _c("actual_unit", pl.String, "实际单位", "Unit after the actual's number."),
        _c(
            "meets_target",
            pl.Boolean,
            "是否达标",
            "Whether the actual meets the target; null when not comparable.",
        ),
    ],
    "checks": [
        _c("check_id", pl.String, "校验编号", "Stable id of this finding."),
        _c("source_file", pl.String, "来源文件", "File the finding concerns."),
        _c(
            "check",
            pl.String,
            "校验编码",
            "Stable snake_case id of the kind of check (etl/validate/registry.py).",
        ),
        _c("title", pl.String, "校验项", "The check's Chinese title from the registry."),
        _c("family", pl.String, "校验类别", "The registry family's Chinese name (表内勾稽, 表间一致, …)."),
        _c("severity", pl.String, "严重程度", "error / warning / info."),
        _c("message", pl.String, "说明", "What is wrong, with the figures as printed."),
        _c("figure", pl.String, "原文数字", "The figure at fault as printed, with its unit and where."),
        _c(
            "compared", pl.String, "对照数字", "What it was compared with, as printed or computed, and where."
        ),
        _c("statement", pl.String, "报表", "Statement the finding concerns."),
        _c("code", pl.String, "科目编码", "Code the finding concerns."),
        _c("project_id", pl.String, "项目编号", "Project the finding concerns."),
        _c("source_line", pl.Int32, "来源行号", "Line the finding points at."),
        _c("source_page", pl.Int32, "来源页码", "Page the finding points at."),
        *_WHO,
    ],
    "three_public": [
        *_PROVENANCE,
        *_WHO,
        _c(
            "doc_kind",
            pl.String,
            "文件类型",
            "final_accounts (决算: 预算数 and 决算数) or budget (预算数 only).",
        ),
        _c("item", pl.String, "项目", "合计, 因公出国（境）费, 公务用车购置及运行维护费, … 公务接待费."),
        _c("budget_yuan", MONEY, "预算数（元）", "预算数.", "元"),
        _c("actual_yuan", MONEY, "决算数（元）", "决算数.", "元"),
        _c("unit_printed", pl.String, "原表单位", "The 三公 table's unit as printed (万元 or 元)."),
        _c("budget_printed", pl.String, "预算数（原文）", "预算数 as printed, in unit_printed."),
        _c("actual_printed", pl.String, "决算数（原文）", "决算数 as printed, in unit_printed."),
    ],
    "narrative_items": [
        *_PROVENANCE,
        *_WHO,
        _c("item", pl.String, "科目", "类/款/项 path as written in the 说明."),
        _c("code", pl.String, "科目编码", "Functional code matched from the tables, if any."),
        _c("budget_initial_yuan", MONEY, "年初预算（元）", "年初预算为 … 万元.", "元"),
        _c("final_yuan", MONEY, "支出决算（元）", "支出决算为 … 万元.", "元"),
        _c("reason", pl.String, "原因说明", "The reason the 说明 gives for the difference."),
        _c(
            "stated_yuan",
            MONEY,
            "说明金额（元）",
            "Budgets: the item's amount as its heading states it.",
            "元",
        ),
        _c("prior_executed_yuan", MONEY, "上年执行数（元）", "Budgets: 上年当年预算执行数.", "元"),
        _c("budget_yuan", MONEY, "本年预算（元）", "Budgets: 本年预算安排.", "元"),
        _c(
            "change_percent",
            NUMBER,
            "说明增减（%）",
            "The change the 说明 states, in percent as printed (17.62).",
        ),
        _c("change_word", pl.String, "增减方向", "增加 / 减少 / 持平 as printed."),
    ],
    "narrative_figures": [
        *_PROVENANCE,
        *_WHO,
        _c("key", pl.String, "指标", "Stable id of the stated figure."),
        _c("value", NUMBER, "数值", "The figure as printed."),
        _c("unit", pl.String, "单位", "Unit as printed."),
        _c("text", pl.String, "原文", "The sentence it was read from."),
    ],
    "version_differences": [
        _c(
            "identity", pl.String, "文件标识", "The document both files are versions of (documents.identity)."
        ),
        _c("source_file", pl.String, "来源文件", "The version that does not count."),
        _c("counted_file", pl.String, "计入的文件", "The version that counts."),
        _c("table", pl.String, "数据类别", "报表数据, 三公经费, 项目 or 说明."),
        _c("item", pl.String, "数字", "The figure, named as printed (table, code, name, column)."),
        _c("value", pl.String, "本版本数值", "This version's figure (元 for money), or （无）."),
        _c("value_counted", pl.String, "计入版本数值", "The counted version's figure, or （无）."),
    ],
    "project_links": [
        _c("declaration_id", pl.String, "申报项目编号", "project_id of the target declaration."),
        _c("evaluation_id", pl.String, "自评项目编号", "project_id of the later self-evaluation."),
        _c("district", pl.String, "区", "District of both."),
        _c("department", pl.String, "部门", "Department of both."),
        _c("declaration_year", pl.Int32, "申报年度", "Year of the declaration."),
        _c("evaluation_year", pl.Int32, "自评年度", "Year of the self-evaluation."),
        _c("project_name", pl.String, "申报项目名称", "Name on the declaration."),
        _c("evaluation_name", pl.String, "自评项目名称", "Name on the self-evaluation."),
        _c("match_method", pl.String, "匹配方式", "exact_name or normalized_name."),
        _c("candidates", pl.Int32, "候选数", "How many self-evaluations share the name (>1: ambiguous)."),
    ],
}


def schema(table: str) -> dict[str, Any]:
    """Polars schema of a table, in declared column order."""
    return {c.name: c.dtype for c in TABLES[table]}


def labels(table: str) -> dict[str, str]:
    """Column -> Chinese label, for pages and exports."""
    return {c.name: c.label for c in TABLES[table]}


def frame(table: str, rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Build a table from row dicts, cast to the declared schema.

    Unknown keys fail loudly: a typo in a column name must not vanish silently.
    """
    cols = schema(table)
    rows = list(rows)
    for row in rows[:1]:
        unknown = set(row) - set(cols)
        if unknown:
            raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
    data = {name: [r.get(name) for r in rows] for name in cols}
    return pl.DataFrame(
        {name: pl.Series(name, data[name], dtype=dtype, strict=True) for name, dtype in cols.items()}
    )
