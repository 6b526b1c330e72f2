"""Page-flow rules applied to a filled report, where the template cannot say them because they
depend on where a loop ends: the last rows of a long table go to the next page together (never
one row alone on a page, under a repeated header), and the closing sentence and signature take
the last paragraph before them along (never a page holding only the signature)."""

from __future__ import annotations

from typing import Any

CLOSING = "Trên đây là báo cáo"
TOGETHER = 2  # rows at the end of a table that stay on one page
MIN_ROWS = TOGETHER + 3  # a header and a few rows: shorter tables are kept whole by the template


def keep_ends_together(document: Any) -> None:
    """``document``: a python-docx Document, changed in place."""
    for table in document.tables:
        rows = table.rows
        if len(rows) < MIN_ROWS:
            continue
        for row in rows[-TOGETHER:-1]:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True
    paragraphs = document.paragraphs
    for i, p in enumerate(paragraphs):
        if i and p.text.strip().startswith(CLOSING):
            before = paragraphs[i - 1]
            if before.text.strip():
                before.paragraph_format.keep_with_next = True
            break
