"""The staff page's file-name and path helpers, without a server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture(scope="module")
def page():
    from nscl.staff_page import queries, uploads

    return SimpleNamespace(
        clean_filename=uploads.clean_filename, unique_path=uploads.unique_path, safe_child=queries.safe_child
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("NSCL_2025_SKHCN.xlsx", "NSCL_2025_SKHCN.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\báo cáo.xlsx", "báo cáo.xlsx"),
        ("/abs/path/x.xlsx", "x.xlsx"),
        (".hidden.xlsx", "hidden.xlsx"),
        ("..", "tep-tai-len"),
        ("", "tep-tai-len"),
        ("a\x00b\nc.xlsx", "abc.xlsx"),
        ("Báo cáo năm 2025.xlsx", "Báo cáo năm 2025.xlsx"),
        ("x<script>.xlsx", "x_script_.xlsx"),
    ],
)
def test_clean_filename(page, raw, clean):
    assert page.clean_filename(raw) == clean


def test_clean_filename_is_nfc_and_bounded(page):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Báo cáo Sở Tài chính.xlsx")
    assert page.clean_filename(nfd) == unicodedata.normalize("NFC", nfd)
    assert len(page.clean_filename("a" * 500 + ".xlsx")) <= 150


def test_safe_child(page, tmp_path):
    from fastapi import HTTPException

    base = tmp_path / "reports" / "2025"
    base.mkdir(parents=True)
    (base / "r.docx").write_bytes(b"x")
    (tmp_path / "secret.docx").write_bytes(b"s")
    (base / "link.docx").symlink_to(tmp_path / "secret.docx")
    assert page.safe_child(base, "r.docx", (".docx",)) == (base / "r.docx").resolve()
    for name in (
        "../secret.docx",
        "link.docx",
        "",
        ".",
        "..",
        "r.docx/..",
        "a\\b.docx",
        "r.pdf",
        "nope.docx",
    ):
        with pytest.raises(HTTPException):
            page.safe_child(base, name, (".docx",))


def test_unique_path_never_overwrites(page, tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"1")
    assert page.unique_path(tmp_path, "a.xlsx").name == "a-2.xlsx"
    assert page.unique_path(tmp_path, "b.xlsx").name == "b.xlsx"


def test_plugin_registers_app_and_nav_entry():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "plugins" / "nscl_staff_page.py"
    spec = importlib.util.spec_from_file_location("nscl_staff_page_plugin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin = module.NsclStaffPagePlugin
    assert plugin.fastapi_apps[0]["url_prefix"] == "/nscl"
    view = plugin.external_views[0]
    assert view["name"] == "Báo cáo NSCL" and not view["href"].startswith("/")


# ---- parameters, origin checks, overdue days, exports, withdrawals ----------------------------


@pytest.mark.parametrize("raw", ["abc", "20x5", "1999", "2031", "-2025", "2025.0", " 20 25"])
def test_bad_years_are_refused_in_vietnamese(raw):
    from fastapi import HTTPException
    from nscl.staff_page.common import parse_year

    with pytest.raises(HTTPException) as info:
        parse_year(raw)
    assert info.value.status_code in (400, 404)
    assert "năm" in info.value.detail.lower() or "Năm" in info.value.detail


def test_good_years_and_the_fallback():
    from nscl.staff_page.common import parse_year

    assert parse_year("2025") == 2025 and parse_year(" 2021 ") == 2021
    assert parse_year(None, 2024) == 2024 and parse_year("", 2030) == 2030


class _Req:
    def __init__(self, method="POST", **headers):
        self.method = method
        self.headers = {k.replace("_", "-").lower(): v for k, v in headers.items()}


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"sec_fetch_site": "same-origin"}, True),
        ({"sec_fetch_site": "same-site"}, False),
        ({"sec_fetch_site": "cross-site", "origin": "http://h:8080", "host": "h:8080"}, False),
        ({"origin": "http://h:8080", "host": "h:8080"}, True),
        ({"origin": "https://h:8080", "host": "h:8080"}, True),
        ({"origin": "http://evil:8080", "host": "h:8080"}, False),
        ({"origin": "null", "host": "h:8080"}, False),
        ({"host": "h:8080"}, False),
        ({"host": "h:8080", "authorization": "Bearer x"}, True),  # a script, says nothing
        ({"host": "h:8080", "authorization": "Bearer x", "origin": "null"}, False),
    ],
)
def test_same_origin_rule(headers, allowed):
    from fastapi import HTTPException
    from nscl.staff_page.auth import check_same_origin

    request = _Req(**headers)
    if allowed:
        check_same_origin(request)
    else:
        with pytest.raises(HTTPException) as info:
            check_same_origin(request)
        assert info.value.status_code == 403
    check_same_origin(_Req("GET"))  # reading is never refused here


def test_overdue_days():
    import datetime as dt

    from nscl.staff_page.queries import overdue_days

    deadline = dt.date(2025, 11, 30)
    assert overdue_days("missing", None, deadline, dt.date(2025, 11, 30)) == 0
    assert overdue_days("missing", None, deadline, dt.date(2025, 12, 1)) == 1
    assert overdue_days("rejected", "2025-11-20T09:00:00+07:00", deadline, dt.date(2025, 12, 10)) == 10
    # Late: counted up to the day the file came (in Vietnam time), at least one day.
    assert overdue_days("late", "2025-12-02T23:30:00+07:00", deadline, dt.date(2026, 3, 1)) == 2
    assert overdue_days("late", "2025-11-30T17:30:00+00:00", deadline, dt.date(2026, 3, 1)) == 1
    assert overdue_days("on_time", "2025-11-01T09:00:00+07:00", deadline, dt.date(2026, 3, 1)) == 0


def test_status_export_never_writes_a_formula(tmp_path):
    import zipfile

    from nscl.staff_page.exports import status_workbook
    from openpyxl import load_workbook

    hostile = ['=HYPERLINK("http://x";"Bấm")', "+84 912", "-1+1", "@SUM(A1)"]
    status = {
        "year": 2025,
        "agencies": [
            {"agency_code": f"A{i}", "agency_name": text, "state": "missing", "latest": None, "overdue_days": 3}
            for i, text in enumerate(hostile)
        ],
    }
    data = status_workbook(status, {"A0": ["=cmd|' /C calc'!A0"]}, {})
    path = tmp_path / "s.xlsx"
    path.write_bytes(data)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    sheet = load_workbook(path).active
    assert [sheet.cell(r, 2).value for r in range(2, 6)] == hostile
    assert all(sheet.cell(r, 2).data_type == "s" for r in range(2, 6))
    assert sheet.cell(2, 9).value == "=cmd|' /C calc'!A0" and sheet.cell(2, 9).data_type == "s"
    assert sheet.cell(2, 4).value == 3


def test_withdrawal_is_recorded_and_honoured(tmp_path):
    from nscl.consolidate.status import select_submissions
    from nscl.store import withdrawals
    from nscl.store.zones import Zones

    z = Zones(tmp_path)
    a, b = "a" * 64, "b" * 64
    receipts = [
        {"sha256": a, "agency_code": "X", "status": "accepted", "received_at": "2025-11-01T00:00:00+07:00"},
        {"sha256": b, "agency_code": "X", "status": "accepted", "received_at": "2025-12-01T00:00:00+07:00"},
    ]
    assert select_submissions(receipts)["X"]["sha256"] == b
    first = withdrawals.withdraw(z, 2025, b, "canbo", "tải nhầm")
    assert withdrawals.withdraw(z, 2025, b, "khac", "lần hai") == first  # once
    assert withdrawals.withdrawn(z, 2025) == {b}
    assert select_submissions(receipts, withdrawals.withdrawn(z, 2025))["X"]["sha256"] == a
    restored = withdrawals.restore(z, 2025, b, "canbo")
    assert restored and restored["restored_by"] == "canbo"
    assert withdrawals.withdrawn(z, 2025) == set()
    assert len(withdrawals.load(z, 2025)) == 1  # the record stays
    with pytest.raises(ValueError):
        withdrawals.path_of(z, 2025, "../x")


def test_how_a_file_came_from_its_sidecar(tmp_path):
    import json

    from nscl.staff_page.queries import origin_of
    from nscl.store.zones import Zones

    z = Zones(tmp_path)
    inbox = z.inbox(2025)
    inbox.mkdir(parents=True)
    (inbox / ".a.xlsx.mail.json").write_text(
        json.dumps({"email": {"sender": "vanthu@syt.example.vn", "subject": "Báo cáo NSCL 2025",
                              "date": "2025-11-28T08:15:00+07:00"}}), encoding="utf-8")
    (inbox / ".b.xlsx.upload.json").write_text(
        json.dumps({"uploader": "canbo", "uploaded_at": "2025-12-01T02:00:00+00:00", "note": "qua Zalo"}),
        encoding="utf-8")
    mail = origin_of(z, 2025, {"inbox_path": "inbox/2025/a.xlsx"})
    assert mail == {"via": "email", "sender": "vanthu@syt.example.vn", "subject": "Báo cáo NSCL 2025",
                    "when": "28/11/2025 08:15", "replies": [], "flags": []}  # no message state on file
    upload = origin_of(z, 2025, {"inbox_path": "b.xlsx"})  # as receipts record it
    assert upload["via"] == "upload" and upload["uploader"] == "canbo" and upload["note"] == "qua Zalo"
    assert upload["when"] == "01/12/2025 09:00"  # shown in Vietnam time
    assert origin_of(z, 2025, {"inbox_path": "inbox/2025/c.xlsx"}) is None
