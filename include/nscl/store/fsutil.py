"""Atomic writes: a reader never finds a half-written file."""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from nscl.store.faults import checkpoint


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def json_text(obj: Any, indent: int | None = 2, sort_keys: bool = True) -> str:
    """Strict JSON (RFC 8259), as a browser's ``JSON.parse`` reads it: a NaN or an infinity (which
    Python writes as bare ``NaN``/``Infinity`` tokens) becomes null; anything else not JSON, its
    text."""
    return json.dumps(
        _finite(obj), ensure_ascii=False, indent=indent, sort_keys=sort_keys, default=str, allow_nan=False
    )


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def atomic_write_json(path: Path, obj: Any) -> Path:
    return atomic_write_text(path, json_text(obj))


def atomic_write(path: Path, writer: Callable[[Path], Any]) -> Path:
    """Call ``writer`` on a temporary file in the target folder, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        checkpoint("write:before-rename")
        os.replace(tmp, path)
        checkpoint("write:after-rename")
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock held on ``path`` (created, and kept, beside what it guards) for the
    ``with`` block: one writer at a time across processes (the page's workers, the CLI)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
