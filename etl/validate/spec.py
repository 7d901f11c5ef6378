"""What one kind of finding is (id, family, severity, Chinese title): imports nothing, so
every check module can declare its SPECS without importing the registry."""

from __future__ import annotations

from dataclasses import dataclass

FAMILIES: dict[str, str] = {
    "reading": "读取与识别",
    "units": "计量单位",
    "presence": "表格齐全",
    "arithmetic": "表内勾稽",
    "across_tables": "表间一致",
    "narrative_tables": "说明与报表一致",
    "narrative_self": "说明自身一致",
    "consistency": "年度、部门与文字规范",
    "performance": "绩效",
    "versions": "重复文件与版本",
}
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class CheckSpec:
    """What one kind of finding means. ``severity`` is its level when it fires; a
    comparison within rounding (``rounding=True``) is recorded as ``info`` (尾差)."""

    id: str
    family: str
    severity: str
    title: str
    description: str
    rounding: bool = False

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"{self.id}: unknown family {self.family!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: unknown severity {self.severity!r}")
