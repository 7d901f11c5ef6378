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
    at.run()
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
