"""The pure parts of the intake and the consolidation, without a disk: ``curate`` (curated
rows and the summary from receipts and staged data), ``build_receipt`` and ``cap_issues``,
``own_file`` (what in an inbox is the project's own), and the formula guard of every writer
(``nscl.store.cells``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from nscl.consolidate.tables import curate
from nscl.intake.inbox import InboxFile, own_file
from nscl.intake.process import Arrival, build_receipt, cap_issues
from nscl.store.cells import FORMULA_TRIGGERS, escape_csv_text, text, unescape_csv_text

YEAR = 2025
TZ = dt.timezone(dt.timedelta(hours=7))


def _receipt(sha, code, when, status="accepted", kind="agency"):
    return {
        "sha256": sha,
        "agency_code": code,
        "original_name": f"{sha}.xlsx",
        "received_at": dt.datetime(YEAR, 11, when, 9, tzinfo=TZ).isoformat(),
        "late": False,
        "status": status,
        "kind": kind,
        "errors": [],
        "warnings": [],
    }


def _staged(value, budget):
    return {
        "kind": "agency",
        "indicators": [{"code": "DN_HOTRO", "value": value}],
        "tasks": [],
        "enterprises": [],
        "budget": {"provincial": budget},
        "narrative": {"achievements": '=HYPERLINK("x")'},
    }


def test_curate_uses_each_agencys_latest_accepted_file(catalogue):
    receipts = [
        _receipt("b" * 64, "SCT", 20),  # later, hash sorts after
        _receipt("a" * 64, "SCT", 10),
        _receipt("c" * 64, "SYT", 12, status="rejected"),
    ]
    staged = {"b" * 64: _staged(5, 100.0), "a" * 64: _staged(3, 40.0)}
    tables, summary = curate(YEAR, receipts, staged, catalogue.expected_reporters(YEAR))
    rows, columns = tables["indicator_values"]
    assert [(r["agency_code"], r["value"], r["sha256"]) for r in rows] == [("SCT", 5, "b" * 64)]
    assert set(rows[0]) <= set(columns)
    assert [r["value"] for r in tables["budget"][0]] == [100.0]
    states = {r["sha256"][0]: r["state"] for r in tables["submissions"][0]}
    assert states == {"a": "superseded", "b": "used", "c": "rejected"}
    assert summary["used"] == ["b" * 64] and summary["used_versions"]["SCT"]["version"] == 2
    status = {s["agency_code"]: s["state"] for s in summary["status"]}
    assert status["SCT"] == "on_time" and status["SYT"] == "rejected"
    assert summary["received_files"] == 3 and summary["accepted_agencies"] == 1


def _arrival(name="bao-cao.xlsx", folder="SCT"):
    entry = InboxFile(f"/inbox/{folder}/{name}", f"{folder}/{name}", 10, None)
    return Arrival("d" * 64, 10, entry, Path("/nowhere"), None, ())


def _outcome(n_errors, n_warnings=0):
    def issue(severity, i):
        return SimpleNamespace(severity=severity, to_dict=lambda: {"severity": severity, "n": i})

    issues = [issue("error", i) for i in range(n_errors)] + [issue("warning", i) for i in range(n_warnings)]
    return SimpleNamespace(
        agency_code="SCT",
        template_version="2026.1",
        kind="agency",
        status="rejected" if n_errors else "accepted",
        code="invalid" if n_errors else "accepted",
        message=f"Có {n_errors} lỗi",
        issues=issues,
        conversions=["x"],
    )


def test_build_receipt_lists_the_first_errors_and_counts_them_all(catalogue):
    received = dt.datetime(YEAR, 12, 1, 8, tzinfo=TZ)  # after the 30 November deadline
    r = build_receipt(
        _arrival(),
        YEAR,
        _outcome(250, 3),
        catalogue,
        inbox_agency="SCT",
        safe="bao-cao.xlsx",
        notes=["Tên tệp: n"],
        first_seen_at="t",
        aliases=[],
        received=received,
        max_issues=200,
    )
    assert len(r["errors"]) == 200 and r["errors"][0]["n"] == 0 and r["errors_total"] == 250
    assert len(r["warnings"]) == 1 and r["warnings_total"] == 3
    assert r["late"] is True and r["agency_name"] == "Sở Công Thương"
    assert r["conversions"] == ["Tên tệp: n", "x"] and r["inbox_path"] == "SCT/bao-cao.xlsx"
    small = build_receipt(
        _arrival(),
        YEAR,
        _outcome(2),
        catalogue,
        inbox_agency="SCT",
        safe="b.xlsx",
        notes=[],
        first_seen_at="t",
        aliases=[],
        received=received - dt.timedelta(days=2),
        max_issues=200,
    )
    assert "errors_total" not in small and small["late"] is False


def test_cap_issues():
    assert cap_issues([1, 2, 3], 2) == ([1, 2], 1)
    assert cap_issues([1, 2], 2) == ([1, 2], 0)


def test_own_files_in_an_inbox():
    now = dt.datetime(YEAR, 11, 1, 12, tzinfo=TZ)
    old, fresh = now - dt.timedelta(hours=2), now - dt.timedelta(minutes=5)
    present = {"a.xlsx", ".a.xlsx.upload.json", "SCT/b.xlsx", "SCT/.b.xlsx.mail.json", ".c.xlsx.upload.json"}
    assert own_file(".a.xlsx.upload.json", present, old, now)
    assert own_file("SCT/.b.xlsx.mail.json", present, old, now)
    assert not own_file(".c.xlsx.upload.json", present, old, now)  # orphaned an hour: a received file
    assert own_file(".c.xlsx.upload.json", present, fresh, now)  # its upload may still be on the way
    assert own_file(".a.xlsx.Xy12.tmp", present, fresh, now) and not own_file(
        ".a.xlsx.Xy12.tmp", present, old, now
    )
    for name in (".bao-cao.xlsx", "~$bao-cao.xlsx", "._bao-cao.xlsx", "a.xlsx"):
        assert not own_file(name, present, fresh, now), name


@given(st.text())
def test_csv_text_round_trips_and_never_starts_a_formula(value):
    escaped = escape_csv_text(value)
    assert unescape_csv_text(escaped) == value
    assert not escaped.startswith(FORMULA_TRIGGERS)


def test_formula_text_stays_text_in_a_workbook():
    from openpyxl import Workbook

    ws = Workbook().active
    cell = text(ws["A1"], '=HYPERLINK("http://x";"Bấm")')
    assert cell.data_type == "s" and cell.value.startswith("=")
    assert text(ws["A2"], "tên\x07tệp").value == "tên\ufffdtệp"
    assert text(ws["A3"], 12).value == 12
