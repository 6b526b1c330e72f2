"""Airflow plugin: registers the staff page "Báo cáo NSCL" (the app lives in
``nscl.staff_page``).

- ``fastapi_apps``: the page's FastAPI app, mounted by the API server at ``/nscl``;
- ``external_views``: its entry "Báo cáo NSCL" in the Airflow UI's navigation (an iframe, same
  origin, so the login cookie goes along).

The page's permissions and roles are created when the API server starts, and by
``python plugins/nscl_staff_page.py setup-roles`` (run it once before
``airflow users create --role "NSCL Staff"``).
"""

from __future__ import annotations

import sys

from airflow.plugins_manager import AirflowPlugin
from nscl.staff_page.app import create_app
from nscl.staff_page.auth import setup_roles
from nscl.staff_page.common import PAGE_TITLE, URL_PREFIX


class NsclStaffPagePlugin(AirflowPlugin):
    """The staff page's FastAPI app and its entry in the Airflow UI's navigation."""

    name = "nscl_staff_page"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": PAGE_TITLE}]
    external_views = [
        {
            "name": PAGE_TITLE,
            # Relative (no leading slash): the UI resolves it against its own base URL.
            "href": URL_PREFIX.lstrip("/") + "/",
            "destination": "nav",
            "url_route": "bao-cao-nscl",
            "nav_top_level": True,
        }
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["setup-roles"]:
        print("Đã tạo quyền và vai trò:", ", ".join(setup_roles()) or "(không dùng FAB auth manager)")
    else:
        print("Cách dùng: python plugins/nscl_staff_page.py setup-roles", file=sys.stderr)
        sys.exit(2)
