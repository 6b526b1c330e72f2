"""End to end, two accepted versions from one agency: the report uses the later one (by the
time it was received, not by file name, hash or processing order), and names it."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

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
    path = pipeline.write_report(YEAR)
    report = Document(path)

    name = catalogue.indicators[code].name
    # the year's column: "Năm 2025", or "Ước thực hiện năm 2025" while the reporting year runs
    year_heads = ("Năm 2025", "Ước thực hiện năm 2025")
    table = next(
        t
        for t in report.tables
        if "Chỉ tiêu" in [c.text for c in t.rows[0].cells] and set(year_heads) & {c.text for c in t.rows[0].cells}
    )
    head = [c.text for c in table.rows[0].cells]
    year_col = next(head.index(h) for h in year_heads if h in head)
    name_col = head.index("Chỉ tiêu")
    figures = {r.cells[name_col].text: r.cells[year_col].text for r in table.rows[1:]}
    assert _vn(figures[name]) == 12  # the later version's figure, not 7 (nor 19)
    later, first = sha256_file(paths[12]), sha256_file(paths[7])
    # The document carries no hashes; its manifest names the workbooks the figures came from.
    manifest = json.loads(Path(path).with_suffix(".manifest.json").read_text(encoding="utf-8"))
    used = json.dumps(manifest["inputs"])
    assert later in used and first not in used
