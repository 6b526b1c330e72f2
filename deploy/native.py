"""The production shape of docker-compose.yaml, natively on one machine: PostgreSQL metadata,
CeleryExecutor with Redis, and the scheduler, DAG processor, API server, triggerer and Celery
worker(s) as separate processes (each in its own process group), sharing one data folder.

Used by tests/e2e/test_production_shape.py and bench/production.py (``NativeStack``, and
``ApiClient`` for the REST API); also handy by hand:

    python deploy/native.py --home /tmp/nscl-native --data /tmp/nscl-native/data

It reads the same shared settings as the compose file (``deploy/airflow.env``); only the
host-specific settings (URLs, paths) and the secrets differ, and the secrets are generated per
run here, never written into the repository.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
AIRFLOW_ENV = DEPLOY / "airflow.env"
IMAGES_ENV = DEPLOY / "images.env"

# Settings every deployment must set itself (host-specific or secret); the compose file sets
# each of them in its x-airflow-common environment, the native launcher below sets them too.
HOST_SPECIFIC = (
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "NSCL_DATA_DIR",
)
SECRETS = (
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET",
)
# The processes of the production shape (compose service name -> airflow command).
COMPONENTS = {
    "airflow-scheduler": ["scheduler"],
    "airflow-dag-processor": ["dag-processor"],
    "airflow-apiserver": ["api-server"],
    "airflow-triggerer": ["triggerer"],
    "airflow-worker": ["celery", "worker"],
}


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (compose's env_file format: no quotes, no interpolation)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@dataclass
class NativeStack:
    """Starts and stops the processes of the production shape against given services."""

    home: Path
    data_dir: Path
    sql_alchemy_conn: str
    broker_url: str
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    bin_dir: Path = field(default_factory=lambda: Path(sys.executable).parent)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home = Path(self.home)
        self.data_dir = Path(self.data_dir)
        self.logs = self.home / "process-logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._secrets = {
            "AIRFLOW__CORE__FERNET_KEY": fernet_key(),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        env.update(read_env_file(AIRFLOW_ENV))
        # Celery's database result backend, on the metadata database (explicit driver: Celery
        # would otherwise pick psycopg 3, which is not installed).
        result_backend = "db+" + self.sql_alchemy_conn
        env.update(
            {
                "AIRFLOW_HOME": str(self.home),
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.sql_alchemy_conn,
                "AIRFLOW__CELERY__BROKER_URL": self.broker_url,
                "AIRFLOW__CELERY__RESULT_BACKEND": result_backend,
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
                "AIRFLOW__API__BASE_URL": self.base_url,
                "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
                "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
                "NSCL_DATA_DIR": str(self.data_dir),
                "PYTHONUNBUFFERED": "1",
                **self._secrets,
            }
        )
        env.update(self.extra_env)
        return env

    def airflow(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        """Run a one-off ``airflow`` command (like compose's airflow-init)."""
        result = subprocess.run(
            [str(self.bin_dir / "airflow"), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"airflow {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def init(self, username: str, password: str) -> None:
        """What compose's airflow-init does: migrate the metadata database, create the admin."""
        self.airflow("db", "migrate", timeout=600)
        self.airflow(
            "users", "create", "--username", username, "--password", password, "--role", "Admin",
            "--firstname", "Vận", "--lastname", "Hành", "--email", f"{username}@example.invalid",
        )  # fmt: skip

    def start(self, name: str, *extra: str) -> subprocess.Popen:
        """Start one component in its own process group (so it can be killed whole)."""
        base = COMPONENTS[name.split("#")[0]]
        args = list(base) + list(extra)
        if base == ["api-server"]:
            args += ["--port", str(self.port), "--host", "127.0.0.1", "--workers", "1"]
        log = open(self.logs / f"{name.replace('#', '-')}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            [str(self.bin_dir / "airflow"), *args],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs[name] = proc
        return proc

    def start_all(self, worker_concurrency: int = 2) -> None:
        self.start("airflow-apiserver")
        self.wait_http("/api/v2/monitor/health", timeout=120)
        self.start("airflow-scheduler")
        self.start("airflow-dag-processor")
        self.start("airflow-triggerer")
        self.start_worker("airflow-worker", worker_concurrency)

    def start_worker(self, name: str, concurrency: int = 2) -> subprocess.Popen:
        return self.start(
            name, "--concurrency", str(concurrency), "--celery-hostname", f"{name.replace('#', '-')}@%h",
            "--without-mingle", "--without-gossip", "--skip-serve-logs",
        )  # fmt: skip

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout: float = 30) -> None:
        """Signal a component's whole process group and every descendant (a task process may
        have left the group), then reap it."""
        self._stop([name], sig, timeout)

    def stop_all(self, timeout: float = 15) -> None:
        """SIGTERM every component at once, so that they shut down side by side rather than one
        after another; then reap them (one still running after ``timeout`` is killed)."""
        self._stop(list(self.procs), signal.SIGTERM, timeout)

    def _stop(self, names: list[str], sig: int, timeout: float) -> None:
        import psutil

        procs = {name: proc for name in names if (proc := self.procs.pop(name, None)) is not None}
        for proc in procs.values():
            try:
                family = psutil.Process(proc.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                family = []
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            for child in family:
                try:
                    child.send_signal(sig)
                except psutil.NoSuchProcess:
                    pass
        deadline = time.monotonic() + timeout
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=10)

    def alive(self) -> dict[str, bool]:
        return {name: p.poll() is None for name, p in self.procs.items()}

    def wait_http(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=5) as resp:
                    if resp.status < 500:
                        return
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return
                last = exc
            except OSError as exc:
                last = exc
            time.sleep(1)
        raise TimeoutError(f"{self.base_url}{path} not up after {timeout}s: {last}\n{self.tail_logs()}")

    def tail_logs(self, lines: int = 40) -> str:
        out = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            out.append(f"--- {log.name} ---\n" + "\n".join(text))
        return "\n".join(out)


class ApiError(RuntimeError):
    """The REST API answered with an HTTP error (method, path, status and the body's start)."""


class ApiClient:
    """The REST API as an operator's script uses it: a JWT from the FAB login (``/auth/token``),
    then JSON requests to ``/api/v2`` with it as a bearer token."""

    def __init__(self, base_url: str, username: str, password: str, timeout: float = 60) -> None:
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.token = ""
        self.token = self.call(
            "POST", "/auth/token", {"username": username, "password": password}, auth=False
        )["access_token"]

    def call(self, method: str, path: str, body=None, auth: bool = True):
        """``method path`` with ``body`` as JSON; the decoded JSON answer (None if empty)."""
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise ApiError(f"{method} {path}: {exc.code} {exc.read()[:500]!r}") from None
        return json.loads(raw) if raw else None


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--db", default="postgresql+psycopg2://postgres@127.0.0.1:5432/nscl_airflow")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--admin", default="admin")
    args = parser.parse_args(argv)
    password = os.environ.get("NSCL_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    stack = NativeStack(Path(args.home), Path(args.data), args.db, args.broker, port=args.port)
    stack.init(args.admin, password)
    stack.start_all()
    print(f"Airflow at {stack.base_url} (user {args.admin}); logs in {stack.logs}. Ctrl-C stops all.")
    if "NSCL_ADMIN_PASSWORD" not in os.environ:
        print(f"password: {password}")
    try:
        while all(stack.alive().values()):
            time.sleep(2)
        print(f"a component stopped: {stack.alive()}\n{stack.tail_logs()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop_all()
        shutil.rmtree(stack.home / "tmp", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
