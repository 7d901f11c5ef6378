"""数据质量's 同一文件的多个版本: two versions of one 决算 side by side, and the official's choice.

A corrected copy of the 松江 2020 决算 seed prints 301 工资福利支出 as 1,963.19 万元 (the seed,
line 953: 1,963.09). The newer file counts; choosing the older one on the page rebuilds with it.
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.safe_text import md
from etl import load
from etl.build import build

from .conftest import APP

ROOT = Path(__file__).resolve().parents[2]
SJ2020 = "songjiang_city_operation_center_2020_final_accounts.txt"
CORRECTED = "松江2020决算（更正）.txt"
TIMEOUT = 90


@pytest.fixture()
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = Path(shutil.copy(ROOT / "data" / "raw" / SJ2020, raw / SJ2020))
    os.utime(seed, (1_700_000_000, 1_700_000_000))
    text = seed.read_text(encoding="utf-8").replace("1,963.09", "1,963.19", 1)
    (raw / CORRECTED).write_text(text, encoding="utf-8")  # newer: now
    wh = tmp_path / "warehouse"
    build(raw, wh, workers=1)
    monkeypatch.setenv("BUDGET_RAW", str(raw))
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(wh))
    return raw, wh


def wages(wh: Path) -> list[tuple[str, Decimal]]:
    lines = load.read_table(wh, "budget_lines").filter(
        (pl.col("code") == "301") & pl.col("statement").str.ends_with("基本支出决算表")
    )
    return list(lines.select("source_file", "amount_yuan").iter_rows())


def open_quality() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("app_pages/quality.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test__versions_side_by_side_and_the_choice_rebuilds(corpus: tuple[Path, Path]) -> None:
    _, wh = corpus
    assert wages(wh) == [(CORRECTED, Decimal("19631900.00"))]
    at = open_quality()
    assert "同一文件的多个版本" in [h.value for h in at.subheader]
    shown = [df.value for df in at.dataframe]
    versions = next(df for df in shown if "是否计入" in df.columns or "counted_text" in df.columns)
    assert len(versions) == 2
    differences = next(df for df in shown if len(df) == 1 and df.shape[1] >= 5)
    cells = differences.astype(str).values.tolist()[0]
    assert "19,630,900.00元" in cells and "19,631,900.00元" in cells
    (pick,) = [s for s in at.selectbox if s.label == "以哪个文件为准"]
    assert pick.value == CORRECTED
    pick.set_value(SJ2020).run()
    (use,) = [b for b in at.button if b.label == "改为以此文件为准"]
    use.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(md(SJ2020) in s.value for s in at.success)
    assert wages(wh) == [(SJ2020, Decimal("19630900.00"))]


def test__quality_of_many_files_lists_the_worst_and_says_where_the_rest_are(tmp_path, monkeypatch):
    """At 100,000 documents the page made a section per file and never finished drawing (120 s)."""
    from etl.build import build
    from etl.synth import write_corpus
    from tests.dashboard.test_pages import assert_clean, open_page

    write_corpus(tmp_path / "raw", 110)
    build(tmp_path / "raw", tmp_path / "wh", workers=1, cache_dir=False)
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(tmp_path / "wh"))
    at = open_page("quality", {"dq_sev": "error,warning,info"})
    assert_clean(at)
    sections = [e for e in at.expander if "报表与文件层面" in e.label]
    assert len(sections) == 30
    assert any("下面列出问题最多的 30 个" in c.value for c in at.caption)
    assert any(" 等 " in w.value for w in at.warning)  # the partial files are named 20 at most
