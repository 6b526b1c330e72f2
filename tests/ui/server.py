"""A local Airflow API server for the staff page's tests: a temporary AIRFLOW_HOME, SQLite, the
FAB auth manager with the project's ``deploy/webserver_config.py`` (Vietnamese login, staff
land on /nscl/), the repository's plugins, three users, and an SMTP server (aiosmtpd) that
the ``smtp_default`` connection points at; all on 127.0.0.1, on free ports, stopped at the end.
Every wait is bounded."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
AIRFLOW = PYTHON.with_name("airflow")

USERS = {
    "staff": {"username": "canbo", "password": "Canbo-2025!", "role": "NSCL Staff"},
    "viewer": {"username": "xem", "password": "Xem-2025!", "role": "NSCL Viewer"},
    "other": {"username": "khac", "password": "Khac-2025!", "role": "Khác"},
}
UPLOAD_LIMIT = 2 * 1024 * 1024
SETUP_TIMEOUT = 240
START_TIMEOUT = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    data_dir: Path
    home: Path
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def log_tail(self, n: int = 60) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def token(self, who: str) -> str:
        if who not in self.tokens:
            user = USERS[who]
            body = json.dumps({"username": user["username"], "password": user["password"]}).encode()
            req = urllib.request.Request(
                f"{self.base}/auth/token", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(req, timeout=30) as resp:
                self.tokens[who] = json.loads(resp.read())["access_token"]
        return self.tokens[who]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None


class MailBox:
    """What the test SMTP server received; ``refuse`` (an SMTP answer such as "554 ...") makes it
    refuse every message, as a mail server that does not accept it would."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], object]] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        import email
        import email.policy

        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def start_smtp():
    from aiosmtpd.controller import Controller

    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, box


SMTP_PORT: int | None = None


def environment(home: Path, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__CORE__AUTH_MANAGER": "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager",
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__API__EXPOSE_CONFIG": "False",
            "AIRFLOW__API_AUTH__JWT_SECRET": "nscl-test-secret-not-for-production",
            "AIRFLOW__API__SECRET_KEY": "nscl-test-secret-key-not-for-production",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "GX_ANALYTICS_ENABLED": "false",
            "NSCL_DATA_DIR": str(data_dir),
            "NSCL_UPLOAD_MAX_BYTES": str(UPLOAD_LIMIT),
            "AIRFLOW__FAB__CONFIG_FILE": str(ROOT / "deploy" / "webserver_config.py"),
            # The tests log in more often than FAB's default 5 per 40 s allows.
            "AIRFLOW__FAB__AUTH_RATE_LIMITED": "False",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if SMTP_PORT is not None:
        env["AIRFLOW_CONN_SMTP_DEFAULT"] = (
            f"smtp://127.0.0.1:{SMTP_PORT}?disable_tls=true&disable_ssl=true&from_email=nscl%40skhcn.example.vn"
        )
    return env


def start_setup(home: Path, data_dir: Path) -> subprocess.Popen:
    """Migrate the database and create roles and users (in the background)."""
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [str(PYTHON), str(Path(__file__).with_name("setup_airflow.py")), json.dumps(list(USERS.values()))],
        env=environment(home, data_dir),
        stdout=open(home / "setup.log", "wb"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        cwd=str(home),
    )


def wait_setup(proc: subprocess.Popen, home: Path) -> None:
    try:
        rc = proc.wait(timeout=SETUP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise RuntimeError(f"Airflow setup took more than {SETUP_TIMEOUT}s") from None
    if rc != 0:
        tail = (home / "setup.log").read_text(errors="replace")[-4000:]
        raise RuntimeError(f"Airflow setup failed ({rc}):\n{tail}")


def start_server(
    home: Path, data_dir: Path, extra_args: tuple[str, ...] = (), extra_env: dict[str, str] | None = None,
    log_name: str = "api.log",
) -> Server:
    port = free_port()
    server = Server(base=f"http://127.0.0.1:{port}", data_dir=data_dir, home=home, log_path=home / log_name)
    server.process = subprocess.Popen(
        [str(AIRFLOW), "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", *extra_args],
        env={**environment(home, data_dir), **(extra_env or {})},
        stdout=open(server.log_path, "wb"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        cwd=str(home),
        start_new_session=True,
    )
    return server


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"airflow api-server exited ({server.process.returncode}):\n{server.log_tail()}"
            )
        try:
            urllib.request.urlopen(f"{server.base}/nscl/api/me", timeout=5)
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # up, and refusing anonymous requests
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    server.stop()
    raise RuntimeError(f"airflow api-server not ready after {START_TIMEOUT}s:\n{server.log_tail()}")


_SHARED: Server | None = None


def shared_server(catalogue) -> tuple[Server, dict[str, str]]:
    """One server (and data folder) for every staff-page test of the session."""
    global _SHARED, SMTP_PORT
    if _SHARED is None:
        from ui import data

        smtp, box = start_smtp()
        SMTP_PORT = smtp.port
        tmp = Path(tempfile.mkdtemp(prefix="nscl-ui-"))
        home, data_dir = tmp / "airflow", tmp / "data"
        setup = start_setup(home, data_dir)
        server = None
        try:
            codes = data.build(data_dir, catalogue)  # meanwhile, in this process
            wait_setup(setup, home)
            server = start_server(home, data_dir)
            wait_ready(server)
        except BaseException:
            smtp.stop()
            if setup.poll() is None:
                setup.kill()
                setup.wait(timeout=10)
            if server is not None:
                server.stop()
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        server.codes = codes  # type: ignore[attr-defined]
        server.smtp, server.mailbox = smtp, box  # type: ignore[attr-defined]
        _SHARED = server
    return _SHARED, _SHARED.codes  # type: ignore[attr-defined]


def stop_shared() -> None:
    global _SHARED
    if _SHARED is not None:
        _SHARED.stop()
        _SHARED.smtp.stop()  # type: ignore[attr-defined]
        shutil.rmtree(_SHARED.home.parent, ignore_errors=True)
        _SHARED = None
