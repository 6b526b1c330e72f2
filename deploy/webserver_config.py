"""Flask-AppBuilder settings of the Airflow API server's login (``[fab] config_file``; the
compose file and ``nscl ui`` point ``AIRFLOW__FAB__CONFIG_FILE`` here).

- The login page in Vietnamese: a template of the project's (``fab/templates/nscl/``), since
  Flask-AppBuilder ships no Vietnamese translation.
- After login, a user whose roles are the staff page's own (``NSCL Staff``, ``NSCL Viewer``)
  and not ``Admin`` lands on the staff page ``/nscl/`` instead of Airflow's home; a deep link
  (``next=/dags/...``) is kept. FAB's own ``login()`` still runs, so Airflow's redirect sets the
  ``_token`` cookie as usual: only the ``Location`` header is rewritten.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from airflow.providers.fab.auth_manager.security_manager.override import FabAirflowSecurityManagerOverride
from flask_appbuilder.const import AUTH_DB
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.views import expose
from flask_login import current_user

HERE = os.path.dirname(os.path.abspath(__file__))
AUTH_TYPE = AUTH_DB
WTF_CSRF_ENABLED = True
# The session cookie is Secure when the API server sits behind the TLS proxy (docker-compose).
SESSION_COOKIE_SECURE = os.environ.get("NSCL_COOKIE_SECURE", "").lower() in {"1", "true", "yes"}
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

STAFF_ROLES = {"NSCL Staff", "NSCL Viewer"}
LANDING = os.environ.get("NSCL_LANDING_PATH", "/nscl/")


def landing_for(roles: set[str], location: str) -> str | None:
    """Where a user who just logged in should go instead of ``location``, or None to keep it:
    the staff page for the page's own roles when the login was headed for Airflow's home."""
    path = urlsplit(location).path.rstrip("/")
    if roles & STAFF_ROLES and "Admin" not in roles and path in ("", "/auth", "/home"):
        return LANDING
    return None


class NsclAuthDBView(AuthDBView):
    login_template = "nscl/login_db_vi.html"
    template_folder = os.path.join(HERE, "fab", "templates")
    title = "Đăng nhập"
    invalid_login_message = "Sai tên đăng nhập hoặc mật khẩu. Vui lòng thử lại."

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        resp = super().login()
        if resp.status_code in (302, 303) and current_user.is_authenticated:
            roles = {r.name for r in current_user.roles}
            target = landing_for(roles, resp.headers.get("Location", ""))
            if target:
                resp.headers["Location"] = target
        return resp


class NsclSecurityManager(FabAirflowSecurityManagerOverride):
    authdbview = NsclAuthDBView


SECURITY_MANAGER_CLASS = NsclSecurityManager
