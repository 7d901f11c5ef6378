"""Synthetic documents in every layout, with the figures they hold known exactly.

Used by the round-trip test (parse(generate(x)) recovers x) and the
benchmarks (10,000 documents across Shanghai's 16 districts). Each generator
renders text the way the seed documents are rendered — Word-table cells, PDF
text with wrapped names, tab-separated forms, 青浦's form, declarations — and
returns the truth it rendered, in printed units.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from etl import templates

# The 16 districts as a name prints them before 区 (浦东新区).
DISTRICTS = tuple(d + "新" if d == "浦东" else d for d in templates.DISTRICTS)
DEPARTMENTS = (
    "城市运行管理中心",
    "行政服务中心",
    "政务服务办公室",
    "生态环境局",
    "文化和旅游局",
    "体育局",
    "档案馆",
)
CENT = Decimal("0.01")

# 类 -> 款 -> 项 of the functional classification, as the documents name them.
FUNCTIONAL: dict[str, tuple[str, dict[str, tuple[str, dict[str, str]]]]] = {
    "201": (
        "一般公共服务支出",
        {"20103": ("政府办公厅（室）及相关机构事务", {"2010301": "行政运行", "2010302": "一般行政管理事务"})},
    ),
    "208": (
        "社会保障和就业支出",
        {
            "20805": (
                "行政事业单位养老支出",
                {"2080505": "机关事业单位基本养老保险缴费支出", "2080506": "机关事业单位职业年金缴费支出"},
            )
        },
    ),
    "210": (
        "卫生健康支出",
        {"21011": ("行政事业单位医疗", {"2101101": "行政单位医疗", "2101102": "事业单位医疗"})},
    ),
    "212": ("城乡社区支出", {"21201": ("城乡社区管理事务", {"2120199": "其他城乡社区管理事务支出"})}),
    "221": ("住房保障支出", {"22102": ("住房改革支出", {"2210201": "住房公积金"})}),
}
ECONOMIC = {
    "301": (
        "工资福利支出",
        {"30101": "基本工资", "30102": "津贴补贴", "30108": "机关事业单位基本养老保险缴费"},
    ),
    "302": ("商品和服务支出", {"30201": "办公费", "30211": "差旅费", "30213": "维修（护）费"}),
    "303": ("对个人和家庭的补助", {"30302": "退休费"}),
    "310": ("资本性支出", {"31002": "办公设备购置"}),
}
INDICATOR_TREE = (
    ("产出指标", "数量指标", "系统维护完成率", "100%", "100%"),
    ("产出指标", "质量指标", "系统故障修复率", "100%", "100%"),
    ("产出指标", "时效指标", "系统维护及时性", "24小时内", "24小时内"),
    ("产出指标", "成本指标", "成本控制率", "<=100%", "98%"),
    ("效益指标", "社会效益指标", "系统正常运行率", "≥95%", "≥95%"),
    ("效益指标", "社会效益指标", "案件办结率", ">=96%", "90%"),
    ("效益指标", "可持续影响指标", "长效管理制度健全性", "健全", "健全"),
    ("满意度指标", "服务对象满意度指标", "使用人员满意度", "≥90%", "≥90%"),
)
PROJECT_WORDS = (
    "网格化平台运维",
    "热线服务",
    "宣传与推广",
    "业务培训",
    "设备运行与维护",
    "法律咨询与服务",
    "课题与规划",
    "信息系统建设",
)


@dataclass
class TruthLine:
    statement: str
    code: str | None
    name: str
    measure: str
    amount: Decimal  # printed, in 万元


@dataclass
class TruthIndicator:
    level1: str | None
    level2: str | None
    level3: str
    target: str | None
    actual: str | None
    weight: Decimal | None
    score: Decimal | None


@dataclass
class TruthProject:
    name: str
    kind: str
    budget_initial: Decimal | None  # 元
    budget_full_year: Decimal | None
    executed: Decimal | None
    score_total: Decimal | None
    indicators: list[TruthIndicator] = field(default_factory=list)


@dataclass
class TruthThreePublic:
    item: str
    budget: Decimal  # 万元
    actual: Decimal


@dataclass
class TruthNarrativeItem:
    item: str
    budget_initial: Decimal  # 万元
    final: Decimal


@dataclass
class SynthDoc:
    file_name: str
    text: str
    district: str
    department: str
    year: int
    layout: str
    lines: list[TruthLine] = field(default_factory=list)
    projects: list[TruthProject] = field(default_factory=list)
    three_public: list[TruthThreePublic] = field(default_factory=list)
    narrative_items: list[TruthNarrativeItem] = field(default_factory=list)
    # Standard tables the layout does not print: the reader must report each as missing.
    missing_tables: list[str] = field(default_factory=list)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount with two decimals (in whatever unit the caller prints)."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _fmt(amount: Decimal, thousands: bool = True) -> str:
    return f"{amount:,.2f}" if thousands else f"{amount:.2f}"


def _split_parts(rng: random.Random, total: Decimal, n: int) -> list[Decimal]:
    """n amounts of two decimals that add up to ``total`` exactly."""
    if n == 1:
        return [total]
    cents = int(total * 100)
    cuts = sorted(rng.sample(range(1, max(cents, n + 1)), n - 1)) if cents > n else list(range(1, n))
    bounds = [0, *cuts, cents]
    return [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(n)]


# --- 决算 -------------------------------------------------------------------------


@dataclass
class _Accounts:
    rows: list[tuple[str, str, Decimal, Decimal]]  # code, name, basic, project (万元)
    economic: list[tuple[str, str, Decimal]]


def _accounts(rng: random.Random) -> _Accounts:
    rows: list[tuple[str, str, Decimal, Decimal]] = []
    classes = rng.sample(sorted(FUNCTIONAL), k=rng.randint(3, 5))
    for cls in sorted(classes):
        cname, kuans = FUNCTIONAL[cls]
        cls_rows = []
        for kuan, (kname, xiangs) in kuans.items():
            kuan_rows = []
            for xiang, xname in xiangs.items():
                basic = _money(rng, 5, 900)
                project = _money(rng, 0, 2000) if cls in ("201", "212") else Decimal("0.00")
                kuan_rows.append((xiang, xname, basic, project))
            kb = sum((r[2] for r in kuan_rows), Decimal(0))
            kp = sum((r[3] for r in kuan_rows), Decimal(0))
            cls_rows.append((kuan, kname, kb, kp))
            cls_rows.extend(kuan_rows)
        cb = sum((r[2] for r in cls_rows if len(r[0]) == 5), Decimal(0))
        cp = sum((r[3] for r in cls_rows if len(r[0]) == 5), Decimal(0))
        rows.append((cls, cname, cb, cp))
        rows.extend(cls_rows)
    basic_total = sum((r[2] for r in rows if len(r[0]) == 3), Decimal(0))
    economic: list[tuple[str, str, Decimal]] = []
    class_totals = _split_parts(rng, basic_total, len(ECONOMIC))
    for (cls, (cname, kuans)), total in zip(ECONOMIC.items(), class_totals, strict=True):
        economic.append((cls, cname, total))
        for (kuan, kname), part in zip(kuans.items(), _split_parts(rng, total, len(kuans)), strict=True):
            economic.append((kuan, kname, part))
    return _Accounts(rows, economic)


def _totals(acc: _Accounts) -> tuple[Decimal, Decimal, Decimal]:
    basic = sum((r[2] for r in acc.rows if len(r[0]) == 3), Decimal(0))
    project = sum((r[3] for r in acc.rows if len(r[0]) == 3), Decimal(0))
    return basic + project, basic, project


def _word_cells(*cells: str) -> str:
    return "".join(f"\t{c}\n" for c in cells) + "\n"


def _final_accounts_word(doc: SynthDoc, acc: _Accounts) -> str:
    total, basic, project = _totals(acc)
    out = [f"第二部分    {doc.department}{doc.year}年度\n部门决算表\n\n"]
    # 收入决算表
    out.append("收入决算表\n\n单位：万元\n\n")
    out.append(_word_cells("项目", "本年收入合计", "财政拨款收入", "其他收入"))
    out.append(_word_cells("功能分类科目编码", "科目名称", "", ""))
    out.append(_word_cells("合计", _fmt(total), _fmt(total), ""))
    doc.lines += [TruthLine("收入决算表", None, "合计", m, total) for m in ("本年收入合计", "财政拨款收入")]
    for code, name, b, p in acc.rows:
        indent = "  " if len(code) == 7 else ""
        out.append(_word_cells(code, indent + name, _fmt(b + p), _fmt(b + p), ""))
        doc.lines += [TruthLine("收入决算表", code, name, m, b + p) for m in ("本年收入合计", "财政拨款收入")]
    out.append("\n注：本表反映部门本年度取得的各项收入情况。\n")
    # 支出决算表
    out.append("支出决算表\n\n单位：万元\n\n")
    out.append(_word_cells("项目", "本年支出合计", "基本支出", "项目支出"))
    out.append(_word_cells("支出功能分类科目编码", "科目名称", "", "", ""))
    out.append(_word_cells("类", "款", "项", "合计", _fmt(total), _fmt(basic), _fmt(project)))
    doc.lines += [
        TruthLine("支出决算表", None, "合计", m, v)
        for m, v in (("本年支出合计", total), ("基本支出", basic), ("项目支出", project))
    ]
    for code, name, b, p in acc.rows:
        out.append(_word_cells(code, name, _fmt(b + p), _fmt(b), _fmt(p)))
        doc.lines += [
            TruthLine("支出决算表", code, name, m, v)
            for m, v in (("本年支出合计", b + p), ("基本支出", b), ("项目支出", p))
        ]
    out.append("注：本表反映部门本年度各项支出情况。\n")
    # 基本支出表 (two halves side by side)
    out.append(f"{doc.year}年度一般公共预算财政拨款基本支出决算表\n单位：万元\n")
    out.append(
        _word_cells("经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数")
    )
    half = (len(acc.economic) + 1) // 2
    left, right = acc.economic[:half], acc.economic[half:]
    for i in range(half):
        cells = [left[i][0], left[i][1], _fmt(left[i][2])]
        if i < len(right):
            cells += [right[i][0], right[i][1], _fmt(right[i][2])]
        out.append(_word_cells(*cells))
    for code, name, amount in acc.economic:
        doc.lines.append(TruthLine("一般公共预算财政拨款基本支出决算表", code, name, "决算数", amount))
    personnel = sum((a for c, _, a in acc.economic if c in ("301", "303")), Decimal(0))
    public = sum((a for c, _, a in acc.economic if c in ("302", "310")), Decimal(0))
    out.append(_word_cells("人员经费合计", _fmt(personnel), "公用经费合计", _fmt(public)))
    doc.lines.append(
        TruthLine("一般公共预算财政拨款基本支出决算表", None, "人员经费合计", "决算数", personnel)
    )
    doc.lines.append(TruthLine("一般公共预算财政拨款基本支出决算表", None, "公用经费合计", "决算数", public))
    out.append("注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。\n")
    return "".join(out)


def _pdf_wrap(rng: random.Random, name: str) -> str:
    """Wrap a long name over two lines the way pdfplumber does."""
    if len(name) > 8 and rng.random() < 0.5:
        cut = rng.randint(4, len(name) - 2)
        return f"{name[:cut]} \n{name[cut:]} "
    return name


def _final_accounts_pdf(doc: SynthDoc, acc: _Accounts, rng: random.Random) -> str:
    total, basic, project = _totals(acc)
    out = [f"第二部分 {doc.department} {doc.year} 年度部门决算表 \n"]
    out.append(
        "支出决算表 \n单位：万元 \n项目  \n \n本年支出合计 \n \n基本支出 \n \n项目支出 \n功能分类\n科目编码 \n科目名称 \n"
    )
    out.append(f"合计 {_fmt(total)} {_fmt(basic)} {_fmt(project)} \n")
    doc.lines += [
        TruthLine("支出决算表", None, "合计", m, v)
        for m, v in (("本年支出合计", total), ("基本支出", basic), ("项目支出", project))
    ]
    for i, (code, name, b, p) in enumerate(acc.rows):
        if i == len(acc.rows) // 2:
            # A page break with the header repeated.
            out.append(
                "\f\n支出决算表 \n单位：万元 \n项目 \n本年支出合计 \n基本支出 \n项目支出 \n功能分类\n科目编码 \n科目名称 \n"
            )
        wrapped = _pdf_wrap(rng, name)
        if "\n" in wrapped:
            out.append(f"{code} \n{wrapped}\n{_fmt(b + p)} {_fmt(b)} {_fmt(p)} \n")
        else:
            out.append(f"{code} {wrapped} {_fmt(b + p)} {_fmt(b)} {_fmt(p)} \n")
        doc.lines += [
            TruthLine("支出决算表", code, name, m, v)
            for m, v in (("本年支出合计", b + p), ("基本支出", b), ("项目支出", p))
        ]
    out.append("注：本表反映部门本年度各项支出情况。 \n")
    out.append(
        "一般公共预算财政拨款支出决算表 \n单位：万元 \n项目 \n合计 \n基本支出 \n项目支出 \n功能分类\n科目编码 \n科目名称 \n"
    )
    for code, name, b, p in acc.rows:
        out.append(f"{code} {_pdf_wrap(rng, name)} {_fmt(b + p)} {_fmt(b)} {_fmt(p)} \n")
        doc.lines += [
            TruthLine("一般公共预算财政拨款支出决算表", code, name, m, v)
            for m, v in (("合计", b + p), ("基本支出", b), ("项目支出", p))
        ]
    out.append(f"合计 {_fmt(total)} {_fmt(basic)} {_fmt(project)} \n")
    doc.lines += [
        TruthLine("一般公共预算财政拨款支出决算表", None, "合计", m, v)
        for m, v in (("合计", total), ("基本支出", basic), ("项目支出", project))
    ]
    out.append("注：本表反映部门本年度一般公共预算财政拨款支出情况。 \n")
    return "".join(out)


# The 三公 table's header exactly as the Word rendering prints it (cells, wrapped labels).
_THREE_PUBLIC_HEADER = (
    "一般公共预算财政拨款“三公”经费支出决算表\n\n单位：万元\n\n\t一般公共预算财政拨款“三公”经费\n\n\t合计\n\t因公出国\n\n"
    "（境）费\n\t公务用车购置及运行维护费\n\t公务接待费\n\n\t\n\t\n\t小计\n\t公务用车\n\n购置费\n\t公务用车\n\n运行维护费\n\t\n\n"
    + "".join("\t预算数\n\t决算数\n" for _ in range(6))
    + "\n"
)
# The 松江-style Word text prints four of the nine standard 决算 tables.
WORD_MISSING_TABLES = (
    "收入支出决算总表",
    "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款收入支出决算表",
)

THREE_PUBLIC_ITEMS = (
    "合计",
    "因公出国（境）费",
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
)


def _three_public_word(doc: SynthDoc, rng: random.Random) -> str:
    """The 三公 table: 合计 = 出国 + 用车 + 接待, 用车 = 购置 + 运行维护 (预算数 and 决算数)."""
    pairs = {}
    for item in ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费"):
        budget = _money(rng, 0, 30)
        pairs[item] = (budget, (budget * Decimal(rng.randint(50, 100)) / 100).quantize(CENT))
    car = tuple(pairs["公务用车购置费"][i] + pairs["公务用车运行维护费"][i] for i in range(2))
    pairs["公务用车购置及运行维护费"] = car
    pairs["合计"] = tuple(pairs["因公出国（境）费"][i] + car[i] + pairs["公务接待费"][i] for i in range(2))
    values = []
    for item in THREE_PUBLIC_ITEMS:
        budget, actual = pairs[item]
        doc.three_public.append(TruthThreePublic(item, budget, actual))
        values += [budget, actual]
    return (
        _THREE_PUBLIC_HEADER
        + "".join(f"\t{_fmt(v)}\n" for v in values)
        + "\n\n注：本表反映部门本年度“三公”经费支出预决算情况。\n"
    )


def _narrative_items(doc: SynthDoc, acc: _Accounts, rng: random.Random) -> str:
    """The 说明's 具体情况: each 项's 年初预算 and 支出决算 with a reason."""
    out = ["（三）一般公共预算财政拨款支出决算具体情况\n"]
    paths = {}
    for code, name, _, _ in acc.rows:
        if len(code) == 3:
            cls = name
        elif len(code) == 5:
            kuan = name
        else:
            paths[code] = f"{cls}（类）{kuan}（款）{name}（项）"
    items = [(c, paths[c], b + p) for c, _, b, p in acc.rows if len(c) == 7]
    total_budget = Decimal(0)
    lines = []
    for i, (_code, path, final) in enumerate(items, start=1):
        budget = (final * Decimal(rng.randint(70, 130)) / 100).quantize(CENT)
        if budget == final:
            budget += CENT
        total_budget += budget
        word = "大于" if final > budget else "小于"
        lines.append(
            f"{i}、{path}。主要用于：日常工作。年初预算为{_fmt(budget)}万元，支出决算为{_fmt(final)}万元。"
            f"决算数{word}预算数的主要原因：预算调整。\n"
        )
        doc.narrative_items.append(TruthNarrativeItem(path, budget, final))
    total = sum((f for _, _, f in items), Decimal(0))
    out.append(
        f"一般公共预算财政拨款支出年初预算为{_fmt(total_budget)}万元，支出决算为{_fmt(total)}万元。其中：\n"
    )
    return "".join(out + lines)


# --- self-evaluations and declarations ------------------------------------------------


def _project_figures(rng: random.Random) -> tuple[Decimal, Decimal, Decimal]:
    initial = Decimal(rng.randint(1000, 5_000_000))
    full = initial if rng.random() < 0.6 else (initial * Decimal(rng.randint(30, 100)) / 100).quantize(CENT)
    executed = full if rng.random() < 0.6 else (full * Decimal(rng.randint(40, 100)) / 100).quantize(CENT)
    return initial.quantize(CENT), full, executed


def _weights(rng: random.Random, n: int, total: int) -> list[int]:
    base = [total // n] * n
    for i in range(total - sum(base)):
        base[i % n] += 1
    return base


def _tabbed_form(rng: random.Random, doc: SynthDoc, name: str) -> str:
    initial, full, executed = _project_figures(rng)
    rate = (executed / full * 100).quantize(CENT) if full else Decimal(0)
    exec_score = (rate / 10).quantize(CENT)
    tree = list(INDICATOR_TREE)
    weights = _weights(rng, len(tree), 90)
    rows, indicators = [], []
    prev1 = prev2 = None
    score_sum = Decimal(0)
    for (l1, l2, l3, target, actual), w in zip(tree, weights, strict=True):
        score = Decimal(w) if rng.random() < 0.85 else Decimal(w - 1)
        score_sum += score
        c1 = l1 if l1 != prev1 else ""
        c2 = l2 if l2 != prev2 else ""
        prev1, prev2 = l1, l2
        reason = "无" if score == w else "部分指标未完成"
        rows.append(f"\t{c1}\t{c2}\t{l3}\t{target}\t{actual}\t{w}\t{score}\t{reason}\n")
        indicators.append(TruthIndicator(l1, l2, l3, target, actual, Decimal(w), score))
    total = score_sum + exec_score
    text = (
        "财政项目支出绩效自评表\t\t\t\t\t\t\t\t\n"
        f"({doc.year} 年度)\t\t\t\t\t\t\t\t\n"
        f"项目名称\t{name}\t\t\t\t\t\t\t\n"
        f"主管部门\t{doc.department}(汇总)\t\t\t\t实施单位\t{doc.department}\t\t\n"
        "项目资金 (元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\t\n"
        f"\t年度资金总额\t{initial:.2f}\t{full:.2f}\t{executed:.2f}\t10\t{rate:.2f}%\t{exec_score}\t\n"
        f"\t其中：当年财政拨款\t{initial:.2f}\t{full:.2f}\t{executed:.2f}\t—\t\t\t\n"
        "\t上年结转资金\t0\t0\t\t—\t\t\t\n"
        "\t其他资金\t0\t0\t\t—\t\t\t\n"
        "年度总体目标\t预期目标\t\t\t\t实际完成情况\t\t\t\n"
        f"\t保障{name}正常开展。\t\t\t\t基本完成预期目标。\t\t\t\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
        + "".join(rows)
        + f"总分\t\t\t\t\t100\t{total}\t\n\n"
    )
    doc.projects.append(TruthProject(name, "self_evaluation", initial, full, executed, total, indicators))
    return text


def _declaration_form(rng: random.Random, doc: SynthDoc, name: str, index: int) -> str:
    amount = Decimal(rng.randint(10_000, 3_000_000))
    indicators = []
    rows = []
    prev1 = prev2 = None
    for l1, l2, l3, target, _ in INDICATOR_TREE:
        rows.append(_word_cells("", l1 if l1 != prev1 else "", l2 if l2 != prev2 else "", l3, target))
        prev1, prev2 = l1, l2
        indicators.append(TruthIndicator(l1, l2, l3, target, None, None, None))
    dept = doc.department
    text = (
        f"项目经费情况说明{index}\n\n\t 一、项目概述 \n\n\t 实施{name}项目。\n\n\t 七、绩效目标 \n\n"
        "\t财政项目支出绩效目标填报表\n\n"
        f"\t（{doc.year}年度）\n\n"
        + _word_cells("项目名称", name, "项目类别", "经常性项目")
        + _word_cells("主管部门", dept, "实施单位", dept)
        + _word_cells("计划开始日期", f"{doc.year}-01-01", "计划完成日期", f"{doc.year}-12-31")
        + _word_cells("项目资金\n（元）", "项目资金总额", f"{amount:.2f}", "年度资金申请总额", f"{amount}")
        + _word_cells("", "其中：财政资金", f"{amount}", "其中：当年财政拨款", f"{amount}")
        + _word_cells("", "", "", "上年结转资金", "0")
        + _word_cells("", "其他资金", "0", "其他资金", "0")
        + _word_cells("项目绩效目标", "项目总目标\n（2022 年- 2022年）", "年度总目标")
        + _word_cells("", f"完成{name}。", f"完成{name}。")
        + _word_cells("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值")
        + "".join(rows)
        + "\n"
    )
    doc.projects.append(
        TruthProject(
            name, "target_declaration", amount.quantize(CENT), amount.quantize(CENT), None, None, indicators
        )
    )
    return text


# 青浦's form: 投入与管理 (36) has six standard indicators, names wrapped as the PDF prints them.
_QINGPU_INPUT = (
    ("项目设立的\n规范性", "项目设立的规范性", 5),
    ("绩效目标合\n理性", "绩效目标合理性", 8),
    ("预算执行率", "预算执行率", 8),
    ("财务（资\n产）管理制\n度的健全性\n和执行的有\n效性", "财务（资产）管理制度的健全性和执行的有效性", 5),
    ("资金使用的\n合规性", "资金使用的合规性", 6),
    ("项目管理制\n度的健全性\n和执行的有\n效性", "项目管理制度的健全性和执行的有效性", 4),
)
_QINGPU_SECTIONS = (
    ("产出目标", 24, ("计划完成率", "合格率")),
    ("效果目标", 20, ("专款专用率",)),
    ("影响力目标", 20, ("人员到位率", "长效管理制度建设")),
)


def _qingpu_form(rng: random.Random, doc: SynthDoc, name: str) -> str:
    """青浦's 财政项目绩效自评价: 投入与管理 36 / 产出 24 / 效果 20 / 影响力 20, 绩效等级."""
    _, full, executed = _project_figures(rng)
    rate = (executed / full * 100).quantize(CENT) if full else Decimal(0)
    lines, indicators, total = [], [], Decimal(0)

    def score_for(weight: int) -> Decimal:
        return Decimal(weight if rng.random() < 0.8 else max(weight - rng.randint(1, 3), 0))

    lines.append("投入与管理\n(36分) ")
    for printed, full_name, weight in _QINGPU_INPUT:
        score = score_for(weight)
        total += score
        lines.append(f"{printed} \n{weight} \n{score} ")
        indicators.append(TruthIndicator("投入与管理", None, full_name, None, None, Decimal(weight), score))
    for section, points, names in _QINGPU_SECTIONS:
        lines.append(f"{section}\n({points}分) ")
        for item, weight in zip(names, _weights(rng, len(names), points), strict=True):
            score = score_for(weight)
            total += score
            lines.append(
                f"{item}  {weight}  {score}  " if rng.random() < 0.5 else f"{item} \n{weight} \n{score} "
            )
            indicators.append(TruthIndicator(section, None, item, None, None, Decimal(weight), score))
    grade = "优" if total >= 90 else "良" if total >= 80 else "合格" if total >= 60 else "不合格"
    whole, cents = f"{total:.2f}"[:-1], f"{total:.2f}"[-1]  # the PDF splits '96.00' as '96.0' + '0'
    doc.projects.append(
        TruthProject(name, "self_evaluation", None, full, executed, total.quantize(CENT), indicators)
    )
    return (
        f"{doc.year}年度财政项目绩效自评价 \n"
        f"项目名称 {name} 预算单位 {doc.department} \n"
        f"具体实施处（科室） 办公室 是否为经常性项目 {'是' if rng.random() < 0.7 else '否'} \n"
        f"当年预算数（元） {_fmt(full)} 上年预算金额（元） 0.00 \n"
        f"预算执行数（元） {_fmt(executed)} 预算执行率（%） {rate:.2f}% \n"
        f"项目年度总目标 \n完成{name}年度任务。 \n自评时间 {doc.year + 1}-03-15 \n绩效等级 {grade} \n"
        f"主要绩效 \n按期完成{name}。 \n主要问题 \n无 \n改进措施 \n无 \n"
        "一级指标 指标名称 指标解释 权重 评分规则 \n自评 \n分 备注 \n"
        + "\n".join(lines)
        + f"\n合计 \n100.00 \n{whole} \n{cents} \n"
    )


# --- documents -------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """2 -> '二', 12 -> '十二', 40 -> '四十' (n < 100)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


LAYOUTS = (
    "final_accounts_word",
    "final_accounts_pdf",
    "self_evaluation",
    "target_declaration",
    "self_evaluation_qingpu",
)


def generate_document(index: int, seed: int = 0, layout: str | None = None) -> SynthDoc:
    """One synthetic document; the same (index, seed) always gives the same text."""
    rng = random.Random(seed * 1_000_003 + index)
    # Four consecutive documents (one per layout) belong to the same department and year, so
    # declarations and self-evaluations can be followed across documents as in real corpora.
    group = index // len(LAYOUTS)
    district = DISTRICTS[group % len(DISTRICTS)]
    dept_name = DEPARTMENTS[(group // len(DISTRICTS)) % len(DEPARTMENTS)]
    year = 2019 + (group // (len(DISTRICTS) * len(DEPARTMENTS))) % 5
    layout = layout or LAYOUTS[index % len(LAYOUTS)]
    short = district.removesuffix("新")
    # One document per department, year and kind, as a corpus holds them: another cycle through
    # districts × departments × years, or the group's second 决算 (PDF text beside Word text), is
    # another department. Two files of one department-year-kind would be versions of one document.
    # The second of a kind in a group (PDF-text 决算, 青浦's 自评表) is another department, so the
    # declarations still meet the tabbed self-evaluations of theirs.
    cycle = group // (len(DISTRICTS) * len(DEPARTMENTS) * 5)
    variant = 2 * cycle + (layout in ("final_accounts_pdf", "self_evaluation_qingpu"))
    ordinal = f"第{_chinese_number(variant + 1)}" if variant else ""  # '第二…': a name the readers know
    department_full = f"上海市{district}区{ordinal}{dept_name}"
    doc = SynthDoc(
        file_name=f"synth_{index:05d}_{layout}.txt",
        text="",
        district=short,
        department=department_full,
        year=year,
        layout=layout,
    )
    if layout.startswith("final_accounts"):
        acc = _accounts(rng)
        total, basic, project = _totals(acc)
        head = (
            f" 第一部分    {department_full}概况\n"
            f"纳入{department_full}{year}年度部门决算编制范围的单位包括：{department_full}（本级）。\n"
        )
        if layout.endswith("word"):
            body = _final_accounts_word(doc, acc) + _three_public_word(doc, rng)
            doc.missing_tables = list(WORD_MISSING_TABLES)
        else:
            body = _final_accounts_pdf(doc, acc, rng)
        narrative = (
            f"第三部分  {department_full}\n{year}年度部门决算情况说明\n"
            f"三、支出决算情况说明\n本年支出合计{_fmt(total)}万元，其中：基本支出{_fmt(basic)}万元；项目支出{_fmt(project)}万元。\n"
            "五、一般公共预算财政拨款支出决算情况说明\n" + _narrative_items(doc, acc, rng)
        )
        doc.text = head + body + narrative
    elif layout == "self_evaluation":
        names = rng.sample(PROJECT_WORDS, k=rng.randint(2, 4))
        doc.text = "\n\n" + "".join(_tabbed_form(rng, doc, n) for n in names)
    elif layout == "self_evaluation_qingpu":
        names = rng.sample(PROJECT_WORDS, k=rng.randint(2, 4))
        doc.text = f"{department_full}{year}年度项目绩效自评结果\n" + "".join(
            _qingpu_form(rng, doc, n) for n in names
        )
    else:
        names = rng.sample(PROJECT_WORDS, k=rng.randint(2, 4))
        forms = "".join(_declaration_form(rng, doc, n, i + 1) for i, n in enumerate(names))
        total = sum((p.budget_initial for p in doc.projects), Decimal(0))  # type: ignore[misc]
        doc.text = (
            f"{department_full}{year}年财政支出项目绩效目标申报表\n\t绩效目标设置情况\n"
            f"按照本市预算绩效管理工作的总体要求，本部门1个预算单位开展了{year}年项目预算绩效目标编报工作，"
            f"编报绩效目标的项目{len(names)}个，涉及项目预算资金{total / 10000:.2f}万元。\n" + forms
        )
        # The narrative total is rounded: keep the truth exact in the forms only.
    return doc


def write_corpus(out: Path, docs: int, seed: int = 0) -> int:
    """Write ``docs`` synthetic documents into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for i in range(docs):
        doc = generate_document(i, seed)
        (out / doc.file_name).write_text(doc.text, encoding="utf-8")
    return docs
