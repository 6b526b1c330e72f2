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
# Mounts that are not routes of the app: the page's own CSS and JavaScript, public on purpose
# (the login and error pages need them; nothing from the data folder is there).
PUBLIC_MOUNTS = {"/static"}


def app_routes() -> list[tuple[str, str]]:
    """(method, path template) of every route of the staff page, read from the app itself, so
    a route added later is checked without anyone adding it here."""
    from fastapi.routing import APIRoute
    from nscl.staff_page.app import create_app

    out = []
    for route in create_app().routes:
        if isinstance(route, APIRoute):
            out += [(m, route.path) for m in sorted(route.methods - {"HEAD"})]
        else:
            assert getattr(route, "path", None) in PUBLIC_MOUNTS, f"unexpected mount {route}"
    return out


ROUTES = app_routes()


def concrete(path: str, server) -> str:
    """The route's address with every parameter filled by something real on disk, so that a
    route that forgot its permission check would answer 200 with real content."""
    data = server.data_dir
    reports = sorted((data / "reports" / str(YEAR)).glob("*.docx"))
    rejected = next(p for p in sorted((data / "quarantine" / str(YEAR)).glob("*/feedback.json")))
    values = {
        "year": str(YEAR),
        "code": "SKHCN",
        "zone": "quarantine",
        "sha": rejected.parent.name,
        "kind": "final",  # a signed copy of a kind no other test makes: no year is locked by it
    }
    if path.startswith("/files/reports/"):
        values["name"] = reports[0].name
    if path.startswith("/reports/signed/"):  # a signed copy of record to serve (issue 23)
        import io

        from nscl.store import signed
        from nscl.store.archive import archive_stream
        from nscl.store.zones import Zones

        zones = Zones(data)
        if signed.current(zones, YEAR, "final") is None:
            sha, _ = archive_stream(zones, io.BytesIO(b"%PDF-1.7 ban da ky"))
            record = {"number": "1/BC-SKHCN", "date": f"{YEAR}-11-28", "sha256": sha, "by": "x", "at": ""}
            signed.add(zones, YEAR, "final", record)
    elif "{sha}" in path:
        values["name"] = rejected.name
    filled = path
    for key, value in values.items():
        filled = filled.replace("{" + key + "}", value)
    assert "{" not in filled, f"no real value for a parameter of {path}: add one in concrete()"
    return "/nscl" + filled


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


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "SAMEORIGIN",
}


def _has_security_headers(r) -> None:
    csp = r.headers.get("content-security-policy", "")
    assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp, (r.url, csp)
    for key, value in SECURITY_HEADERS.items():
        assert r.headers.get(key) == value, (r.url, key)


def test_routes_are_read_from_the_app():
    paths = {p for _, p in ROUTES}
    # A few the page cannot do without; the full list is whatever the app has.
    assert {"/", "/submissions", "/upload", "/files/reports/{year}/{name}", "/remind", "/withdraw"} <= paths
    assert len(ROUTES) >= 20


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_refuses_anonymous_and_unrelated_roles(staff_server, http, method, path):
    server, _ = staff_server
    url = concrete(path, server)
    if method == "GET":  # the address is real: staff get it
        ok = http.get(url, headers=_auth(server, "staff"))
        assert ok.status_code == 200, (url, ok.status_code, ok.text[:300])
        _has_security_headers(ok)
    before = _inbox_files(server)
    for headers in ({}, {"Accept": "text/html"}):
        r = http.request(method, url, headers=headers)
        if method == "GET" and headers and not path.startswith("/api/"):
            # A browser is sent to the login form, with the way back (a script's /api/ gets 401).
            assert r.status_code == 303, (method, url, r.status_code)
            assert r.headers["location"].startswith("/auth/login/?next=%2Fnscl%2F"), r.headers["location"]
        else:
            assert r.status_code == 401, (method, url, r.status_code)
        assert b"PK" not in r.content[:2] and b"%PDF" not in r.content[:4]
        _has_security_headers(r)
    r = http.request(method, url, headers=_auth(server, "other"))
    assert r.status_code == 403, (method, url, r.status_code)
    assert b"PK" not in r.content[:2] and b"%PDF" not in r.content[:4]
    assert _inbox_files(server) == before


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[0] == "POST"])
def test_changes_need_a_same_origin_request(staff_server, http, method, path):
    """With the login cookie (what a forged cross-site form would carry), a change must say it
    comes from this site: a foreign Origin, ``Origin: null`` and no word at all are refused."""
    server, _ = staff_server
    url = concrete(path, server)
    cookie = {"Cookie": f"_token={server.token('staff')}"}
    host = server.base.split("//", 1)[1]
    for extra in (
        {},
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": f"http://{host}"},
        {"Sec-Fetch-Site": "same-site"},
    ):
        r = http.post(url, headers={**cookie, **extra}, data={"year": str(YEAR)})
        assert r.status_code == 403, (url, extra, r.status_code)
    r = http.post(url, headers={**cookie, "Origin": f"http://{host}"}, data={"year": str(YEAR)})
    assert r.status_code != 403, (url, r.status_code, r.text[:200])


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
    # A read-only user may not change anything.
    for method, path in ROUTES:
        if method == "POST":
            r = http.post(concrete(path, server), headers=viewer, data={"year": str(YEAR)})
            assert r.status_code == 403, (path, r.status_code)
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
