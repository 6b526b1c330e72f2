"""Access to the staff page against a locally started Airflow API server: anonymous requests
are refused on every endpoint, permissions are the page's own (read / upload), downloads cannot
leave their folders, and uploads are size-limited and go through the normal intake."""

from __future__ import annotations

import io
import json
import os

import httpx
import pytest

YEAR = 2025
READ_ENDPOINTS = [
    "/nscl/",
    "/nscl/reports",
    f"/nscl/reports?year={YEAR}",
    f"/nscl/submissions?year={YEAR}",
    "/nscl/templates",
    "/nscl/api/me",
    "/nscl/api/reports",
    f"/nscl/api/submissions?year={YEAR}",
    f"/nscl/files/reports/{YEAR}/bao-cao-nam-{YEAR}-v001.docx",
    f"/nscl/files/reports/{YEAR}/bao-cao-nam-{YEAR}-v001.manifest.json",
    f"/nscl/files/templates/{YEAR}/SKHCN",
]


@pytest.fixture(scope="session")
def staff_server(catalogue):
    from ui.server import shared_server, stop_shared

    server, codes = shared_server(catalogue)
    yield server, codes
    stop_shared()


@pytest.fixture(scope="session")
def http(staff_server):
    server, _ = staff_server
    with httpx.Client(base_url=server.base, timeout=120, follow_redirects=False) as client:
        yield client


def _auth(server, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token(who)}"}


def _xlsx(catalogue, code: str) -> bytes:
    from nscl.forms.sample import fill_workbook
    from nscl.forms.workbook import save_reproducible

    buf = io.BytesIO()
    save_reproducible(fill_workbook(catalogue.expectation(YEAR, code), YEAR, catalogue), buf)
    return buf.getvalue()


def _inbox_files(server) -> set[str]:
    inbox = server.data_dir / "inbox" / str(YEAR)
    return {str(p.relative_to(server.data_dir)) for p in server.data_dir.rglob("*") if p.is_file()} | (
        {p.name for p in inbox.iterdir()} if inbox.exists() else set()
    )


@pytest.mark.parametrize("path", READ_ENDPOINTS)
def test_anonymous_is_refused(http, path):
    for headers in ({}, {"Accept": "text/html"}):
        r = http.get(path, headers=headers)
        assert r.status_code == 401, (path, r.status_code)
        assert b"PK" not in r.content[:2]


def test_anonymous_upload_is_refused_and_nothing_is_written(staff_server, http, catalogue):
    server, codes = staff_server
    before = _inbox_files(server)
    for path in ("/nscl/upload", "/nscl/api/upload"):
        r = http.post(
            path, data={"year": str(YEAR)}, files={"file": ("x.xlsx", _xlsx(catalogue, codes["upload"]))}
        )
        assert r.status_code == 401
    assert _inbox_files(server) == before


def test_forged_or_expired_tokens_are_refused(http):
    for token in ("not-a-jwt", "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiIxIn0.AAAA"):
        r = http.get("/nscl/api/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code in (401, 403)
        r = http.get("/nscl/api/me", cookies={"_token": token})
        assert r.status_code in (401, 403)


def test_permissions_are_the_pages_own(staff_server, http, catalogue):
    server, codes = staff_server
    # Staff: read and upload.
    assert http.get("/nscl/api/me", headers=_auth(server, "staff")).json() == {
        "user": "canbo",
        "can_upload": True,
    }
    # Read-only role: reads, but may not upload.
    viewer = _auth(server, "viewer")
    assert http.get("/nscl/api/me", headers=viewer).json()["can_upload"] is False
    assert http.get(f"/nscl/submissions?year={YEAR}", headers=viewer).status_code == 200
    assert http.get("/nscl/upload", headers=viewer).status_code == 403
    before = _inbox_files(server)
    r = http.post(
        "/nscl/api/upload",
        headers=viewer,
        data={"year": str(YEAR)},
        files={"file": ("x.xlsx", _xlsx(catalogue, codes["upload"]))},
    )
    assert r.status_code == 403
    assert _inbox_files(server) == before
    # Signed in to Airflow, but without the page's permission: nothing.
    other = _auth(server, "other")
    for path in READ_ENDPOINTS:
        assert http.get(path, headers=other).status_code == 403, path
    # The login cookie the browser gets works as well as the bearer token.
    r = http.get("/nscl/api/me", cookies={"_token": server.token("staff")})
    assert r.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/nscl/files/reports/{YEAR}/..%2F..%2Freceipts",
        f"/nscl/files/reports/{YEAR}/..%2F..%2Fcurated%2F{YEAR}%2Fsummary.json",
        f"/nscl/files/reports/{YEAR}/%2e%2e%2f%2e%2e%2fcurated%2f{YEAR}%2fsummary.json",
        f"/nscl/files/reports/{YEAR}/..%5C..%5Ccurated%5C{YEAR}%5Csummary.json",
        f"/nscl/files/reports/{YEAR}/%2Fetc%2Fpasswd",
        f"/nscl/files/reports/{YEAR}/bao-cao-nam-{YEAR}-v001.docx%00.json",
        f"/nscl/files/reports/{YEAR}/evil.docx",  # a symbolic link to a file outside the folder
        f"/nscl/files/reports/{YEAR}/.hidden.docx",
        "/nscl/files/reports/..%2F..%2Fetc/passwd",
        "/nscl/files/reports/1999/x.docx",
        f"/nscl/files/reports/{YEAR}/../../../etc/passwd",
        f"/nscl/files/quarantine/{YEAR}/..%2F..%2F/feedback.json",
        f"/nscl/files/receipts/{YEAR}/{'0' * 64}/x.json",  # only quarantine/ and replies/ are served
        f"/nscl/files/quarantine/{YEAR}/{'0' * 64}/..%2F..%2F..%2Fcurated%2F{YEAR}%2Fsummary.json",
        f"/nscl/files/templates/{YEAR}/..%2F..%2Fetc",
        f"/nscl/files/templates/{YEAR}/KHONG_CO",
    ],
)
def test_download_paths_cannot_escape(staff_server, http, path):
    server, _ = staff_server
    reports = server.data_dir / "reports" / str(YEAR)
    (reports / ".hidden.docx").write_bytes(b"hidden")
    evil = reports / "evil.docx"
    if not evil.is_symlink():
        evil.symlink_to(server.data_dir / "curated" / str(YEAR) / "summary.json")
    r = http.get(path, headers=_auth(server, "staff"))
    assert r.status_code in (400, 404, 422), (path, r.status_code)
    assert b'"status"' not in r.content and b"root:" not in r.content and b"hidden" != r.content


def test_upload_is_size_limited(staff_server, http):
    from ui.server import UPLOAD_LIMIT

    server, _ = staff_server
    before = _inbox_files(server)
    big = os.urandom(UPLOAD_LIMIT + 1024)
    r = http.post(
        "/nscl/api/upload",
        headers=_auth(server, "staff"),
        data={"year": str(YEAR)},
        files={"file": ("big.xlsx", big)},
    )
    assert r.status_code == 413
    assert "tối đa" in r.json()["detail"]
    assert _inbox_files(server) == before


def test_upload_from_another_site_is_refused(staff_server, http, catalogue):
    server, codes = staff_server
    r = http.post(
        "/nscl/upload",
        headers={**_auth(server, "staff"), "Origin": "https://evil.example"},
        data={"year": str(YEAR)},
        files={"file": ("x.xlsx", _xlsx(catalogue, codes["upload"]))},
    )
    assert r.status_code == 403


def test_upload_names_cannot_leave_the_inbox_and_bad_files_get_the_normal_checks(staff_server, http):
    server, _ = staff_server
    r = http.post(
        "/nscl/api/upload",
        headers=_auth(server, "staff"),
        data={"year": str(YEAR)},
        files={"file": ("../../../reports/2025/khong-phai-excel.xlsx", b"day khong phai tep Excel")},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["inbox_path"] == f"inbox/{YEAR}/khong-phai-excel.xlsx"
    assert not (server.data_dir / "reports" / str(YEAR) / "khong-phai-excel.xlsx").exists()
    # The same intake as any inbox file: archived, rejected with a Vietnamese message, quarantined.
    receipt = body["receipt"]
    assert receipt["status"] == "rejected" and receipt["errors"]
    sha = receipt["sha256"]
    assert (server.data_dir / "archive" / sha[:2] / sha).exists()
    assert (server.data_dir / "quarantine" / str(YEAR) / sha / "feedback.json").exists()
    on_disk = json.loads((server.data_dir / "receipts" / str(YEAR) / f"{sha}.json").read_text("utf-8"))
    assert on_disk["original_name"] == "khong-phai-excel.xlsx"
    sidecar = server.data_dir / "inbox" / str(YEAR) / ".khong-phai-excel.xlsx.upload.json"
    assert json.loads(sidecar.read_text("utf-8"))["uploader"] == "canbo"


def test_wrong_year_or_agency_is_refused(staff_server, http, catalogue):
    server, codes = staff_server
    for data in ({"year": "1999"}, {"year": "abc"}, {"year": str(YEAR), "agency": "../KHONG"}):
        r = http.post(
            "/nscl/api/upload",
            headers=_auth(server, "staff"),
            data=data,
            files={"file": ("x.xlsx", _xlsx(catalogue, codes["upload"]))},
        )
        assert r.status_code in (400, 404), (data, r.status_code)
