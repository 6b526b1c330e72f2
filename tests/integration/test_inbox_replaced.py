"""A file replaced in the inbox by another with the same name, size and modification time is a
new file (issue 21, item 8): shared folders and object stores keep times to the second and copy
tools keep them, so only the content tells the two apart."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile

from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.process import list_new, process_file
from nscl.orchestration import pipeline
from nscl.store.curated import load_table
from nscl.store.receipts import load_receipts

YEAR = 2025
TZ = dt.timezone(dt.timedelta(hours=7))
BUDGET_ROW = wbm.FIRST_DATA_ROW + 1  # "Ngân sách tỉnh"


def _stored_bytes(catalogue, provincial: int) -> bytes:
    """SCT's filled workbook with ``provincial`` as its provincial budget, zipped without
    compression and with fixed times: values of the same width give files of the same size."""
    wb = fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue)
    wb[wbm.SHEET_BUDGET].cell(row=BUDGET_ROW, column=4, value=provincial)
    wb.properties.created = wb.properties.modified = dt.datetime(YEAR, 1, 1)
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(
                zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(item.filename)
            )
    return out.getvalue()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_file_replaced_with_the_same_name_size_and_time_is_processed(zones, catalogue):
    first = _stored_bytes(catalogue, 111)
    # The replacement whose hash sorts before the first one's: ordering two files of the same
    # time by hash alone would then keep the older figures.
    second, value = next(
        (data, v) for v in range(900, 1000) if _sha(data := _stored_bytes(catalogue, v)) < _sha(first)
    )
    assert len(first) == len(second) and first != second

    when = dt.datetime(YEAR, 11, 20, 9, 30, tzinfo=TZ).timestamp()
    path = zones.inbox(YEAR) / "SCT" / "bao-cao-kinh-phi.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(first)
    os.utime(path, (when, when))
    assert list_new(zones, YEAR) == [str(path)]
    r1 = process_file(str(path), YEAR, zones, catalogue, now=dt.datetime(YEAR, 11, 20, 10, tzinfo=TZ))
    assert (r1["status"], r1["sha256"]) == ("accepted", _sha(first))
    assert list_new(zones, YEAR) == []

    # Replaced as a copy tool does: a temporary file renamed over it, the time carried over.
    tmp = path.with_name(".bao-cao-kinh-phi.xlsx.part")
    tmp.write_bytes(second)
    os.utime(tmp, (when, when))
    os.replace(tmp, path)
    st = path.stat()
    assert (st.st_size, st.st_mtime) == (len(first), when)

    assert list_new(zones, YEAR) == [str(path)]
    r2 = process_file(str(path), YEAR, zones, catalogue, now=dt.datetime(YEAR, 11, 21, 10, tzinfo=TZ))
    assert (r2["status"], r2["sha256"]) == ("accepted", _sha(second))
    assert (zones.archive / _sha(second)[:2] / _sha(second)).read_bytes() == second
    notice = (zones.replies(YEAR) / _sha(second) / "bien-nhan.txt").read_text(encoding="utf-8")
    assert _sha(second) in notice
    assert {r["sha256"] for r in load_receipts(zones, YEAR)} == {_sha(first), _sha(second)}
    assert list_new(zones, YEAR) == []

    # The replacement is the agency's latest file: its figures are the ones used.
    pipeline.consolidate(YEAR, zones, catalogue)
    summary = json.loads((zones.curated(YEAR) / "summary.json").read_text(encoding="utf-8"))
    assert summary["used_versions"]["SCT"]["sha256"] == _sha(second)
    assert summary["used_versions"]["SCT"]["version"] == 2
    budget = load_table(zones, YEAR, "budget")
    sct = budget[budget["agency_code"] == "SCT"].set_index("source")["value"]
    assert float(sct["provincial"]) == value


def test_the_same_bytes_touched_again_are_not_processed_twice(zones, catalogue):
    data = _stored_bytes(catalogue, 222)
    path = zones.inbox(YEAR) / "bao-cao.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    process_file(str(path), YEAR, zones, catalogue)
    later = dt.datetime(YEAR, 12, 1, tzinfo=TZ).timestamp()
    os.utime(path, (later, later))  # opened and saved without a change, or copied again
    assert list_new(zones, YEAR) == []
    path.unlink()
    assert list_new(zones, YEAR) == []
