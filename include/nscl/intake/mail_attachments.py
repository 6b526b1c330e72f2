"""The attachments of an e-mail that may be workbooks: names decoded whatever the sender's
client did (RFC 2047 encoded words inside a quoted name, RFC 2231 parameters in any charset,
raw 8-bit bytes), and archives expanded under the same hostile limits as a workbook's own zip
(``nscl.intake.hostile``): the directory is checked before a byte is expanded, every entry is
read with a cap, nested or encrypted archives stay closed. ``nscl.intake.mail_parse`` uses it.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from email.message import Message
from pathlib import PurePosixPath

from nscl.settings import IntakeLimits

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".xltm", ".xlt", ".ods", ".csv")
ARCHIVE_SUFFIXES = (".zip",)
OTHER_ARCHIVES = (".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.ms-excel.sheet.binary.macroenabled.12": ".xlsb",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/x-zip"}
WANTED = (
    "biểu mẫu Excel (.xlsx) do Sở Khoa học và Công nghệ gửi, đính kèm trực tiếp hoặc nén trong một tệp .zip"
)


@dataclass(frozen=True)
class MailProblem:
    code: str
    message: str  # Vietnamese, for the reply and the staff page


@dataclass
class Candidate:
    """One file taken from the message for the inbox."""

    index: int  # 1-based, in message order
    name: str  # as received, decoded (may be empty)
    data: bytes
    container: str | None = None  # the archive it was taken from
    problem: MailProblem | None = None  # why an archive was kept whole
    notes: list[str] = field(default_factory=list)  # Vietnamese, what was decoded or repaired


# ---- attachment names ----------------------------------------------------------------------


def decode_name(raw: str | None) -> tuple[str, list[str]]:
    """The attachment's name as the sender meant it: RFC 2047 words left by a client inside a
    quoted parameter decoded, raw 8-bit bytes read as UTF-8 (else Windows-1258), NFC."""
    notes: list[str] = []
    if not raw:
        return "", notes
    name = str(raw)
    if "=?" in name and "?=" in name:
        try:
            from email.header import decode_header, make_header

            name = str(make_header(decode_header(name)))
            notes.append("tên tệp mã hóa kiểu RFC 2047, đã giải mã")
        except Exception:
            pass
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in name):  # 8-bit bytes smuggled in as surrogates
        data = name.encode("utf-8", "surrogateescape")
        try:
            name = data.decode("utf-8")
        except UnicodeDecodeError:
            name = data.decode("cp1258", "replace")
        notes.append("tên tệp gửi dạng 8-bit không mã hóa, đã đọc lại")
    if "\ufffd" in name:
        notes.append("tên tệp có ký tự không giải mã được (bảng mã lạ)")
    return unicodedata.normalize("NFC", name), notes


def _zip_name(info: zipfile.ZipInfo) -> str:
    """An archive entry's name: UTF-8 when flagged; otherwise the bytes zipfile read as CP437
    are tried as UTF-8 (what most tools write), then as Windows-1258 (Vietnamese Windows)."""
    if info.flag_bits & 0x800:
        return info.filename
    data = info.filename.encode("cp437", "replace")
    for codec in ("utf-8", "cp1258"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def suffix(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


# ---- archives ------------------------------------------------------------------------------


def archive_problem(code: str, name: str, what: str) -> MailProblem:
    return MailProblem(code, f"Tệp nén '{name}' {what}; vui lòng gửi {WANTED}.")


def expand_zip(
    name: str, data: bytes, limits: IntakeLimits
) -> tuple[list[tuple[str, bytes]], MailProblem | None]:
    """The workbooks inside a zip (entry name, bytes), or the problem that keeps it closed.
    The directory is checked before a byte is expanded; each entry is read with a cap."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return [], archive_problem("archive_corrupt", name, "bị hỏng, không giải nén được")
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_zip_entries:
            return [], archive_problem("archive_bomb", name, f"có quá nhiều tệp ({len(infos)})")
        if sum(i.file_size for i in infos) > limits.max_uncompressed_bytes:
            return [], archive_problem(
                "archive_bomb", name, "có dung lượng giải nén quá lớn, có thể là tệp độc hại"
            )
        if any(i.flag_bits & 0x1 for i in infos):
            return [], archive_problem(
                "archive_encrypted",
                name,
                "được đặt mật khẩu nên không mở được; vui lòng gửi tệp không đặt mật khẩu",
            )
        wanted, nested = [], []
        for info in infos:
            entry = _zip_name(info)
            sfx = suffix(entry)
            if sfx in ARCHIVE_SUFFIXES + OTHER_ARCHIVES:
                nested.append(entry)
            elif sfx in WORKBOOK_SUFFIXES and not PurePosixPath(entry.replace("\\", "/")).name.startswith(
                "~$"
            ):
                wanted.append((info, entry))
        if nested:
            return [], archive_problem(
                "archive_nested",
                name,
                f"chứa tệp nén khác ({nested[0]}); hệ thống không mở tệp nén lồng nhau",
            )
        if not wanted:
            return [], archive_problem("archive_without_workbook", name, "không chứa bảng tính Excel nào")
        out = []
        for info, entry in wanted:
            if info.file_size > limits.max_file_bytes or (
                info.file_size > 1024 * 1024
                and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1)
            ):
                return [], archive_problem(
                    "archive_bomb", name, f"có tệp '{entry}' quá lớn hoặc nén bất thường"
                )
            try:
                with zf.open(info) as fh:
                    content = fh.read(limits.max_file_bytes + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError):
                return [], archive_problem("archive_corrupt", name, "bị hỏng hoặc nén theo cách không hỗ trợ")
            if len(content) > limits.max_file_bytes:
                return [], archive_problem("archive_bomb", name, f"có tệp '{entry}' quá lớn")
            out.append((entry, content))
        return out, None


def classify(part: Message, name: str) -> str | None:
    """'workbook', 'zip', 'archive' (unsupported) or None (not ours)."""
    sfx = suffix(name)
    content_type = part.get_content_type().lower()
    if sfx in WORKBOOK_SUFFIXES or (not sfx and content_type in SPREADSHEET_TYPES):
        return "workbook"
    if sfx in ARCHIVE_SUFFIXES or (not sfx and content_type in ZIP_TYPES):
        return "zip"
    if sfx in OTHER_ARCHIVES:
        return "archive"
    return None
