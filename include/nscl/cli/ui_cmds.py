"""``nscl ui``: the Airflow UI with the staff page, locally, on the same Airflow home and data
folder as ``nscl demo`` (so the demo's DAG runs and reports are there to look at); ``nscl users``:
the staff who may sign in.

``nscl ui`` prepares the home once (``airflow db migrate`` with the FAB auth manager, the staff
page's roles, optionally a user), then starts the three processes operators need, the API server
(UI + staff page), the scheduler and the DAG processor, fit for a desk machine:

- a handful of processes: one API server worker, ``parallelism`` 2 (the LocalExecutor starts that
  many workers, not 32), the scheduler without its log server (``--skip-serve-logs``: the API
  server reads task logs from the same disk), so nothing listens beyond ``--host``;
- Airflow's own (English) output goes to ``<AIRFLOW_HOME>/logs/nscl-ui/<process>.log``; the
  terminal gets one line in Vietnamese when the page answers, with how long it took;
- each process in its own process group: one Ctrl-C (or SIGTERM) stops them all, children
  included (SIGTERM to each group, SIGKILL after ``STOP_SECONDS``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from nscl.orchestration.airflow_run import configure_embedded_airflow, dags_folder

ROOT = Path(__file__).resolve().parents[3]
FAB = "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"
STOP_SECONDS = 15
READY_TIMEOUT = 180
ROLES = ("NSCL Staff", "NSCL Viewer", "Admin")


def ui_environment() -> dict[str, str]:
    """The environment every process of the local UI shares (``nscl demo``'s Airflow home)."""
    configure_embedded_airflow()
    env = dict(os.environ)
    env.setdefault("AIRFLOW__CORE__AUTH_MANAGER", FAB)
    env.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(ROOT / "plugins"))
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(dags_folder()))
    env.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    # A desk machine: two tasks at a time (the LocalExecutor keeps this many worker processes).
    env.setdefault("AIRFLOW__CORE__PARALLELISM", "2")
    env.setdefault("AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG", "2")
    env.setdefault("AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES", "1")
    env.setdefault("AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK", "False")
    env.setdefault("AIRFLOW__FAB__CONFIG_FILE", str(ROOT / "deploy" / "webserver_config.py"))
    env.setdefault("AIRFLOW__CORE__DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    env.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO")
    return env


def airflow_cmd(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("airflow")), *args]


def _quiet(env: dict[str, str], log: Path, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run an Airflow command with its output in ``log``; on failure, its tail to the terminal."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        done = subprocess.run(list(cmd), env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if check and done.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-20:]
        print("\n".join(tail), file=sys.stderr)
        raise SystemExit(f"Lệnh {' '.join(cmd[1:3])} không thành công (xem {log}).")
    return done


def log_folder(env: dict[str, str]) -> Path:
    return Path(env["AIRFLOW_HOME"]) / "logs" / "nscl-ui"


def _migrated_marker(env: dict[str, str]) -> Path:
    from importlib.metadata import version

    return Path(env["AIRFLOW_HOME"]) / f".nscl-db-migrated-{version('apache-airflow')}"


def prepare(env: dict[str, str], user: str | None, password: str | None, roles: bool = True) -> None:
    """The database migrated (once per Airflow version: a marker in the home says it was), the
    page's roles (the API server also makes them when it starts), the user if asked for."""
    logs = log_folder(env)
    marker = _migrated_marker(env)
    if not marker.exists():
        _quiet(env, logs / "chuan-bi.log", *airflow_cmd("db", "migrate"))
        marker.touch()
    if roles:
        code = "from nscl.staff_page.auth import setup_roles; setup_roles()"
        _quiet(env, logs / "chuan-bi.log", sys.executable, "-c", code)
    if user and password:
        add_user(env, user, password, "NSCL Staff", quiet_if_exists=True)


def add_user(
    env: dict[str, str],
    user: str,
    password: str,
    role: str,
    email: str | None = None,
    quiet_if_exists: bool = False,
) -> bool:
    """Create a sign-in for the page (FAB); False if it could not be made (the name is taken)."""
    log = log_folder(env) / "nguoi-dung.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = airflow_cmd(
        "users",
        "create",
        "--username",
        user,
        "--password",
        password,
        "--role",
        role,
        "--firstname",
        user,
        "--lastname",
        "NSCL",
        "--email",
        email or f"{user}@localhost",
    )
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    with open(log, "a", encoding="utf-8") as out:
        out.write(output)
    # ``airflow users create`` answers 0 when the name is taken ("... already exist in the db").
    taken = "already exist" in output
    if done.returncode != 0 or taken:
        if not quiet_if_exists:
            why = "tên đăng nhập này đã có" if taken else f"xem {log}"
            print(f"Không tạo được tài khoản “{user}” ({why}).", file=sys.stderr)
        return False
    return True


def _group_stop(procs: dict[str, subprocess.Popen]) -> None:
    for p in procs.values():
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + STOP_SECONDS
    for p in procs.values():
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for p in procs.values():
        # The whole group: the LocalExecutor's workers, the API server's worker, their children.
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if p.poll() is None:
            p.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=3)
    except urllib.error.HTTPError as exc:
        return exc.code in (401, 403)  # up, and asking who is there
    except (urllib.error.URLError, OSError):
        return False
    return True


def local_url(host: str, port: int) -> str:
    shown = "localhost" if host in ("127.0.0.1", "localhost", "0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def cmd_ui(args) -> int:
    started = time.monotonic()
    env = ui_environment()
    password = args.password or os.environ.get("NSCL_UI_PASSWORD")
    logs = log_folder(env)
    print(f"Đang chuẩn bị (AIRFLOW_HOME={env['AIRFLOW_HOME']}; nhật ký của Airflow: {logs})…", flush=True)

    def stop_on_term(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_term)
    procs: dict[str, subprocess.Popen] = {}
    try:
        # The roles come with the API server (its start makes them); a user, once it is up.
        prepare(env, None, None, roles=False)
        commands = {
            "api-server": airflow_cmd(
                "api-server", "--host", args.host, "--port", str(args.port), "--workers", "1"
            ),
        }
        if not args.no_scheduler:
            commands["scheduler"] = airflow_cmd("scheduler", "--skip-serve-logs")
            commands["dag-processor"] = airflow_cmd("dag-processor")
        # Roles and the user meanwhile (two short Airflow commands, while the servers start).
        helper = None
        if args.user and password:
            import threading

            helper = threading.Thread(
                target=prepare, args=(env, args.user, password), kwargs={"roles": True}, daemon=True
            )
            helper.start()
        for name, cmd in commands.items():
            out = open(logs / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
            procs[name] = subprocess.Popen(
                cmd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            out.close()
        url = local_url(args.host, args.port)
        probe = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::', '') else args.host}:{args.port}/nscl/api/me"
        deadline = time.monotonic() + READY_TIMEOUT
        while not _answers(probe):
            if any(p.poll() is not None for p in procs.values()) or time.monotonic() > deadline:
                stopped = [n for n, p in procs.items() if p.poll() is not None] or [
                    "api-server (quá thời gian chờ)"
                ]
                print(
                    f"Không khởi động được: {', '.join(stopped)}. Xem nhật ký trong {logs}.", file=sys.stderr
                )
                return 1
            time.sleep(0.5)
        if helper is not None:
            helper.join(timeout=READY_TIMEOUT)
        print(
            f"Sẵn sàng sau {time.monotonic() - started:.0f} giây: trang Báo cáo NSCL ở {url}/nscl/ "
            f"({', '.join(procs)}). Bấm Ctrl-C một lần để dừng tất cả.",
            flush=True,
        )
        while all(p.poll() is None for p in procs.values()):
            time.sleep(1)
        stopped = [name for name, p in procs.items() if p.poll() is not None]
        print(
            f"Tiến trình đã dừng: {', '.join(stopped)}; dừng các tiến trình còn lại (xem {logs}).",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("Đang dừng…", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
        _group_stop(procs)
        signal.signal(signal.SIGINT, signal.default_int_handler)


def cmd_users(args) -> int:
    env = ui_environment()
    if args.action == "add":
        password = args.password or os.environ.get("NSCL_UI_PASSWORD")
        if not password:
            import getpass

            password = getpass.getpass(f"Mật khẩu cho {args.name}: ")
        if len(password) < 8:
            print("Mật khẩu cần ít nhất 8 ký tự.", file=sys.stderr)
            return 2
        prepare(env, None, None)
        if not add_user(env, args.name, password, args.role, args.email):
            return 1
        print(f"Đã tạo tài khoản “{args.name}” với vai trò {args.role}.")
        return 0
    done = subprocess.run(
        airflow_cmd("users", "list", "--output", "plain"), env=env, capture_output=True, text=True
    )
    print(done.stdout, end="")
    return done.returncode


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

    u = sub.add_parser("users", help="tài khoản đăng nhập trang Báo cáo NSCL (thêm, xem danh sách)")
    us = u.add_subparsers(dest="action", required=True)
    a = us.add_parser("add", help="thêm một tài khoản")
    a.add_argument("name", help="tên đăng nhập")
    a.add_argument(
        "--role",
        choices=ROLES,
        default="NSCL Staff",
        help="NSCL Staff (xem và thao tác), NSCL Viewer (chỉ xem), Admin",
    )
    a.add_argument("--password", help="mật khẩu (không ghi: hỏi khi chạy, hoặc biến NSCL_UI_PASSWORD)")
    a.add_argument("--email", help="địa chỉ thư của người dùng")
    us.add_parser("list", help="danh sách tài khoản")
    u.set_defaults(func=cmd_users)
