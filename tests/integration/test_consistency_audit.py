"""The consistency audit (issue 22, item 8) on the documents generated from a data set the tests
build (``test_report_data.build``, 2021-2025, with input-output tables; not the shipped sample):
the annual reports 2021 to 2025 and the 2021-2025 review. Every figure with its label against the curated CSVs (counted
by ``audit.py``, not by the reporting code) and the staff page's overview; every sensitivity
table against its headline; no appendix sentence against the body for the same indicator and
year. A doctored copy shows the audit finds each kind of defect the issue names.

Run on the sample data's documents as they were before issue 22 (``uv run python
tests/integration/audit.py DATA_DIR FILES``) it lists the defects of the issue: the sensitivity
table without the parameters used, its range leaving out the headline, the capital share
misstated, "Hoàn thành" at 25 of 45 classes, the 2025 conference "Chậm tiến độ" in 2021, TFP
"Đạt" after one year, study tours in the appendix against none in the figures, sentences
repeated in the review's appendix, "Chưa có báo cáo của cơ quan phối hợp" for the TFP task."""

from __future__ import annotations

import json
import time

import pytest
from audit import audit_document
from docx import Document
from nscl.orchestration import pipeline
from nscl.staff_page.overview import overview
from nscl.store.zones import Zones
from test_report_data import build


@pytest.fixture(scope="module")
def documents(tmp_path_factory, catalogue):
    started = time.monotonic()
    zones = Zones(tmp_path_factory.mktemp("audit") / "data")
    build(zones, catalogue, range(2021, 2026))
    # The statistics office gives input-output tables (bL 0,505 from 2016, 0,49 from 2020): the
    # capital share used then differs from its mean over the burn-in years (the 0,50/0,51).
    for year in range(2021, 2026):
        for path in (zones.curated(year) / "staged").glob("*.json"):
            staged = json.loads(path.read_text(encoding="utf-8"))
            if staged.get("kind") == "tfp":
                for r in staged["tfp"]:
                    r["io_year"], r["labour_share_pct"] = {2016: (2016, 50.5), 2020: (2020, 49.0)}.get(
                        r["year"], (None, None)
                    )
                path.write_text(json.dumps(staged), encoding="utf-8")
        pipeline.consolidate(year, zones, catalogue)
        pipeline.compute_tfp(year, zones)
    docs = {("annual", y, y): pipeline.write_report(y, zones, catalogue) for y in range(2021, 2026)}
    docs[("review", 2021, 2025)] = pipeline.write_review("mid-term", zones, catalogue)
    return zones, docs, time.monotonic() - started


def test_every_document_passes_the_audit(documents, catalogue):
    zones, docs, seconds = documents
    defects = []
    for (kind, first, last), path in docs.items():
        rows = None
        if kind == "annual":
            rows = {r["code"]: r for r in overview(zones, catalogue, last)["indicators"]}
        defects += audit_document(path, catalogue, zones.root, kind, first, last, rows)
    assert defects == []
    assert seconds < 60


def _doctor(path, out, edits: dict[str, str]) -> None:
    """Replace cell texts (first cell whose text starts with a key) as a faulty generator would."""
    doc = Document(path)
    for table in doc.tables:
        for r in table.rows:
            for c in r.cells:
                for old, new in edits.items():
                    if c.text.startswith(old) and c.paragraphs:
                        for p in c.paragraphs[1:]:
                            p.text = ""
                        c.paragraphs[0].text = new
    doc.save(out)


def test_the_audit_finds_each_kind_of_defect(documents, catalogue, tmp_path):
    zones, docs, _ = documents
    path = docs[("annual", 2025, 2025)]
    doc = Document(path)
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    used_row = next(t for t in cells if "đã dùng" in t)
    tasks = next(
        t for t in doc.tables if any("Kết quả của cơ quan chủ trì" in c.text for c in t.rows[0].cells)
    )
    working = next(r for r in tasks.rows[1:] if r.cells[-1].text.startswith("Đang thực hiện: "))
    code, status = working.cells[0].text, working.cells[-1].text
    overview_rows = {r["code"]: r for r in overview(zones, catalogue, 2025)["indicators"]}
    bad = tmp_path / "bao-cao-nam-2025-doctored.docx"
    # A task short of its product claims done; the sensitivity table loses the row used.
    _doctor(path, bad, {status: "Hoàn thành", used_row: "0,50"})
    found = audit_document(bad, catalogue, zones.root, "annual", 2025, 2025, overview_rows)
    assert any(f"task {code} 'Hoàn thành'" in d for d in found), found
    assert any("sensitivity table does not contain the parameters used" in d for d in found), found
    # A figure of the indicator table changed: against the CSVs and the overview.
    doc = Document(path)
    table = next(t for t in doc.tables if any("Đánh giá 2021-2030" in c.text for c in t.rows[0].cells))
    name = catalogue.indicators["LOP_TAPHUAN"].name
    row = next(r for r in table.rows if r.cells[1].text == name)
    row.cells[3].paragraphs[0].text = str(int(row.cells[3].text) + 1)
    doc.save(bad)
    found = audit_document(bad, catalogue, zones.root, "annual", 2025, 2025, overview_rows)
    assert any(f"'{name}' năm 2025 in" in d for d in found) and any("overview" in d for d in found), found
