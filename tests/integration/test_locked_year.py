"""A signed year is locked, through the annual DAG on the embedded Airflow: a file arriving after
the report was signed is received, archived and answered as always and listed as received after
signing, and the run's report task is skipped, saying why, so no signed figure changes (no new
version); after staff reopen the year, the next run writes a new version."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from nscl.forms.sample import write_sample_data
from nscl.orchestration.airflow_run import DAG_FILE, DAG_ID, load_dag, report_of
from nscl.settings import LOCAL_TZ
from nscl.store import editorial, signed
from nscl.store.archive import archive_stream
from nscl.store.receipts import read_receipt
from nscl.store.zones import Zones

YEAR = 2025


def run(year: int):
    """One annual run; (the report path or None, the state of its report task)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    dag_run = load_dag(DAG_ID, DAG_FILE).test(run_conf={"year": year})
    with create_session() as session:
        state = session.scalar(
            select(TaskInstance.state).where(
                TaskInstance.dag_id == DAG_ID,
                TaskInstance.run_id == dag_run.run_id,
                TaskInstance.task_id == "write_report",
            )
        )
    return (
        report_of(dag_run),
        str(getattr(state, "value", state)),
        str(getattr(dag_run.state, "value", dag_run.state)),
    )


@pytest.fixture
def zones(tmp_path, monkeypatch):
    monkeypatch.setenv("NSCL_DATA_DIR", str(tmp_path / "data"))
    return Zones.default()


def test_a_late_file_changes_no_signed_figure(zones, catalogue, tmp_path):
    sample = write_sample_data(catalogue, YEAR, zones.inbox(YEAR))
    first, state, _ = run(YEAR)
    assert first is not None and state == "success"
    # the clerk's signed copy of record (the checks of the PDF are tested in tests/e2e)
    sha, _ = archive_stream(zones, io.BytesIO(b"%PDF-1.7 ban da ky"))
    at = dt.datetime.now(LOCAL_TZ).isoformat(timespec="seconds")
    signed.add(
        zones,
        YEAR,
        "annual",
        {"number": "123/BC-SKHCN", "date": f"{YEAR}-11-28", "sha256": sha, "by": "x", "at": at},
    )
    versions = sorted(zones.reports(YEAR).glob("*.docx"))

    # a resubmission after signing, under a new name (a new version of an agency's file)
    late = zones.inbox(YEAR) / "bo-sung-sau-khi-ky.xlsx"
    shutil.copy(sample[0].path, tmp_path / "x.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "x.xlsx")
    wb.properties.title = "nộp lại"
    first_count = next(r for r in range(5, 30) if isinstance(wb["Chỉ tiêu"].cell(row=r, column=8).value, int))
    wb["Chỉ tiêu"].cell(row=first_count, column=8).value += 7  # a figure that differs from the signed one
    wb.save(late)
    from nscl.store.curated import load_table

    signed_figures = load_table(zones, YEAR, "indicator_values")
    report, state, dag_state = run(YEAR)
    # the late file is consolidated into nothing: the year's tables are still the signed figures
    assert load_table(zones, YEAR, "indicator_values").equals(signed_figures)
    assert report is None and state == "skipped" and dag_state == "success"
    assert sorted(zones.reports(YEAR).glob("*.docx")) == versions  # no new version
    from nscl.store.archive import sha256_file

    late_sha = sha256_file(late)
    receipt = read_receipt(zones, YEAR, late_sha)
    assert receipt is not None  # received and archived as always
    assert (zones.replies(YEAR) / late_sha).is_dir() or (
        zones.quarantine(YEAR) / late_sha
    ).is_dir()  # answered
    from nscl.consolidate.status import year_status

    after = signed.received_after(
        signed.lock(zones, YEAR), list(year_status(YEAR, zones, catalogue)["files"])
    )
    assert [f["sha256"] for f in after] == [late_sha]

    editorial.reopen(zones, YEAR, "annual", "Lập báo cáo bổ sung số liệu", "Trần Thị B")
    report, state, _ = run(YEAR)
    assert report is not None and state == "success"
    assert not load_table(zones, YEAR, "indicator_values").equals(signed_figures)  # reopened: it counts
    assert len(sorted(zones.reports(YEAR).glob("*.docx"))) == len(versions) + 1
