"""The store's one receipts loader and the one status computation, without a workbook: receipts
are written by hand here, so every expectation is the test's own."""

from __future__ import annotations

import json

from nscl.consolidate.status import select_submissions, status_of, year_status
from nscl.store.receipts import load_receipts, receipt_path
from nscl.store.zones import Zones

YEAR = 2025


def receipt(sha: str, code: str | None, status: str, when: str, late: bool = False, kind: str | None = "agency"):
    return {
        "sha256": sha * 64 if len(sha) == 1 else sha,
        "year": YEAR,
        "original_name": f"{code}-{sha}.xlsx",
        "inbox_path": f"{code}-{sha}.xlsx",
        "received_at": when,
        "late": late,
        "agency_code": code,
        "status": status,
        "kind": kind,
        "errors": [] if status == "accepted" else [{"severity": "error", "sheet": "Chỉ tiêu", "cell": "D5", "expected": "một số"}],
        "warnings": [],
    }


def write(zones: Zones, r: dict) -> None:
    path = receipt_path(zones, YEAR, r["sha256"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(r), encoding="utf-8")


def test_a_damaged_receipt_is_named_not_fatal(tmp_path):
    zones = Zones(tmp_path)
    write(zones, receipt("a", "SKHCN", "accepted", "2025-11-20T09:00:00+07:00"))
    (zones.receipts(YEAR) / ("b" * 64 + ".json")).write_text('{"sha256": "bbb', encoding="utf-8")
    (zones.receipts(YEAR) / ("c" * 64 + ".json")).write_text("[1, 2]", encoding="utf-8")
    damaged: list[str] = []
    got = load_receipts(zones, YEAR, damaged)
    assert [r["sha256"] for r in got] == ["a" * 64]
    assert sorted(damaged) == sorted(f"receipts/{YEAR}/{x * 64}.json" for x in "bc")


def test_latest_accepted_counts_not_the_first():
    rs = [
        receipt("1", "SCT", "accepted", "2025-11-01T08:00:00+07:00"),
        receipt("2", "SCT", "rejected", "2025-11-10T08:00:00+07:00"),
        receipt("3", "SCT", "accepted", "2025-11-20T08:00:00+07:00"),
        receipt("4", "SCT", "rejected", "2025-11-25T08:00:00+07:00"),
    ]
    assert select_submissions(reversed(rs))["SCT"]["sha256"] == "3" * 64


class _Agency:
    def __init__(self, code: str, name: str):
        self.code, self.name = code, name


class _Exp:
    def __init__(self, code: str, name: str):
        self.agency = _Agency(code, name)


def test_states_and_counts():
    expected = [_Exp("A", "Sở A"), _Exp("B", "Sở B"), _Exp("C", "Sở C"), _Exp("D", "Sở D")]
    rs = [
        receipt("1", "A", "accepted", "2025-11-20T08:00:00+07:00"),
        receipt("2", "B", "accepted", "2025-12-03T08:00:00+07:00", late=True),
        receipt("3", "C", "rejected", "2025-11-21T08:00:00+07:00"),
        receipt("4", None, "rejected", "2025-11-22T08:00:00+07:00", kind=None),
    ]
    st = status_of(YEAR, rs, [], expected)
    assert {a["agency_code"]: a["state"] for a in st["agencies"]} == {
        "A": "on_time",
        "B": "late",
        "C": "rejected",
        "D": "missing",
    }
    assert st["counts"] == {"on_time": 1, "late": 1, "rejected": 1, "missing": 1}
    outcomes = {f["sha256"][0]: f["outcome"] for f in st["files"]}
    assert outcomes == {"1": "accepted", "2": "accepted", "3": "rejected", "4": "unreadable"}


def test_year_status_reads_the_store(tmp_path, catalogue):
    zones = Zones(tmp_path)
    code = catalogue.expected_reporters(YEAR)[0].agency.code
    write(zones, receipt("e", code, "accepted", "2025-11-20T09:00:00+07:00"))
    (zones.receipts(YEAR) / ("f" * 64 + ".json")).write_text("not json", encoding="utf-8")
    st = year_status(YEAR, zones, catalogue)
    assert st["damaged"] == [f"receipts/{YEAR}/{'f' * 64}.json"]
    state = {a["agency_code"]: a["state"] for a in st["agencies"]}
    assert state[code] == "on_time"
    assert st["counts"]["missing"] == st["expected"] - 1
