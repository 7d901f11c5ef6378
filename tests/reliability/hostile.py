"""A small corpus whose documents carry Markdown and HTML in their names and texts (issue 17).

The text seeds of data/raw are copied; two of the copies are edited so that a department,
a unit, a project name, a goal, an indicator (and the finding that quotes it), a budget line
name and the file name hold links and images to an outside host. Built with the documented
command; used by tests/reliability/test_injection.py and the browser check in tests/e2e.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
HOST = "evil.example"

IMAGE = f"![t](http://{HOST}/x.png)"
LINK = f"[点我](http://{HOST})"
IMG_TAG = f"<img src=http://{HOST}/y>"
A_TAG = f"<a href=http://{HOST}>a</a>"
BARE = f"http://{HOST}/z www.{HOST} me@{HOST}"  # GitHub Markdown links these by themselves

SELF_EVALUATION = "songjiang_administrative_service_center_2021_self_evaluation.txt"
FINAL_ACCOUNTS = "songjiang_city_operation_center_2020_final_accounts.txt"
# A file name is shown too: no '/' fits in one, a bare 'www.' does.
HOSTILE_FILE = f"songjiang_2021_self_evaluation_[点我](www.{HOST})_`x`.txt"

# Values for the link's parameters: each at most 20 characters, the part a note quotes.
URL_VALUES = (
    f"![](//{HOST})",
    f"[点我](//{HOST})",
    f"<img src=//{HOST}>",
    f"http://{HOST}",
    f"www.{HOST}",
)


def _self_evaluation(text: str) -> str:
    """Department, unit, the first project's name and goal, and one indicator made hostile."""
    text = text.replace(
        "主管部门\t上海市松江区行政服务中心", f"主管部门\t上海市松江区行政服务中心{IMAGE}{LINK}{BARE}"
    )
    text = text.replace(
        "实施单位\t上海市松江区行政服务中心", f"实施单位\t上海市松江区行政服务中心{IMG_TAG}{LINK}"
    )
    text = text.replace("深化“一网通办”专项费用", f"深化“一网通办”专项费用{IMAGE}{A_TAG}", 1)
    text = text.replace(
        "3、提升政务服务效能。", f"3、提升政务服务效能。{IMAGE}{LINK}{IMG_TAG}{A_TAG}{BARE}", 1
    )
    # The line after it prints only a label: the finding about it quotes this indicator's name.
    return text.replace("资金使用率\t>=90%", f"资金使用率{LINK}{IMG_TAG}\t>=90%", 1)


def _final_accounts(text: str) -> str:
    """The department everywhere it is printed, and one 款's name in every table."""
    text = text.replace("上海市松江区城市运行管理中心", f"上海市松江区城市运行管理中心{LINK}{IMG_TAG}")
    return "\n".join(
        line.replace("城乡社区管理事务", f"城乡社区管理事务{IMAGE}{A_TAG}")
        if line.strip() == "城乡社区管理事务"
        else line
        for line in text.split("\n")
    )


def write_raw(raw: Path) -> Path:
    """The text seeds into ``raw``, two of them edited (the originals left out: no near-copies)."""
    raw.mkdir(parents=True, exist_ok=True)
    for path in sorted(RAW.glob("*.txt")):
        if path.name not in (SELF_EVALUATION, FINAL_ACCOUNTS):
            shutil.copy(path, raw / path.name)
    seed = (RAW / SELF_EVALUATION).read_text(encoding="utf-8")
    (raw / HOSTILE_FILE).write_text(_self_evaluation(seed), encoding="utf-8")
    seed = (RAW / FINAL_ACCOUNTS).read_text(encoding="utf-8")
    (raw / FINAL_ACCOUNTS).write_text(_final_accounts(seed), encoding="utf-8")
    return raw


def build(base: Path) -> tuple[Path, Path]:
    """(raw folder, warehouse) of the hostile corpus under ``base``, built by `python -m etl build`."""
    raw, out = write_raw(base / "raw"), base / "warehouse"
    subprocess.run(
        [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--out", str(out), "--no-cache", "--quiet"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=180,
    )
    return raw, out
