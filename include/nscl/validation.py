"""Validation of one received file: identity, normalisation, Great Expectations suites per
sheet, and cross-sheet rules. Every problem becomes an Issue that names the sheet, row, column,
the value found and what is expected, in Vietnamese."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import workbook as wbm
from .catalogue import Catalogue
from .gx_suites import TAX_CODE_REGEX, rule, run_suite
from .normalise import NotANumber, clean_text, parse_number
from .settings import MIN_TEMPLATE_VERSION


@dataclass
class Issue:
    sheet: str
    row: int | None
    column: str | None  # column header as the agency sees it
    value: Any
    expected: str
    severity: str = "error"  # "error" rejects the file; "warning" does not

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


def _number(value, sheet, row, column, issues: list[Issue], conversions: list[str]):
    try:
        number = parse_number(value)
    except NotANumber:
        issues.append(Issue(sheet, row, column, value, "Một số (ví dụ 12 hoặc 1.234,5), không phải chữ"))
        return None
    if isinstance(value, str) and number is not None:
        conversions.append(f"{sheet}!{column} dòng {row}: '{value}' đọc thành số {number:g}")
    return number


def _rejected(message: str, **kw) -> Outcome:
    return Outcome("rejected", issues=[Issue("(tệp)", None, None, None, message)], **kw)


def validate_file(path: Path, year: int, catalogue: Catalogue) -> Outcome:
    """Read and validate one file. Never raises for bad input: the outcome says what is wrong."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        return _rejected(
            f"Định dạng '{path.suffix or '(không có)'}' không được nhận; vui lòng gửi biểu mẫu "
            "Excel .xlsx do Sở Khoa học và Công nghệ cung cấp (không gửi .xls, .xlsm, .pdf...)."
        )
    try:
        sub = wbm.read_workbook(path)
    except wbm.WorkbookError as exc:
        return _rejected(str(exc))
    ident = {"agency_code": sub.agency_code, "template_version": sub.template_version, "kind": sub.kind}
    if sub.year != year:
        return _rejected(f"Biểu mẫu là của năm {sub.year}, không phải năm {year}.", **ident)
    try:
        exp = catalogue.expectation(year, sub.agency_code)
    except KeyError:
        return _rejected(
            f"Cơ quan mã '{sub.agency_code}' không thuộc danh sách phải báo cáo năm {year}.", **ident
        )
    if _version_key(sub.template_version) < _version_key(MIN_TEMPLATE_VERSION):
        return _rejected(
            f"Biểu mẫu phiên bản {sub.template_version} đã cũ; vui lòng dùng biểu mẫu phiên bản "
            f"{MIN_TEMPLATE_VERSION} trở lên.",
            **ident,
        )
    if (sub.kind == "tfp") != exp.tfp_inputs:
        return _rejected("Loại biểu mẫu không đúng với nhiệm vụ báo cáo của cơ quan.", **ident)
    issues: list[Issue] = []
    conversions: list[str] = []
    data = (
        _tfp_data(sub, issues, conversions)
        if sub.kind == "tfp"
        else _agency_data(sub, exp, issues, conversions)
    )
    data.update(
        {
            "agency_code": sub.agency_code,
            "year": year,
            "kind": sub.kind,
            "template_version": sub.template_version,
        }
    )
    issues = _dedupe(issues)
    status = "rejected" if any(i.severity == "error" for i in issues) else "accepted"
    return Outcome(status, issues=issues, conversions=conversions, data=data, **ident)


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return (0,)


def _gx_issues(
    sheet_key: str, sheet: str, rows: list[dict[str, Any]], rules, labels: dict[str, str]
) -> list[Issue]:
    import pandas as pd

    df = pd.DataFrame(rows)
    out = []
    for f in run_suite(sheet_key, df, rules):
        r = f["rule"]
        out.append(Issue(sheet, f["row"], labels.get(r.column, r.column), f["value"], r.expected_vi))
    return out


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for i in issues:
        key = (i.sheet, i.row, i.column)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def _agency_data(sub: wbm.Submission, exp, issues: list[Issue], conversions: list[str]) -> dict[str, Any]:
    expected_codes = {i.code: i for i in exp.indicators}
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
            text = clean_text(row["value"])
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
            value = _number(row["value"], wbm.SHEET_INDICATORS, row["row"], IND_VALUE, issues, conversions)
            if len(issues) > before:
                unreadable.add((wbm.SHEET_INDICATORS, row["row"]))
            elif value is not None and value != int(value):
                issues.append(Issue(wbm.SHEET_INDICATORS, row["row"], IND_VALUE, row["value"], "Số nguyên"))
        indicators.append({"row": row["row"], "code": code, "value": value, "note": clean_text(row["note"])})
    missing = set(expected_codes) - {r["code"] for r in indicators}
    for code in sorted(missing):
        issues.append(
            Issue(wbm.SHEET_INDICATORS, None, "Mã chỉ tiêu", None, f"Dòng chỉ tiêu {code} (đã bị xóa)")
        )
    gx_rows = [r for r in indicators if (wbm.SHEET_INDICATORS, r["row"]) not in unreadable]
    issues += _gx_issues(
        "indicators",
        wbm.SHEET_INDICATORS,
        [{"row": r["row"], "value": r["value"]} for r in gx_rows],
        INDICATOR_RULES,
        {"value": IND_VALUE},
    )

    tasks = [
        {
            "row": t["row"],
            "code": t["code"],
            "status": clean_text(t["status"]) or None,
            "result": clean_text(t["result"]),
            "difficulties": clean_text(t["difficulties"]),
        }
        for t in sub.tasks
    ]
    issues += _gx_issues(
        "tasks",
        wbm.SHEET_TASKS,
        [{"row": t["row"], "status": t["status"]} for t in tasks],
        TASK_RULES,
        {"status": TASK_STATUS},
    )

    enterprises = []
    for e in sub.enterprises:
        rec = {
            "row": e["row"],
            "name": clean_text(e["name"]) or None,
            "tax_code": clean_text(e["tax_code"]).replace(" ", "") or None,
            "locality": clean_text(e["locality"]),
            "support_type": clean_text(e["support_type"]) or None,
        }
        for key in ("central", "provincial", "enterprise", "other"):
            rec[key] = _number(e[key], wbm.SHEET_ENTERPRISES, e["row"], ENT_LABELS[key], issues, conversions)
        enterprises.append(rec)
    issues += _gx_issues("enterprises", wbm.SHEET_ENTERPRISES, enterprises, ENTERPRISE_RULES, ENT_LABELS)

    budget = {}
    for source, cell in sub.budget.items():
        budget[source] = _number(
            cell["value"], wbm.SHEET_BUDGET, cell["row"], BUDGET_VALUE, issues, conversions
        )
    issues += _gx_issues(
        "budget",
        wbm.SHEET_BUDGET,
        [{"row": c["row"], "value": budget[s]} for s, c in sub.budget.items()],
        BUDGET_RULES,
        {"value": BUDGET_VALUE},
    )
    _cross_sheet(indicators, enterprises, budget, sub, issues)
    narrative = {k: clean_text(v) for k, v in sub.narrative.items()}
    return {
        "indicators": indicators,
        "tasks": tasks,
        "enterprises": enterprises,
        "budget": budget,
        "narrative": narrative,
    }


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
                    f"Không nhỏ hơn tổng kinh phí {label.lower()} hỗ trợ doanh nghiệp ({spent:g} triệu đồng)",
                )
            )


def _tfp_data(sub: wbm.Submission, issues: list[Issue], conversions: list[str]) -> dict[str, Any]:
    rows = []
    for r in sub.tfp:
        rec = {"row": r["row"]}
        for key, label in wbm.TFP_COLUMNS:
            rec[key] = _number(r[key], wbm.SHEET_TFP, r["row"], label, issues, conversions)
        rows.append(rec)
    issues += _gx_issues("tfp", wbm.SHEET_TFP, rows, TFP_RULES, TFP_LABELS)
    return {"tfp": rows}
