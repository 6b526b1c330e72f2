"""``nscl ui``: the Airflow UI with the staff page, locally, on the same Airflow home and data
folder as ``nscl demo`` (so the demo's DAG runs and reports are there to look at).

It prepares the home once (``airflow db migrate`` with the FAB auth manager, the staff page's
roles, optionally a user), then starts the three processes operators need, the API server
(UI + staff page), the scheduler and the DAG processor, and stops them all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from nscl.orchestration.airflow_run import configure_embedded_airflow, dags_folder

ROOT = Path(__file__).resolve().parents[3]
FAB = "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"


def ui_environment() -> dict[str, str]:
    """The environment every process of the local UI shares (``nscl demo``'s Airflow home)."""
    configure_embedded_airflow()
    env = dict(os.environ)
    env.setdefault("AIRFLOW__CORE__AUTH_MANAGER", FAB)
    env.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(ROOT / "plugins"))
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(dags_folder()))
    env.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    env.setdefault("AIRFLOW__FAB__CONFIG_FILE", str(ROOT / "deploy" / "webserver_config.py"))
    env.setdefault("AIRFLOW__CORE__DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    env.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO")
    return env


def airflow_cmd(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("airflow")), *args]


def prepare(env: dict[str, str], user: str | None, password: str | None) -> None:
    subprocess.run(airflow_cmd("db", "migrate"), env=env, check=True)
    code = "from nscl.staff_page.auth import setup_roles; print('Vai trò:', ', '.join(setup_roles()))"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    if user and password:
        subprocess.run(
            airflow_cmd(
                "users",
                "create",
                "--username",
                user,
                "--password",
                password,
                "--role",
                "NSCL Staff",
                "--firstname",
                user,
                "--lastname",
                "NSCL",
                "--email",
                f"{user}@localhost",
            ),
            env=env,
            check=False,  # already there: fine
        )


def cmd_ui(args) -> int:
    env = ui_environment()
    password = args.password or os.environ.get("NSCL_UI_PASSWORD")
    prepare(env, args.user, password)
    procs = {
        "api-server": subprocess.Popen(
            airflow_cmd("api-server", "--host", args.host, "--port", str(args.port)), env=env
        ),
    }
    if not args.no_scheduler:
        procs["scheduler"] = subprocess.Popen(airflow_cmd("scheduler"), env=env)
        procs["dag-processor"] = subprocess.Popen(airflow_cmd("dag-processor"), env=env)
    print(
        f"Airflow (AIRFLOW_HOME={env['AIRFLOW_HOME']}) và trang Báo cáo NSCL: http://localhost:{args.port}/nscl/ "
        f"({', '.join(procs)}). Bấm Ctrl-C để dừng.",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in procs.values()):
            time.sleep(1)
        stopped = [name for name, p in procs.items() if p.poll() is not None]
        print(f"Tiến trình đã dừng: {', '.join(stopped)}; dừng các tiến trình còn lại.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def add_parser(sub) -> None:
    p = sub.add_parser(
        "ui", help="mở giao diện Airflow và trang Báo cáo NSCL trên máy này (cùng dữ liệu với nscl demo)"
    )
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định chỉ máy này)")
    p.add_argument("--user", help="tạo (nếu chưa có) tài khoản cán bộ với vai trò NSCL Staff")
    p.add_argument("--password", help="mật khẩu của tài khoản đó (hoặc biến môi trường NSCL_UI_PASSWORD)")
    p.add_argument("--no-scheduler", action="store_true", help="chỉ chạy API server (không chạy DAG)")
    p.set_defaults(func=cmd_ui)
