"""The 说明 against itself, through the whole pipeline (reader → parser → normalise → validate).

Golden figures are typed from the seed text (data/raw/, line numbers as printed there) or
from the inline cases written here.
"""

from __future__ import annotations

from functools import cache

from etl.build import process_document
from tests.conftest import SEEDS


def _plain(message: str) -> str:
    return message.replace(",", "")


def _checks(text: str, check: str, name: str = "case_2020_final_accounts.txt") -> list[dict]:
    out = process_document(name, text.encode("utf-8"))
    return [c for c in out["checks"] if c["check"] == check]


@cache
def _seed(name: str) -> list[dict]:
    path = SEEDS[name]
    return process_document(path.name, path.read_bytes())["checks"]


def test__direction__songjiang_item_says_more_but_spent_less() -> None:
    # Seed songjiang_2020 L1572: 年初预算为61.50万元，支出决算为49.22万元 … 决算数大于预算数.
    checks = [c for c in _seed("songjiang_2020") if c["check"] == "narrative_direction_mismatch"]
    assert len(checks) == 1
    c = checks[0]
    assert (c["severity"], c["source_line"]) == ("warning", 1572)
    assert "61.50" in c["message"] and "49.22" in c["message"] and "大于" in c["message"]


def test__direction__stated_equal_but_figures_differ() -> None:
    text = (
        "五、一般公共预算财政拨款支出决算情况说明\n（三）一般公共预算财政拨款支出决算具体情况\n"
        "1、住房保障支出（类）住房改革支出（款）住房公积金（项）。年初预算为10.00万元，支出决算为9.00万元。"
        "决算数与预算数持平。\n"
    )
    checks = _checks(text, "narrative_direction_mismatch")
    assert len(checks) == 1 and "持平" in checks[0]["message"] and "小于" in checks[0]["message"]


def test__direction__three_public_says_less_but_spent_more() -> None:
    text = (
        "七、一般公共预算财政拨款“三公”经费支出决算情况说明\n"
        "“三公”经费财政拨款支出年初预算为2.00万元，支出决算为3.00万元，完成预算的150.00%。"
        "“三公”经费支出决算数小于预算数的主要原因：节约。\n"
    )
    checks = _checks(text, "narrative_direction_mismatch")
    assert len(checks) == 1
    assert "2.00万元" in checks[0]["message"] and "3.00万元" in checks[0]["message"]
    assert checks[0]["source_line"] == 2


def test__direction__words_of_the_next_paragraph_are_not_this_sentences() -> None:
    text = (
        "七、一般公共预算财政拨款“三公”经费支出决算情况说明\n"
        "“三公”经费财政拨款支出年初预算为2.00万元，支出决算为3.00万元，完成预算的150.00%。\n"
        "1、住房保障支出（类）住房改革支出（款）住房公积金（项）。年初预算为10.00万元，支出决算为12.00万元。"
        "决算数小于预算数。\n"
    )
    assert not [c for c in _checks(text, "narrative_direction_mismatch") if "三公" in c["message"]]


def test__restated__qingpu_gpb_stated_twice_differently() -> None:
    # Seed qingpu_2020: 总体情况 3951.91万元 (L1070) vs 具体情况 支出决算为4638.73万元 (L1094).
    checks = [c for c in _seed("qingpu_2020") if c["check"] == "narrative_restated_mismatch"]
    assert len(checks) == 1
    assert "3951.91" in _plain(checks[0]["message"]) and "4638.73" in _plain(checks[0]["message"])
    assert not [
        c for c in _seed("qingpu_2020") if c["check"] == "narrative_sum_mismatch" and c["severity"] != "info"
    ]


def test__sum__songjiang_adds_up() -> None:
    found = [
        c
        for c in _seed("songjiang_2020")
        if c["check"] in ("narrative_sum_mismatch", "narrative_restated_mismatch") and c["severity"] != "info"
    ]
    assert not found


def test__sum__parts_do_not_add_up() -> None:
    text = "三、支出决算情况说明\n本年支出合计100.00万元，其中：基本支出60.00万元，占60%；项目支出30.00万元，占30%。\n"
    checks = _checks(text, "narrative_sum_mismatch")
    assert len(checks) == 1 and checks[0]["severity"] == "warning"
    assert "100.00" in checks[0]["message"] and "90.00" in checks[0]["message"]


def test__sum__three_rounded_parts_within_tolerance_are_info() -> None:
    # 33.33 × 3 = 99.99 against 100.00: each printed to 0.01 万元, the envelope is 4 × 0.005 = 0.02.
    text = (
        "五、一般公共预算财政拨款支出决算情况说明\n"
        "一般公共预算财政拨款支出100.00万元，主要用于以下方面：A支出（类）33.33万元，占33.33%；"
        "B支出（类）33.33万元，占33.33%；C支出（类）33.33万元，占33.33%。\n"
    )
    checks = _checks(text, "narrative_sum_mismatch")
    assert [c["severity"] for c in checks] == ["info"]
    assert "尾差" in checks[0]["message"]


def test__sum__beyond_the_envelope_is_a_warning() -> None:
    # 33.33 × 3 = 99.99 against 100.03: 0.04 exceeds the 0.02 envelope.
    text = (
        "五、一般公共预算财政拨款支出决算情况说明\n"
        "一般公共预算财政拨款支出100.03万元，主要用于以下方面：A支出（类）33.33万元，占33.33%；"
        "B支出（类）33.33万元，占33.33%；C支出（类）33.33万元，占33.33%。\n"
    )
    assert [c["severity"] for c in _checks(text, "narrative_sum_mismatch")] == ["warning"]


def test__percent__completion_rate_recomputed() -> None:
    # 2940.05 / 2993.92 = 98.20%; printed 95.20% is three points off.
    wrong = (
        "五、一般公共预算财政拨款支出决算情况说明\n（三）一般公共预算财政拨款支出决算具体情况\n"
        "一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的95.20%。\n"
    )
    right = wrong.replace("95.20%", "98.20%")
    checks = _checks(wrong, "narrative_percent_mismatch")
    assert len(checks) == 1 and checks[0]["severity"] == "warning"
    assert "95.20%" in checks[0]["message"] and "98.20%" in checks[0]["message"]
    assert not _checks(right, "narrative_percent_mismatch")


def test__percent__share_off_by_less_than_half_a_point_is_still_a_warning() -> None:
    # 2940.05 / 2946.25 = 99.79%; printed 99.50% is 0.29 points off. Both figures printed to
    # 0.01 万元 allow 99.7893%–99.7900% only: rounding is the printed precision, no 0.5 points.
    text = (
        "二、收入决算情况说明\n"
        "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.50%；其他收入6.20万元，占0.21%。\n"
    )
    checks = _checks(text, "narrative_percent_mismatch")
    assert [c["severity"] for c in checks] == ["warning"]
    assert "99.50%" in checks[0]["message"] and "99.79%" in checks[0]["message"]


def test__percent__share_within_the_printed_figures_rounding_is_info() -> None:
    # 1.00 / 3.00 = 33.33%, but 0.995 / 3.005 … 1.005 / 2.995 spans 33.11%–33.56%: 33.50% is 尾差.
    text = "二、收入决算情况说明\n本年收入合计3.00万元，其中：财政拨款收入1.00万元，占33.50%。\n"
    checks = _checks(text, "narrative_percent_mismatch")
    assert [c["severity"] for c in checks] == ["info"] and "尾差" in checks[0]["message"]
    assert not _checks(text.replace("33.50%", "33.33%"), "narrative_percent_mismatch")


def test__percent__class_share_recomputed_from_its_two_figures() -> None:
    # 结构情况 as the 财政局 2024 决算 prints it (p. 21), its first share corrected and then planted.
    text = (
        "五、一般公共预算财政拨款支出决算情况说明\n（二）一般公共预算财政拨款支出决算结构情况\n"
        "一般公共预算财政拨款支出2940.05万元，主要用于以下方面：一般公共服务支出（类）2106.66万元，占71.65%；"
        "社会保障和就业支出（类）326.72万元，占11.11%；卫生健康支出（类）60.99万元，占2.07%；"
        "住房保障支出（类）445.69万元，占15.16%；\n"
    )
    assert not _checks(text, "narrative_percent_mismatch")
    (c,) = _checks(text.replace("占11.11%", "占12.11%"), "narrative_percent_mismatch")
    assert c["severity"] == "warning" and "社会保障和就业支出（类）" in c["message"]
    assert "12.11%" in c["message"] and "11.11%" in c["message"] and "326.72万元" in c["message"]


def test__increase__larger_than_this_years_amount() -> None:
    # 万里 2023 p. 6 prints: 政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元.
    from tests.realdocs import outcome

    found = [
        c
        for c in outcome("putuo_wanli_subdistrict_2023_department_budget.pdf")["checks"]
        if c["check"] == "narrative_increase_exceeds_amount"
    ]
    assert [(c["severity"], c["source_page"]) for c in found] == [("warning", 6)]
    assert "0万元" in found[0]["message"] and "1,421.25万元" in found[0]["message"]


def test__increase__within_this_years_amount_is_silent() -> None:
    from etl.validate import narrative_self
    from tests.etl.validate.frames import document, figure

    doc = document(
        kind="budget",
        narrative_figures=[
            figure("fiscal_income_budget", "9628.22"),
            figure("fiscal_income_budget_increase", "793.14"),
            figure("gov_fund_expenditure_budget", "0"),
            figure("gov_fund_expenditure_budget_increase", "0.00"),
        ],
    )
    assert narrative_self.increase_checks(doc) == []
    doc.narrative_figures[3] = figure("gov_fund_expenditure_budget_increase", "12.00")
    assert [c.check for c in narrative_self.increase_checks(doc)] == ["narrative_increase_exceeds_amount"]
