"""One effect per click: a guard against a form sent twice (a double click, a reload of a POST).

The page's script adds ``?once=<random token>`` to the address of every form it sends (a new
token per page shown). The first request with a token runs; a second one with the same token,
for the same user and address, waits until the first has finished and gets the first one's
answer (the redirect to its result) without running the action again: a double click on
"Tạo bản báo cáo mới" makes one version, a double click on "Gửi thư" one e-mail.

The claim is a file lock (``fcntl.flock``) in the machine's temporary folder, so it holds across
the API server's worker processes; only redirects (a finished action) are remembered, for
``KEEP_SECONDS``. A request without a token (a script, a browser without JavaScript) runs as
before."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi.concurrency import run_in_threadpool

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_SECONDS = 15 * 60
WAIT_SECONDS = 15 * 60


def folder() -> Path:
    path = Path(os.environ.get("NSCL_ONCE_DIR") or Path(tempfile.gettempdir()) / f"nscl-once-{os.getuid()}")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _who(scope: Any) -> str:
    """The caller's credential (the login cookie or the bearer token), never stored as such."""
    auth, cookie_header = "", ""
    for key, value in scope.get("headers", []):
        if key == b"authorization":
            auth = value.decode("latin-1")
        elif key == b"cookie":
            cookie_header = value.decode("latin-1")
    if auth:
        return auth
    cookie: SimpleCookie = SimpleCookie()
    with contextlib.suppress(Exception):
        cookie.load(cookie_header)
    token = cookie.get("_token")
    return token.value if token is not None else ""


def key_for(scope: Any, token: str) -> str:
    raw = "\n".join([str(scope.get("root_path", "")) + scope["path"], token, _who(scope)])
    return hashlib.sha256(raw.encode()).hexdigest()


def _sweep(base: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in base.iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()


def _claim(base: Path, key: str) -> tuple[int, dict[str, Any] | None]:
    """Lock the token (waiting for a first request still running); its remembered answer, if any."""
    fd = os.open(base / f"{key}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise TimeoutError(key) from None
            time.sleep(0.1)
    answer = base / f"{key}.json"
    try:
        done = json.loads(answer.read_text("utf-8")) if answer.exists() else None
    except (OSError, ValueError):
        done = None
    if done is not None and time.time() - float(done.get("at", 0)) > KEEP_SECONDS:
        done = None
    return fd, done


def _remember(base: Path, key: str, status: int, location: str) -> None:
    target = base / f"{key}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"status": status, "location": location, "at": time.time()}), "utf-8")
    os.replace(tmp, target)


def _release(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    with contextlib.suppress(OSError):
        os.close(fd)


class OnceMiddleware:
    """ASGI middleware of the staff page's app (see the module's docstring)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        token = (parse_qs(scope.get("query_string", b"").decode("latin-1")).get("once") or [""])[0]
        if not TOKEN_RE.match(token):
            await self.app(scope, receive, send)
            return
        base = folder()
        key = key_for(scope, token)
        fd, done = await run_in_threadpool(_claim, base, key)
        try:
            if done is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": int(done["status"]),
                        "headers": [
                            (b"location", str(done["location"]).encode("latin-1")),
                            (b"content-length", b"0"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
            seen: dict[str, Any] = {}

            async def watch(message: Any) -> None:
                if message["type"] == "http.response.start":
                    seen["status"] = message["status"]
                    seen["location"] = next(
                        (
                            v.decode("latin-1")
                            for k, v in message.get("headers", [])
                            if k.lower() == b"location"
                        ),
                        "",
                    )
                await send(message)

            await self.app(scope, receive, watch)
            if 300 <= int(seen.get("status", 0)) < 400 and seen.get("location"):
                await run_in_threadpool(_remember, base, key, int(seen["status"]), seen["location"])
        finally:
            _release(fd)
            with contextlib.suppress(OSError):
                _sweep(base)
