"""Validation of one received file: identity, normalisation, Great Expectations suites per
sheet, and cross-sheet rules. Every problem becomes an Issue that names the sheet, row, column,
the value found and what is expected, in Vietnamese.

Longer than 400 lines because it holds the checks of every sheet of the template in one place,
each producing the Vietnamese message an agency reads; splitting it per sheet would scatter the
rules that cross sheets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nscl.forms import schema as sc
from nscl.forms import workbook as wbm
from nscl.intake.batch_gx import GxSlot, resolve_slots
from nscl.intake.gx_suites import TAX_CODE_REGEX, rule
from nscl.intake.hostile import Inspection, inspect_file
from nscl.intake.legacy_encodings import detect_and_convert
from nscl.intake.normalise import (
    NotANumber,
    clean_lines,
    normalise_text,
    number_style,
    parse_number,
)
from nscl.intake.plausibility import money_warnings
from nscl.intake.tfp_checks import attach_io_tables, check_rows
from nscl.labels import vn_number
from nscl.plan.catalogue import Catalogue
from nscl.settings import FIRST_YEAR, LAST_YEAR, MIN_TEMPLATE_VERSION, IntakeLimits


@dataclass
class Issue:
    sheet: str
    row: int | None
    column: str | None  # column header as the agency sees it
    value: Any
    expected: str
    severity: str = "error"  # "error" rejects the file; "warning" does not
    cell: str | None = None  # e.g. "H7", for the feedback workbook

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["value"] is not None and not isinstance(d["value"], int | float | str | bool):
            d["value"] = str(d["value"])
        return d


@dataclass
class Outcome:
    status: str  # "accepted" or "rejected"
    agency_code: str | None = None
    template_version: str | None = None
    kind: str | None = None
    issues: list[Issue] = field(default_factory=list)
    conversions: list[str] = field(default_factory=list)
    data: dict[str, Any] | None = None
    code: str = ""  # why: accepted, warnings, invalid, or a hostile-file code (nscl.intake.hostile)
    readable: bool = False  # the workbook could be opened (a feedback copy can be made)
    file_format: str | None = None  # by content (nscl.intake.hostile.Inspection.format)
    gx_results: list = field(default_factory=list)  # failed GX results, for Data Docs

    @property
    def message(self) -> str:
        """One Vietnamese sentence for the receipt and the e-mail subject line."""
        errors = sum(1 for i in self.issues if i.severity == "error")
        warnings = sum(1 for i in self.issues if i.severity == "warning")
        if self.status == "accepted":
            return "Đã tiếp nhận" + (f", có {warnings} lưu ý cần kiểm tra." if warnings else ".")
        if self.code == "invalid":
            return (
                f"Có {errors} lỗi cần sửa"
                + (f" và {warnings} lưu ý" if warnings else "")
                + " (xem tệp phản hồi)."
            )
        return self.issues[0].expected if self.issues else "Tệp không hợp lệ."


MAX_CONVERSIONS = 200  # conversions listed one by one in a receipt; the rest are counted


# Column headers per sheet, for the messages.
IND_VALUE = "Kết quả năm"
TASK_STATUS = "Tình trạng"
ENT_LABELS = dict(wbm.ENTERPRISE_COLUMNS)
TFP_LABELS = dict(wbm.TFP_COLUMNS)
BUDGET_VALUE = "Kinh phí đã sử dụng (triệu đồng)"

INDICATOR_RULES = (
    rule("ExpectColumnValuesToNotBeNull", "value", "Bắt buộc nhập kết quả (nhập 0 nếu không phát sinh)"),
    rule("ExpectColumnValuesToBeBetween", "value", "Số nguyên không âm", min_value=0),
)
TASK_RULES = (
    rule("ExpectColumnValuesToNotBeNull", "status", "Bắt buộc chọn tình trạng thực hiện"),
    rule(
        "ExpectColumnValuesToBeInSet",
        "status",
        "Một trong: " + ", ".join(wbm.TASK_STATUSES),
        value_set=wbm.TASK_STATUSES,
    ),
)
ENTERPRISE_RULES = (
    rule("ExpectColumnValuesToNotBeNull", "name", "Bắt buộc nhập tên tổ chức, doanh nghiệp"),
    rule("ExpectColumnValuesToNotBeNull", "tax_code", "Bắt buộc nhập mã số thuế"),
    rule(
        "ExpectColumnValuesToMatchRegex",
        "tax_code",
        "Mã số thuế gồm 10 chữ số, hoặc 13 chữ số (10 chữ số, dấu '-' và 3 chữ số)",
        regex=TAX_CODE_REGEX,
    ),
    rule(
        "ExpectColumnValuesToBeInSet",
        "support_type",
        "Một nội dung hỗ trợ trong danh sách",
        value_set=wbm.SUPPORT_TYPES,
    ),
    rule("ExpectColumnValuesToNotBeNull", "support_type", "Bắt buộc chọn nội dung hỗ trợ"),
) + tuple(
    rule("ExpectColumnValuesToBeBetween", c, "Số không âm (triệu đồng)", min_value=0)
    for c in ("central", "provincial", "enterprise", "other")
)
BUDGET_RULES = (rule("ExpectColumnValuesToBeBetween", "value", "Số không âm (triệu đồng)", min_value=0),)
TFP_RULES = (
    tuple(
        rule("ExpectColumnValuesToNotBeNull", c, "Bắt buộc nhập số liệu")
        for c in ("grdp", "investment", "employment")
    )
    + tuple(
        rule("ExpectColumnValuesToBeBetween", c, "Số dương", min_value=0, strict_min=True)
        for c in ("grdp", "investment", "employment")
    )
    + (
        rule(
            "ExpectColumnValuesToBeBetween",
            "trained_labour_share",
            "Tỷ lệ trong khoảng 0-100",
            min_value=0,
            max_value=100,
        ),
        rule("ExpectColumnValuesToBeBetween", "rd_spending", "Số không âm", min_value=0),
    )
)


# Which declared column an issue's column label names, per template sheet (the letter comes from
# the file's own header: ``Submission.layout``; the template's letter only when the file has none).
LABEL_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    (spec.title, label): (spec.key, col.key)
    for spec in sc.ALL_SHEETS
    for col in spec.columns
    for label in {col.message_label, col.label}
}
DATA_SHEETS = {spec.title for spec in sc.ALL_SHEETS} | {wbm.META_SHEET}


def cell_ref(issue: Issue, layout: dict[str, dict[str, int]] | None = None) -> str | None:
    """The cell an issue is about, in the file as the agency sent it."""
    if issue.cell:
        return issue.cell
    found = LABEL_KEYS.get((issue.sheet, issue.column or ""))
    if found is None or issue.row is None:
        return None
    table, key = found
    col = (layout or {}).get(table, {}).get(key)
    if col is None:
        spec = next(s for s in sc.ALL_SHEETS if s.key == table)
        if layout is not None and table in layout:
            return None  # the file has no such column: no cell to point at
        col = spec.index(key)
    return f"{sc.column_letter(col)}{issue.row}"


def _text(value, sheet, row, column, conversions: list[str], lines: bool = False) -> str:
    """A text cell normalised (Unicode form, legacy encodings); ``lines`` keeps its line breaks
    (long texts: an agency's bullet list stays a list)."""
    text, done = normalise_text(value)
    if lines and value is not None:
        text = clean_lines(detect_and_convert(clean_lines(value))[0])
    for what in done:
        conversions.append(f"{sheet}!{column} dòng {row}: {what}")
    return text


def _choice(value, list_key: str, sheet, row, column, conversions: list[str]) -> str | None:
    """A drop-down cell as the list's own item: case, spaces and Unicode form do not matter, an
    older template's item is mapped to today's (recorded); anything else stays as typed, for the
    validation to refuse."""
    text = _text(value, sheet, row, column, conversions)
    if not text:
        return None
    item = sc.canonical_item(list_key, text)
    if item is None:
        return text
    if item != text:
        conversions.append(f"{sheet}!{column} dòng {row}: '{text}' đọc là '{item}'")
    return item


def _number(value, sheet, row, column, issues: list[Issue], conversions: list[str], style: str | None = None):
    """A number cell; ``style`` is the convention ("vn"/"en") the file's other numbers typed as
    text show, which settles text such as "1,500" (else the agency is asked)."""
    try:
        number = parse_number(value, style)
    except NotANumber as exc:
        # plain words in a number cell get the usual line; a date, an ambiguous figure, a formula
        # error, NaN or an overflow get their own
        generic = isinstance(value, str) and str(exc).endswith("không phải là số")
        issues.append(Issue(sheet, row, column, value, "Một số (ví dụ 12 hoặc 1.234,5), không phải chữ" if generic else str(exc)))
        return None
    if isinstance(value, str) and number is not None:
        how = ""
        if number_style(value) == "ambiguous":
            how = f" (theo cách viết số {'Việt Nam' if style == 'vn' else 'tiếng Anh'} của các ô khác trong tệp)"
        conversions.append(f"{sheet}!{column} dòng {row}: '{value}' đọc thành số {vn_number(number)}{how}")
    return number


def file_number_style(values) -> str | None:
    """The one convention ("vn" or "en") that the numbers typed as text in a file show, if they
    show exactly one; None when they show none or both."""
    seen = {number_style(v) for v in values} - {None, "ambiguous"}
    return seen.pop() if len(seen) == 1 else None


def _numeric_texts(sub: wbm.Submission):
    tables = {
        "indicators": sub.indicators,
        "enterprises": sub.enterprises,
        "tfp": sub.tfp,
        "tfp_io": sub.tfp_io,
        "budget": list(sub.budget.values()),
    }
    for spec in sc.ALL_SHEETS:
        numeric = [c.key for c in spec.columns if c.numeric]
        for rec in tables.get(spec.key, []):
            for key in numeric:
                if isinstance(rec.get(key), str):
                    yield rec[key]


def _rejected(message: str, code: str = "refused", **kw) -> Outcome:
    return Outcome("rejected", issues=[Issue("(tệp)", None, None, None, message)], code=code, **kw)


@dataclass
class FileToValidate:
    """One file of a batch: the keyword arguments of :func:`validate_file`."""

    path: Path
    original_name: str | None = None
    inbox_agency: str | None = None
    # the agency's own earlier figures, or a function of the agency code giving them (called
    # once the workbook is read: the inbox folder's agency if any, else the workbook's)
    history: dict[str, dict[int, float]] | Callable[[str | None], dict[str, dict[int, float]]] | None = None
    # the hostile scan of these bytes when the caller already made it (one scan per file)
    inspection: Inspection | None = None


def validate_file(
    path: Path,
    year: int,
    catalogue: Catalogue,
    *,
    original_name: str | None = None,
    inbox_agency: str | None = None,
    history: dict[str, dict[int, float]] | None = None,
    limits: IntakeLimits | None = None,
) -> Outcome:
    """Check, read and validate one file. Never raises for bad input: the outcome says what is
    wrong, in Vietnamese.

    ``path`` holds the bytes (e.g. the archived copy); ``original_name`` is the name it was
    received under (its suffix decides the wanted format); ``inbox_agency`` is the agency whose
    inbox sub-folder it was dropped in, if any; ``history`` is the agency's own figures of
    earlier years ({indicator: {year: value}}), for outlier warnings.
    """
    [out] = validate_files(
        [FileToValidate(path, original_name, inbox_agency, history)], year, catalogue, limits
    )
    if isinstance(out, Exception):
        raise out
    return out


_TEMPLATE_NAME = re.compile(r"NSCL_(\d{4})_([A-Za-z0-9]+)", re.IGNORECASE)
_CODE_IN_TITLE = re.compile(r"\(mã ([A-Za-z0-9]+)\)")


def identify_agency(path: Path, name: str, catalogue: Catalogue, readable: bool) -> str | None:
    """Whose file a refused one is, so that it is credited to its agency (who then shows as
    "returned for correction", never "not reported") and its notice addressed to it: the
    template's hidden identity sheet, else the template's file name (NSCL_2025_SCT.xlsx), else
    the agency named in the title lines of its sheets (a workbook whose sheets were copied into
    a new file). ``readable``: the hostile checks passed, so the values may be read."""
    codes = {c.upper(): c for c in catalogue.agencies}
    if readable:
        try:
            with wbm._open_book(path) as book:
                try:
                    return str(wbm.read_meta(book)["agency_code"])
                except wbm.WorkbookError:
                    pass
                found = _agency_in_titles(book, catalogue, codes)
                if found:
                    return found
        except Exception:  # noqa: BLE001 - an unreadable file is identified by its name alone
            pass
    m = _TEMPLATE_NAME.search(name or "")
    if m and m.group(2).upper() in codes:
        return codes[m.group(2).upper()]
    return None


def _agency_in_titles(book: Any, catalogue: Catalogue, codes: dict[str, str]) -> str | None:
    names = {sc.fold(a.name): code for code, a in catalogue.agencies.items()}
    for sheet in book.sheetnames:
        for row in book[sheet].iter_rows(min_row=1, max_row=3, max_col=3, values_only=True):
            for value in row:
                if not isinstance(value, str):
                    continue
                m = _CODE_IN_TITLE.search(value)
                if m and m.group(1).upper() in codes:
                    return codes[m.group(1).upper()]
                head = sc.fold(value).split(".")[0].removeprefix("đơn vị báo cáo:").strip()
                if head in names:
                    return names[head]
    return None


def workbook_year(path: Path, name: str, limits: IntakeLimits | None = None) -> int | None:
    """The year in the workbook's ``_meta`` sheet, read only if the hostile checks pass; None
    when they fail or the workbook states no usable year (2021-2030)."""
    limits = limits or IntakeLimits.from_env()
    if inspect_file(path, name, limits).problem is not None:
        return None
    try:
        year = wbm.read_year(path)
    except Exception:  # noqa: BLE001 - the file's own outcome says what is wrong with it
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def validate_files(
    files: list[FileToValidate], year: int, catalogue: Catalogue, limits: IntakeLimits | None = None
) -> list[Outcome | Exception]:
    """:func:`validate_file` for many files at once, with one Great Expectations validation per
    suite for the whole batch (``nscl.intake.batch_gx``); the outcome of each file is the one
    :func:`validate_file` gives it alone. An unexpected error in one file is returned in its
    place (the caller records it), never raised, and never costs the other files."""

    limits = limits or IntakeLimits.from_env()
    prepared: list[Outcome | _Prepared | Exception] = []
    for f in files:
        try:
            prepared.append(_prepare(f, year, catalogue, limits))
        except Exception as exc:  # noqa: BLE001  (reported per file by the caller)
            prepared.append(exc)
    pending = [p for p in prepared if isinstance(p, _Prepared)]
    resolve_slots([p.slots for p in pending])
    out: list[Outcome | Exception] = []
    for p in prepared:
        if isinstance(p, _Prepared):
            try:
                out.append(_finish(p))
            except Exception as exc:  # noqa: BLE001
                out.append(exc)
        else:
            out.append(p)
    return out


@dataclass
class _Prepared:
    """A file read and checked up to its Great Expectations suites: ``issues`` holds a
    placeholder (a :class:`nscl.intake.batch_gx.GxSlot`) where each suite's issues go."""

    ident: dict[str, Any]
    issues: list
    conversions: list[str]
    gx_results: list
    data: dict[str, Any]
    slots: list
    layout: dict[str, dict[str, int]] = field(default_factory=dict)  # the file's column per key
    titles: dict[str, str] = field(default_factory=dict)  # the file's title per template sheet


def _prepare(f: FileToValidate, year: int, catalogue: Catalogue, limits: IntakeLimits) -> Outcome | _Prepared:

    path = Path(f.path)
    original_name, inbox_agency, history = f.original_name, f.inbox_agency, f.history
    inspection = f.inspection or inspect_file(path, original_name or path.name, limits)
    if inspection.problem:
        return _rejected(inspection.problem.message, inspection.problem.code)
    try:
        sub = wbm.read_workbook(path, merged=inspection.merged, max_rows=limits.max_rows)
    except wbm.WorkbookError as exc:
        code = inbox_agency or identify_agency(path, original_name or path.name, catalogue, readable=True)
        return _rejected(str(exc), "not_template", agency_code=code)
    ident = {"agency_code": sub.agency_code, "template_version": sub.template_version, "kind": sub.kind}
    if sub.year != year:
        return _rejected(
            f"Biểu mẫu là của năm {sub.year}, không phải năm {year}; đề nghị dùng biểu mẫu năm {year}.",
            "wrong_year",
            **ident,
        )
    if inbox_agency and not _same_agency(catalogue, inbox_agency, sub.agency_code):
        return _rejected(
            f"Tệp được gửi vào thư mục của {_agency_name(catalogue, inbox_agency)} nhưng biểu mẫu là của "
            f"{_agency_name(catalogue, sub.agency_code)}; đề nghị gửi đúng biểu mẫu của đơn vị mình.",
            "wrong_agency",
            **ident,
        )
    try:
        exp = catalogue.expectation(year, sub.agency_code)
    except KeyError:
        return _rejected(
            f"{_agency_name(catalogue, sub.agency_code)} không thuộc danh sách phải báo cáo năm {year}; nếu đơn vị "
            "được giao báo cáo, đề nghị liên hệ Sở Khoa học và Công nghệ để nhận đúng biểu mẫu.",
            "wrong_agency",
            **ident,
        )
    if _version_key(sub.template_version) < _version_key(MIN_TEMPLATE_VERSION):
        return _rejected(
            f"Biểu mẫu phiên bản {sub.template_version} đã cũ; đề nghị dùng biểu mẫu phiên bản "
            f"{MIN_TEMPLATE_VERSION} trở lên.",
            "old_template",
            **ident,
        )
    if (sub.kind == "tfp") != exp.tfp_inputs:
        return _rejected(
            "Loại biểu mẫu không đúng với nhiệm vụ báo cáo của cơ quan.", "wrong_template", **ident
        )
    issues: list[Issue] = []
    conversions: list[str] = list(inspection.notes)
    gx_results: list = []
    _structure_notes(sub, issues, conversions)
    _workbook_structure(inspection, sub, issues, conversions)
    data = (
        _tfp_data(sub, issues, conversions, gx_results)
        if sub.kind == "tfp"
        else _agency_data(sub, exp, issues, conversions, gx_results)
    )
    if callable(history):
        history = history(inbox_agency or sub.agency_code)
    if sub.kind != "tfp" and history:
        _outliers(data["indicators"], history, year, issues)
    data.update(
        {
            "agency_code": sub.agency_code,
            "year": year,
            "kind": sub.kind,
            "template_version": sub.template_version,
        }
    )

    slots = [i for i in issues if isinstance(i, GxSlot)]
    return _Prepared(ident, issues, conversions, gx_results, data, slots, sub.layout, sub.titles)


def _finish(p: _Prepared) -> Outcome:
    """The outcome of a prepared file, once its suites' issues are in their placeholders."""

    issues: list[Issue] = []
    for item in p.issues:
        if isinstance(item, GxSlot):
            if item.error is not None:
                raise item.error
            issues += [Issue(*found) for found in item.issues]
            p.gx_results += item.gx_results
        else:
            issues.append(item)
    conversions, gx_results, data, ident = p.conversions, p.gx_results, p.data, p.ident
    for issue in issues:
        issue.value = shown_value(issue.value)
        issue.cell = cell_ref(issue, p.layout)
        # the agency finds the sheet under the name its file gives it
        issue.sheet = p.titles.get(issue.sheet, issue.sheet)
    issues = _dedupe(issues)
    if len(conversions) > MAX_CONVERSIONS:
        rest = len(conversions) - MAX_CONVERSIONS
        conversions = conversions[:MAX_CONVERSIONS] + [f"... và {rest} chuyển đổi khác cùng loại"]
    errors = any(i.severity == "error" for i in issues)
    status = "rejected" if errors else "accepted"
    code = "invalid" if errors else ("warnings" if issues else "accepted")
    return Outcome(
        status,
        issues=issues,
        conversions=conversions,
        data=data,
        code=code,
        readable=True,
        gx_results=gx_results,
        **ident,
    )


def shown_value(value: Any) -> Any:
    """A value as a message shows it to the agency: figures the Vietnamese way ("2", "1.234,5",
    never "2.0"), dates dd/mm/yyyy; NaN and infinities as words (receipts stay strict JSON)."""
    import datetime as dt
    import math

    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("-∞" if value < 0 else "∞")
    if isinstance(value, int | float):
        return vn_number(value) if abs(value) < 1e15 else f"{value:.6g}".replace(".", ",")
    if isinstance(value, dt.datetime) and (value.hour, value.minute, value.second) == (0, 0, 0):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _agency_name(catalogue: Catalogue, code: str) -> str:
    """An agency as the agency reads it: its name, never its internal code."""
    try:
        return catalogue.agency(code).name
    except KeyError:
        return f"cơ quan có mã '{code}'"


def _same_agency(catalogue: Catalogue, folder: str, code: str) -> bool:
    """The inbox sub-folder's agency is the workbook's, or its predecessor or successor."""
    if folder.upper() == code.upper():
        return True
    try:
        of_code = catalogue.predecessors(code) | {catalogue.current_successor(code).code}
        of_folder = catalogue.predecessors(folder) | {catalogue.current_successor(folder).code}
    except KeyError:
        return False
    return folder in of_code or code in of_folder


def _structure_notes(sub: wbm.Submission, issues: list[Issue], conversions: list[str]) -> None:
    """What the reader found different from the template (``nscl.forms.header``): errors and
    warnings for the agency, conversions for the receipt."""
    for note in sub.notes:
        if note.severity == "conversion":
            conversions.append(note.message)
        else:
            issues.append(Issue(note.sheet, note.row, note.column, note.value, note.message, note.severity, note.cell))


def _workbook_structure(inspection, sub: wbm.Submission, issues: list[Issue], conversions: list[str]) -> None:
    """Formulas without a cached value (errors), formulas read by their cached value and merged
    ranges (recorded), merged ranges over number cells (errors)."""
    from openpyxl.utils.cell import range_boundaries

    file_titles = set(sub.titles.values()) | {wbm.META_SHEET}
    numeric_by_title: dict[str, set[int]] = {}
    for spec in sc.ALL_SHEETS:
        title = sub.titles.get(spec.title)
        if title is None:
            continue
        cols = sub.layout.get(spec.key, {})
        numeric_by_title.setdefault(title, set()).update(
            cols[c.key] for c in spec.columns if c.numeric and c.key in cols
        )
    for name, scan in inspection.sheets.items():
        if name not in file_titles:
            continue
        _hidden(name, scan, sub, issues)
        for ref in scan.formulas_missing:
            issues.append(
                Issue(
                    name,
                    _row_of_ref(ref),
                    None,
                    "(công thức)",
                    "Ô có công thức nhưng tệp không lưu giá trị đã tính; đề nghị mở tệp bằng Excel, lưu lại "
                    "(để Excel tính công thức) hoặc nhập trực tiếp giá trị",
                    cell=ref,
                )
            )
        if scan.formulas:
            conversions.append(
                f"{name}: {len(scan.formulas)} ô có công thức, dùng giá trị đã tính sẵn trong tệp "
                f"({', '.join(scan.formulas[:5])}{'...' if len(scan.formulas) > 5 else ''})"
            )
        for ref in scan.merged:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
            except (TypeError, ValueError):
                continue
            if max_row < wbm.FIRST_DATA_ROW:
                continue  # titles and headers
            numeric = numeric_by_title.get(name, set())
            if any(min_col <= c <= max_col for c in numeric):
                issues.append(
                    Issue(
                        name,
                        min_row,
                        None,
                        ref,
                        "Không gộp ô ở cột số liệu; đề nghị bỏ gộp ô (Merge & Center) và nhập số cho từng dòng",
                        cell=ref.split(":")[0],
                    )
                )
            else:
                conversions.append(f"{name}: bỏ gộp ô {ref}, dùng nội dung ô {ref.split(':')[0]} cho cả vùng")


def _hidden(name: str, scan, sub: wbm.Submission, issues: list[Issue]) -> None:
    """Hidden rows that hold values, and hidden columns where agencies type: the values are read,
    but nobody reviewing the file on screen sees them, so the agency is asked to look."""
    specs = [s for s in sc.ALL_SHEETS if sub.titles.get(s.title) == name]
    if not specs:
        return
    for row in scan.hidden_rows:
        if row > sc.HEADER_ROW:
            issues.append(
                Issue(
                    name,
                    row,
                    None,
                    None,
                    f"Dòng {row} đang bị ẩn nhưng có số liệu; số liệu ở dòng này vẫn được đọc. Đề nghị bỏ ẩn dòng "
                    "(chọn các dòng, nhấp chuột phải > Bỏ ẩn/Unhide) để kiểm tra lại",
                    severity="warning",
                    cell=f"A{row}",
                )
            )
    for spec in specs:
        for col in spec.columns:
            c = sub.layout.get(spec.key, {}).get(col.key)
            if col.input and c is not None and any(first <= c <= last for first, last in scan.hidden_cols):
                issues.append(
                    Issue(
                        name,
                        None,
                        col.message_label,
                        None,
                        f"Cột '{col.message_label}' (cột {sc.column_letter(c)}) đang bị ẩn; số liệu ở cột này vẫn "
                        "được đọc. Đề nghị bỏ ẩn cột để kiểm tra lại",
                        severity="warning",
                        cell=f"{sc.column_letter(c)}{sc.HEADER_ROW}",
                    )
                )


def _row_of_ref(ref: str) -> int | None:
    digits = "".join(c for c in ref if c.isdigit())
    return int(digits) if digits else None


def _outliers(indicators, history: dict[str, dict[int, float]], year: int, issues: list[Issue]) -> None:
    """Warn (never reject) when a count is far above the agency's own earlier years."""
    for row in indicators:
        value = row["value"]
        past = {y: v for y, v in (history.get(row["code"]) or {}).items() if y < year and v is not None}
        if value is None or len(past) < 2:
            continue
        top = max(past.values())
        if value > 3 * top and value - top >= 5:
            earlier = "; ".join(f"{y}: {vn_number(v)}" for y, v in sorted(past.items()))
            issues.append(
                Issue(
                    wbm.SHEET_INDICATORS,
                    row["row"],
                    IND_VALUE,
                    value,
                    f"Giá trị cao bất thường so với các năm trước của đơn vị ({earlier}); đề nghị kiểm tra lại "
                    "(nếu đúng, ghi rõ ở cột Ghi chú)",
                    severity="warning",
                )
            )


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (0,)


def _gx_issues(
    sheet_key: str, sheet: str, rows: list[dict[str, Any]], rules, labels: dict[str, str], collect=None
) -> list:
    """A placeholder for the issues of one suite on one sheet, filled in by
    ``nscl.intake.batch_gx.resolve_slots`` with the whole batch validated at once."""

    return [GxSlot(sheet_key, sheet, rows, rules, labels)]


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for i in issues:
        key = (i.sheet, i.cell) if i.cell else (i.sheet, i.row, i.column)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def _agency_data(
    sub: wbm.Submission, exp, issues: list[Issue], conversions: list[str], gx: list
) -> dict[str, Any]:
    expected_codes = {i.code: i for i in exp.indicators}
    style = file_number_style(_numeric_texts(sub))
    indicators = []
    unreadable: set[tuple[str, int]] = set()
    for row in sub.indicators:
        code = row["code"]
        if code not in expected_codes:
            issues.append(
                Issue(
                    wbm.SHEET_INDICATORS,
                    row["row"],
                    "Mã chỉ tiêu",
                    code,
                    "Mã chỉ tiêu có trong biểu mẫu được cấp (không sửa cột mã)",
                )
            )
            continue
        ind = expected_codes[code]
        if ind.is_deliverable:
            text = _choice(row["value"], "deliverable", wbm.SHEET_INDICATORS, row["row"], IND_VALUE, conversions)
            value = wbm.DELIVERABLE_VALUES.get(text) if text else None
            if text and value is None:
                issues.append(
                    Issue(
                        wbm.SHEET_INDICATORS,
                        row["row"],
                        IND_VALUE,
                        row["value"],
                        "Một trong: " + ", ".join(wbm.DELIVERABLE_VALUES),
                    )
                )
                unreadable.add((wbm.SHEET_INDICATORS, row["row"]))
        else:
            before = len(issues)
            value = _number(row["value"], wbm.SHEET_INDICATORS, row["row"], IND_VALUE, issues, conversions, style)
            if len(issues) > before:
                unreadable.add((wbm.SHEET_INDICATORS, row["row"]))
            elif value is not None and value != int(value):
                issues.append(Issue(wbm.SHEET_INDICATORS, row["row"], IND_VALUE, row["value"], "Số nguyên"))
        note = _text(row["note"], wbm.SHEET_INDICATORS, row["row"], "Ghi chú", conversions)
        indicators.append({"row": row["row"], "code": code, "value": value, "note": note})
    missing = set(expected_codes) - {r["code"] for r in indicators}
    for code in sorted(missing):
        issues.append(
            Issue(
                wbm.SHEET_INDICATORS,
                None,
                None,
                None,
                f"Thiếu dòng của chỉ tiêu '{expected_codes[code].name}' (dòng này đã bị xóa); đề nghị dùng lại "
                "biểu mẫu được cấp hoặc chèn lại dòng này rồi gửi lại",
            )
        )
    gx_rows = [r for r in indicators if (wbm.SHEET_INDICATORS, r["row"]) not in unreadable]
    issues += _gx_issues(
        "indicators",
        wbm.SHEET_INDICATORS,
        [{"row": r["row"], "value": r["value"]} for r in gx_rows],
        INDICATOR_RULES,
        {"value": IND_VALUE},
        gx,
    )

    tasks = []
    known_tasks = {t.code for t in exp.tasks}
    for t in sub.tasks:
        r = t["row"]
        if t["code"] not in known_tasks:
            issues.append(
                Issue(
                    wbm.SHEET_TASKS,
                    r,
                    "Mã nhiệm vụ",
                    t["code"],
                    "Mã nhiệm vụ có trong biểu mẫu được cấp (không sửa cột mã)",
                )
            )
        tasks.append(
            {
                "row": r,
                "code": t["code"],
                "status": _choice(t["status"], "task_statuses", wbm.SHEET_TASKS, r, TASK_STATUS, conversions),
                "result": _text(t["result"], wbm.SHEET_TASKS, r, "Kết quả cụ thể", conversions, lines=True),
                "difficulties": _text(
                    t["difficulties"], wbm.SHEET_TASKS, r, "Khó khăn, vướng mắc", conversions, lines=True
                ),
            }
        )
    for code in sorted(known_tasks - {t["code"] for t in tasks}):
        name = next((t.content for t in exp.tasks if t.code == code), code)
        issues.append(
            Issue(
                wbm.SHEET_TASKS,
                None,
                None,
                None,
                f"Thiếu dòng của nhiệm vụ '{name}' (dòng này đã bị xóa); đề nghị dùng lại biểu mẫu được cấp "
                "hoặc chèn lại dòng này rồi gửi lại",
            )
        )
    issues += _gx_issues(
        "tasks",
        wbm.SHEET_TASKS,
        [{"row": t["row"], "status": t["status"]} for t in tasks],
        TASK_RULES,
        {"status": TASK_STATUS},
        gx,
    )

    enterprises = []
    for e in sub.enterprises:
        r = e["row"]

        def ent_text(key, r=r, e=e):
            return _text(e[key], wbm.SHEET_ENTERPRISES, r, ENT_LABELS[key], conversions)

        rec = {
            "row": r,
            "name": ent_text("name") or None,
            "tax_code": ent_text("tax_code").replace(" ", "").replace(".", "") or None,
            "locality": ent_text("locality"),
            "support_type": _choice(
                e["support_type"], "support_types", wbm.SHEET_ENTERPRISES, r, ENT_LABELS["support_type"], conversions
            ),
        }
        if isinstance(e["tax_code"], int | float) and not isinstance(e["tax_code"], bool):
            # typed as a number: Excel drops leading zeros (0900123456 -> 900123456)
            number = float(e["tax_code"])
            rec["tax_code"] = f"{int(number):d}" if number.is_integer() else str(e["tax_code"])
            if len(rec["tax_code"]) in (9, 12):
                conversions.append(
                    f"{wbm.SHEET_ENTERPRISES}!{ENT_LABELS['tax_code']} dòng {r}: mã số thuế nhập dạng số, "
                    "thêm số 0 đầu đã bị Excel bỏ"
                )
                rec["tax_code"] = "0" + rec["tax_code"]
        for key in ("central", "provincial", "enterprise", "other"):
            rec[key] = _number(e[key], wbm.SHEET_ENTERPRISES, r, ENT_LABELS[key], issues, conversions, style)
        enterprises.append(rec)
    issues += _gx_issues("enterprises", wbm.SHEET_ENTERPRISES, enterprises, ENTERPRISE_RULES, ENT_LABELS, gx)

    budget = {}
    for source, cell in sub.budget.items():
        budget[source] = _number(
            cell["value"], wbm.SHEET_BUDGET, cell["row"], BUDGET_VALUE, issues, conversions, style
        )
    issues += _gx_issues(
        "budget",
        wbm.SHEET_BUDGET,
        [{"row": c["row"], "value": budget[s]} for s, c in sub.budget.items()],
        BUDGET_RULES,
        {"value": BUDGET_VALUE},
        gx,
    )
    _cross_sheet(indicators, enterprises, budget, sub, issues)
    _listed_twice(enterprises, issues)
    _money_to_confirm(sub, indicators, enterprises, budget, tasks, issues)
    narrative = {
        k: _text(v["value"], wbm.SHEET_NARRATIVE, v["row"], "Thuyết minh", conversions, lines=True)
        for k, v in sub.narrative.items()
    }
    return {
        "indicators": indicators,
        "tasks": tasks,
        "enterprises": enterprises,
        "budget": budget,
        "narrative": narrative,
    }


def _money_to_confirm(sub, indicators, enterprises, budget, tasks, issues: list[Issue]) -> None:
    """The plausibility checks the file alone can make (``nscl.intake.plausibility``: money with
    no activity, đồng typed into a triệu đồng column), as warnings the agency is asked to confirm;
    the file is accepted. The checks against other agencies and earlier years are made at
    consolidation, for staff."""
    activity = sum(1.0 for r in indicators if r["value"] is not None and r["value"] > 0) + len(enterprises)
    described = any(t["result"] and t["status"] in ("Hoàn thành", "Đang thực hiện") for t in tasks)
    money = {k: v for k, v in budget.items() if v is not None}
    for w in money_warnings(sub.year, sub.agency_code, money, activity, described=described):
        if w.kind not in ("no_activity", "dong_not_trieu"):
            continue
        row = sub.budget.get(w.source, {}).get("row") if w.source else None
        issues.append(
            Issue(wbm.SHEET_BUDGET, row, BUDGET_VALUE if row else None, w.value, w.text, severity="warning")
        )


def _listed_twice(enterprises: list[dict[str, Any]], issues: list[Issue]) -> None:
    """The same organisation on two rows of one return (its tax code typed differently: spaces,
    dots, a lost leading zero): a warning, since two kinds of support in a year are two rows."""
    seen: dict[str, int] = {}
    for rec in enterprises:
        digits = "".join(ch for ch in str(rec.get("tax_code") or "") if ch.isdigit())
        key = digits[:10].zfill(10) + digits[10:] if digits else ""
        if not key:
            continue
        if key in seen:
            issues.append(
                Issue(
                    wbm.SHEET_ENTERPRISES,
                    rec["row"],
                    ENT_LABELS["tax_code"],
                    rec.get("tax_code"),
                    f"Tổ chức, doanh nghiệp có mã số thuế này đã có ở dòng {seen[key]}; nếu là cùng một đơn vị "
                    "được hỗ trợ hai nội dung thì giữ nguyên, nếu trùng lặp thì xóa một dòng",
                    severity="warning",
                )
            )
        else:
            seen[key] = rec["row"]


def _cross_sheet(indicators, enterprises, budget, sub, issues: list[Issue]) -> None:
    supported = next((r for r in indicators if r["code"] == "DN_HOTRO"), None)
    if supported is not None and supported["value"] is not None and supported["value"] != len(enterprises):
        issues.append(
            Issue(
                wbm.SHEET_INDICATORS,
                supported["row"],
                IND_VALUE,
                supported["value"],
                f"Bằng số dòng ở trang '{wbm.SHEET_ENTERPRISES}' ({len(enterprises)} tổ chức, doanh nghiệp)",
            )
        )
    for source, label in wbm.BUDGET_SOURCES:
        spent = sum(e[source] or 0 for e in enterprises)
        total = budget.get(source)
        if total is not None and spent > total + 1e-6:
            issues.append(
                Issue(
                    wbm.SHEET_BUDGET,
                    sub.budget[source]["row"],
                    BUDGET_VALUE,
                    total,
                    f"Không nhỏ hơn tổng kinh phí {label.lower()} hỗ trợ doanh nghiệp ({vn_number(spent)} triệu đồng)",
                )
            )


def _tfp_data(sub: wbm.Submission, issues: list[Issue], conversions: list[str], gx: list) -> dict[str, Any]:
    style = file_number_style(_numeric_texts(sub))

    rows = []
    for r in sub.tfp:
        rec = {"row": r["row"]}
        for key, label in wbm.TFP_COLUMNS:
            if key == "territory":
                text = _text(r[key], wbm.SHEET_TFP, r["row"], label, conversions) if key in r else ""
                rec[key] = text or None
                continue
            rec[key] = _number(r.get(key), wbm.SHEET_TFP, r["row"], label, issues, conversions, style)
        rows.append(rec)
    issues += _gx_issues("tfp", wbm.SHEET_TFP, rows, TFP_RULES, TFP_LABELS, gx)
    io_rows, io_labels = [], dict(wbm.TFP_IO_COLUMNS)
    for r in sub.tfp_io:
        rec = {"row": r["row"], "io_territory": r["io_territory"]}
        for key in ("io_year", "labour_share_pct"):
            rec[key] = _number(r[key], wbm.SHEET_TFP, r["row"], io_labels[key], issues, conversions, style)
        io_rows.append(rec)
    # Territories add up to the merged figures, no break in a series, input-output tables.
    problems = check_rows(rows, sub.year) + attach_io_tables(rows, io_rows, sub.year)
    issues += [Issue(wbm.SHEET_TFP, *problem) for problem in problems]
    return {"tfp": rows}
