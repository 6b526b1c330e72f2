"""Prepare a fresh Airflow home for the staff page's tests, in one process (each ``airflow``
command costs seconds of imports): ``airflow db migrate``, the page's permissions and roles
(``nscl.staff_page.auth.setup_roles``), a role without them, and the test users
(``airflow users create``). Run with the environment of the API server it prepares."""

from __future__ import annotations

import json
import sys


def main(users_json: str) -> int:
    from airflow.cli import cli_parser

    parser = cli_parser.get_parser()

    def airflow(*argv: str) -> None:
        args = parser.parse_args(list(argv))
        args.func(args)

    airflow("db", "migrate")

    from nscl.staff_page.auth import setup_roles

    print("roles:", setup_roles())

    from airflow.providers.fab.www.security_appless import ApplessAirflowSecurityManager
    from airflow.utils.session import create_session

    with create_session() as session:
        sm = ApplessAirflowSecurityManager(session=session)
        # A signed-in user of Airflow without the page's permissions.
        role = sm.find_role("Khác") or sm.add_role("Khác")
        sm.add_permission_to_role(role, sm.create_permission("can_read", "Website"))
        session.commit()

    for user in json.loads(users_json):
        airflow(
            "users",
            "create",
            "--username",
            user["username"],
            "--password",
            user["password"],
            "--firstname",
            user["username"],
            "--lastname",
            "Test",
            "--email",
            f"{user['username']}@example.vn",
            "--role",
            user["role"],
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
