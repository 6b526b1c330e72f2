"""End to end, two accepted versions from one agency: the report uses the later one (by the
time it was received, not by file name, hash or processing order), and names it."""

from __future__ import annotations

import datetime as dt
import os

from docx import Document
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.orchestration import pipeline
from nscl.store.archive import sha256_file

YEAR = 2025
TZ = dt.timezone(dt.timedelta(hours=7))


def _vn(text: str) -> float:
    return float(text.strip().replace(".", "").replace(",", "."))


def test_the_report_uses_the_later_of_two_accepted_versions(zones, catalogue):
    exp = catalogue.expectation(YEAR, "SCT")
    codes = [i.code for i in exp.indicators]
    code = next(i.code for i in exp.indicators if not i.is_deliverable and i.code != "DN_HOTRO")
    row = wbm.FIRST_DATA_ROW + codes.index(code)
    folder = zones.inbox(YEAR) / "SCT"
    folder.mkdir(parents=True)
    paths = {}
    # "b-..." sorts after "a-...": the later file is listed and processed first.
    for name, value, when in (
        ("b-lan-dau.xlsx", 7, dt.datetime(YEAR, 11, 10, 9, tzinfo=TZ)),
        ("a-ban-sua.xlsx", 12, dt.datetime(YEAR, 11, 20, 9, tzinfo=TZ)),
    ):
        wb = fill_workbook(exp, YEAR, catalogue)
        wb[wbm.SHEET_INDICATORS].cell(row=row, column=8, value=value)
        wb.save(folder / name)
        os.utime(folder / name, (when.timestamp(), when.timestamp()))
        paths[value] = folder / name
    results = [pipeline.process_submission(p, YEAR) for p in pipeline.list_inbox(YEAR)]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    pipeline.consolidate(YEAR)
    report = Document(pipeline.write_report(YEAR))

    table = next(
        t
        for t in report.tables
        if t.rows[0].cells[0].text == "Mã" and "Năm 2025" in [c.text for c in t.rows[0].cells]
    )
    head = [c.text for c in table.rows[0].cells]
    year_col = head.index("Năm 2025")
    figures = {r.cells[0].text: r.cells[year_col].text for r in table.rows[1:]}
    assert _vn(figures[code]) == 12  # the later version's figure, not 7 (nor 19)
    later, first = sha256_file(paths[12]), sha256_file(paths[7])
    text = "\n".join(c.text for t in report.tables for r in t.rows for c in r.cells)
    assert later[:16] in text and first[:16] not in text
