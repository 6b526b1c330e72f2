"""Staff who open Airflow's home (``/``) go to their page: a root middleware of the API server
(``fastapi_root_middlewares``). It only looks at a plain ``GET /`` carrying the login cookie;
admins, anonymous users and every other address pass through untouched."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from starlette.responses import RedirectResponse

from nscl.staff_page.auth import PAGE_ROLES
from nscl.staff_page.common import URL_PREFIX


class LandingMiddleware:
    def __init__(self, app: Any, landing: str = URL_PREFIX + "/") -> None:
        self.app, self.landing = app, landing

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in ("/", ""):
            if await self._is_staff(scope):
                await RedirectResponse(self.landing, 302)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _is_staff(self, scope: Any) -> bool:
        cookie: SimpleCookie = SimpleCookie()
        for key, value in scope.get("headers", []):
            if key == b"cookie":
                try:
                    cookie.load(value.decode("latin-1"))
                except Exception:  # noqa: BLE001 - a malformed cookie header: not ours to judge
                    return False
        token = cookie.get("_token")
        if token is None:
            return False
        try:
            from airflow.api_fastapi.app import get_auth_manager

            user = await get_auth_manager().get_user_from_token(token.value)
        except Exception:  # noqa: BLE001 - an invalid or expired token: Airflow handles it
            return False
        roles = {r.name for r in getattr(user, "roles", None) or []}
        return bool(roles & set(PAGE_ROLES)) and "Admin" not in roles
