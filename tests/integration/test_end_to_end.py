"""End to end: sample workbooks in, the annual DAG run by Airflow (dag.test on SQLite), the
report read back with python-docx and checked against the workbooks themselves."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import pytest
from docx import Document
from nscl.forms import workbook as wbm
from nscl.forms.sample import write_sample_data
from nscl.intake.normalise import parse_number
from openpyxl import load_workbook

REJECTING = {"negative", "text_in_number"}  # the sample mistakes a correct validator must reject


def expected_totals(files) -> dict[str, float]:
    """Per indicator, the sum over agencies of the latest acceptable workbook's values, read
    straight from the cells (independently of the pipeline's reader)."""
    latest = {}
    for f in sorted(files, key=lambda f: f.received):
        if f.mistake not in REJECTING:
            latest[f.agency_code] = f
    totals: dict[str, float] = defaultdict(float)
    for f in latest.values():
        wb = load_workbook(f.path, read_only=True, data_only=True)
        if wbm.SHEET_INDICATORS in wb.sheetnames:
            for row in wb[wbm.SHEET_INDICATORS].iter_rows(min_row=wbm.FIRST_DATA_ROW, values_only=True):
                code, value = row[1], row[7]
                if code:
                    number = wbm.DELIVERABLE_VALUES[value] if isinstance(value, str) else value
                    totals[code] = (
                        max(totals[code], number) if isinstance(value, str) else totals[code] + number
                    )
        wb.close()
    return dict(totals), latest


def organisations(files) -> set[str]:
    """The organisations the plan counts: distinct by tax code (else name), read from the
    enterprise sheets of the latest acceptable workbooks."""
    orgs = set()
    for f in expected_totals(files)[1].values():
        wb = load_workbook(f.path, read_only=True, data_only=True)
        if wbm.SHEET_ENTERPRISES in wb.sheetnames:
            for row in wb[wbm.SHEET_ENTERPRISES].iter_rows(min_row=wbm.FIRST_DATA_ROW, values_only=True):
                if row[1]:
                    orgs.add(str(row[2]) if row[2] else str(row[1]).casefold())
        wb.close()
    return orgs


def report_table(path) -> dict[str, list[str]]:
    """The indicator appendix by indicator code (the report names indicators, shows no codes)."""
    from nscl.plan.catalogue import default_catalogue

    by_name = {ind.name: code for code, ind in default_catalogue().indicators.items()}
    doc = Document(path)
    table = next(t for t in doc.tables if "Đánh giá 2021-2030" in [c.text for c in t.rows[0].cells])
    # the rows under the header, without the rule note across the last row
    rows = [r for r in table.rows[1:] if not r.cells[0].text.startswith("Ghi chú:")]
    return {by_name[r.cells[1].text]: [c.text for c in r.cells] for r in rows}


def as_number(text: str) -> float:
    if text == "—":
        return 0.0
    if text in wbm.DELIVERABLE_VALUES:
        return float(wbm.DELIVERABLE_VALUES[text])
    return parse_number(text)


@pytest.fixture(scope="module")
def annual_runs(tmp_path_factory, catalogue):
    import os

    from nscl.orchestration.airflow_run import run_annual
    from nscl.store.zones import Zones

    root = tmp_path_factory.mktemp("e2e") / "data"
    old = os.environ.get("NSCL_DATA_DIR")
    os.environ["NSCL_DATA_DIR"] = str(root)
    try:
        zones = Zones.default()
        files = {y: write_sample_data(catalogue, y, zones.inbox(y)) for y in (2024, 2025)}
        reports = {y: run_annual(y) for y in (2024, 2025)}
        yield zones, files, reports
    finally:
        if old is None:
            os.environ.pop("NSCL_DATA_DIR", None)
        else:
            os.environ["NSCL_DATA_DIR"] = old


def test_runs_succeed_and_leave_reports(annual_runs):
    zones, _, reports = annual_runs
    for year, path in reports.items():
        assert path is not None, f"the {year} run failed"
        assert path.startswith(str(zones.reports(year)))
        assert path.endswith(".docx")


def test_each_indicator_is_exactly_the_sum_of_accepted_workbooks(annual_runs, catalogue):
    _, files, reports = annual_runs
    year_totals = {y: expected_totals(files[y])[0] for y in files}
    rows = report_table(reports[2025])
    checked = 0
    for ind in catalogue.indicators.values():
        if ind.computed_by_pipeline:
            assert rows[ind.code][3] == "Đã thực hiện"  # TFP was computed this year
            continue
        codes = ind.components or (ind.code,)
        this_year = sum(year_totals[2025].get(c, 0.0) for c in codes)
        phase = sum(year_totals[y].get(c, 0.0) for y in (2024, 2025) for c in codes)
        if ind.is_deliverable:
            phase = max(year_totals[y].get(ind.code, 0.0) for y in (2024, 2025))
        if ind.counts_enterprises:  # distinct organisations, not support events
            this_year = len(organisations(files[2025]))
            phase = len(organisations(files[2024]) | organisations(files[2025]))
        row = rows[ind.code]
        assert as_number(row[3]) == pytest.approx(this_year), ind.code
        assert as_number(row[4]) == pytest.approx(phase), ind.code
        checked += 1
    assert checked >= 19
    assert sum(year_totals[2025].values()) > 10  # the sample really has figures to add up


def test_manifest_lists_the_submissions_used(annual_runs):
    _, files, reports = annual_runs
    manifest = json.loads(open(reports[2025].replace(".docx", ".manifest.json"), encoding="utf-8").read())
    _, latest = expected_totals(files[2025])
    used_2025 = {i["sha256"] for i in manifest["inputs"] if i["year"] == 2025}
    assert used_2025 == {hashlib.sha256(f.path.read_bytes()).hexdigest() for f in latest.values()}
    assert manifest["document_sha256"] == hashlib.sha256(open(reports[2025], "rb").read()).hexdigest()


def test_report_says_who_was_late_and_who_was_rejected(annual_runs, catalogue):
    _, files, reports = annual_runs
    doc = Document(reports[2025])
    table = next(
        t for t in doc.tables if t.rows[0].cells[0].text == "STT" and "Tình trạng" in t.rows[0].cells[2].text
    )
    states = {r.cells[1].text: r.cells[2].text for r in table.rows[1:]}
    late = {
        catalogue.agency(f.agency_code).name
        for f in files[2025]
        if f.received.date() > catalogue.deadline(2025)
    }
    rejected = {catalogue.agency(f.agency_code).name for f in files[2025] if f.mistake == "text_in_number"}
    assert late and all(states[name] == "Nộp muộn" for name in late - rejected)
    assert rejected and all(states[name] == "Bị trả lại, chờ sửa" for name in rejected)
    assert len(states) == len(catalogue.expected_reporters(2025))


def test_rejected_files_are_quarantined_with_feedback(annual_runs):
    zones, files, _ = annual_runs
    bad = [f for f in files[2025] if f.mistake in REJECTING]
    for f in bad:
        sha = hashlib.sha256(f.path.read_bytes()).hexdigest()
        feedback = json.loads((zones.quarantine(2025) / sha / "feedback.json").read_text(encoding="utf-8"))
        assert feedback["errors"] and feedback["errors"][0]["sheet"] == wbm.SHEET_INDICATORS
        assert (zones.archive / sha[:2] / sha).read_bytes() == f.path.read_bytes()


def test_nscl_review_runs_the_review_dag_and_prints_the_document(annual_runs, capsys):
    """``nscl review --from A --to B`` on the embedded Airflow: the mid-term review DAG over the
    curated data of those years (here 2024-2025, the years the annual runs curated)."""
    from nscl.cli.main import main

    zones, _, _ = annual_runs
    assert main(["review", "--from", "2024", "--to", "2025"]) == 0
    out = capsys.readouterr().out
    path = zones.reports(2025) / "so-ket-2024-2025-v001.docx"
    assert f"Báo cáo sơ kết 2024-2025: {path}" in out
    manifest = json.loads(path.with_suffix(".manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "mid-term" and manifest["years"] == [2024, 2025]
    assert "Sơ kết 02 năm (2024-2025)" in "\n".join(p.text for p in Document(path).paragraphs)
