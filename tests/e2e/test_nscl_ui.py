"""``nscl ui`` as a member of staff runs it on a desk machine, and ``nscl users``: on a fresh data
folder it says in one line when the page answers; a handful of processes (not 32 idle
LocalExecutor workers); nothing of it listens beyond the host asked for (the scheduler's log
server listened on every interface); one Ctrl-C stops every process it started, children
included. ``nscl users add`` makes a second sign-in, and refuses a name already taken."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

NSCL = Path(sys.executable).with_name("nscl")
READY = re.compile(r"Sẵn sàng sau (\d+) giây: trang Báo cáo NSCL ở (\S+)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["NSCL_DATA_DIR"] = str(tmp_path / "data")
    return env


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def test_ui_on_a_desk_machine(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [str(NSCL), "ui", "--port", str(port), "--user", "canbo", "--password", "Canbo-2025!"],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # As a terminal runs it: Ctrl-C (SIGINT) is not ignored in the child.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    pids: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        lines = []
        ready = None
        while time.monotonic() < deadline and ready is None:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            ready = READY.search(line)
        assert ready, "".join(lines)
        assert ready.group(2) == f"http://localhost:{port}/nscl/"
        time.sleep(5)  # the scheduler's executor workers are up by now
        tree = _tree(proc.pid)
        pids = {p.pid for p in tree}
        assert len(tree) <= 8, [
            p.name() for p in tree
        ]  # nscl, api-server, scheduler (+2 workers), dag-processor
        listening = set()
        for p in tree:
            try:
                listening |= {
                    c.laddr for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN
                }
            except psutil.NoSuchProcess:
                continue
        assert listening, "nothing listens"
        assert {a.ip for a in listening} == {"127.0.0.1"}, listening
        assert port in {a.port for a in listening}
        # English output of Airflow stays in its log files, not on the terminal.
        assert not any("INFO" in line or "WARNING" in line for line in lines), lines
        # One Ctrl-C stops everything.
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        time.sleep(1)
        alive = [
            p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE
        ]
        assert alive == [], alive
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def test_users_add_and_a_name_taken(tmp_path):
    env = _env(tmp_path)

    def run(*a: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(NSCL), "users", *a], env=env, capture_output=True, text=True, timeout=600)

    first = run("add", "lan", "--password", "Lan-2025!x", "--role", "NSCL Viewer")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Đã tạo tài khoản “lan” với vai trò NSCL Viewer." in first.stdout
    again = run("add", "lan", "--password", "Lan-2025!x")
    assert again.returncode == 1 and "tên đăng nhập này đã có" in again.stderr
    listed = run("list")
    row = next(line for line in listed.stdout.splitlines() if " lan " in f" {line} ")
    assert "NSCL Viewer" in row and "NSCL Staff" not in row
    short = run("add", "minh", "--password", "ngan")
    assert short.returncode == 2 and "ít nhất 8 ký tự" in short.stderr
