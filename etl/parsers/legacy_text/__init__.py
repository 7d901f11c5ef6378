"""Parsers of text extractions whose tables carry no cell structure: they read the reader's lines.

A PDF's plain text (青浦 2020's 决算 and its own 自评价 form, the 'glued' rendering of a
self-evaluation) prints a table's cells run together or one under another; there are no
cells to give the one cell parser family. These parsers read such lines by their words
and figures and only ever run on text extractions; every original (PDF, Word, Excel) and
every table text with cells (tab-separated rows, Word's one-cell-a-line text) is read
from cells by the parsers beside this package. Their vocabulary is the templates' own
(``etl/templates/*.toml``); what they cannot place is a check, never a guess.

Word's table text of a 部门决算 (松江 2020) is still read here too: its cells lose the
header's column spans, which ``final_accounts`` reads as token streams.
"""
