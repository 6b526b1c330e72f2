"""The deployment's TLS proxy, tried for real: Caddy (Debian's package) with the compose file's
own deploy/Caddyfile in front of an Airflow API server started as compose starts it
(``--proxy-headers``, ``NSCL_COOKIE_SECURE=1``). Logging in through https sets the login cookie
and the session cookie ``Secure``; staff land on the staff page; its security headers come
through the proxy."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CADDY = shutil.which("caddy")

pytestmark = pytest.mark.skipif(CADDY is None, reason="Debian's caddy is not installed")


@pytest.fixture(scope="session")
def staff_server(catalogue):
    from ui.server import shared_server, stop_shared

    server, codes = shared_server(catalogue)
    yield server, codes
    stop_shared()


@pytest.fixture
def behind_proxy(staff_server, tmp_path):
    from ui.server import free_port, start_server, wait_ready

    shared, _ = staff_server
    api = start_server(
        shared.home, shared.data_dir, ("--proxy-headers",), {"NSCL_COOKIE_SECURE": "1"}, log_name="api-tls.log"
    )
    port = free_port()
    config = tmp_path / "Caddyfile"
    # The deployment's Caddyfile as it is, with test-only global options (no admin API, no
    # port 80, no change to the machine's trust store, storage in the test's folder).
    config.write_text(
        "{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n"
        f"\tstorage file_system {tmp_path / 'caddy'}\n}}\n"
        f"import {ROOT / 'deploy' / 'Caddyfile'}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "NSCL_SITE_ADDRESS": f"https://127.0.0.1:{port}",
        "NSCL_TLS": "internal",
        "NSCL_UPSTREAM": api.base.split("//", 1)[1],
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
    }
    log = open(tmp_path / "caddy.log", "wb")  # noqa: SIM115 - closed below
    caddy = subprocess.Popen(
        [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_ready(api)
        base = f"https://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/nscl/api/me", verify=False, timeout=10)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or caddy.poll() is not None:
                    raise RuntimeError((tmp_path / "caddy.log").read_text(errors="replace")[-3000:]) from None
                time.sleep(1)
        yield base
    finally:
        if caddy.poll() is None:
            os.killpg(caddy.pid, signal.SIGTERM)
            caddy.wait(timeout=20)
        log.close()
        api.stop()


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_login_through_the_tls_proxy_sets_secure_cookies(behind_proxy):
    base = behind_proxy
    with httpx.Client(base_url=base, verify=False, timeout=60, follow_redirects=False) as client:
        page = client.get("/auth/login/")
        assert page.status_code == 200 and "Đăng nhập" in page.text
        assert "Secure" in _set_cookies(page)["session"]
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        r = client.post(
            "/auth/login/",
            data={"username": "canbo", "password": "Canbo-2025!", "csrf_token": csrf},
            headers={"Origin": base, "Referer": f"{base}/auth/login/"},
        )
        assert r.status_code in (302, 303), r.text[:500]
        assert r.headers["location"] == "/nscl/"
        cookies = _set_cookies(r)
        assert "Secure" in cookies["_token"] and "HttpOnly" in cookies["_token"]
        assert "Secure" in cookies["session"]
        staff = client.get("/nscl/")
        assert staff.status_code == 200 and "Tổng quan" in staff.text
        assert "frame-ancestors 'self'" in staff.headers["content-security-policy"]
        assert staff.headers["strict-transport-security"].startswith("max-age=")
