"""`python -m etl build`: the summary it prints, its exit codes, and what it leaves on disk."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from etl import load
from etl.__main__ import main
from tests.conftest import ROOT, SEEDS

BAD = {
    "empty.txt": b"",
    "scan.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\x00\x00\x01\x02endstream\n",
    "meeting_notes.txt": "会议纪要\n一、会议同意采购打印机两台。\n二、下次会议时间另行通知。\n".encode(),
}


def _bad_raw(raw: Path) -> Path:
    raw.mkdir(parents=True)
    for name, data in BAD.items():
        (raw / name).write_bytes(data)
    return raw


def _figure(label: str, text: str) -> re.Match[str]:
    m = re.search(rf"^\s*{label}\s+(\d+)(.*)$", text, re.MULTILINE)
    assert m, f"no '{label}' line in:\n{text}"
    return m


def test_cli_build__summary_counts_match_the_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "warehouse"
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in SEEDS.values():
        (raw / path.name).write_bytes(path.read_bytes())
    assert main(["build", "--raw", str(raw), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    text = captured.out
    tables = {
        name: load.read_table(out, name) for name in ("projects", "indicators", "budget_lines", "checks")
    }
    manifest = load.read_manifest(out)
    assert manifest is not None and manifest["build_id"] in text and str(out) in text

    documents = _figure("documents", text)
    assert documents.group(1) == "5" and "(0 failed)" in documents.group(2)
    assert int(_figure("projects", text).group(1)) == tables["projects"].height == 9 + 21 + 5 + 7 + 7
    assert int(_figure("indicators", text).group(1)) == tables["indicators"].height
    assert int(_figure("budget lines", text).group(1)) == tables["budget_lines"].height
    checks = _figure("checks", text)
    assert int(checks.group(1)) == tables["checks"].height
    severities = Counter(tables["checks"]["severity"].to_list())
    by_severity = dict(re.findall(r"(error|warning|info) (\d+)", checks.group(2)))
    assert by_severity == {s: str(severities.get(s, 0)) for s in ("error", "warning", "info")}
    # Progress goes to stderr, never into the summary.
    assert "parsed 5/5 files" in captured.err
    assert "parsed" not in text


def test_cli_build__bad_files_are_counted_as_failed(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in SEEDS.values():
        (raw / path.name).write_bytes(path.read_bytes())
    for name, data in BAD.items():
        (raw / name).write_bytes(data)
    out = tmp_path / "warehouse"
    assert main(["build", "--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    documents = _figure("documents", captured.out)
    assert documents.group(1) == "8" and "(3 failed)" in documents.group(2)
    checks = load.read_table(out, "checks")
    errors = re.search(r"error (\d+)", _figure("checks", captured.out).group(2))
    assert errors and int(errors.group(1)) == checks.filter(pl.col("severity") == "error").height >= 3


def test_cli_build__no_usable_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    raw = _bad_raw(tmp_path / "raw")
    out = tmp_path / "warehouse"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--out", str(out), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("错误：没有任何文件读出数据")
    assert "Traceback" not in done.stderr
    for name in BAD:
        assert name in done.stderr
    assert "原有数据仓库（如有）未改变" in done.stderr
    assert not out.exists() and not out.is_symlink()
    assert not load.builds_dir(out).exists()


def test_cli_build__no_usable_file_leaves_the_previous_warehouse(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    good = tmp_path / "good"
    good.mkdir()
    seed = SEEDS["songjiang_2021"]
    (good / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "warehouse"
    assert main(["build", "--raw", str(good), "--out", str(out), "--quiet"]) == 0
    link, manifest = os.readlink(out), load.read_manifest(out)
    builds = sorted(p.name for p in load.builds_dir(out).iterdir())
    capsys.readouterr()

    assert main(["build", "--raw", str(_bad_raw(tmp_path / "raw")), "--out", str(out), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "错误：" in captured.err
    assert os.readlink(out) == link
    assert load.read_manifest(out) == manifest
    assert sorted(p.name for p in load.builds_dir(out).iterdir()) == builds
    assert load.read_table(out, "projects").height == 5


@pytest.mark.parametrize("case", ["missing", "empty"])
def test_cli_build__nothing_to_read_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture, case: str) -> None:
    raw = tmp_path / "raw"
    if case == "empty":
        raw.mkdir()
    out = tmp_path / "warehouse"
    assert main(["build", "--raw", str(raw), "--out", str(out), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(raw) in captured.err
    assert not out.exists()


def test_cli_build__waits_for_a_running_upload_then_gives_up_leaving_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """`make rebuild` while 数据导入 builds the same warehouse: the command line takes its turn."""
    import etl.__main__ as cli

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / SEEDS["songjiang_2020"].name).write_bytes(SEEDS["songjiang_2020"].read_bytes())
    out = tmp_path / "warehouse"
    monkeypatch.setattr(cli, "LOCK_WAIT", 0.3)
    with load.warehouse_lock(out, timeout=1):  # what importer.corpus_lock holds during an upload
        code = main(["build", "--raw", str(raw), "--out", str(out), "--quiet"])
    assert code == 3
    err = capsys.readouterr().err
    assert "正由另一次构建或导入使用" in err and "原有数据仓库（如有）未改变" in err
    assert not out.exists()
    assert main(["build", "--raw", str(raw), "--out", str(out), "--quiet"]) == 0  # lock free: builds
    assert load.read_manifest(out) is not None
