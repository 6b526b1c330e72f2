"""A small data folder for the staff page's tests: one agency on time, one rejected, the rest
missing, and a real annual report (v001) with its manifest, built by the pipeline's own stages."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2025
RUN_ENV = {"AIRFLOW_CTX_DAG_ID": "nscl_annual_report", "AIRFLOW_CTX_DAG_RUN_ID": "manual__2025-11-30T10:00:00+00:00"}


def write_workbook(
    catalogue, year: int, code: str, path: Path, mistake: str | None = None, when=None
) -> Path:
    from nscl.forms.sample import fill_workbook
    from nscl.forms.workbook import save_reproducible

    wb = fill_workbook(catalogue.expectation(year, code), year, catalogue, mistake)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_reproducible(wb, path)
    if when is not None:
        os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def agencies_for_test(catalogue, year: int = YEAR) -> dict[str, str]:
    """Codes of three agencies with indicators: on time, rejected, and one left for the upload."""
    reporters = [e for e in catalogue.expected_reporters(year) if not e.tfp_inputs and e.indicators]
    return {
        "on_time": reporters[0].agency.code,
        "rejected": reporters[1].agency.code,
        "upload": reporters[2].agency.code,
    }


def build(root: Path, catalogue, year: int = YEAR) -> dict[str, str]:
    """Fill ``root`` (a data folder) and return the agency codes used."""
    from nscl.orchestration import pipeline
    from nscl.store.zones import Zones

    zones = Zones(Path(root))
    codes = agencies_for_test(catalogue, year)
    before = dt.datetime(year, 11, 20, 9, 30, tzinfo=TZ)
    inbox = zones.inbox(year)
    files = [
        write_workbook(
            catalogue, year, codes["on_time"], inbox / f"NSCL_{year}_{codes['on_time']}.xlsx", None, before
        ),
        write_workbook(
            catalogue,
            year,
            codes["rejected"],
            inbox / f"NSCL_{year}_{codes['rejected']}.xlsx",
            "text_in_number",
            before + dt.timedelta(days=1),
        ),
    ]
    # Where the page's one-click e-mails go (the deployment's contacts.yaml).
    (Path(root) / "contacts.yaml").write_text(
        "".join(f"{c}: vanthu.{c.lower()}@example.vn\n" for c in codes.values()), encoding="utf-8"
    )
    for f in files:
        pipeline.process_submission(str(f), year, zones, catalogue)
    pipeline.consolidate(year, zones, catalogue)
    pipeline.compute_tfp(year, zones)
    # As a DAG run writes it (the task runner exports these), so the page links the run.
    saved = {k: os.environ.get(k) for k in RUN_ENV}
    os.environ.update(RUN_ENV)
    try:
        pipeline.write_report(year, zones, catalogue)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return codes
