"""The sanitising of received file names: path tricks, control and bidirectional characters,
odd Unicode, Windows device names, length. The name as received is kept in the receipt; this
safe form is what is written to disk and shown in the feedback."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

_RESERVED = re.compile(r'[<>:"|?*\x00-\x1f]')
_WINDOWS_DEVICES = (
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
MAX_NAME = 150


def safe_name(name: str) -> tuple[str, list[str]]:
    """A file name safe to write anywhere (no folders, no hidden or control characters), and
    the Vietnamese notes on what was changed (for the receipt)."""
    notes: list[str] = []
    text = str(name)
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        notes.append("tên tệp ở dạng Unicode tổ hợp (NFD), đã chuẩn hóa NFC")
    nfkc = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", nfc))
    if nfkc != nfc:
        notes.append(
            "tên tệp có ký tự Unicode biến thể (toàn chiều rộng, chữ ghép...), đã thay bằng ký tự thường"
        )
    hidden = [c for c in nfkc if unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs")]
    if hidden:
        notes.append(
            "tên tệp có ký tự ẩn hoặc điều khiển (ví dụ ký tự đảo chiều văn bản U+202E), đã bỏ: "
            + ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(hidden))
        )
    cleaned = "".join(c for c in nfkc if c not in hidden)
    parts = [p for p in re.split(r"[\\/]", cleaned) if p not in ("", ".", "..")]
    if len(parts) != 1 or parts[0] != cleaned:
        notes.append("tên tệp chứa đường dẫn thư mục (ví dụ '../'), chỉ giữ tên tệp")
    base = parts[-1] if parts else ""
    base = _RESERVED.sub("_", base).strip().lstrip(".").rstrip(". ")
    if base.split(".")[0].lower() in _WINDOWS_DEVICES:
        base = "_" + base
    if len(base) > MAX_NAME:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: MAX_NAME - len(suffix)] + suffix
        notes.append(f"tên tệp quá dài, đã rút gọn còn {MAX_NAME} ký tự")
    if not base:
        base = "tep-khong-ten"
        notes.append("tệp không có tên hợp lệ")
    return base, notes
