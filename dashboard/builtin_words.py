"""Streamlit's own words in Chinese: the labels, tooltips and placeholders it draws itself.

Streamlit has no translation setting: its sidebar, table toolbar, selectboxes and file uploader
speak English ("Download as CSV", "Choose an option", "Upload", "Clear all" …). A small script,
run once per browser tab from a one-pixel iframe, replaces exactly these strings (and the
"Help for …" / "Remove …" patterns) wherever they appear, now and as Streamlit redraws. It
changes only our framework's words — never the documents' text — and sends nothing anywhere.
"""

from __future__ import annotations

import json

import streamlit as st

WORDS = {
    "App pages": "页面",
    "Sidebar": "侧栏",
    "Collapse sidebar": "收起侧栏",
    "Expand sidebar": "展开侧栏",
    "Open sidebar": "展开侧栏",
    "Skip to main content": "跳到正文",
    "Link to heading": "本节链接",
    "Download as CSV": "下载为 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Exit fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列",
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "Select all": "全选",
    "Clear all": "全部清除",
    "Clear": "清除",
    "Selected values": "已选",
    "No results": "无匹配项",
    "Open": "打开",
    "Close": "关闭",
    "Upload": "上传",
    "Browse files": "选择文件",
    "file upload": "上传文件",
    "Drag and drop files here": "将文件拖到此处",
    "Drag and drop file here": "将文件拖到此处",
    "Copy to clipboard": "复制",
    "Running...": "正在运行…",
}
PREFIXES = {"Help for ": "{} 的说明", "Remove ": "移除 {}", "Delete ": "删除 {}"}
ATTRIBUTES = ("aria-label", "title", "placeholder", "data-title")

_SCRIPT = """<script>
(() => {
  const doc = window.parent.document;
  if (window.frameElement) window.frameElement.title = "界面文字";  // st.iframe's own title is 'iframe'
  if (doc.__chineseBuiltins) return;
  doc.__chineseBuiltins = true;
  const WORDS = %(words)s, PREFIXES = %(prefixes)s, ATTRS = %(attrs)s;
  const say = (v) => {
    const s = (v || "").trim();
    if (Object.prototype.hasOwnProperty.call(WORDS, s)) return WORDS[s];
    for (const [p, f] of Object.entries(PREFIXES)) if (s.startsWith(p)) return f.replace("{}", s.slice(p.length));
    return null;
  };
  const fix = () => {
    for (const el of doc.querySelectorAll(ATTRS.map((a) => "[" + a + "]").join(","))) {
      for (const a of ATTRS) { const t = say(el.getAttribute(a)); if (t !== null) el.setAttribute(a, t); }
    }
    const walk = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const p = n.parentElement;  // Markdown is our text and the documents': left as it is, but for a button's label
      if (p && p.closest('[data-testid="stMarkdownContainer"]') && !p.closest("button")) continue;
      const t = say(n.textContent); if (t !== null) n.textContent = t;
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    window.parent.requestAnimationFrame(() => { queued = false; fix(); });
  }).observe(doc.body, {subtree: true, childList: true, attributes: true, attributeFilter: ATTRS, characterData: true});
  fix();
})();
</script>"""


def script() -> str:
    return _SCRIPT % {
        "words": json.dumps(WORDS, ensure_ascii=False),
        "prefixes": json.dumps(PREFIXES, ensure_ascii=False),
        "attrs": json.dumps(list(ATTRIBUTES)),
    }


def install() -> None:
    """Once per run from the entry file; the script guards itself so a tab runs it once."""
    st.iframe(script(), height=1)  # our own script, no document text: same-origin access is what it needs
