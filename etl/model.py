"""Records that layout parsers return: the contract between parse and normalise.

Parsers are pure (text in, records out) and keep every figure *as printed*:
amounts stay in the unit the table states (``unit``), names keep their
wording, and anything not understood becomes a :class:`Check` instead of a
guess. Unit conversion, identity and cross-checks happen later, once, in
``etl.normalize`` and ``etl.validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Check:
    """A doubt a person can act on. ``check`` is a stable snake_case id."""

    check: str
    severity: str
    message: str
    source_line: int | None = None
    statement: str | None = None
    code: str | None = None
    # Parser-local reference to a project: the project's ``source_line`` as text.
    # Normalisation maps it to the stable project_id.
    project_ref: str | None = None
    page: int | None = None  # 1-based page, when the finding is about a page (or the line is unknown)
    # The two figures compared, each as printed with its unit and where ('3845.49万元（第9页说明）').
    figure: str | None = None
    compared: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        from etl.validate.registry import REGISTRY  # lazy: the registry imports the checks

        if self.check not in REGISTRY:
            raise ValueError(f"check id {self.check!r} is not in etl/validate/registry")


@dataclass(frozen=True)
class Source:
    """Where a document fact was read: its line and page, and its cell when it stands in a grid.

    ``line`` is the document-wide line (as ``source_line`` everywhere); ``cell`` is 'B6' in a
    sheet, '表1 第2行第3列' in a PDF or Word grid; ``text`` is what was read there, as printed.
    """

    line: int | None = None
    page: int | None = None
    cell: str | None = None
    sheet: str | None = None
    text: str | None = None

    @property
    def where(self) -> str:
        """Where an official finds it: 工作表“X”B6, 第3页 表1 第2行第3列, 第1页（全文第2行）."""
        if self.sheet is not None:
            return f"工作表“{self.sheet}”{self.cell or ''}"
        if self.page is None:
            return f"第{self.line}行" if self.line is not None else ""
        if self.cell is not None:
            return f"第{self.page}页 {self.cell}"
        return f"第{self.page}页" + (f"（全文第{self.line}行）" if self.line is not None else "")

    def as_dict(self) -> dict[str, object]:
        return {
            "where": self.where,
            "page": self.page,
            "line": self.line,
            "cell": self.cell,
            "sheet": self.sheet,
            "text": self.text,
        }


@dataclass(frozen=True)
class BudgetLine:
    """One printed figure of a 决算 table (long format: one row per cell)."""

    statement: str  # table title as printed, without the year: 支出决算表 ...
    code: str | None  # classification code as printed; None for total / summary rows
    name: str  # full row name, wrapped lines joined
    measure: str  # column header as printed: 本年支出合计, 基本支出, 决算数 ...
    amount: Decimal  # as printed, in ``unit``
    unit: str  # unit the table header states: '万元' or '元'
    source_line: int  # 1-based line of the row (its code or first name line)
    classification: str | None = None  # 'functional' | 'economic' | None
    is_total: bool = False  # printed total row (合计, 总计, 本年收入合计 ...)
    side: str | None = None  # '收入' | '支出' in the two-sided summary tables
    template: str | None = None  # the standard table it is (canonical title), when recognised
    source_cell: str | None = None  # where in the grid: 'B7' or '表1 第5行第3列' (originals only)


@dataclass(frozen=True)
class ThreePublicLine:
    """One item of the 三公经费 table: budget vs actual, as printed."""

    item: str  # 合计, 因公出国（境）费, 公务用车购置及运行维护费, 公务用车购置费, 公务用车运行维护费, 公务接待费
    budget: Decimal | None
    actual: Decimal | None
    unit: str
    source_line: int


@dataclass(frozen=True)
class NarrativeItem:
    """A 说明 paragraph comparing 年初预算 with 决算 for one functional item."""

    item: str  # e.g. 社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）
    code: str | None  # functional code when it can be matched to the tables, else None
    budget_initial: Decimal | None
    final: Decimal | None
    unit: str  # '万元'
    reason: str | None  # the stated reason (决算数大于/小于预算数的主要原因：…)
    source_line: int
    # Budgets' 编制说明 state per item: the amount, last year's execution, this year's budget
    # and the change between them as a percentage with its direction word.
    stated: Decimal | None = None  # the item's amount as its heading states it ('…（99项）3845.49万元')
    prior_executed: Decimal | None = None  # 上年当年预算执行数
    budget: Decimal | None = None  # 本年预算安排
    change_percent: Decimal | None = None  # the stated percentage as printed: 17.62 for '增加17.62%'
    change_word: str | None = None  # 增加 / 减少 / 持平 as printed


@dataclass(frozen=True)
class NarrativeFigure:
    """A figure stated in running text, kept to check it against the tables.

    ``key`` is a stable id, e.g. ``total_expenditure``, ``basic_expenditure``,
    ``project_expenditure``, ``personnel_cost``, ``public_cost``,
    ``self_eval_project_count``, ``self_eval_budget_total``,
    ``self_eval_avg_score``, ``grade_count_优``, ``declared_project_count``,
    ``declared_budget_total``, ``three_public_budget``, ``three_public_actual``.
    """

    key: str
    value: Decimal
    unit: str | None  # '万元', '元', '个', '分', '%' ...
    text: str  # the sentence (or clause) it was read from
    source_line: int


@dataclass
class Indicator:
    """One 三级 indicator row (or one scored item of 青浦's form)."""

    level1: str | None
    level2: str | None
    level3: str
    target_value: str | None  # text exactly as printed, e.g. '>=29000家'
    actual_value: str | None
    weight: Decimal | None  # 分值 / 权重
    score: Decimal | None  # 得分 / 自评分
    deviation_reason: str | None
    source_line: int
    explanation: str | None = None  # 指标解释 (青浦)
    scoring_rule: str | None = None  # 评分规则 (青浦)
    source_cell: str | None = None  # the name's cell in a grid: 'D11' in a sheet, else table/row/column


@dataclass
class Project:
    """A self-evaluation or target declaration of one project, as printed."""

    kind: str  # 'self_evaluation' | 'target_declaration'
    layout: str  # 'self_eval_form' | 'declaration_form' | 'glued' | 'qingpu' | 'declaration'
    source_line: int  # line of the form's title or 项目名称
    end_line: int
    project_name: str
    department: str | None = None  # 主管部门 as printed (suffixes such as (汇总) kept)
    unit: str | None = None  # 实施单位 / 预算单位 as printed (may be cut off)
    year: int | None = None
    amount_unit: str | None = None  # unit the form's header states: '元' or '万元'
    budget_initial: Decimal | None = None  # 年初预算数; declaration: 年度资金申请总额
    budget_full_year: Decimal | None = None  # 全年预算数 / 当年预算数
    executed: Decimal | None = None  # 全年执行数 / 预算执行数
    prior_year_budget: Decimal | None = None  # 上年预算金额 (青浦)
    execution_rate: Decimal | None = None  # fraction as printed: 52.64% -> 0.5264
    execution_weight: Decimal | None = None  # 分值 of the budget-execution line (10)
    execution_score: Decimal | None = None  # 得分 of the budget-execution line
    score_total: Decimal | None = None  # 总分 / 合计 as printed
    score_max: Decimal | None = None  # nominal maximum of the form (100)
    grade: str | None = None  # 绩效等级
    category: str | None = None  # 经常性 / 一次性
    goal: str | None = None  # 预期目标 / 年度总目标
    result: str | None = None  # 实际完成情况 / 主要绩效
    extra: dict[str, str] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    source_cell: str | None = None  # the 项目名称's cell in a grid: 'B2' in a sheet, else table/row/column
    # Where the form's facts were read: 'department' (主管部门), 'unit' (实施单位), 'year', 'title'.
    sources: dict[str, Source] = field(default_factory=dict)


# The facts that say whose document it is, each kept with where it was read (DocumentMeta.sources).
IDENTITY_FIELDS = ("region", "district", "department", "unit", "scope", "year", "kind")
# scope: a 部门 document (consolidated, or a whole department's targets), one 单位's own
# document, or one project's form (自评表, 绩效目标申报表).
SCOPES = ("department", "unit", "project")


@dataclass
class DocumentMeta:
    """What a document says about itself (cover, titles, 编制范围)."""

    district: str | None = None  # Shanghai district's short name: 松江, 闵行, 青浦, 普陀 ...; else None
    department: str | None = None  # full name, e.g. 上海市松江区城市运行管理中心
    year: int | None = None
    units: list[str] = field(default_factory=list)  # 纳入编制范围的单位, full names
    source_line: int | None = None
    kind: str | None = None  # final_accounts | budget | self_evaluation | target_declaration
    scope: str | None = None  # department (部门) | unit (单位) | project (a project's form)
    # The 市/省 the document belongs to: 上海市, 江苏省, 重庆市, 广东省深圳市 …; 中央 for a central unit.
    region: str | None = None
    unit: str | None = None  # the 单位 a 单位预算 or a form is of (预算单位, 实施单位), full name
    sources: dict[str, Source] = field(default_factory=dict)  # an IDENTITY_FIELDS name -> where read


@dataclass
class ParseResult:
    """Everything one layout parser found in one document."""

    layout: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    three_public: list[ThreePublicLine] = field(default_factory=list)
    narrative_items: list[NarrativeItem] = field(default_factory=list)
    narrative_figures: list[NarrativeFigure] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # Standard tables the document promises (its 目录, else the template's set) and those read.
    tables_expected: list[str] = field(default_factory=list)
    tables_found: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        """True when the parser recognised nothing in the document."""
        return not (
            self.budget_lines
            or self.three_public
            or self.narrative_items
            or self.narrative_figures
            or self.projects
        )
