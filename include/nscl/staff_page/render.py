"""The page's HTML: Jinja templates (``templates/``, shipped as package data),
``render(request, template, **ctx)``, the Vietnamese error pages, and the security headers
every response carries."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from nscl.labels import STATE_LABELS, STATE_ORDER
from nscl.staff_page import auth
from nscl.staff_page.common import (
    DAY_PATTERN,
    FIRST_YEAR,
    LAST_YEAR,
    PAGE_TITLE,
    TZ_NAME,
    URL_PREFIX,
    current_year,
    fmt_time,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = TEMPLATES / "static"

# No inline script or style anywhere: the page's CSS and JS are files under /nscl/static/.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


_CHECK_ID = re.compile(r"\s*\[[a-z_]+:[^\]\s]*\]")


def staff_words(text: str) -> str:
    """A line for staff without the technical id of a check ("Kiểm tra chưa xử lý
    [contradiction:2025:I.4]: ..." -> "Kiểm tra chưa xử lý: ..."); operators find the id in the
    page's source and on the command line."""
    return _CHECK_ID.sub("", str(text or ""))


def fmt_date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value or "")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vn_time"] = fmt_time  # dd/mm/yyyy HH:MM, Vietnam time, as every tab shows times
    env.filters["vn_date"] = fmt_date  # dd/mm/yyyy of a YYYY-MM-DD date
    env.filters["plain"] = staff_words  # a check's line without its technical id
    env.globals["day_pattern"] = DAY_PATTERN  # what a date field accepts (``common.parse_day``)
    env.globals.update(
        page_title=PAGE_TITLE,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
        state_labels={k: STATE_LABELS[k] for k in STATE_ORDER},
        tz_name=TZ_NAME,
    )
    return env


ENV = _env()

# Tabs in order: (id, label, needs write permission). A module adding a tab appends here.
TABS: list[tuple[str, str, bool]] = [
    ("overview", "Tổng quan", False),
    ("submissions", "Tình hình nộp báo cáo", False),
    ("reports", "Báo cáo", False),
    ("upload", "Tải tệp lên", True),
    ("templates", "Biểu mẫu trắng", False),
    ("editorial", "Biên tập báo cáo", False),
    ("direction", "Công tác chỉ đạo", False),
    ("settings", "Cài đặt", False),
]


def page_context(request: Request) -> dict[str, Any]:
    user = getattr(request.state, "nscl_user", None)
    can_write = False
    if user is not None:
        try:
            can_write = auth.is_allowed(user, True)
        except Exception:  # noqa: BLE001 - a page still renders without the write tabs
            can_write = False
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return {
        "user_name": auth.user_name(user) if user is not None else None,
        "can_upload": can_write,
        "tabs": [t for t in TABS if can_write or not t[2]] if user is not None else [],
        "root": root,
        "logout_url": airflow_root(root) + auth.LOGOUT_PATH,
        "can_see_runs": user is not None and auth.can_see_runs(user),
    }


def airflow_root(root: str) -> str:
    """The Airflow server's own prefix, from the page's mount point (``<base>/nscl``)."""
    return root[: -len(URL_PREFIX)] if root.endswith(URL_PREFIX) else root


def render(
    request: Request, template: str, status_code: int = 200, headers: Any = None, **ctx: Any
) -> HTMLResponse:
    """The template with the page's frame (tabs, user, year) around it."""
    full = {**page_context(request), **ctx}
    full.setdefault("year", current_year())
    full.setdefault("tab_label", dict((t[0], t[1]) for t in TABS).get(full.get("tab") or ""))
    return HTMLResponse(ENV.get_template(template).render(**full), status_code=status_code, headers=headers)


SIGNED_OUT = {"Not authenticated", "Not Authenticated", "Token Expired", "Invalid JWT token"}
SESSION_ENDED = "Phiên đăng nhập đã kết thúc (đã đăng xuất hoặc đã hết hạn). Hãy đăng nhập lại."
MESSAGES = {
    401: "Bạn cần đăng nhập để xem trang này.",
    404: "Không tìm thấy nội dung yêu cầu.",
    405: "Thao tác này không được hỗ trợ ở địa chỉ này.",
}


def wants_html(request: Request) -> bool:
    return "/api/" not in request.url.path and (
        "text/html" in request.headers.get("accept", "") or request.method == "GET"
    )


async def resolve_user(request: Request) -> None:
    """For an error page of an address no route matched: who is it, so the tabs show."""
    if getattr(request.state, "nscl_user", None) is not None:
        return
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else request.cookies.get("_token")
    if not token:
        return
    try:
        user = await auth.auth_manager().get_user_from_token(token)
        if auth.is_allowed(user, False):
            request.state.nscl_user = user
    except Exception:  # noqa: BLE001 - not signed in: the page says so
        return


async def http_error(request: Request, exc: Exception) -> Response:
    """Every error as a Vietnamese page with the tabs and a way back (JSON for ``/api/``)."""
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    # Airflow's words for a token it refuses: no token (401), expired (401), revoked by a logout
    # or forged (403). To the user all three mean: not signed in (any more).
    signed_out = exc.status_code == 401 or detail in SIGNED_OUT
    if not signed_out:
        await resolve_user(request)
    if signed_out:
        message = MESSAGES[401] if detail not in ("Token Expired", "Invalid JWT token") else SESSION_ENDED
    elif exc.status_code == 405 or not detail or detail in {"Not Found", "Not Authenticated"}:
        message = MESSAGES.get(exc.status_code, detail or "Đã có lỗi xảy ra.")
    else:
        message = detail
    if not wants_html(request):
        return JSONResponse({"detail": message}, status_code=exc.status_code, headers=exc.headers)
    login = None
    if signed_out:
        login = login_url(request)
        if login and request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            # A browser that is not (or no longer) signed in goes to the login form, and back.
            return RedirectResponse(login, status_code=303, headers=exc.headers)
    back = request.headers.get("referer", "")
    same_site = back.startswith(f"{request.url.scheme}://{request.url.netloc}/")
    return render(
        request,
        "error.html",
        status_code=exc.status_code,
        headers=exc.headers,
        status=exc.status_code,
        message=message,
        login_url=login,
        tab=None,
        back_url=back if same_site else None,
        technical=getattr(exc, "technical", None),
        signed_out=signed_out,
    )


def login_url(request: Request) -> str | None:
    """Airflow's login page, with ``next=`` this address (a path on this server)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    try:
        return str(auth.auth_manager().get_url_login(next_url=target))
    except Exception:  # noqa: BLE001 - no auth manager to ask: the page says to sign in
        return None


async def validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's English 422 for a malformed parameter, as a Vietnamese 400."""
    return await http_error(
        request, StarletteHTTPException(400, "Tham số của địa chỉ không hợp lệ. Hãy quay lại và chọn lại.")
    )


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response of the page (pages, files, errors)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.raw = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.raw if k not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
