"""The page list, in one place: the entry file's navigation, 项目详情's way back and the tests
all read it, so a page added or renamed here is added or renamed everywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str  # file stem in app_pages/, and the test's name for it
    title: str  # the sidebar's words
    icon: str
    url_path: str  # '' for the default page

    @property
    def file(self) -> str:
        return f"app_pages/{self.name}.py"


PAGES: tuple[Page, ...] = (
    Page("overview", "总览", ":material/home:", ""),
    Page("compare_districts", "区际比较", ":material/compare_arrows:", "compare_districts"),
    Page("compare_years", "年度比较", ":material/timeline:", "compare_years"),
    Page("structure", "支出结构", ":material/account_tree:", "structure"),
    Page("execution", "预算执行", ":material/payments:", "execution"),
    Page("budget", "预算与决算", ":material/account_balance:", "budget"),
    Page("scores", "绩效评分", ":material/grade:", "scores"),
    Page("project_detail", "项目详情", ":material/search:", "project_detail"),
    Page("download", "数据下载", ":material/download:", "download"),
    Page("quality", "数据质量", ":material/fact_check:", "quality"),
    Page("source", "原文查看", ":material/description:", "source"),
    Page("data_import", "数据导入", ":material/upload_file:", "import"),
)
BY_NAME = {p.name: p for p in PAGES}
BY_TITLE = {p.title: p for p in PAGES}
