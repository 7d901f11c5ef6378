"""Running text of a disclosure: document facts, the 说明 figures and the 说明 items.

Three things are read here, all from prose rather than tables or forms:

* the document's own facts (:func:`parse_meta`): district, department, budget
  year and the 纳入…编制范围的单位 list;
* figures stated in the 部门决算情况说明 and the 预算绩效管理情况 / 绩效目标设置情况
  sentences (:class:`NarrativeFigure`, one per stable key), kept as printed so that
  validation can hold them against the tables and forms;
* the numbered paragraphs of 一般公共预算财政拨款支出决算具体情况
  (:class:`NarrativeItem`): 类/款/项 path, 年初预算, 支出决算 and the stated reason.

A 部门预算 (budget) is told from a 决算 by its words (:func:`document_kind`) and read
with its own section kinds, figure specs (:data:`BUDGET_FIGURES`: ``*_budget`` keys,
never ``*_actual``) and item pattern (:func:`parse_budget_items`: the heading's amount,
上年预算执行数, 本年预算安排 and the stated change), so reading budgets leaves what a
决算 gives untouched.

Extracted text wraps sentences across lines (PDF text has a blank line after every
line and stray spaces around numbers), so each section is read as a *flow*: its
lines joined without separators, whitespace dropped except between two ASCII
words, with every character remembering its source line. Sentence patterns are
kept as data at the top of the module; sections are found by their headings'
words, never by position.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import takewhile

from etl import templates
from etl.model import Check, DocumentMeta, NarrativeFigure, NarrativeItem, ParseResult
from etl.textutil import clean_cell, parse_amount, split_cells, squash

LAYOUT = "narrative"

# --- vocabulary (data) ------------------------------------------------------------------

# Shanghai's 16 districts (etl/templates/identity.toml).
DISTRICTS = templates.DISTRICTS

# Words that make a document worth reading for prose or document facts.
_DETECT_WORDS = (
    "情况说明", "部门决算", "预算编制说明", "编报绩效目标", "绩效目标申报表", "绩效自评", "主管部门",
)  # fmt: skip

# Section kind by the words its heading holds (first rule that matches wins). A heading
# must also hold one of _HEADING_MARKS, so table titles in a 目录 (…决算表) are not sections.
_SECTION_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("glossary", ("名词解释",)),
    ("three_public", ("三公",)),
    ("gov_fund", ("政府性基金",)),
    ("soe", ("国有资本",)),
    ("gpb_basic", ("一般公共预算", "基本支出")),
    ("gpb", ("一般公共预算", "支出")),
    ("fiscal", ("财政拨款收入支出",)),
    ("overall", ("收入支出",)),
    ("income", ("收入决算",)),
    ("expenditure", ("支出决算",)),
    ("performance", ("绩效",)),
    ("other", ("其他重要事项",)),
)
_HEADING_MARKS = ("说明", "情况", "解释", "事项")
# Sections whose running text is checked for hygiene (percent signs).

# Lines that end a section: a new part, a table title, a unit line, a form title, a sheet.
_PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
_TERMINATOR_RE = re.compile(
    r"^(?:sheet\d*|单位[：:].{0,8}|.{0,40}(?:决算表|决算总表|情况表|绩效自评表|绩效目标填报表|绩效目标申报表))$",
    re.IGNORECASE,
)
_HEADING_FIRST = frozenset("一二三四五六七八九十（(")
_HEADING_RE = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")
_SUBHEADING_RE = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")
_ITEM_START_RE = re.compile(r"^(\d{1,2})(?:[、．]|\.(?!\d))")
# Lines that start a paragraph (a flow gets a '\n' there, so sentences never run across).
_PARA_START_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[一二三四五六七八九十]{1,3}、)"
)

# Page numbers that PDF text leaves between wrapped lines: '- 12 -', '第 3 页 共 20 页', '3/20'.
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)
_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_CLAUSE_ENDS = "。；;\n"
_SPACE_RUN_RE = re.compile(r"\s+")
_TITLE_ENDS = ("表", "情况", "说明", "概况")

# Number as printed (thousands separators allowed) and the amount unit after it.
_N = r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_U = r"(?P<unit>万元|元)"
_AMT = r"\d[\d,]*(?:\.\d+)?(?:万元|元)"  # an amount that is context, not the figure


@dataclass(frozen=True)
class FigureSpec:
    """Where a figure is stated: section kinds, the sentence pattern, the unit."""

    key: str
    kinds: tuple[str, ...]
    pattern: str  # uses {N} (the figure) and {U} (its amount unit) / {A} (a context amount)
    unit: str | None = None  # fixed unit for counts and scores; None: the {U} group
    anywhere: bool = False  # search the whole text when the document has no such section

    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{N}", _N).replace("{U}", _U).replace("{A}", _AMT))


_G = r"[^。；;\n]"  # one character inside a clause
_PERF = ("performance",)
_TP = ("three_public",)
_PROC = r"政府采购" + _G + r"{0,120}?"

FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("total_income_expenditure", ("overall",), r"收入、?支出(?:决算)?总计(?:为)?{N}{U}"),
    FigureSpec("total_income", ("income",), r"本年收入合计(?:为)?{N}{U}", anywhere=True),
    FigureSpec("fiscal_income", ("income",), r"财政拨款收入(?:为)?{N}{U}"),
    FigureSpec("other_income", ("income",), r"其他收入(?:为)?{N}{U}"),
    FigureSpec("total_expenditure", ("expenditure",), r"本年支出合计(?:为)?{N}{U}", anywhere=True),
    FigureSpec("basic_expenditure", ("expenditure",), r"基本支出(?:为)?{N}{U}"),
    FigureSpec("project_expenditure", ("expenditure",), r"项目支出(?:为)?{N}{U}"),
    FigureSpec("fiscal_total", ("fiscal",), r"财政拨款收入支出(?:决算)?总计(?:为)?{N}{U}", anywhere=True),
    FigureSpec("gpb_expenditure", ("gpb",), r"一般公共预算财政拨款支出(?:决算)?(?:为)?{N}{U}"),
    FigureSpec(
        "gpb_budget_initial",
        ("gpb",),
        r"一般公共预算财政拨款支出(?:决算)?年初预算(?:数)?为?{N}{U}",
        anywhere=True,
    ),
    FigureSpec(
        "gpb_final",
        ("gpb",),
        r"一般公共预算财政拨款支出(?:决算)?年初预算(?:数)?为?{A}[，,]?(?:支出)?决算(?:数)?为?{N}{U}",
        anywhere=True,
    ),
    FigureSpec(
        "basic_gpb", ("gpb_basic",), r"一般公共预算财政拨款基本支出(?:决算)?(?:为)?{N}{U}", anywhere=True
    ),
    FigureSpec("personnel_cost", ("gpb_basic",), r"人员经费(?:支出)?(?:为)?{N}{U}", anywhere=True),
    FigureSpec("public_cost", ("gpb_basic",), r"公用经费(?:支出)?(?:为)?{N}{U}", anywhere=True),
    FigureSpec(
        "three_public_budget",
        _TP,
        r"三公[”\"]?经费(?:财政拨款)?(?:支出)?(?:年初)?预算(?:数)?为?{N}{U}",
        anywhere=True,
    ),
    FigureSpec(
        "three_public_actual",
        _TP,
        r"三公[”\"]?经费(?:财政拨款)?(?:支出)?(?:年初)?预算(?:数)?为?{A}[，,]?(?:支出)?决算(?:数)?为?{N}{U}",
        anywhere=True,
    ),
    FigureSpec(
        "three_public_abroad_actual", _TP, r"因公出国[（(]境[)）]费(?:用)?(?:支出)?(?:决算)?(?:数)?为?{N}{U}"
    ),
    FigureSpec(
        "three_public_vehicle_actual", _TP, r"公务用车购置及运行(?:维护)?费(?:支出)?(?:决算)?(?:数)?为?{N}{U}"
    ),
    FigureSpec("three_public_vehicle_purchase_actual", _TP, r"公务用车购置(?:费)?(?:支出)(?:决算)?为?{N}{U}"),
    FigureSpec(
        "three_public_vehicle_operation_actual",
        _TP,
        r"公务用车运行(?:维护)?(?:费)?(?:支出)(?:决算)?为?{N}{U}",
    ),
    FigureSpec("three_public_reception_actual", _TP, r"公务接待费(?:支出)?(?:决算)?(?:数)?为?{N}{U}"),
    FigureSpec("abroad_groups", _TP, r"团组{N}个", "个", anywhere=True),
    FigureSpec("abroad_persons", _TP, r"团组\d+个[、，,]?(?:共|累计)?{N}人次?", "人次", anywhere=True),
    FigureSpec("reception_batches", _TP, r"公务接待[^。；;\n\d]{0,6}?{N}批次", "批次", anywhere=True),
    FigureSpec(
        "reception_persons",
        _TP,
        r"公务接待[^。；;\n\d]{0,6}?\d+批次[、，,]?(?:共|累计)?(?:接待)?{N}人次",
        "人次",
        anywhere=True,
    ),
    FigureSpec(
        "vehicles_owned",
        ("three_public", "other"),
        r"(?:公务用车保有量|共有车辆|实有车辆)(?:为|共)?{N}辆",
        "辆",
        anywhere=True,
    ),
    FigureSpec("gov_fund_income", ("gov_fund",), r"政府性基金预算财政拨款收入(?:为)?{N}{U}"),
    FigureSpec(
        "gov_fund_expenditure", ("gov_fund",), r"政府性基金预算财政拨款收入(?:为)?{A}[，,]?支出(?:为)?{N}{U}"
    ),
    FigureSpec("soe_income", ("soe",), r"国有资本经营预算财政拨款收入(?:为)?{N}{U}"),
    FigureSpec("soe_expenditure", ("soe",), r"国有资本经营预算财政拨款收入(?:为)?{A}[，,]?支出(?:为)?{N}{U}"),
    FigureSpec(
        "declared_project_count", _PERF, r"编报绩效目标的" + _G + r"{0,30}?项目{N}个", "个", anywhere=True
    ),
    FigureSpec(
        "declared_budget_total",
        _PERF,
        r"编报绩效目标的" + _G + r"{0,30}?项目\d+个[，,]?涉及[^。；;\n\d]{0,12}?{N}{U}",
        anywhere=True,
    ),
    FigureSpec("tracked_project_count", _PERF, r"绩效跟踪" + _G + r"{0,30}?项目{N}个", "个", anywhere=True),
    FigureSpec(
        "tracked_budget_total",
        _PERF,
        r"绩效跟踪" + _G + r"{0,30}?项目\d+个[，,]?涉及[^。；;\n\d]{0,12}?{N}{U}",
        anywhere=True,
    ),
    FigureSpec(
        "self_eval_project_count", _PERF, r"绩效自评的" + _G + r"{0,30}?项目{N}个", "个", anywhere=True
    ),
    FigureSpec(
        "self_eval_budget_total",
        _PERF,
        r"绩效自评的" + _G + r"{0,30}?项目\d+个[，,]?涉及[^。；;\n\d]{0,12}?{N}{U}",
        anywhere=True,
    ),
    FigureSpec("self_eval_avg_score", _PERF, r"平均得分(?:为)?{N}分", "分", anywhere=True),
    FigureSpec("grade_count_优", _PERF, r"绩效评级为[“\"]?优[”\"]?的项目{N}个", "个", anywhere=True),
    FigureSpec("grade_count_良", _PERF, r"绩效评级为[“\"]?良[”\"]?的项目{N}个", "个", anywhere=True),
    FigureSpec("grade_count_合格", _PERF, r"绩效评级为[“\"]?合格[”\"]?的项目{N}个", "个", anywhere=True),
    FigureSpec("grade_count_不合格", _PERF, r"绩效评级为[“\"]?不合格[”\"]?的项目{N}个", "个", anywhere=True),
    FigureSpec("self_eval_issue_count", _PERF, r"绩效自评中共?发现问题{N}个", "个", anywhere=True),
    FigureSpec(
        "self_eval_issue_fixed", _PERF, r"发现问题\d+个[，,]?已(?:经)?完成整改的?{N}个", "个", anywhere=True
    ),
    FigureSpec(
        "self_eval_issue_pending",
        _PERF,
        r"发现问题\d+个" + _G + r"{0,20}?正在整改的?{N}个",
        "个",
        anywhere=True,
    ),
    FigureSpec("operating_cost", ("other",), r"机关运行经费(?:支出)?(?:为|共)?{N}{U}", anywhere=True),
    FigureSpec(
        "procurement_total",
        ("other",),
        r"政府采购(?:金额|支出总额|总额|支出)(?:[（(][^）)\n]{0,20}[)）])?(?:为|共|合计)?{N}{U}",
        anywhere=True,
    ),
    FigureSpec(
        "procurement_goods", ("other",), _PROC + r"货物(?:采购)?(?:金额|支出)?(?:为)?{N}{U}", anywhere=True
    ),
    FigureSpec(
        "procurement_works", ("other",), _PROC + r"工程(?:采购)?(?:金额|支出)?(?:为)?{N}{U}", anywhere=True
    ),
    FigureSpec(
        "procurement_services", ("other",), _PROC + r"服务(?:采购)?(?:金额|支出)?(?:为)?{N}{U}", anywhere=True
    ),
)

# --- budgets (部门预算): vocabulary and figures ------------------------------------------
#
# A budget's 说明 (部门预算编制说明 and 其他相关情况说明) states this year's budget and, per
# item, last year's execution; a 决算's 说明 states 年初预算 against 决算. The two are told
# apart by their words (:func:`document_kind`) and read with separate section kinds, figure
# specs and item patterns, so nothing here changes how a 决算 is read.

# Words only one of the two kinds prints, counted over the whole text: a budget must print its
# 说明's title and more budget words than 决算 words; anything else is read as a 决算, as
# before budgets were read (forms that print 预算执行数 stay out of the budget path).
_BUDGET_TITLES = ("预算编制说明",)
_BUDGET_MARKS = ("预算编制说明", "预算执行数")
_FINAL_MARKS = ("决算情况说明", "部门决算", "支出决算")

# Section kind of a budget heading by its words (first rule that matches wins). Headings are
# numbered ('二、机关运行经费预算') or stand alone ('2026年部门预算编制说明', '其他相关情况说明').
_BUDGET_SECTION_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("glossary", ("名词解释",)),
    ("project", ("项目经费",)),  # 项目经费情况说明: one project's own write-up, not read
    ("three_public", ("三公",)),
    ("operating_cost", ("机关运行经费",)),
    ("procurement", ("政府采购",)),
    ("performance", ("绩效目标",)),
    ("assets", ("国有资产",)),
    ("overview", ("预算编制说明",)),
    ("overview", ("收入", "预算")),  # '一、收入预算情况' where the 编制说明 is split up
    ("overview", ("支出", "预算")),
    ("other", ("其他相关情况",)),
)
# Lines that end a budget section: a table title, its 编制部门/单位 line, a form title.
_BUDGET_TERMINATOR_RE = re.compile(
    r"^(?:编制部门[：:].*|单位[：:].{0,8}|.{0,40}(?:预算表|预算总表|绩效目标填报表|绩效目标申报表))$"
)
_TOC_LEADER_RE = re.compile(r"[…]{2,}|\.{4,}|·{4,}")  # 目录 entries: '四、部门预算编制说明……'
_HEADING_PUNCT_RE = re.compile(r"[，,；;。：:]")

_OV = ("overview",)
_TPB = ("three_public",)
_BY_LAST_YEAR = r"[，,]?(?:比|较)" + _G + r"{0,30}?"  # '，比2022年（上一年度，下同）预算'


def _changes(
    key: str, kinds: tuple[str, ...], subject: str, anywhere: bool = False
) -> tuple[FigureSpec, ...]:
    """'{subject}X万元，比上年预算增加Y万元' -> ``{key}_increase`` Y; 减少 -> ``{key}_decrease``."""
    return tuple(
        FigureSpec(
            f"{key}_{suffix}",
            kinds,
            subject + r"(?:为)?{A}" + _BY_LAST_YEAR + word + r"{N}{U}",
            anywhere=anywhere,
        )
        for suffix, word in (("increase", "增加"), ("decrease", "减少"))
    )


_FISCAL_INCOME = r"财政拨款收入(?:预算)?"
_FISCAL_EXP = r"(?<!预算)财政拨款支出预算"
_GPB_EXP = r"一般公共预算(?:财政)?拨款支出预算"
_GOV_FUND_EXP = r"政府性基金(?:预算)?(?:财政)?拨款支出预算"
_SOE_EXP = r"国有资本经营预算(?:财政)?拨款支出预算"
_TP_TOTAL = r"三公[”\"]?经费(?:财政拨款)?(?:支出)?预算(?:数)?"

# Figures of a budget's 说明, one per key, as printed. Amounts are this year's budget unless
# the key says otherwise; ``*_increase`` / ``*_decrease`` are the stated change against last
# year's budget (the amount as printed, the direction in the key; '持平' prints no figure).
BUDGET_FIGURES: tuple[FigureSpec, ...] = (
    # 收入预算: '收入预算9628.22万元，其中：财政拨款收入9628.22万元，比2025年预算增加793.14万元'
    FigureSpec(
        "total_income_budget", _OV, r"(?<!拨款)(?<!事业)(?<!经营)(?<!其他)收入预算(?:总额|合计)?(?:为)?{N}{U}"
    ),
    FigureSpec("fiscal_income_budget", _OV, _FISCAL_INCOME + r"(?:为)?{N}{U}"),
    *_changes("fiscal_income_budget", _OV, _FISCAL_INCOME),
    FigureSpec("business_income_budget", _OV, r"(?<!财政拨款)事业收入(?:预算)?(?:为)?{N}{U}"),
    FigureSpec("operating_income_budget", _OV, r"事业单位经营收入(?:预算)?(?:为)?{N}{U}"),
    FigureSpec("other_income_budget", _OV, r"其他收入(?:预算)?(?:为)?{N}{U}"),
    # 支出预算: '支出预算9628.22万元，其中：财政拨款支出预算9628.22万元，…一般公共预算拨款支出预算…'
    FigureSpec(
        "total_expenditure_budget",
        _OV,
        r"(?<!拨款)(?<!基本)(?<!项目)(?<!基金)支出预算(?:总额|合计)?(?:为)?{N}{U}",
    ),
    FigureSpec("fiscal_expenditure_budget", _OV, _FISCAL_EXP + r"(?:为)?{N}{U}"),
    *_changes("fiscal_expenditure_budget", _OV, _FISCAL_EXP),
    FigureSpec("gpb_expenditure_budget", _OV, _GPB_EXP + r"(?:为)?{N}{U}"),
    *_changes("gpb_expenditure_budget", _OV, _GPB_EXP),
    FigureSpec("gov_fund_expenditure_budget", _OV, _GOV_FUND_EXP + r"(?:为)?{N}{U}"),
    *_changes("gov_fund_expenditure_budget", _OV, _GOV_FUND_EXP),
    FigureSpec("soe_expenditure_budget", _OV, _SOE_EXP + r"(?:为)?{N}{U}"),
    *_changes("soe_expenditure_budget", _OV, _SOE_EXP),
    FigureSpec("basic_expenditure_budget", _OV, r"基本支出(?:预算)?(?:为)?{N}{U}"),
    FigureSpec("project_expenditure_budget", _OV, r"项目支出(?:预算)?(?:为)?{N}{U}"),
    # 三公: '“三公”经费预算数为10.81万元…（二）公务用车购置及运行费9.98万元…其中：公务用车购置费0万元'
    FigureSpec("three_public_budget", _TPB, _TP_TOTAL + r"(?:为)?{N}{U}", anywhere=True),
    *_changes("three_public_budget", _TPB, _TP_TOTAL, anywhere=True),
    FigureSpec(
        "three_public_abroad_budget", _TPB, r"因公出国[（(]境[)）]费(?:用)?(?:预算)?(?:数)?(?:为)?{N}{U}"
    ),
    FigureSpec(
        "three_public_vehicle_budget",
        _TPB,
        r"公务(?:用)?车购置及运行(?:维护)?费(?:预算)?(?:数)?(?:为)?{N}{U}",
    ),
    FigureSpec(
        "three_public_vehicle_purchase_budget", _TPB, r"公务(?:用)?车购置费(?:预算)?(?:数)?(?:为)?{N}{U}"
    ),
    FigureSpec(
        "three_public_vehicle_operation_budget",
        _TPB,
        r"公务(?:用车|车用车|车)运行(?:维护)?费(?:预算)?(?:数)?(?:为)?{N}{U}",  # 万里 prints 公务车用车运行费
    ),
    FigureSpec("three_public_reception_budget", _TPB, r"公务接待费(?:预算)?(?:数)?(?:为)?{N}{U}"),
    # '…财政拨款的机关运行经费预算为217.83万元'
    FigureSpec(
        "operating_cost_budget",
        ("operating_cost",),
        r"机关运行经费(?:预算)?(?:数)?(?:为|共)?{N}{U}",
        anywhere=True,
    ),
    # '政府采购预算1486.42万元，其中：政府采购货物预算3.66万元、政府采购工程预算36.44万元、…服务预算…'
    FigureSpec(
        "procurement_budget_total",
        ("procurement",),
        r"政府采购预算(?:总额|金额)?(?:为|共|合计)?{N}{U}",
        anywhere=True,
    ),
    FigureSpec(
        "procurement_budget_goods", ("procurement",), r"货物(?:采购)?预算(?:为)?{N}{U}", anywhere=True
    ),
    FigureSpec(
        "procurement_budget_works", ("procurement",), r"工程(?:采购)?预算(?:为)?{N}{U}", anywhere=True
    ),
    FigureSpec(
        "procurement_budget_services", ("procurement",), r"服务(?:采购)?预算(?:为)?{N}{U}", anywhere=True
    ),
    # '面向中小企业预留政府采购项目预算金额X万元，其中，预留给小型和微型企业的政府采购项目预算为Y万元'
    FigureSpec(
        "procurement_sme_reserved",
        ("procurement",),
        r"面向中小企业预留政府采购项目预算(?:金额)?(?:为)?{N}{U}",
        anywhere=True,
    ),
    FigureSpec(
        "procurement_small_micro_reserved",
        ("procurement",),
        r"(?:预留给小型和微型企业的|面向小微企业预留)政府采购项目预算(?:金额)?(?:为)?{N}{U}",
        anywhere=True,
    ),
    # '编报绩效目标的项目20个，涉及项目预算资金7054.05万元': the 决算's own specs, same keys
    *(f for f in FIGURES if f.key in ("declared_project_count", "declared_budget_total")),
    # 国有资产: '共有车辆3辆' / '车辆7辆（一般公务用车3辆…'; '预算安排购置车辆1辆';
    # '单价100万元（含）以上设备（不含车辆）0台（套）' owned, and planned after 安排购置.
    FigureSpec(
        "vehicles_owned",
        ("assets",),
        r"(?<!购置)(?:公务用车保有量|共有车辆|实有车辆|车辆)(?:为|共)?{N}辆",
        "辆",
        anywhere=True,
    ),
    FigureSpec("vehicles_purchase_planned", ("assets",), r"安排购置车辆(?:为|共)?{N}辆", "辆", anywhere=True),
    FigureSpec(
        "large_equipment_owned",
        ("assets",),
        r"(?<!购置)单价100万元[（(]含[)）]以上设备[（(]不含车辆[)）]{N}台[（(]套[)）]",
        "台（套）",
        anywhere=True,
    ),
    FigureSpec(
        "large_equipment_purchase_planned",
        ("assets",),
        r"安排购置单价100万元[（(]含[)）]以上设备[（(]不含车辆[)）]{N}台[（(]套[)）]",
        "台（套）",
        anywhere=True,
    ),
)

# Budget items: '6、公共安全支出（204类）司法（06款）其他司法支出（99项）3845.49万元。主要用于：…
# 2025年当年预算执行数为43269.3万元，2026年预算安排3845.49万元，比2025年预算执行数增加17.62%。
# 主要原因是：业务量增加。' (万里 quotes the path and prints no codes: '7.“…（项）”14.62万元，…').
_LEVEL_CODE_RE = re.compile(r"(?P<open>[（(])(?P<code>\d*)(?P<level>类|款|项)(?P<close>[)）])")
_CODE_DIGITS = {"类": 3, "款": 2, "项": 2}
_AMOUNT_RE = re.compile(_N + _U)
_HEAD_END_RE = re.compile(r"。|主要用于|预算执行数|预算安排")
_PATH_QUOTES = "“”\"‘’'「」"
_ITEM_PRIOR_RE = re.compile(r"预算执行数(?:为|是)?" + _N + _U)
_ITEM_PLANNED_RE = re.compile(r"预算安排(?:为|是)?" + _N + _U)
_CHANGE_WORDS = ("增加", "减少", "增长", "下降", "持平")
_ITEM_CHANGE_RE = re.compile(
    r"(?:比|与|较)" + _G + r"{0,24}?(?P<word>" + "|".join(_CHANGE_WORDS) + r")(?:" + _N + r"[%％])?"
)

# 结构情况: '社会保障和就业支出（类）148.30万元，占3.72%'.
_CLASS_SHARE_RE = re.compile(
    r"(?P<name>[^，、；;：:。%％\d\s（）()\n“”]{2,30}?)[（(]类[)）](?:支出)?(?:为)?" + _N + _U
)

# Direction a paragraph states: 决算数大于预算数 / 小于 / 与预算持平.
_DIRECTION_RE = re.compile(
    r"决算数?(?P<word>大于|小于|高于|低于|超过|多于|少于|等于)(?:年初)?预算数?|决算数?与(?:年初)?预算数?(?P<same>持平|相等|一致)"
)
_DIRECTION_SIGN = {"大于": 1, "高于": 1, "超过": 1, "多于": 1, "小于": -1, "低于": -1, "少于": -1, "等于": 0}
_ITEM_BUDGET_RE = re.compile(r"年初预算(?:数)?(?:为)?" + _N + _U)
_ITEM_FINAL_RE = re.compile(r"(?:支出)?决算(?:数)?(?:为)?" + _N + _U)
_REASON_RE = re.compile(r"主要原因(?:是|为)?[：:]?(?P<reason>.*)$", re.S)
_ITEM_LEVEL_RE = re.compile(r"[（(](?:项|款|类)[)）]")
_PLACEHOLDER_RE = re.compile(r"。{2,}|[XＸ×]{2,}")

# What an item paragraph states, field by field: (label, the words its figure follows).
_FINAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("年初预算", r"年初预算(?:数)?"),
    ("支出决算", r"支出决算(?:数)?"),
)
_BUDGET_FIELDS: tuple[tuple[str, str], ...] = (
    ("所列金额", r"[（(]\d*项[)）][" + _PATH_QUOTES + r"]?[，,：:]?"),
    ("上年预算执行数", r"预算执行数"),
    ("本年预算安排", r"预算安排"),
)
# How a field of one item stands: its figure read; a template placeholder instead of it
# ('年初预算为XXX万元': text_placeholder reports that); its words followed by a figure we could
# not read ('…为' / a digit); or not stated ('比2024年预算执行数增加5%' states no 执行数).
READ, PLACEHOLDER, UNREADABLE, ABSENT = "read", "placeholder", "unreadable", "absent"
_PLACEHOLDER_AFTER = r"(?:为|是)?[XＸ×]{2,}"
_FIGURE_AFTER = r"(?:为|是|\d)"

# --- document facts ---------------------------------------------------------------------

_DIST = "|".join(DISTRICTS)
_ORG = r"(?P<org>[^\s，。；;：:、“”0-9]{4,60}?)"
_DEPARTMENT_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^第[一二三四五六七八九十]+部分" + _ORG + r"(?:部门)?概况$"),
    re.compile(r"纳入" + _ORG + r"\d{4}年度?部门决算编制范围"),
    re.compile(
        r"^" + _ORG + r"\d{4}年度?(?:部门决算|部门预算|财政支出项目绩效目标|财政项目支出绩效|项目绩效)"
    ),
    re.compile(r"^(?:第[一二三四五六七八九十]+部分)?" + _ORG + r"部门决算包括"),
)
_DEPARTMENT_SUFFIX_RE = re.compile(r"[（(](?:汇总|本级|合并)[)）]$")
_YEAR_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<!\d)(\d{4})年度?部门决算"),
    re.compile(r"(?<!\d)(\d{4})年度?(?:财政支出)?项目(?:预算)?绩效目标(?:申报|填报|编报)"),
    re.compile(r"^(\d{4})年度?财政项目(?:支出)?绩效自评"),
    re.compile(r"^[（(](\d{4})年度?[)）]$"),
    re.compile(r"^(\d{4})年度$"),
)
_UNITS_INTRO_RE = re.compile(r"编制范围的单位(?:包括|有)[：:]?")
_UNITS_SENTENCE_RE = re.compile(r"部门决算包括[：:](?P<list>[^。\n]{2,400}?)(?:。|$)")
_SELF_LEVEL_RE = re.compile(r"(?:[（(]本级[)）]|本级)$")
_UNIT_HEADER_CELLS = {"序号", "单位名称", "备注", "单位", "名称"}


# --- flows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """A stretch of running text with line wraps removed; each char knows its source line."""

    text: str
    line_of: tuple[int, ...]

    def line_at(self, pos: int) -> int | None:
        if not self.line_of:
            return None
        return self.line_of[max(0, min(pos, len(self.line_of) - 1))]

    def clause(self, start: int, end: int) -> tuple[str, int]:
        """The clause (between 。/；/paragraph breaks) around [start, end) and its start."""
        lo = max(self.text.rfind(c, 0, start) for c in _CLAUSE_ENDS) + 1
        hits = [i for i in (self.text.find(c, end) for c in _CLAUSE_ENDS) if i >= 0]
        hi = min(hits) if hits else len(self.text)
        if hi < len(self.text) and self.text[hi] != "\n":
            hi += 1  # keep the clause's own 。 or ；
        return self.text[lo:hi].strip(), lo


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _is_title_line(s: str) -> bool:
    """A heading or title standing on its own line: the text after it starts a new paragraph."""
    t = squash(s)
    if len(t) > 40 or re.search(r"[，,；;。：:、]", t):
        return False
    return bool(_HEADING_RE.match(t) or _SUBHEADING_RE.match(t) or t.endswith(_TITLE_ENDS))


def _is_table_row(line: str) -> bool:
    """A tab-separated row with two or more filled cells (not running text)."""
    return "\t" in line and sum(1 for c in line.split("\t") if c.strip()) >= 2


def _collapse_spaces(s: str) -> str:
    """Drop whitespace inside a line except one space between two ASCII words ('IT 设备' -> 'IT设备')."""

    def keep(m: re.Match[str]) -> str:
        a, b = m.start(), m.end()
        return " " if a > 0 and b < len(s) and _is_word_char(s[a - 1]) and _is_word_char(s[b]) else ""

    return _SPACE_RUN_RE.sub(keep, s)


def build_flow(lines: list[str], start: int, end: int, skip_rows: bool = False) -> Flow:
    """Join lines[start:end] into a flow (whitespace dropped except between ASCII words).

    ``skip_rows`` leaves out tab-separated table rows (for the whole-document flow).
    """
    parts: list[str] = []
    owner: list[int] = []
    last = ""
    for i in range(start, min(end, len(lines))):
        if skip_rows and _is_table_row(lines[i]):
            continue
        s = clean_cell(lines[i]).translate(_DIGITS)
        if not s or _PAGE_NUMBER_RE.match(s):
            continue
        t = _collapse_spaces(s)
        if parts and last != "\n" and _PARA_START_RE.match(t):
            parts.append("\n")
            owner.append(i + 1)
        parts.append(t)
        owner.extend([i + 1] * len(t))
        last = t[-1]
        if _is_title_line(t):
            parts.append("\n")
            owner.append(i + 1)
            last = "\n"
    return Flow("".join(parts), tuple(owner))


# --- sections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A numbered 说明 section: ``kind`` from its heading words; lines [body, end)."""

    kind: str
    title: str
    heading: int  # 0-based index of the heading line
    end: int  # exclusive


def _classify_heading(title: str) -> str:
    if not any(m in title for m in _HEADING_MARKS):
        return "unknown"
    for kind, words in _SECTION_KINDS:
        if all(w in title for w in words):
            return kind
    return "unknown"


def _heading_title(lines: list[str], i: int) -> str | None:
    """The squashed heading at line i ('五、一般公共预算…情况说明'), or None."""
    s = squash(lines[i])
    if not (_HEADING_RE.match(s) or _SUBHEADING_RE.match(s)) or len(s) > 60:
        return None
    if not s.endswith(_HEADING_MARKS):
        # A PDF heading wrapped onto the next line: '…决算情况说\n明'.
        for j in range(i + 1, min(i + 4, len(lines))):
            nxt = squash(lines[j])
            if nxt:
                if len(nxt) <= 6 and (s + nxt).endswith(_HEADING_MARKS):
                    s += nxt
                break
    return s.rstrip("。.：:")


def find_sections(lines: list[str], squashed: list[str] | None = None) -> list[Section]:
    """Numbered sections of the text, each up to the next heading, part or table title."""
    squashed = squashed if squashed is not None else [squash(x) for x in lines]
    marks: list[tuple[int, str, str]] = []  # (line index, kind, title)
    for i, s in enumerate(squashed):
        if not s or not (s[0] in _HEADING_FIRST or _PART_RE.match(s) or _TERMINATOR_RE.match(s)):
            continue
        title = _heading_title(lines, i)
        kind = _classify_heading(title) if title is not None else None
        if title is not None and kind is not None and (_HEADING_RE.match(title) or kind != "unknown"):
            # '一、…' always bounds a section; '（一）…' only when it names a known section
            # (some documents number their 说明 sections that way).
            marks.append((i, kind, title))
        elif _PART_RE.match(s) or _TERMINATOR_RE.match(s):
            marks.append((i, "stop", s))
    sections = []
    for n, (i, kind, title) in enumerate(marks):
        if kind in ("stop", "unknown"):
            continue
        end = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
        sections.append(Section(kind, title, i, end))
    return sections


# --- figures ----------------------------------------------------------------------------


def _figure(key: str, m: re.Match[str], flow: Flow, unit: str | None) -> NarrativeFigure:
    text, start = flow.clause(m.start(), m.end())
    value = parse_amount(m.group("num"))
    assert value is not None
    printed_unit = m.groupdict().get("unit") or unit
    return NarrativeFigure(key, value, printed_unit, text, flow.line_at(start) or 0)


def extract_figures(
    flows: dict[Section, Flow], whole: Flow, specs: tuple[FigureSpec, ...] = FIGURES
) -> list[NarrativeFigure]:
    """One figure per key: the first statement in its sections (or anywhere, for some keys)."""
    figures: list[NarrativeFigure] = []
    kinds_present = {s.kind for s in flows}
    for spec in specs:
        rx = spec.regex()
        found = None
        for section, flow in flows.items():
            if section.kind in spec.kinds and (m := rx.search(flow.text)):
                found = _figure(spec.key, m, flow, spec.unit)
                break
        if (
            found is None
            and spec.anywhere
            and not kinds_present & set(spec.kinds)
            and (m := rx.search(whole.text))
        ):
            found = _figure(spec.key, m, whole, spec.unit)
        if found is not None:
            figures.append(found)
    if specs is FIGURES:
        figures.extend(class_shares(flows))
    return figures


def class_shares(flows: dict[Section, Flow]) -> list[NarrativeFigure]:
    """'X支出（类）148.30万元' in the 一般公共预算财政拨款支出 section, one per 类."""
    out: list[NarrativeFigure] = []
    seen: set[str] = set()
    for section, flow in flows.items():
        if section.kind != "gpb":
            continue
        for m in _CLASS_SHARE_RE.finditer(flow.text):
            name = m.group("name")
            key = f"class_share:{name}"
            if key in seen:
                continue
            seen.add(key)
            out.append(_figure(key, m, flow, None))
    return out


# --- items ------------------------------------------------------------------------------


def _detail_range(lines: list[str], section: Section) -> tuple[int, int]:
    """Lines of the 具体情况 sub-section of a gpb section (the whole section if none)."""
    start, end = section.heading + 1, section.end
    for i in range(section.heading + 1, section.end):
        s = squash(lines[i])
        if _SUBHEADING_RE.match(s) and "具体情况" in s:
            start = i + 1
            for j in range(i + 1, section.end):
                if _SUBHEADING_RE.match(squash(lines[j])):
                    return start, j
            return start, end
    return start, end


def _item_path(text: str) -> str:
    """'社会保障和就业支出（类）…（款）…（项）' from the head of an item paragraph."""
    head = re.split(r"。|主要用于|年初预算", text, maxsplit=1)[0]
    marks = list(_ITEM_LEVEL_RE.finditer(head))
    if marks:
        return head[: marks[-1].end()]
    return head.rstrip("，,；;：: ")


def stated_direction(text: str) -> tuple[int, str] | None:
    """(+1 / -1 / 0, the words) the paragraph states about 决算 vs 预算, if any."""
    m = _DIRECTION_RE.search(text)
    if not m:
        return None
    if m.group("same"):
        return 0, m.group(0)
    return _DIRECTION_SIGN[m.group("word")], m.group(0)


# (number as printed, item path, first line, each field's state) of one item paragraph.
_ItemFields = tuple[str, str, int, dict[str, str]]


def _field_states(
    body: str, fields: tuple[tuple[str, str], ...], values: tuple[object, ...]
) -> dict[str, str]:
    """Each field's state in one paragraph: READ, PLACEHOLDER, UNREADABLE (words, no figure) or ABSENT."""
    out: dict[str, str] = {}
    for (label, words), value in zip(fields, values, strict=True):
        if value is not None:
            out[label] = READ
        elif re.search(words + _PLACEHOLDER_AFTER, body):
            out[label] = PLACEHOLDER
        elif re.search(words + _FIGURE_AFTER, body):
            out[label] = UNREADABLE
        else:
            out[label] = ABSENT
    return out


def incomplete_items(found: list[_ItemFields], always: tuple[str, ...] = (), suffix: str = "") -> list[Check]:
    """``narrative_item_incomplete`` for each item that lacks what the 说明's style has it state.

    A field is expected of an item when the document's template always prints it (``always``)
    or when more than half of the item's siblings state it (a figure or a placeholder): a
    2025 budget whose items all print the amount alone raises nothing, one item lacking what
    the others print is still found. Words followed by a figure we could not read are always
    reported; a placeholder never is (text_placeholder reports it).
    """
    out: list[Check] = []
    for label, item, line, states in found:
        siblings = [other[3] for other in found if other[2] != line]
        missing, by_style = [], []
        for field, state in states.items():
            stating = sum(s.get(field) in (READ, PLACEHOLDER) for s in siblings)
            if state == UNREADABLE or (state == ABSENT and field in always):
                missing.append(field)
            elif state == ABSENT and stating * 2 > len(siblings):
                missing.append(field)
                by_style.append(f"{field}{stating}项")
        if not missing:
            continue
        why = f"（同一说明其他{len(siblings)}项中列出{'、'.join(by_style)}）" if by_style else ""
        out.append(
            Check(
                "narrative_item_incomplete",
                "warning",
                f"说明第{label}项“{item}”未能读出{'、'.join(missing)}{suffix}{why}",
                source_line=line,
            )
        )
    return out


def parse_items(lines: list[str], section: Section) -> tuple[list[NarrativeItem], list[Check]]:
    """Numbered paragraphs of 一般公共预算财政拨款支出决算具体情况."""
    start, end = _detail_range(lines, section)
    starts = [i for i in range(start, end) if _ITEM_START_RE.match(squash(lines[i]))]
    items: list[NarrativeItem] = []
    checks: list[Check] = []
    found: list[_ItemFields] = []
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else end
        flow = build_flow(lines, first, last)
        text = flow.text.replace("\n", "")
        m_num = _ITEM_START_RE.match(text)
        body = text[m_num.end() :] if m_num else text
        if "年初预算" not in body and "预算数" not in body:
            continue  # a numbered line that is not a budget item (e.g. a 结构 line)
        path = _item_path(body)
        b = _ITEM_BUDGET_RE.search(body)
        f = _ITEM_FINAL_RE.search(body, b.end() if b else 0)
        reason_m = _REASON_RE.search(body)
        reason = reason_m.group("reason").strip() if reason_m else None
        unit = (f or b).group("unit") if (f or b) else "万元"
        budget = (parse_amount(b.group("num")), b.group("num") + b.group("unit")) if b else None
        final = (parse_amount(f.group("num")), f.group("num") + f.group("unit")) if f else None
        items.append(
            NarrativeItem(
                item=path,
                code=None,
                budget_initial=budget[0] if budget else None,
                final=final[0] if final else None,
                unit=unit,
                reason=reason or None,
                source_line=first + 1,
                change_word=(d := stated_direction(body)) and d[1],
            )
        )
        label = m_num.group(1) if m_num else str(n + 1)
        found.append((label, path, first + 1, _field_states(body, _FINAL_FIELDS, (budget, final))))
    # The national template prints both figures in every 决算 paragraph: both are always expected.
    checks += incomplete_items(found, always=tuple(w for w, _ in _FINAL_FIELDS), suffix="金额")
    return items, checks


# --- budgets (部门预算): kind, sections, items -------------------------------------------


def document_kind(text: str) -> str:
    """'budget' for a 部门预算 (its 编制说明 and 预算执行数 wording), else 'final_accounts'."""
    s = squash(text)
    if not any(w in s for w in _BUDGET_TITLES):
        return "final_accounts"
    budget = sum(s.count(w) for w in _BUDGET_MARKS)
    final = sum(s.count(w) for w in _FINAL_MARKS)
    return "budget" if budget > final else "final_accounts"


def _classify_budget_heading(title: str) -> str:
    for kind, words in _BUDGET_SECTION_KINDS:
        if all(w in title for w in words):
            return kind
    return "unknown"


def find_budget_sections(lines: list[str], squashed: list[str] | None = None) -> list[Section]:
    """Sections of a budget's 说明, each up to the next heading, table title or form.

    A numbered heading ('三、政府采购预算情况') always bounds a section; a heading standing
    alone bounds one only when it names a known kind ('2026年部门预算编制说明'). Inside a
    项目经费情况说明 the numbered headings (一、项目概述 … 七、绩效目标) are that project's.
    """
    squashed = squashed if squashed is not None else [squash(x) for x in lines]
    marks: list[tuple[int, str, str]] = []
    in_project = False
    for i, s in enumerate(squashed):
        if not s:
            continue
        if _TOC_LEADER_RE.search(s) or _PART_RE.match(s) or _BUDGET_TERMINATOR_RE.match(s):
            marks.append((i, "stop", s))
            continue
        if len(s) > 40:
            continue
        numbered = bool(_HEADING_RE.match(s))
        body = _HEADING_RE.sub("", s, count=1) if numbered else s
        if _HEADING_PUNCT_RE.search(body) or (not numbered and ("、" in s or not s.endswith(_HEADING_MARKS))):
            continue
        kind = _classify_budget_heading(body)
        if numbered:
            marks.append((i, "unknown" if in_project else kind, s))
            in_project = in_project or kind == "project"
        elif kind != "unknown":
            marks.append((i, kind, s))
            in_project = kind == "project"
    sections = []
    for n, (i, kind, title) in enumerate(marks):
        if kind in ("stop", "unknown", "project"):
            continue
        end = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
        sections.append(Section(kind, title, i, end))
    return sections


def _strip_codes(path: str) -> str:
    """'公共安全支出（204类）司法（06款）' -> '公共安全支出（类）司法（款）' (brackets as printed)."""
    return _LEVEL_CODE_RE.sub(lambda m: m.group("open") + m.group("level") + m.group("close"), path)


def _path_code(path: str) -> str | None:
    """'（204类）…（06款）…（99项）' -> '2040699'; levels without printed codes end the code."""
    code = ""
    for m, level in zip(_LEVEL_CODE_RE.finditer(path), ("类", "款", "项"), strict=False):
        if m.group("level") != level or len(m.group("code")) != _CODE_DIGITS[level]:
            break
        code += m.group("code")
    return code or None


def _budget_item_head(body: str) -> tuple[str, Decimal | None, str | None]:
    """The item's path and the amount its heading states ('…（99项）3845.49万元'), with its unit."""
    end = _HEAD_END_RE.search(body)
    amount = _AMOUNT_RE.search(body, 0, end.start() if end else len(body))
    head = body[: amount.start()] if amount else body[: end.start() if end else len(body)]
    marks = list(_LEVEL_CODE_RE.finditer(head))
    path = head[: marks[-1].end()] if marks else head
    path = path.strip(_PATH_QUOTES + "，,；;：: ").replace("”", "").replace("“", "")
    if amount is None or not marks:
        return path, None, None
    return path, parse_amount(amount.group("num")), amount.group("unit")


def parse_budget_items(lines: list[str], section: Section) -> tuple[list[NarrativeItem], list[Check]]:
    """Numbered paragraphs of a budget's 财政拨款支出主要内容, one :class:`NarrativeItem` each.

    ``item`` is the 类/款/项 path without its printed codes and quotes
    ('公共安全支出（类）司法（款）其他司法支出（项）', the form a 决算's items take, so that
    names match the tables the same way); ``code`` is the 7-digit code when the paragraph
    prints it ('（204类）…（06款）…（99项）' -> '2040699'; fewer digits when it stops at 款),
    else None. ``stated`` is the heading's amount, ``prior_executed`` 上年当年预算执行数,
    ``budget`` 本年预算安排, ``change_percent`` / ``change_word`` the stated change: all as
    printed, none recomputed.
    """
    start, end = section.heading + 1, section.end
    starts = [i for i in range(start, end) if _ITEM_START_RE.match(squash(lines[i]))]
    items: list[NarrativeItem] = []
    checks: list[Check] = []
    found: list[_ItemFields] = []
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else end
        text = build_flow(lines, first, last).text.replace("\n", "")
        m_num = _ITEM_START_RE.match(text)
        body = text[m_num.end() :] if m_num else text
        if not _LEVEL_CODE_RE.search(body.split("。")[0]):
            continue  # a numbered line that is not a 类/款/项 paragraph
        path, stated, unit = _budget_item_head(body)
        prior = _ITEM_PRIOR_RE.search(body)
        planned = _ITEM_PLANNED_RE.search(body, prior.end() if prior else 0) or _ITEM_PLANNED_RE.search(body)
        after = max((m.end() for m in (prior, planned) if m), default=0)
        change = _ITEM_CHANGE_RE.search(body, after)
        reason_m = _REASON_RE.search(body)
        reason = reason_m.group("reason").strip() if reason_m else None
        unit = unit or next((m.group("unit") for m in (planned, prior) if m), "万元")
        item = _strip_codes(path)
        items.append(
            NarrativeItem(
                item=item,
                code=_path_code(path),
                budget_initial=None,
                final=None,
                unit=unit,
                reason=reason or None,
                source_line=first + 1,
                stated=stated,
                prior_executed=parse_amount(prior.group("num")) if prior else None,
                budget=parse_amount(planned.group("num")) if planned else None,
                change_percent=parse_amount(change.group("num")) if change and change.group("num") else None,
                change_word=change.group("word") if change else None,
            )
        )
        label = m_num.group(1) if m_num else str(n + 1)
        found.append((label, item, first + 1, _field_states(body, _BUDGET_FIELDS, (stated, prior, planned))))
    # Budgets differ in what each item states (2025: the amount alone; 2026: also 上年预算执行数
    # and 本年预算安排): an item is measured against its siblings, not against one template.
    checks += incomplete_items(found)
    return items, checks


# --- hygiene ----------------------------------------------------------------------------


# --- document facts ---------------------------------------------------------------------


@dataclass
class _Found:
    value: str
    line: int


def district_of(name: str | None) -> str | None:
    """'上海市浦东新区…' -> '浦东'; '松江区…' -> '松江'."""
    if not name:
        return None
    m = re.match(r"^(?:上海市)?(" + _DIST + r")(?:新)?区", name)
    return m.group(1) if m else None


def clean_department(name: str) -> str:
    """Drop a printed suffix such as '(汇总)' and stray spaces."""
    return _DEPARTMENT_SUFFIX_RE.sub("", squash(name))


def _department_from_text(squashed: list[str]) -> _Found | None:
    for rx in _DEPARTMENT_RES:
        for i, s in enumerate(squashed):
            if not s or len(s) > 200:
                continue
            m = rx.search(s)
            if m and (district_of(m.group("org")) or m.group("org").startswith("上海市")):
                return _Found(clean_department(m.group("org")), i + 1)
    return None


def _department_from_form(lines: list[str]) -> _Found | None:
    """The first form's 主管部门 cell (same row, or the next line of a Word table)."""
    for i, line in enumerate(lines):
        cells = [c for c in split_cells(line) if c]
        for k, cell in enumerate(cells):
            sq = squash(cell)
            if not sq.startswith("主管部门"):
                continue
            rest = sq[len("主管部门") :]
            if rest:  # glued rendering: '主管部门上海市…中心上海市…中心'
                rest = rest.split("实施单位")[0]
                half = len(rest) // 2
                if len(rest) % 2 == 0 and rest[:half] == rest[half:]:
                    rest = rest[:half]
                return _Found(clean_department(rest), i + 1)
            if k + 1 < len(cells):
                return _Found(clean_department(cells[k + 1]), i + 1)
            for j in range(i + 1, min(i + 4, len(lines))):
                nxt = [c for c in split_cells(lines[j]) if c]
                if nxt:
                    return _Found(clean_department(nxt[0]), j + 1)
    return None


def _year(squashed: list[str]) -> _Found | None:
    candidates = [(i, s.translate(_DIGITS)) for i, s in enumerate(squashed) if "年" in s]
    for rx in _YEAR_RES:
        for i, s in candidates:
            if (m := rx.search(s)) and 1990 <= int(m.group(1)) <= 2100:
                return _Found(m.group(1), i + 1)
    return None


def _district(lines: list[str], department: str | None) -> str | None:
    found = district_of(department)
    if found:
        return found
    text = "\n".join(lines)
    m = re.search(r"上海市(" + _DIST + r")(?:新)?区", text)
    if m:
        return m.group(1)
    counts = {d: len(re.findall(d + r"(?:新)?区", text)) for d in DISTRICTS}
    best = max(counts.items(), key=lambda kv: kv[1])
    return best[0] if best[1] else None


def _unit_name(cell: str) -> str | None:
    """A 编制范围 cell -> unit name without '（本级）'; placeholders and headers -> None."""
    s = squash(cell)
    s = re.sub(r"^\d{1,3}[、.．]?(?=\D)", "", s)
    s = _SELF_LEVEL_RE.sub("", s).rstrip("。；;，,")
    if (
        not s
        or s in _UNIT_HEADER_CELLS
        or _PLACEHOLDER_RE.fullmatch(s)
        or not re.search(r"[\u4e00-\u9fff]", s)
    ):
        return None
    if _PLACEHOLDER_RE.search(s) or len(s) < 4:
        return None
    return s


def _table_rows(lines: list[str], start: int) -> Iterable[tuple[int, list[str]]]:
    """Rows after the 编制范围 intro: a Word table (one cell a line) or PDF rows (one row a line)."""
    row: list[str] = []
    row_line = start
    blank_run = 0
    for i in range(start, min(start + 200, len(lines))):
        line = lines[i]
        s = squash(line)
        if _PART_RE.match(s) or _HEADING_RE.match(s) or _TERMINATOR_RE.match(s):
            break
        if not line.strip(" \u3000"):  # a row break ('\t' alone is an empty Word cell)
            if row:
                yield row_line, row
                row = []
            blank_run += 1
            if blank_run > 6:
                break
            continue
        blank_run = 0
        if "\t" in line:
            if not row:
                row_line = i + 1
            row.extend(c for c in split_cells(line) if c)
        else:
            if row:
                yield row_line, row
            yield i + 1, clean_cell(line).split()
            row = []
    if row:
        yield row_line, row


def _is_name_tail(s: str) -> bool:
    """A short CJK fragment that can end a wrapped unit name (not a header, remark or placeholder)."""
    return (
        0 < len(s) <= 12
        and s not in _UNIT_HEADER_CELLS
        and not _PLACEHOLDER_RE.search(s)
        and not re.search(r"\d", s)
        and bool(re.fullmatch(r"[\u4e00-\u9fff（）()]+", s))
    )


def _units_from_table(lines: list[str], whole: Flow) -> list[str]:
    """The 纳入…编制范围的单位 list: inline after 包括： or the table that follows."""
    m = _UNITS_INTRO_RE.search(whole.text)
    if not m:
        return []
    line = whole.line_at(m.end() - 1) or 1
    rest = zip(whole.text[m.end() :], whole.line_of[m.end() :], strict=True)
    inline = "".join(c for c, _ in takewhile(lambda cl: cl[1] == line, rest))
    if inline.strip():  # '…编制范围的单位包括：A（本级）、B。'
        inline = inline.split("。")[0]
        return [u for u in (_unit_name(p) for p in re.split(r"[、，,；;]", inline)) if u]
    units: list[str] = []
    last_was_unit = False
    for _, cells in _table_rows(lines, line):
        if cells and re.fullmatch(r"\d{1,3}", cells[0]):
            name = _unit_name(cells[1]) if len(cells) > 1 else None
            if name:
                units.append(name)
            last_was_unit = name is not None
            continue
        tail = squash(cells[0]) if len(cells) == 1 else ""
        if last_was_unit and _is_name_tail(tail):
            # The end of a long name wrapped onto its own line in PDF text.
            units[-1] = _SELF_LEVEL_RE.sub("", units[-1] + tail)
        last_was_unit = False
    return units


def _units_from_sentence(flow: Flow) -> list[str]:
    m = _UNITS_SENTENCE_RE.search(flow.text)
    if not m:
        return []
    out = []
    for part in re.split(r"[、，,]", m.group("list")):
        name = re.sub(r"决算$", "", part.strip())
        unit = _unit_name(name)
        if unit:
            out.append(unit)
    return out


def parse_meta(text: str) -> DocumentMeta:
    """District, department, budget year and 编制范围 units as the document states them."""
    lines = text.split("\n")
    return _meta(lines, [squash(x) for x in lines], build_flow(lines, 0, len(lines), skip_rows=True))


def _meta(lines: list[str], squashed: list[str], whole: Flow) -> DocumentMeta:
    dept = _department_from_text(squashed) or _department_from_form(lines)
    year = _year(squashed)
    units: list[str] = []
    for u in _units_from_table(lines, whole) + _units_from_sentence(whole):
        if squash(u) not in {squash(x) for x in units}:
            units.append(u)
    return DocumentMeta(
        district=_district(lines, dept.value if dept else None),
        department=dept.value if dept else None,
        year=int(year.value) if year else None,
        units=units,
        source_line=dept.line if dept else (year.line if year else None),
    )


def meta_checks(meta: DocumentMeta) -> list[Check]:
    """A warning for each document fact that could not be read."""
    out = []
    for value, check, what in (
        (meta.district, "meta_district_missing", "所属区"),
        (meta.department, "meta_department_missing", "部门名称"),
        (meta.year, "meta_year_missing", "预算年度"),
    ):
        if value is None:
            out.append(Check(check, "warning", f"文件中未找到{what}（标题、概况或表单“主管部门”栏均未给出）"))
    return out


# --- entry points -----------------------------------------------------------------------


def detect(text: str) -> bool:
    """Every disclosure holds prose or document facts; this parser reads any that does."""
    return any(w in text for w in _DETECT_WORDS)


def parse(text: str) -> ParseResult:
    """Document facts, 说明 figures and items, and text-hygiene checks."""
    lines = text.split("\n")
    squashed = [squash(x) for x in lines]
    whole = build_flow(lines, 0, len(lines), skip_rows=True)
    if document_kind(whole.text) == "budget":
        return _parse_budget(lines, squashed, whole)
    sections = find_sections(lines, squashed)
    flows = {s: build_flow(lines, s.heading + 1, s.end) for s in sections}
    result = ParseResult(layout=LAYOUT, meta=_meta(lines, squashed, whole))
    result.checks += meta_checks(result.meta)
    result.narrative_figures = extract_figures(flows, whole)
    for section in sections:
        if section.kind == "gpb" and not result.narrative_items:
            items, checks = parse_items(lines, section)
            result.narrative_items = items
            result.checks += checks
    return result


def _parse_budget(lines: list[str], squashed: list[str], whole: Flow) -> ParseResult:
    """A 部门预算's 说明: document facts, budget figures and items, text-hygiene checks."""
    sections = find_budget_sections(lines, squashed)
    flows = {s: build_flow(lines, s.heading + 1, s.end) for s in sections}
    result = ParseResult(layout=LAYOUT, meta=_meta(lines, squashed, whole))
    result.checks += meta_checks(result.meta)
    result.narrative_figures = extract_figures(flows, whole, BUDGET_FIGURES)
    for section in sections:
        if section.kind == "overview" and not result.narrative_items:
            items, checks = parse_budget_items(lines, section)
            result.narrative_items = items
            result.checks += checks
    return result
