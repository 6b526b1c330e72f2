"""`nscl backfill` rebuilds past years from the raw archive and the receipts, even when the
inbox was emptied and the curated tables lost: same curated data, a new report version."""

from __future__ import annotations

import shutil

from nscl.cli import ops_cmds as ops_cli
from nscl.forms.sample import write_sample_data
from nscl.orchestration import pipeline

# A few of the sample workbooks (statistics office, accepted, rejected, a resubmission) keep it quick.
KEEP = {"TKHY", "SKHCN", "SNV", "UBND_X_TIENLU"}


def _sample(catalogue, zones, year):
    files = []
    for f in write_sample_data(catalogue, year, zones.inbox(year)):
        if f.agency_code in KEEP:
            files.append(f)
        else:
            f.path.unlink()
    return files


def _snapshot(zones, year):
    return {
        p.relative_to(zones.root): p.read_bytes()
        for folder in (zones.curated(year), zones.receipts(year), zones.archive)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_backfill_rebuilds_from_the_archive_after_the_inbox_is_emptied(zones, catalogue, capsys):
    files = _sample(catalogue, zones, 2022)
    first = ops_cli.run_stages(2022)
    before = _snapshot(zones, 2022)
    # The inbox is emptied and the curated tables are lost; the archive and receipts remain.
    shutil.rmtree(zones.inbox(2022))
    shutil.rmtree(zones.curated(2022))

    reports = ops_cli.backfill([2022], zones, runner=ops_cli.run_stages)

    assert _snapshot(zones, 2022) == before  # same curated data, receipts unchanged
    restored = sorted(p.name for p in zones.inbox(2022).rglob("*") if p.is_file())
    assert restored == sorted(f.path.name for f in files)
    for f in files:  # byte for byte, with the received time kept (lateness is unchanged)
        assert (zones.inbox(2022) / f.path.name).stat().st_mtime == f.received.timestamp()
    assert first.endswith("-v001.docx") and reports[2022].endswith("-v002.docx")
    assert "Năm 2022: khôi phục" in capsys.readouterr().out


def test_restore_is_idempotent_and_keeps_same_named_versions_apart(zones, catalogue):
    _sample(catalogue, zones, 2023)
    for path in sorted(zones.inbox(2023).iterdir()):
        pipeline.process_submission(str(path), 2023)
    assert ops_cli.restore_inbox(zones, 2023)["restored"] == 0  # everything is still there
    # A different file now sits where an archived one was received: both are kept.
    victim = sorted(zones.inbox(2023).iterdir())[0]
    original = victim.read_bytes()
    victim.write_bytes(b"not the archived bytes")
    counts = ops_cli.restore_inbox(zones, 2023)
    assert counts["restored"] == 1
    (copy,) = zones.inbox(2023).glob(f"{victim.stem}__*{victim.suffix}")
    assert copy.read_bytes() == original
    assert ops_cli.restore_inbox(zones, 2023)["restored"] == 0
