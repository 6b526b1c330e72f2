"""What the report templates see: the context of the annual report (and the pieces the reviews
share), built from the curated tables. Every value is already formatted as printed (Vietnamese
numbers "1.234,5", "—" for nothing reported), so the .docx templates only place them.

The names a template may use are declared here (``TOP_KEYS`` per kind, ``ROW_FIELDS`` per kind
of table row); the builders check their output against them, and ``nscl.reporting.template_check`` checks
the templates against them, so a template and the code cannot drift apart silently.

Longer than 400 lines because the annual report's context is assembled section by section from
the same year data; issue 12 splits it per section.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nscl.analysis.indicators import APPROX_TOLERANCE, Progress
from nscl.labels import BUDGET_SOURCES, STATE_LABELS, TASK_STATUS_ORDER, format_vn_number
from nscl.plan.catalogue import Catalogue
from nscl.store.curated import load_table
from nscl.store.zones import Zones

SETTINGS_FILE = Path(__file__).parent / "data" / "report_settings.yaml"
KINDS = ("annual", "mid-term", "final")
ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
RULE_NOTE = (
    "Cách đánh giá: mục tiêu được coi là đạt khi số lũy kế đạt mức của mục tiêu như Kế hoạch ghi: "
    "cận dưới đối với khoảng (ví dụ 2-4 đợt: từ 2 đợt), chính con số đối với mục tiêu 'ít nhất' và "
    f"mục tiêu xác định, {format_vn_number(APPROX_TOLERANCE * 100, 0)}% con số đối với mục tiêu "
    "'khoảng'; 'Vượt mục tiêu' khi vượt cận trên của khoảng. Trước năm cuối của giai đoạn, "
    "'Đúng tiến độ' khi số lũy kế không thấp hơn mức mục tiêu nhân với tỷ lệ số năm đã qua của "
    "giai đoạn (ví dụ năm thứ 3 của giai đoạn 5 năm: 3/5 mức mục tiêu), ngược lại là 'Chậm tiến độ'; "
    "đến năm cuối giai đoạn chưa đạt là 'Không đạt'. Nhiệm vụ dạng sản phẩm (có/không) chưa thực hiện "
    "trước năm cuối giai đoạn là 'Chưa thực hiện'."
)

# ---- the names templates may use --------------------------------------------------------

ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "group": ("numeral", "name", "lines", "tasks_text"),
    "indicator": (
        "code",
        "name",
        "unit",
        "year_value",
        "phase_value",
        "phase_target",
        "phase_status",
        "ten_value",
        "ten_target",
        "ten_status",
    ),
    "review_indicator": (
        "code",
        "name",
        "unit",
        "p1_value",
        "p1_target",
        "p1_status",
        "p2_value",
        "p2_target",
        "p2_status",
        "ten_value",
        "ten_target",
        "ten_status",
    ),
    "indicator_years": ("code", "name", "unit", "y", "total"),
    "task": ("code", "content", "lead", "product", "result", "status"),
    "enterprise": ("stt", "year", "name", "tax_code", "locality", "support_type", "funding", "agency"),
    "count": ("label", "count"),
    "budget": ("source", "value"),
    "budget_year": ("year", "enterprises", "central", "provincial", "enterprise", "other", "total"),
    "tfp": ("period", "growth", "capital", "labour", "tfp", "share"),
    # TFP share of growth (%) by capital share (rows) and depreciation rate (the four columns
    # of tfp.DEFAULT_SENSITIVITY_DEPRECIATIONS).
    "sensitivity": ("capital_share", "d1", "d2", "d3", "d4"),
    "reporter": ("stt", "agency", "state", "received", "used"),
    "submission": ("stt", "year", "agency", "file", "sha", "received", "timeliness"),
    "reporting_year": ("year", "expected", "on_time", "late", "rejected", "missing"),
    "rollup": ("stt", "agency", "includes", "years", "enterprises", "classes", "budget"),
}
# Row fields that are lists of strings (everything else is a string).
LIST_FIELDS = {"lines", "y"}

_COMMON: dict[str, Any] = {
    "parent_body": None,
    "issuing_body": None,
    "symbol": None,
    "place": None,
    "date_line": None,
    "date_words": None,
    "issuing_name": None,
    "signer_authority": [],
    "signer_name": None,
    "recipients": [],
    "year": None,
    "first_year": None,
    "last_year": None,
    "reporting_text": None,
    "groups": "group",
    "rule_note": None,
    "tasks": "task",
    "enterprises_text": None,
    "enterprises_by_type": "count",
    "enterprises": "enterprise",
    "tfp_available": None,
    "tfp_rows": "tfp",
    "tfp_note": None,
    "sti_text": None,
    "sensitivity_rows": "sensitivity",
    "sensitivity_note": None,
    "chart_tfp": None,
    "chart_indicators": None,
    "achievements": [],
    "difficulties": [],
    "proposals": [],
    "next_tasks": [],
    "next_period": None,
    "submissions": "submission",
}
# Top-level names per kind: None = a string (or image), [] = a list of strings, "row" = a list
# of rows of that kind.
TOP_KEYS: dict[str, dict[str, Any]] = {
    "annual": {
        **_COMMON,
        "phase": None,
        "indicators": "indicator",
        "budget": "budget",
        "budget_total": None,
        "reporters": "reporter",
    },
    "mid-term": {
        **_COMMON,
        "phase": None,
        "review_title": None,
        "years": [],
        "indicators": "review_indicator",
        "indicator_years": "indicator_years",
        "budget_by_year": "budget_year",
        "reporting_by_year": "reporting_year",
        "rollup": "rollup",
        "chart_budget": None,
    },
}
TOP_KEYS["final"] = dict(TOP_KEYS["mid-term"])


def row(kind: str, **values: Any) -> dict[str, Any]:
    """A table row of ``kind``; its fields must be exactly the declared ones."""
    expected = ROW_FIELDS[kind]
    if set(values) != set(expected):
        raise AssertionError(f"row {kind}: fields {sorted(values)} != declared {sorted(expected)}")
    return values


def check_context(kind: str, context: dict[str, Any]) -> None:
    """The context has exactly the declared names (a guard for the builders)."""
    declared = TOP_KEYS[kind]
    if set(context) != set(declared):
        raise AssertionError(
            f"context {kind}: extra {sorted(set(context) - set(declared))}, "
            f"missing {sorted(set(declared) - set(context))}"
        )


def specimen_context(kind: str) -> dict[str, Any]:
    """A context with every declared name and one row in every table (for checking templates)."""
    out: dict[str, Any] = {}
    for key, spec in TOP_KEYS[kind].items():
        if spec is None:
            out[key] = "x"
        elif isinstance(spec, list):
            out[key] = ["x"] * 10
        else:
            out[key] = [{f: (["x"] * 10 if f in LIST_FIELDS else "x") for f in ROW_FIELDS[spec]}]
    return out


# ---- formatting ----------------------------------------------------------------------------


def fmt(value: float | None, decimals: int = 0) -> str:
    """A figure as printed in the report ("—" when nothing was reported)."""
    if value is None:
        return "—"
    if decimals == 0 and float(value).is_integer():
        return format_vn_number(value, 0)
    return format_vn_number(value, decimals)


def fmt_deliverable(value: float | None) -> str:
    if value is None:
        return "—"
    return "Đã thực hiện" if value >= 1 else "Chưa thực hiện"


def date_line(place: str, day: dt.date) -> str:
    """Place and date as Decree 30/2020/NĐ-CP writes them: days below 10 and the months
    January and February take a leading zero ("ngày 05 tháng 02 năm 2026", "ngày 30 tháng 11")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def load_settings(kind: str, path: Path | None = None) -> dict[str, Any]:
    """The report settings (issuing body, signer, recipients...), with the kind's overrides."""
    path = path or SETTINGS_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path.name}: không đọc được thiết lập báo cáo: {exc}") from None
    settings = {k: v for k, v in raw.items() if k != "kinds"}
    settings.update((raw.get("kinds") or {}).get(kind) or {})
    for key in ("place", "parent_body", "issuing_body", "symbol", "signer", "recipients"):
        if not settings.get(key):
            raise ValueError(f"{path.name}: thiếu thiết lập '{key}'")
    signer = settings["signer"]
    if not signer.get("authority") or not signer.get("name"):
        raise ValueError(f"{path.name}: thiếu 'signer.authority' hoặc 'signer.name'")
    return settings


def settings_context(settings: dict[str, Any], issued: dt.date) -> dict[str, Any]:
    return {
        "parent_body": settings["parent_body"],
        "issuing_body": settings["issuing_body"],
        "symbol": settings["symbol"],
        "place": settings["place"],
        "date_line": date_line(settings["place"], issued),
        "date_words": date_line(settings["place"], issued).split(", ", 1)[1],
        "issuing_name": settings.get("issuing_name") or settings["issuing_body"],
        "signer_authority": list(settings["signer"]["authority"]),
        "signer_name": settings["signer"]["name"],
        "recipients": list(settings["recipients"]),
    }


# ---- the inputs of one year ------------------------------------------------------------------


@dataclass
class YearData:
    """What the consolidation left for one year: summary, TFP result and curated tables."""

    year: int
    summary: dict[str, Any] | None
    tfp: dict[str, Any] | None
    tables: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str):
        import pandas as pd

        frame = self.tables.get(name)
        return frame if frame is not None else pd.DataFrame()

    @property
    def used(self):
        subs = self.table("submissions")
        return subs[subs["state"] == "used"] if not subs.empty else subs


def load_year(zones: Zones, year: int) -> YearData:

    folder = zones.curated(year)
    summary = tfp = None
    if (folder / "summary.json").exists():
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    if (folder / "tfp.json").exists():
        tfp = json.loads((folder / "tfp.json").read_text(encoding="utf-8"))
    tables = {
        t: load_table(zones, year, t)
        for t in ("submissions", "indicator_values", "tasks", "enterprises", "budget", "narratives")
    }
    return YearData(year, summary, tfp, tables)


def indicator_values(data: list[YearData]):
    import pandas as pd

    frames = [d.tables["indicator_values"] for d in data if d.tables.get("indicator_values") is not None]
    return pd.concat(frames, ignore_index=True) if frames else None


def tfp_measured(data: list[YearData]) -> dict[tuple[str, int], float]:
    """The pipeline's own indicator: TFP computed in a year."""
    return {("TFP_DOLUONG", d.year): 1.0 for d in data if d.tfp and d.tfp.get("available")}


def inputs_of(data: list[YearData]) -> list[dict[str, Any]]:
    """The submissions a report uses (every year's latest accepted file per agency)."""
    out = []
    for d in data:
        for _, s in d.used.iterrows():
            out.append(
                {
                    "year": d.year,
                    "agency_code": s["agency_code"],
                    "original_name": s["original_name"],
                    "sha256": s["sha256"],
                    "received_at": s["received_at"],
                    "late": bool(s["late"]),
                }
            )
    return out


# ---- shared pieces ---------------------------------------------------------------------------


def show(ind, value: float | None, decimals: int = 0) -> str:
    return fmt_deliverable(value) if ind.is_deliverable else fmt(value, decimals)


def with_unit(ind, value: float | None) -> str:
    if ind.is_deliverable:
        return fmt_deliverable(value).lower() if value is not None else "chưa có số liệu"
    return f"{fmt(value or 0)} {ind.unit}"


def group_rows(
    catalogue: Catalogue, lines_by_group: dict[str, list[str]], tasks_by_group: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        row(
            "group",
            numeral=ROMAN.get(code, code),
            name=name,
            lines=lines_by_group.get(code, [])
            or ["Nhóm nhiệm vụ này không có chỉ tiêu định lượng; tình trạng từng nhiệm vụ tại phụ lục."],
            tasks_text=tasks_by_group.get(code, ""),
        )
        for code, name in catalogue.task_groups.items()
    ]


def narrative_lines(
    catalogue: Catalogue, data: list[YearData], field_name: str, with_year: bool
) -> list[str]:
    """The agencies' texts for ``field_name``, identical texts once, each attributed to the
    agencies (named as they were when they reported) and, in reviews, the years."""
    by_text: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for d in data:
        frame = d.table("narratives")
        if frame.empty:
            continue
        for _, n in frame[frame["field"] == field_name].sort_values("agency_code").iterrows():
            text = str(n["text"]).strip()
            if text:
                by_text[text][catalogue.agency(n["agency_code"]).name].append(d.year)
    lines = []
    for text, agencies in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if with_year:
            who = "; ".join(
                f"{name} ({', '.join(map(str, sorted(set(ys))))})" for name, ys in agencies.items()
            )
        else:
            who = "; ".join(agencies)
        lines.append(f"{text.rstrip('.')}. (Nguồn: {who})")
    return lines


def task_rows(catalogue: Catalogue, data: list[YearData], first: int, last: int) -> list[dict[str, Any]]:
    """Appendix-shaped per-task status: task, lead agency, product, result, status. The result is
    what the lead agencies (or their predecessors) reported, latest year first; the status counts
    the reporting agencies' statuses in the last year with reports."""
    out = []
    for task in catalogue.tasks.values():
        if not any(task.covers(y) for y in range(first, last + 1)):
            continue
        leads = set(task.lead)
        for code in list(leads):
            leads |= catalogue.predecessors(code)
        results: list[str] = []
        statuses: Counter = Counter()
        status_year = None
        for d in sorted(data, key=lambda d: -d.year):
            frame = d.table("tasks")
            if frame.empty:
                continue
            rows = frame[frame["task"] == task.code]
            if rows.empty:
                continue
            if status_year is None:
                status_year = d.year
                statuses = Counter(rows["status"].dropna())
            for _, r in rows[rows["agency_code"].isin(leads)].iterrows():
                text = str(r["result"]) if isinstance(r["result"], str) and r["result"].strip() else ""
                if text and len(results) < 3:
                    prefix = f"Năm {d.year}: " if first != last else ""
                    results.append(f"{prefix}{text}")
        status = "; ".join(f"{s}: {statuses[s]}" for s in TASK_STATUS_ORDER if statuses[s])
        if status and first != last:
            status = f"Năm {status_year}: {status}"
        out.append(
            row(
                "task",
                code=task.code,
                content=task.content,
                lead=task.lead_text,
                product=task.product,
                result=" ".join(results) or "Chưa có báo cáo của cơ quan chủ trì.",
                status=status or "Chưa có báo cáo",
            )
        )
    return out


def enterprise_rows(catalogue: Catalogue, data: list[YearData]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in data:
        frame = d.table("enterprises")
        if frame.empty:
            continue
        frame = frame.sort_values(["agency_code", "name"], kind="stable")
        for _, e in frame.iterrows():
            funding = sum(float(e[k]) for k, _ in BUDGET_SOURCES if e[k] == e[k] and e[k] is not None)
            out.append(
                row(
                    "enterprise",
                    stt=str(len(out) + 1),
                    year=str(d.year),
                    name=str(e["name"]),
                    tax_code="" if e["tax_code"] != e["tax_code"] else str(e["tax_code"]),
                    locality="" if e["locality"] != e["locality"] else str(e["locality"]),
                    support_type=str(e["support_type"]),
                    funding=fmt(funding, 1),
                    agency=catalogue.agency(e["agency_code"]).name,
                )
            )
    return out


def enterprises_by_type(data: list[YearData]) -> list[dict[str, Any]]:
    counts: Counter = Counter()
    for d in data:
        frame = d.table("enterprises")
        if not frame.empty:
            counts.update(frame["support_type"].dropna())
    return [row("count", label=k, count=fmt(v)) for k, v in sorted(counts.items())]


def tfp_pieces(tfp: dict[str, Any] | None, last_year: int) -> dict[str, Any]:
    """Table rows, method note, STI sentence and chart of the TFP result (or why there is none)."""
    from nscl.reporting.charts import tfp_chart

    if not tfp or not tfp.get("available") or not tfp.get("years"):
        return {
            "tfp_available": "",
            "tfp_rows": [],
            "tfp_note": "Chưa có số liệu của cơ quan thống kê để tính đóng góp của TFP vào tăng trưởng.",
            "sti_text": "",
            "sensitivity_rows": [],
            "sensitivity_note": "",
            "chart_tfp": "",
        }
    years = [r for r in tfp["years"] if 2021 <= r["year"] <= last_year]
    rows = [
        row(
            "tfp",
            period=str(r["year"]),
            growth=fmt(r["growth_output"], 2),
            capital=fmt(r["contribution_capital_pp"], 2),
            labour=fmt(r["contribution_labour_pp"], 2),
            tfp=fmt(r["contribution_tfp_pp"], 2),
            share=fmt(r["share_tfp_pct"], 1),
        )
        for r in years
    ]
    for p in tfp.get("periods", []):
        rows.append(
            row(
                "tfp",
                period=f"Bình quân {p['from']}-{p['to']}",
                growth=fmt(p["growth_output"], 2),
                capital=fmt(p["contribution_capital_pp"], 2),
                labour=fmt(p["contribution_labour_pp"], 2),
                tfp=fmt(p["contribution_tfp_pp"], 2),
                share=fmt(p["share_tfp_pct"], 1),
            )
        )
    params = tfp["parameters"]
    note = (
        "Phương pháp hạch toán tăng trưởng (hàm sản xuất Cobb-Douglas) trên GRDP theo giá so sánh, vốn "
        "(tính từ vốn đầu tư theo phương pháp kiểm kê thường xuyên) và lao động đang làm việc; hệ số co "
        f"giãn của vốn {fmt(params['capital_share'], 2)}, tỷ lệ khấu hao "
        f"{fmt(params['depreciation'] * 100, 1)}%/năm. Số liệu đầu vào do cơ quan thống kê cung cấp."
    )
    # Which boundary the figures are for, and which input-output table gave the shares (docs/tfp.md).
    note = " ".join([note, *(params[k]["note_vi"] for k in ("boundary", "factor_shares") if k in params)])
    sti = tfp.get("sti")
    if sti and sti.get("reliable"):
        sti_text = (
            "Tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng TFP (ước lượng): "
            f"{fmt(sti['share_pct'], 1)}%. {sti.get('caveat_vi', '')}"
        ).strip()
    elif sti:
        # An estimate that fails the reliability rules is not printed as a number (docs/tfp.md).
        sti_text = (
            "Tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng TFP: chưa ước lượng "
            f"được với độ tin cậy đủ để công bố. {sti.get('reliability_note_vi', '')}"
        ).strip()
    else:
        sti_text = ""
    return {
        "tfp_available": "1",
        "tfp_rows": rows,
        "tfp_note": note,
        "sti_text": sti_text,
        **sensitivity_pieces(tfp.get("sensitivity") or []),
        "chart_tfp": tfp_chart(years),
    }


def sensitivity_pieces(grid: list[dict[str, Any]]) -> dict[str, Any]:
    """The sensitivity grid as a table (TFP share of growth, %, by capital share and
    depreciation rate) and a sentence on how much the conclusion depends on them."""
    from nscl.analysis.tfp import DEFAULT_SENSITIVITY_DEPRECIATIONS

    if not grid:
        return {"sensitivity_rows": [], "sensitivity_note": ""}
    cells = {(round(g["capital_share"], 4), round(g["depreciation"], 4)): g["share_tfp_pct"] for g in grid}
    rows = []
    for share in sorted({k[0] for k in cells}):
        values = [cells.get((share, round(d, 4))) for d in DEFAULT_SENSITIVITY_DEPRECIATIONS]
        rows.append(
            row(
                "sensitivity",
                capital_share=fmt(share, 2),
                **{f"d{i}": fmt(v, 1) for i, v in enumerate(values, start=1)},
            )
        )
    shares = [v for v in cells.values() if v is not None]
    period = f"{grid[0]['from']}-{grid[0]['to']}"
    note = (
        f"Độ nhạy của kết quả (giai đoạn {period}): với hệ số co giãn của vốn từ "
        f"{fmt(min(k[0] for k in cells), 2)} đến {fmt(max(k[0] for k in cells), 2)} và tỷ lệ khấu hao từ "
        f"{fmt(min(k[1] for k in cells) * 100, 0)}% đến {fmt(max(k[1] for k in cells) * 100, 0)}%/năm, tỷ trọng "
        f"đóng góp của TFP vào tăng trưởng nằm trong khoảng {fmt(min(shares), 1)}% - {fmt(max(shares), 1)}%."
    )
    return {"sensitivity_rows": rows, "sensitivity_note": note}


def submission_rows(catalogue: Catalogue, data: list[YearData]) -> list[dict[str, Any]]:
    out = []
    for i, s in enumerate(inputs_of(data), start=1):
        out.append(
            row(
                "submission",
                stt=str(i),
                year=str(s["year"]),
                agency=catalogue.agency(s["agency_code"]).name,
                file=s["original_name"],
                sha=s["sha256"][:16],
                received=received_text(s["received_at"]),
                timeliness=STATE_LABELS["late" if s["late"] else "on_time"],
            )
        )
    return out


def received_text(value: Any) -> str:
    if not value or value != value:
        return "—"
    return dt.datetime.fromisoformat(str(value)).strftime("%d/%m/%Y %H:%M")


def indicator_sentence(p: Progress) -> str:
    """One line of section II: the year's figure, phase to date and ten years to date."""
    ind = p.indicator
    parts = [f"{ind.name}: năm {p.year} {with_unit(ind, p.year_value)}"]
    if p.phase_target:
        parts.append(
            f"lũy kế {p.phase.first}-{p.year} {with_unit(ind, p.phase_value)}, mục tiêu "
            f"{p.phase.code} “{p.phase_target.text}” ({p.phase_status})"
        )
    if p.ten_year_target:
        parts.append(
            f"lũy kế 2021-{p.year} {with_unit(ind, p.ten_year_value)}, mục tiêu 2021-2030 "
            f"“{p.ten_year_target.text}” ({p.ten_year_status})"
        )
    return "; ".join(parts) + "."


# ---- the annual report -------------------------------------------------------------------------


def annual_context(
    catalogue: Catalogue,
    year: int,
    progress: list[Progress],
    data: list[YearData],
    settings: dict[str, Any],
    issued: dt.date,
) -> dict[str, Any]:
    """The annual report's context. ``data`` holds every year 2021..``year`` (the last is the
    report's year); ``progress`` comes from ``nscl.analysis.indicators.progress``."""
    from nscl.reporting.charts import indicator_chart

    this = next(d for d in data if d.year == year)
    status = (this.summary or {}).get("status", [])
    counts = Counter(s["state"] for s in status)
    phase = catalogue.phase_of(year)
    reporting_text = (
        f"Năm {year}, có {len(status)} cơ quan, đơn vị thuộc diện phải báo cáo kết quả thực hiện Kế hoạch "
        f"(hạn gửi báo cáo ngày {catalogue.deadline(year).strftime('%d/%m/%Y')}); "
        f"{counts['on_time'] + counts['late']} đơn vị đã gửi báo cáo hợp lệ ({counts['on_time']} đúng hạn, "
        f"{counts['late']} muộn), {counts['rejected']} đơn vị có báo cáo bị trả lại chờ sửa, "
        f"{counts['missing']} đơn vị chưa gửi báo cáo. Danh sách chi tiết tại Phụ lục 3."
    )
    lines: dict[str, list[str]] = defaultdict(list)
    for p in progress:
        lines[catalogue.tasks[p.indicator.task].group].append(indicator_sentence(p))
    tasks = task_rows(catalogue, [this], year, year)
    tasks_by_group = _tasks_by_group(catalogue, tasks)

    ent = this.table("enterprises")
    budget = this.table("budget")
    totals = {} if budget.empty else budget.groupby("source")["value"].sum().to_dict()
    used = {r["agency_code"]: r for _, r in this.used.iterrows()}
    reporters = []
    for i, s in enumerate(status, start=1):
        u = used.get(s["agency_code"])
        reporters.append(
            row(
                "reporter",
                stt=str(i),
                agency=s["agency_name"],
                state=STATE_LABELS[s["state"]],
                received=received_text(s["received_at"]),
                used=f"{u['original_name']} (SHA-256 {u['sha256'][:16]})" if u is not None else "—",
            )
        )
    behind = [p for p in progress if p.ten_year_status in ("Chậm tiến độ", "Chưa thực hiện", "Không đạt")]
    next_tasks = [
        f"Đẩy nhanh tiến độ chỉ tiêu “{p.indicator.name}”: lũy kế 2021-{year} "
        f"{with_unit(p.indicator, p.ten_year_value)}, mục tiêu 2021-2030 “{p.ten_year_target.text if p.ten_year_target else ''}”."
        for p in behind
    ] + narrative_lines(catalogue, [this], "next_year", with_year=False)
    context = {
        **settings_context(settings, issued),
        "year": str(year),
        "first_year": str(phase.first),
        "last_year": str(year),
        "phase": phase.code,
        "reporting_text": reporting_text,
        "groups": group_rows(catalogue, lines, tasks_by_group),
        "indicators": [
            row(
                "indicator",
                code=p.indicator.code,
                name=p.indicator.name,
                unit=p.indicator.unit,
                year_value=show(p.indicator, p.year_value),
                phase_value=show(p.indicator, p.phase_value),
                phase_target=p.phase_target.text if p.phase_target else "—",
                phase_status=p.phase_status or "—",
                ten_value=show(p.indicator, p.ten_year_value),
                ten_target=p.ten_year_target.text if p.ten_year_target else "—",
                ten_status=p.ten_year_status or "—",
            )
            for p in progress
        ],
        "rule_note": RULE_NOTE,
        "tasks": tasks,
        "enterprises_text": (
            f"Năm {year}, các cơ quan, đơn vị đã hỗ trợ {fmt(len(ent))} lượt tổ chức, doanh nghiệp "
            f"(danh sách tại Phụ lục 2), với tổng kinh phí "
            f"{fmt(sum(totals.get(c, 0.0) for c, _ in BUDGET_SOURCES), 1)} triệu đồng."
        ),
        "enterprises_by_type": enterprises_by_type([this]),
        "enterprises": enterprise_rows(catalogue, [this]),
        "budget": [
            row("budget", source=label, value=fmt(totals.get(code, 0.0), 1)) for code, label in BUDGET_SOURCES
        ],
        "budget_total": fmt(sum(totals.get(c, 0.0) for c, _ in BUDGET_SOURCES), 1),
        **tfp_pieces(this.tfp, year),
        "chart_indicators": indicator_chart(progress, f"2021-{year}"),
        "achievements": narrative_lines(catalogue, [this], "achievements", with_year=False),
        "difficulties": narrative_lines(catalogue, [this], "difficulties", with_year=False),
        "proposals": narrative_lines(catalogue, [this], "proposals", with_year=False),
        "next_tasks": next_tasks or ["Tiếp tục triển khai các nhiệm vụ của Kế hoạch."],
        "next_period": f"năm {year + 1}",
        "reporters": reporters,
        "submissions": submission_rows(catalogue, [this]),
    }
    check_context("annual", context)
    return context


def _tasks_by_group(catalogue: Catalogue, tasks: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, list[str]] = defaultdict(list)
    for t in tasks:
        out[catalogue.tasks[t["code"]].group].append(f"{t['code']} ({t['status']})")
    return {
        g: "Tình trạng các nhiệm vụ (số đơn vị báo cáo theo tình trạng): " + "; ".join(v) + "."
        for g, v in out.items()
    }
