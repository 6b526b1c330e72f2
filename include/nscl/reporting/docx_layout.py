"""Page-flow rules applied to a filled report, where the template cannot say them because they
depend on where a loop ends: the last rows of a long table go to the next page together (never
one row alone on a page, under a repeated header), a note under a table goes with its last rows,
and the closing sentence and signature take
the last paragraph before them along (never a page holding only the signature)."""

from __future__ import annotations

from typing import Any

CLOSING = "Trên đây là báo cáo"
NOTE = "Ghi chú"
TOGETHER = 2  # rows at the end of a table that stay on one page
MIN_ROWS = TOGETHER + 3  # a header and a few rows: shorter tables are kept whole by the template


def keep_ends_together(document: Any) -> None:
    """``document``: a python-docx Document, changed in place."""
    from docx.text.paragraph import Paragraph

    for table in document.tables:
        rows = table.rows
        if len(rows) < MIN_ROWS:
            continue
        # A note under the table ("Ghi chú: ...") goes with its last rows, whole.
        between, note = [], None
        el = table._tbl.getnext()
        while el is not None and el.tag.endswith("}p"):
            p = Paragraph(el, table._parent)
            if p.text.strip():
                note = p if p.text.strip().startswith(NOTE) else None
                break
            between.append(p)
            el = el.getnext()
        last = None if note is not None else -1
        # A note across the table's last row goes over with the two rows above it.
        together = TOGETHER + 1 if rows[-1].cells[0].text.strip().startswith(NOTE) else TOGETHER
        for row in rows[-together:last]:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True
        if note is not None:
            for p in between:
                p.paragraph_format.keep_with_next = True
            note.paragraph_format.keep_together = True
    paragraphs = document.paragraphs
    for i, p in enumerate(paragraphs):
        if i and p.text.strip().startswith(CLOSING):
            before = paragraphs[i - 1]
            if before.text.strip():
                before.paragraph_format.keep_with_next = True
            break
