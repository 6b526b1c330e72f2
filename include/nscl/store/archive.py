"""The raw archive: every received file byte for byte under ``archive/<sha[:2]>/<sha256>``,
read-only."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from nscl.store.faults import checkpoint
from nscl.store.zones import Zones


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_path(zones: Zones, sha: str) -> Path:
    return zones.archive / sha[:2] / sha


def archive_stream(zones: Zones, fh: BinaryIO) -> tuple[str, int]:
    """Copy a readable binary stream into the raw archive under its SHA-256, in chunks (a huge
    file is kept too, never held in memory). An existing copy is left alone."""
    zones.archive.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming.", dir=zones.archive)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        sha = digest.hexdigest()
        target = archive_path(zones, sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            checkpoint("archive:before-rename")
            os.replace(tmp, target)
            target.chmod(0o444)
            checkpoint("archive:after-rename")
        return sha, size
    finally:
        if tmp.exists():
            tmp.unlink()


def archive_file(zones: Zones, path: Path) -> str:
    """Copy a local file into the raw archive; returns its SHA-256."""
    with open(path, "rb") as fh:
        return archive_stream(zones, fh)[0]
