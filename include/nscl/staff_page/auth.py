"""Who may use the staff page, and how.

Airflow mounts plugin apps as they are: it adds no authentication of its own
(``airflow.api_fastapi.app.init_plugins`` only calls ``app.mount``). Every route therefore
depends on ``require_read`` or ``require_write``: they resolve the user with Airflow's own
``get_user`` dependency (the ``Authorization: Bearer`` JWT, else the ``_token`` cookie the login
sets) and ask the configured auth manager ``is_authorized_custom_view`` on the resource
``NSCL Reports`` (FAB: ``can_read`` / ``can_edit``).

State-changing requests (``require_write`` on POST) made with the login cookie must come from
this site: ``Sec-Fetch-Site: same-origin``, or an ``Origin`` equal to the page's own; ``null``
or no word at all is refused. A script's request with a bearer token that says nothing of
where it comes from is let through (a browser never adds that header by itself, so it cannot be
forged cross-site); one that says it comes from elsewhere is refused all the same."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from nscl.reporting.render import MADE_BY_USER

log = logging.getLogger(__name__)

RESOURCE = "NSCL Reports"
ACTION_READ = "can_read"
ACTION_WRITE = "can_edit"
ROLE_STAFF = "NSCL Staff"
ROLE_VIEWER = "NSCL Viewer"
PAGE_ROLES = (ROLE_STAFF, ROLE_VIEWER)
# What a staff member needs besides the page itself to use the Airflow UI around it.
UI_BASICS = [
    ("can_read", "Website"),
    ("can_read", "Plugins"),
    ("menu_access", "Plugins"),
    ("can_read", "My Profile"),
]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Airflow's own logout (relative to the server's root): it revokes the JWT of the cookie and of
# any bearer header, then the auth manager's logout (FAB: ``/auth/logout``) drops the cookies.
LOGOUT_PATH = "/api/v2/auth/logout"
ASK_ADMIN = "Hãy đề nghị người quản trị hệ thống của Sở Khoa học và Công nghệ cấp quyền cho tài khoản này."


class Forbidden(HTTPException):
    """A 403 in staff's words; ``technical`` (the permission and resource) for operators only."""

    def __init__(self, message: str, technical: str) -> None:
        super().__init__(403, message)
        self.technical = technical


def _get_user_dependency():
    from airflow.api_fastapi.core_api.security import get_user

    return get_user


def auth_manager():
    from airflow.api_fastapi.app import get_auth_manager

    return get_auth_manager()


def user_name(user: Any) -> str:
    try:
        return str(user.get_name())
    except Exception:  # noqa: BLE001 - a display name is not worth failing a page for
        return "?"


def is_allowed(user: Any, write: bool) -> bool:
    am = auth_manager()
    method = "PUT" if write else "GET"  # FAB maps GET to can_read and PUT to can_edit
    allowed = bool(am.is_authorized_custom_view(method=method, resource_name=RESOURCE, user=user))
    if allowed and write and type(am).__name__ == "SimpleAuthManager":
        # SimpleAuthManager answers every custom view as a read for any viewer; changing
        # things needs more than the viewer role there.
        allowed = str(getattr(user, "role", "") or "").upper() in {"USER", "OP", "ADMIN"}
    return allowed


def can_see_runs(user: Any) -> bool:
    """Whether Airflow lets the user open DAG runs (operators): only they get run links."""
    try:
        from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity

        return bool(
            auth_manager().is_authorized_dag(method="GET", access_entity=DagAccessEntity.RUN, user=user)
        )
    except Exception:  # noqa: BLE001 - when in doubt, no link that would answer 403
        return False


def same_origin(request: Request) -> bool:
    """True when the browser says the request comes from this site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    return parts.scheme in {"http", "https"} and parts.netloc == request.headers.get("host", "")


def check_same_origin(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    says_nothing = request.headers.get("sec-fetch-site") is None and request.headers.get("origin") is None
    if says_nothing and request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if not same_origin(request):
        raise HTTPException(403, "Yêu cầu không xuất phát từ trang Báo cáo NSCL nên không được thực hiện.")


def _dependency(write: bool):
    get_user = _get_user_dependency()

    async def dependency(request: Request, user=Depends(get_user)):  # noqa: B008
        if not await run_in_threadpool(is_allowed, user, write):
            raise Forbidden(
                "Tài khoản của bạn chưa được cấp quyền "
                + ("thay đổi dữ liệu trên trang Báo cáo NSCL. " if write else "xem trang Báo cáo NSCL. ")
                + ASK_ADMIN,
                f"{ACTION_WRITE if write else ACTION_READ} on '{RESOURCE}' (roles {ROLE_STAFF}"
                + ("" if write else f", {ROLE_VIEWER}")
                + ")",
            )
        request.state.nscl_user = user
        if write:
            check_same_origin(request)
            # A report made by this request says who made it, from the page (async: the
            # endpoint runs in this context, and its thread pool calls copy it).
            MADE_BY_USER.set(user_name(user))
        return user

    return dependency


require_read = _dependency(write=False)
require_write = _dependency(write=True)


def setup_roles() -> list[str]:
    """Create the page's permissions and roles in the FAB database (idempotent).

    ``NSCL Staff``: read and change; ``NSCL Viewer``: read only; ``Admin`` gets both. Both
    custom roles also get what is needed to open the Airflow UI and see the plugin's entry.
    Does nothing with another auth manager.
    """
    from airflow.configuration import conf

    if "FabAuthManager" not in conf.get("core", "auth_manager", fallback=""):
        return []
    from airflow.providers.fab.www.security_appless import ApplessAirflowSecurityManager
    from airflow.utils.session import create_session

    done = []
    with create_session() as session:
        sm = ApplessAirflowSecurityManager(session=session)
        read = sm.create_permission(ACTION_READ, RESOURCE)
        write = sm.create_permission(ACTION_WRITE, RESOURCE)
        basics = [sm.create_permission(a, r) for a, r in UI_BASICS]
        plan = {"Admin": [read, write], ROLE_STAFF: [read, write, *basics], ROLE_VIEWER: [read, *basics]}
        for role_name, perms in plan.items():
            role = sm.find_role(role_name) or sm.add_role(role_name)
            for perm in perms:
                if perm is not None and perm not in role.permissions:
                    sm.add_permission_to_role(role, perm)
            done.append(role_name)
        session.commit()
    return done
