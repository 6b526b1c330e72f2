"""Pre-checks on a received file before any spreadsheet library parses it: size, format by
content (not by name), encryption, macros, zip bombs, XML entity tricks, huge sheets; and a
streaming scan of the sheets (``nscl.intake.sheet_scan``) for their size, merged cells and
formulas without a cached value. The
sanitising of file names is in ``nscl.intake.names`` (``safe_name``, re-exported here).

Nothing here executes or expands anything: the zip directory is read, XML is parsed with
defusedxml (DTDs forbidden) as a stream, and the row count stops the scan at the limit.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from nscl.forms.schema import column_letter
from nscl.intake.names import safe_name
from nscl.intake.sheet_scan import SheetScan, scan_ods, scan_sheet
from nscl.intake.zip_names import duplicate_entries, duplicate_message, escaping_entries
from nscl.labels import format_vn_number
from nscl.settings import IntakeLimits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
WANTED = "biểu mẫu Excel .xlsx do Sở Khoa học và Công nghệ cung cấp"
_MAIN_NS_TAGS = ("row", "c", "f", "v", "mergeCell", "dimension", "is")


@dataclass(frozen=True)
class Problem:
    """Why a file is refused unread: a stable code for operators and a Vietnamese message."""

    code: str
    message: str


@dataclass
class Inspection:
    problem: Problem | None = None
    sheets: dict[str, SheetScan] = field(default_factory=dict)
    format: str = "xlsx"  # by content: xlsx, xlsm (macros never run), xls (Excel 97-2003), ods
    notes: list[str] = field(default_factory=list)  # what the receipt says (macros ignored...)

    @property
    def merged(self) -> dict[str, list[str]]:
        return {name: s.merged for name, s in self.sheets.items() if s.merged}


# ---- content ---------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SAVE_AS_XLSX = (
    "Cách lưu thành .xlsx: trong Excel chọn Tệp (File) > Lưu thành (Save As) > 'Sổ làm việc Excel (*.xlsx)'; "
    "trong LibreOffice Calc chọn Tệp > Lưu thành > 'Excel 2007-365 (.xlsx)'; trong WPS Office chọn Tệp > Lưu "
    "thành > 'Excel Workbook (*.xlsx)'."
)


def _format_problem(name: str) -> Problem | None:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in READABLE_SUFFIXES:
        return None
    if suffix in (".xltm", ".xlsb", ".xlt", ".csv", ".ots", ".et", ".numbers"):
        what = {
            ".xltm": "mẫu Excel có macro (.xltm)",
            ".xlsb": "tệp Excel nhị phân (.xlsb)",
            ".xlt": "mẫu Excel 97-2003 (.xlt)",
            ".csv": "tệp CSV (mất các trang tính và thông tin nhận diện của biểu mẫu)",
            ".ots": "mẫu bảng tính OpenDocument (.ots)",
            ".et": "tệp WPS Spreadsheets (.et)",
            ".numbers": "tệp Apple Numbers",
        }[suffix]
        return Problem(
            "wrong_format",
            f"Định dạng '{suffix}' ({what}) không được nhận; đề nghị gửi {WANTED}. {SAVE_AS_XLSX}",
        )
    return Problem(
        "wrong_format",
        f"Định dạng '{suffix or '(không có phần mở rộng)'}' không được nhận; đề nghị gửi {WANTED} "
        f"(không gửi .pdf, .doc...). {SAVE_AS_XLSX}",
    )


def _inspect_ole(path: Path, name: str, limits: IntakeLimits) -> Inspection:
    """An OLE2 compound file: an Excel 97-2003 workbook (.xls) is read; an encrypted file, or a
    Word or other old Office document, is refused. No stream may be larger than an XML part of
    an .xlsx may be (the reader holds it)."""
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            entries = ole.listdir()
            streams = {"/".join(s) for s in entries}
            sizes = [ole.get_size("/".join(s)) for s in entries]
    except Exception:
        streams, sizes = set(), []
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return Inspection(
            Problem(
                "encrypted",
                "Tệp được đặt mật khẩu (mã hóa) nên không đọc được; đề nghị gỡ mật khẩu "
                f"(File > Info > Protect Workbook) rồi gửi lại {WANTED}.",
            )
        )
    if "Workbook" not in streams and "Book" not in streams:
        return Inspection(
            _format_problem(name)
            or Problem(
                "not_workbook",
                f"Tệp là tài liệu Office cũ, không phải bảng tính; đề nghị gửi {WANTED}. {SAVE_AS_XLSX}",
            )
        )
    if any(size > limits.max_part_bytes for size in sizes):
        return Inspection(
            Problem(
                "too_large",
                f"Tệp .xls có thành phần quá lớn (tối đa {_mb(limits.max_part_bytes)}); đề nghị xóa dữ liệu, "
                f"ảnh, trang tính thừa rồi gửi {WANTED}. {SAVE_AS_XLSX}",
            )
        )
    inspection = Inspection(format="xls")
    if PurePosixPath(name).suffix.lower() != ".xls":
        inspection.notes.append(
            "Tệp là bảng tính Excel 97-2003 (.xls) dù tên tệp ghi khác; đã đọc theo nội dung."
        )
    return inspection


def inspect_file(path: Path | str, original_name: str, limits: IntakeLimits | None = None) -> Inspection:
    """Check the file at ``path`` (its bytes as archived); ``original_name`` as received."""
    limits = limits or IntakeLimits.from_env()
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        return Inspection(Problem("empty", "Tệp rỗng (0 byte); đề nghị gửi lại tệp báo cáo."))
    if size > limits.max_file_bytes:
        return Inspection(
            Problem(
                "too_large",
                f"Tệp quá lớn ({_mb(size)}, tối đa {_mb(limits.max_file_bytes)}); biểu mẫu báo cáo "
                "thông thường chỉ vài trăm KB: đề nghị xóa ảnh, trang tính thừa rồi gửi lại.",
            )
        )
    with open(path, "rb") as fh:
        head = fh.read(8)
    name, _ = safe_name(original_name)
    if head == OLE_MAGIC:
        return _inspect_ole(path, name, limits)
    format_problem = _format_problem(name)
    if format_problem:
        return Inspection(format_problem)
    if not head.startswith(ZIP_MAGIC):
        kind = "tệp PDF" if head.startswith(b"%PDF") else "không phải bảng tính Excel"
        return Inspection(
            Problem(
                "not_workbook",
                f"Tệp có tên {PurePosixPath(name).suffix.lower()} nhưng nội dung là {kind}; đề nghị gửi {WANTED}.",
            )
        )
    try:
        with zipfile.ZipFile(path) as zf:
            return _inspect_zip(zf, limits, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        return Inspection(
            Problem(
                "corrupt",
                f"Tệp bị hỏng (không giải nén được); đề nghị mở bằng Excel hoặc LibreOffice, lưu lại và gửi {WANTED}.",
            )
        )


def _inspect_zip(zf: zipfile.ZipFile, limits: IntakeLimits, name: str = "") -> Inspection:
    infos = zf.infolist()
    # Two entries naming one part: readers disagree on which counts, so the figures read here
    # need not be those the agency saw (nscl.intake.zip_names).
    repeated, escaping = duplicate_entries(infos), escaping_entries(infos)
    if repeated or escaping:
        return Inspection(Problem("corrupt", duplicate_message(repeated or escaping)))
    bomb = Problem(
        "zip_bomb",
        "Tệp có cấu trúc nén bất thường (dung lượng giải nén quá lớn hoặc quá nhiều thành phần), "
        f"có thể là tệp độc hại nên không được mở; đề nghị gửi {WANTED}.",
    )
    if len(infos) > limits.max_zip_entries:
        return Inspection(bomb)
    if sum(i.file_size for i in infos) > limits.max_uncompressed_bytes:
        return Inspection(bomb)
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > limits.max_compression_ratio * max(i.compress_size, 1):
            return Inspection(bomb)
        if i.file_size > limits.max_part_bytes:
            return Inspection(
                Problem(
                    "too_large",
                    f"Một thành phần của tệp quá lớn khi giải nén ({i.filename}: {_mb(i.file_size)}, tối đa "
                    f"{_mb(limits.max_part_bytes)}); biểu mẫu báo cáo thông thường chỉ vài trăm KB: đề nghị "
                    f"xóa dữ liệu, ảnh, trang tính thừa rồi gửi {WANTED}.",
                )
            )
        if i.flag_bits & 0x1:
            return Inspection(
                Problem(
                    "encrypted", f"Tệp được mã hóa nên không đọc được; đề nghị gỡ mật khẩu và gửi {WANTED}."
                )
            )
    names = {i.filename for i in infos}
    content_types = _read(zf, "[Content_Types].xml", 1 << 20) if "[Content_Types].xml" in names else b""
    mimetype = _read(zf, "mimetype", 200) if "mimetype" in names else b""
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet") and "content.xml" in names:
        return _inspect_ods(zf, infos, limits)
    macros = "xl/vbaProject.bin" in names or b"macroEnabled" in content_types
    if "xl/workbook.xml" not in names:
        return Inspection(
            Problem("not_workbook", f"Tệp không phải bảng tính Excel .xlsx; đề nghị gửi {WANTED}.")
        )
    for i in infos:
        if i.filename.endswith((".xml", ".rels", ".vml")):
            head = _read(zf, i.filename, 4096)
            if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                return Inspection(
                    Problem(
                        "xml_entities",
                        "Tệp chứa khai báo XML bất thường (DOCTYPE/ENTITY), có thể là tệp độc hại nên không "
                        f"được mở; đề nghị gửi {WANTED}.",
                    )
                )
    try:
        sheets = _sheet_parts(zf)
        if len(sheets) > limits.max_sheets:
            return Inspection(
                Problem(
                    "too_many_sheets",
                    f"Tệp có quá nhiều trang tính ({len(sheets)}, tối đa {limits.max_sheets}); đề nghị xóa các "
                    f"trang tính thừa và gửi {WANTED}.",
                )
            )
        inspection = Inspection(sheets={}, format="xlsm" if macros else "xlsx")
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in (".xls", ".ods"):
            inspection.notes.append(f"Tệp là bảng tính .xlsx dù tên tệp là {suffix}; đã đọc theo nội dung.")
        if macros:
            inspection.notes.append(
                "Tệp có chứa macro: chỉ các giá trị trong ô được đọc, macro không được chạy và đã được bỏ qua."
            )
        budget = limits.max_cells
        for sheet_name, part in sheets:
            if part not in names:
                continue
            scan = scan_sheet(zf, sheet_name, part, limits, budget)
            inspection.sheets[sheet_name] = scan
            budget -= scan.cells
            problem = _size_problem(scan, limits, budget)
            if problem:
                inspection.problem = problem
                return inspection
        return inspection
    except Exception as exc:  # defusedxml or expat errors: a broken or hostile XML part
        from defusedxml import DefusedXmlException

        if isinstance(exc, DefusedXmlException):
            return Inspection(
                Problem(
                    "xml_entities",
                    f"Tệp chứa khai báo XML bất thường nên không được mở; đề nghị gửi {WANTED}.",
                )
            )
        return Inspection(
            Problem(
                "corrupt",
                f"Tệp .xlsx bị hỏng (nội dung XML lỗi); đề nghị mở bằng Excel, lưu lại và gửi {WANTED}.",
            )
        )


def _inspect_ods(zf: zipfile.ZipFile, infos: list, limits: IntakeLimits) -> Inspection:
    """An OpenDocument spreadsheet (.ods, as LibreOffice and WPS save it): its zip already passed
    the size, ratio and entity checks; every sheet is in ``content.xml``, scanned as a stream."""
    try:
        scans = scan_ods(zf, "content.xml", limits)
    except Exception as exc:  # defusedxml or expat errors
        from defusedxml import DefusedXmlException

        code = "xml_entities" if isinstance(exc, DefusedXmlException) else "corrupt"
        return Inspection(
            Problem(
                code,
                f"Tệp .ods bị hỏng hoặc có nội dung XML bất thường nên không được mở; đề nghị gửi {WANTED}.",
            )
        )
    if len(scans) > limits.max_sheets:
        return Inspection(
            Problem(
                "too_many_sheets",
                f"Tệp có quá nhiều trang tính ({len(scans)}, tối đa {limits.max_sheets}); đề nghị xóa các trang "
                f"tính thừa và gửi {WANTED}.",
            )
        )
    inspection = Inspection(sheets={}, format="ods")
    budget = limits.max_cells
    for scan in scans:
        inspection.sheets[scan.name] = scan
        budget -= scan.cells
        problem = _size_problem(scan, limits, budget)
        if problem:
            inspection.problem = problem
            return inspection
    return inspection


def _read(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with zf.open(name) as fh:
        return fh.read(limit)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip part) in workbook order, from workbook.xml and its relationships."""
    from defusedxml.ElementTree import fromstring

    rels = fromstring(_read(zf, "xl/_rels/workbook.xml.rels", 1 << 22), forbid_dtd=True)
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = str(PurePosixPath(part))
    book = fromstring(_read(zf, "xl/workbook.xml", 1 << 24), forbid_dtd=True)
    out = []
    for el in book.iter():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            if rid in targets:
                out.append((el.get("name", ""), targets[rid]))
    return out


def _size_problem(scan: SheetScan, limits: IntakeLimits, cells_left: int) -> Problem | None:
    """The configurable limits on what a sheet may hold, as the message an agency reads."""
    if scan.max_value_row > limits.max_rows:
        return Problem(
            "huge_sheet",
            f"Trang tính '{scan.name}' có dữ liệu ở dòng quá xa (dòng {format_vn_number(scan.max_value_row)}, tối đa "
            f"{format_vn_number(limits.max_rows)} dòng); đề nghị xóa dữ liệu ở các dòng thừa và gửi {WANTED}.",
        )
    if scan.rows > limits.max_rows:
        return Problem(
            "huge_sheet",
            f"Trang tính '{scan.name}' có quá nhiều dòng (hơn {limits.max_rows}); đề nghị xóa các dòng "
            f"thừa và gửi {WANTED}.",
        )
    if scan.max_column > limits.max_columns:
        return Problem(
            "huge_sheet",
            f"Trang tính '{scan.name}' có dữ liệu ở quá nhiều cột (đến cột {column_letter(scan.max_column)}, "
            f"tối đa {limits.max_columns} cột); đề nghị xóa các cột thừa và gửi {WANTED}.",
        )
    if cells_left < 0:
        return Problem(
            "too_many_cells",
            f"Tệp có quá nhiều ô dữ liệu (hơn {format_vn_number(limits.max_cells)} ô; trang tính '{scan.name}' "
            f"vượt giới hạn); biểu mẫu báo cáo chỉ cần vài nghìn ô: đề nghị xóa dữ liệu thừa và gửi {WANTED}.",
        )
    return None
