"""Two entries of one zip container (.xlsx, .zip) that name the same part.

A zip may hold two entries with the same name. Readers disagree about which one counts:
Python's ``zipfile`` (and so openpyxl) and calamine take one, Excel or LibreOffice may take the
other, so the figures the Department reads need not be the figures the agency saw. Names can
also be made to differ only in spelling while meaning the same part: Office Open XML compares
part names without regard to case (``xl/Workbook.xml`` is ``xl/workbook.xml``), Windows tools
write ``\\`` for ``/``, and a name can carry ``./``, ``../``, ``//``, a leading ``/``,
percent-escapes (``%77`` for ``w``) or another Unicode normal form. Such a file is refused.

Pure functions on the zip's directory: nothing is read or extracted.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Iterable
from urllib.parse import unquote

__all__ = ["duplicate_entries", "duplicate_message", "entry_key", "escaping_entries"]


def _name(entry: zipfile.ZipInfo | str) -> str:
    return entry.filename if isinstance(entry, zipfile.ZipInfo) else entry


def _segments(name: str) -> tuple[list[str], bool, bool]:
    """(the name's path segments after resolving ``.`` and ``..``, whether it is a folder,
    whether a ``..`` climbed above the container's root)."""
    text = unicodedata.normalize("NFC", unquote(name.replace("\\", "/")))
    folder = text.endswith("/")
    out: list[str] = []
    escaped = False
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out:
                out.pop()
            else:
                escaped = True
            continue
        out.append(part)
    return out, folder, escaped


def entry_key(entry: zipfile.ZipInfo | str) -> str:
    """The part an entry names, spelled one way: ``/`` separators, no ``.``/``..``/empty
    segments or leading ``/``, percent-escapes decoded, Unicode NFC, case folded (as Excel
    compares part names). A folder entry keeps its trailing ``/``."""
    segments, folder, _ = _segments(_name(entry))
    key = "/".join(segments).casefold()
    return key + "/" if folder and key else key


def duplicate_entries(zip_infolist: Iterable[zipfile.ZipInfo | str]) -> list[str]:
    """The names, as written in the zip, of every entry that names the same part as an earlier
    entry (see :func:`entry_key`), in the zip's order; empty for a sound container.

    ``ZipFile.infolist()`` lists every entry, repeated names included (``namelist`` and
    ``getinfo`` would hide the repeats)."""
    seen: set[str] = set()
    repeats: list[str] = []
    for entry in zip_infolist:
        key = entry_key(entry)
        if key in seen:
            repeats.append(_name(entry))
        else:
            seen.add(key)
    return repeats


def escaping_entries(zip_infolist: Iterable[zipfile.ZipInfo | str]) -> list[str]:
    """The names of entries that are absolute (``/x``, ``C:/x``) or climb out of the container
    with ``..``: no part of a workbook is named so."""
    out = []
    for entry in zip_infolist:
        name = _name(entry)
        plain = unquote(name.replace("\\", "/"))
        _, _, escaped = _segments(name)
        drive = len(plain) > 1 and plain[1] == ":" and plain[0].isalpha()
        if escaped or plain.startswith("/") or drive:
            out.append(name)
    return out


def duplicate_message(names: list[str]) -> str:
    """What the agency reads when its file is refused for repeated entries (Vietnamese)."""
    shown = ", ".join(f"'{n}'" for n in names[:3]) + (
        f" và {len(names) - 3} thành phần khác" if len(names) > 3 else ""
    )
    return (
        f"Tệp có thành phần bị lặp tên ({shown}): mỗi phần mềm có thể đọc ra số liệu khác nhau từ tệp "
        "này nên tệp không được mở. Vui lòng mở tệp bằng Excel, LibreOffice hoặc WPS, lưu lại thành "
        "tệp .xlsx (File > Save As) rồi gửi lại."
    )
