"""Running the stages twice never duplicates or loses data; a re-run writes a new report
version with the same content."""

from __future__ import annotations

import zipfile

from nscl.forms.sample import write_sample_data
from nscl.orchestration import pipeline


def _run(year):
    receipts = [pipeline.process_submission(p, year) for p in pipeline.list_inbox(year)]
    pipeline.consolidate(year)
    pipeline.compute_tfp(year)
    return receipts, pipeline.write_report(year)


def _snapshot(zones, year):
    return {
        p.relative_to(zones.root): p.read_bytes()
        for folder in (zones.curated(year), zones.receipts(year), zones.archive)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _document_xml(path):
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def test_second_run_changes_nothing_but_adds_a_report_version(zones, catalogue):
    write_sample_data(catalogue, 2023, zones.inbox(2023))
    receipts1, report1 = _run(2023)
    first = _snapshot(zones, 2023)
    receipts2, report2 = _run(2023)
    assert receipts1 == receipts2
    assert _snapshot(zones, 2023) == first
    assert report1.endswith("-v001.docx") and report2.endswith("-v002.docx")
    assert _document_xml(report1) == _document_xml(report2)


def test_a_late_file_changes_the_next_version_only(zones, catalogue):
    files = write_sample_data(catalogue, 2023, zones.inbox(2023))
    late = [f for f in files if f.agency_code == "SKHCN"][0]
    held = zones.root / "held.xlsx"  # not yet arrived
    late.path.rename(held)
    _, report1 = _run(2023)
    held.rename(late.path)
    _, report2 = _run(2023)
    assert _document_xml(report1) != _document_xml(report2)
    assert zones.reports(2023).joinpath(report1.rsplit("/", 1)[1]).exists()  # the earlier version stays
