"""The consistency audit of issue 22 (item 8), as a library the tests call (and that can be run
on any data folder: ``uv run python tests/integration/audit.py DATA_DIR``).

It reads a generated document (.docx, python-docx), takes its figures with their labels, and
checks them against figures it computes itself from the curated CSVs (pandas, not the
reporting code), against the staff page's overview, and against each other:

- the indicator table: the year's and the to-date figures, and the statuses that cannot be
  ("Chậm tiến độ" for an event not yet due, "Đạt" for a yearly deliverable before its period
  ends);
- the body's indicator sentences against the table;
- TFP: the sensitivity table contains the parameters used (the row "đã dùng", the column of the
  depreciation rate stated), its cell there is the headline, the range stated contains the
  headline, and the capital shares the method note states are those of the result;
- the per-task appendix: "Hoàn thành" only when the product is reached (or the task's period is
  over); no lead agency's words of an activity printed for a year whose figures count none (in
  a review, under a year that counts none); no sentence twice in a cell; the TFP task's
  coordination names the statistics office when its workbook was used.

Each defect is one Vietnamese-free line naming the document, the label and the two values."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd
from docx import Document

NONE_WORDS = ("chưa", "không")


# ------------------------------------------------------------------ reading the document


def _tables(doc) -> list[list[list[str]]]:
    return [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]


def _table(doc, *headers: str) -> list[list[str]] | None:
    for t in _tables(doc):
        if t and all(any(h in cell for cell in t[0]) for h in headers):
            return t
    return None


def _number(text: str) -> float | None:
    text = text.strip()
    if text in ("—", ""):
        return None
    if text.lower().startswith("đã thực hiện"):
        return 1.0
    if text.lower().startswith("chưa"):
        return 0.0
    m = re.match(r"^-?[\d.]+(,\d+)?", text)
    return float(m.group(0).replace(".", "").replace(",", ".")) if m else None


def _paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


# ------------------------------------------------------------------ own figures from the CSVs


def _csv(data: Path, year: int, table: str) -> pd.DataFrame:
    path = data / "curated" / str(year) / f"{table}.csv"
    return pd.read_csv(path, dtype={"tax_code": str, "agency_code": str}) if path.exists() else pd.DataFrame()


def _tax(v) -> str:
    if not isinstance(v, str):
        return ""
    digits = re.sub(r"\D", "", v)
    return digits.zfill(10) if len(digits) in (9, 10) else digits


def _name(v) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFC", str(v)).casefold()).split())


class Figures:
    """Year figures per indicator, computed here from curated/<year>/*.csv."""

    def __init__(self, data: Path, catalogue, years):
        self.catalogue = catalogue
        self.values: dict[tuple[str, int], float] = {}
        self.orgs: dict[int, set[str]] = {}
        self.tfp_used: dict[int, bool] = {}
        for y in years:
            iv = _csv(data, y, "indicator_values")
            if not iv.empty:
                iv = iv.dropna(subset=["value"])
                for code, g in iv.groupby("indicator"):
                    ind = catalogue.indicators.get(code)
                    if ind is not None:
                        self.values[(code, y)] = float(
                            g["value"].max() if ind.is_deliverable else g["value"].sum()
                        )
            ent = _csv(data, y, "enterprises")
            keys = set()
            for _, e in ent.iterrows():
                t = _tax(e["tax_code"])
                keys.add(f"t:{t}" if t else f"n:{_name(e['name'])}")
            self.orgs[y] = keys
            tfp = _csv(data, y, "tfp_inputs")
            self.tfp_used[y] = not tfp.empty and (data / "curated" / str(y) / "tfp.json").exists()

    def year(self, code: str, y: int) -> float | None:
        ind = self.catalogue.indicators[code]
        if ind.counts_enterprises:
            return float(len(self.orgs.get(y, ()))) if (code, y) in self.values or self.orgs.get(y) else None
        if ind.computed_by_pipeline:
            return 1.0 if self.tfp_used.get(y) else None
        if ind.components:
            parts = [self.values.get((c, y)) for c in ind.components]
            return None if all(p is None for p in parts) else sum(p or 0.0 for p in parts)
        return self.values.get((code, y))

    def window(self, code: str, first: int, last: int) -> float | None:
        ind = self.catalogue.indicators[code]
        vals = [self.year(code, y) for y in range(first, last + 1)]
        if all(v is None for v in vals):
            return None
        if ind.counts_enterprises:
            return float(len(set().union(*(self.orgs.get(y, set()) for y in range(first, last + 1)))))
        if ind.is_deliverable:
            return max(v or 0.0 for v in vals)
        return sum(v or 0.0 for v in vals)


def _product_indicators(catalogue, task_code: str):
    return [
        i
        for i in catalogue.indicators.values()
        if i.task == task_code and any(t.source == f"Phụ lục {task_code}" for t in i.targets.values())
    ]


def _amount(target) -> float:
    if target.kind == "range":
        return float(target.low)
    if target.kind == "approx":
        return 0.9 * float(target.value)
    if target.kind == "deliverable":
        return 1.0
    return float(target.value)


# ------------------------------------------------------------------ the checks


def audit_indicators(doc, name: str, catalogue, figs: Figures, year: int, overview_rows=None) -> list[str]:
    out = []
    table = _table(doc, "Chỉ tiêu", "Đơn vị tính", "Đánh giá 2021-2030")
    if table is None:
        return [f"{name}: no indicator table"]
    by_name = {i.name: c for c, i in catalogue.indicators.items()}
    head = table[0]
    # "Năm 2025", or "Ước thực hiện năm 2025" while the year's data are partial.
    col_year = next(i for i, h in enumerate(head) if h.lower().endswith(f"năm {year}"))
    # the plan's first year has no second column: its figure to date is the year's
    col_cum = next((i for i, h in enumerate(head) if h.startswith("Lũy kế")), col_year)
    col_status = [i for i, h in enumerate(head) if h.startswith("Đánh giá")]
    printed: dict[str, float | None] = {}
    for row in table[1:]:
        code = by_name.get(row[1])
        if code is None:
            continue
        ind = catalogue.indicators[code]
        got_y, got_c = _number(row[col_year]), _number(row[col_cum])
        printed[code] = got_y
        want_y, want_c = figs.year(code, year), figs.window(code, 2021, year)
        if (got_y or 0) != (want_y or 0):
            out.append(f"{name}: '{ind.name}' năm {year} in {row[col_year]}, CSV {want_y}")
        if (got_c or 0) != (want_c or 0):
            out.append(f"{name}: '{ind.name}' lũy kế in {row[col_cum]}, CSV {want_c}")
        task = catalogue.tasks.get(ind.task)
        statuses = [row[i] for i in col_status]
        if task is not None and len(task.years) < 10 and not [y for y in task.years if y <= year]:
            if any(s == "Chậm tiến độ" for s in statuses):
                out.append(f"{name}: '{ind.name}' is 'Chậm tiến độ' before any event is due ({task.years})")
        yearly = any(t.kind == "deliverable" and "hàng năm" in t.text.lower() for t in ind.targets.values())
        if yearly and year < catalogue.phase_of(year).last and any(s == "Đạt" for s in statuses):
            out.append(f"{name}: '{ind.name}' (every year) is 'Đạt' in {year}, before its period ends")
        if overview_rows is not None:
            page = overview_rows.get(code)
            if page is None or (page["year_value"], page["phase_value"]) != (row[col_year], row[col_cum]):
                out.append(
                    f"{name}: '{ind.name}' overview {page and (page['year_value'], page['phase_value'])}"
                )
    for text in _paragraphs(doc):
        m = re.match(r"^- (.+?): (?:ước thực hiện )?năm (\d{4}) (?:có )?(.+?)(,|;|\.$)", text)
        if not m or int(m.group(2)) != year or m.group(1) not in by_name:
            continue
        code = by_name[m.group(1)]
        said = _number(m.group(3))
        if code in printed and said is not None and (said or 0) != (printed[code] or 0):
            out.append(f"{name}: body says '{m.group(1)}: năm {year} {m.group(3)}', table {printed[code]}")
    return out


def audit_tfp(doc, name: str, tfp: dict | None) -> list[str]:
    out = []
    rows = _table(doc, "Năm, giai đoạn", "Tỷ trọng TFP (%)")
    sens = _table(doc, "Hệ số co giãn của vốn", "Khấu hao")
    if rows is None:
        return []
    headline_row = rows[-1]
    headline = _number(headline_row[-1])
    text = "\n".join(_paragraphs(doc))
    rate = re.search(r"tỷ lệ khấu hao ([\d,]+)%/năm", text)
    if sens is None or rate is None:
        return [f"{name}: TFP without sensitivity table or depreciation rate"]
    d = float(rate.group(1).replace(",", "."))
    cols = [i for i, h in enumerate(sens[0]) if _number(h.replace("Khấu hao ", "")) == d]
    used = [r for r in sens[1:] if "đã dùng" in r[0].lower()]
    if not cols or not used:
        out.append(f"{name}: sensitivity table does not contain the parameters used (d={d}%, row 'đã dùng')")
    else:
        cell = _number(used[0][cols[0]])
        if cell != headline:
            out.append(f"{name}: sensitivity cell {cell} != headline {headline} ({headline_row[0]})")
    rng = re.search(r"khoảng từ ([\d,]+)% đến ([\d,]+)%", text)
    if rng and headline is not None:
        lo, hi = (float(x.replace(",", ".")) for x in rng.groups())
        if not lo <= headline <= hi:
            out.append(f"{name}: range {lo}-{hi} leaves out the headline {headline}")
    if tfp:
        shown = [int(r[0]) for r in rows[1:] if r[0].isdigit()]
        actual = {r["year"]: round(r["capital_share"], 3) for r in tfp.get("years", []) if r["year"] in shown}
        stated = re.search(
            r"hệ số co giãn của vốn[^:;]*?(?:đã dùng: )?([\d,]+(?: cho [^;]+?)?(?:; [\d,]+ cho [^;]+?)*);",
            text,
        )
        found: dict[int, float] = {}
        if stated:
            for value, span in re.findall(r"([\d,]+) cho (?:các )?năm (\d{4}(?:-\d{4})?)", stated.group(1)):
                a, _, b = span.partition("-")
                for y in range(int(a), int(b or a) + 1):
                    found[y] = float(value.replace(",", "."))
            if not found:
                one = _number(stated.group(1))
                found = dict.fromkeys(actual, one)
        for y, v in actual.items():
            if found.get(y) is None or abs(found[y] - v) > 0.0051:
                out.append(
                    f"{name}: method note gives capital share {found.get(y)} for {y}, computed with {v}"
                )
    return out


def _years_of(label: str) -> set[int]:
    """ "Các năm 2021-2023, 2025" -> {2021, 2022, 2023, 2025}."""
    out: set[int] = set()
    for a, b in re.findall(r"(\d{4})(?:-(\d{4}))?", label):
        out.update(range(int(a), int(b or a) + 1))
    return out


def _lead_words(data: Path, catalogue, task, y: int) -> list[str]:
    frame = _csv(data, y, "tasks")
    if frame.empty:
        return []
    leads = set(task.lead) | {
        catalogue.successor_on(c, pd.Timestamp(y, 12, 31).date()).code for c in task.lead
    }
    rows = frame[(frame["task"] == task.code) & frame["agency_code"].isin(leads)]
    return [str(t).strip() for t in rows["result"].dropna() if str(t).strip()]


def audit_tasks(doc, name: str, catalogue, figs: Figures, data: Path, first: int, last: int) -> list[str]:
    out = []
    table = _table(doc, "Nội dung công việc", "Kết quả của cơ quan chủ trì")
    if table is None:
        return [f"{name}: no per-task appendix"]
    head = table[0]
    c_res, c_coord, c_status = (
        head.index(h) for h in ("Kết quả của cơ quan chủ trì", "Cơ quan phối hợp", "Tình trạng")
    )
    for row in table[1:]:
        task = catalogue.tasks.get(row[0])
        if task is None:
            continue
        status, result = row[c_status], row[c_res]
        products = _product_indicators(catalogue, task.code)
        if status.startswith("Hoàn thành") and last < max(task.years):
            reached = products and all(
                (figs.window(i.code, 2021, last) or 0) >= _amount(i.targets["2021-2030"])
                for i in products
                if "2021-2030" in i.targets
            )
            if not reached:
                out.append(f"{name}: task {task.code} 'Hoàn thành' in {last} without its product reached")
        lines = [ln for ln in result.split("\n") if ln.strip()]
        bodies = [ln.split(": ", 1)[-1].strip().lower() for ln in lines]
        if len(bodies) != len(set(bodies)):
            out.append(f"{name}: task {task.code} repeats a sentence in its result")
        for y in range(first, last + 1):
            if not products or not task.covers(y):
                continue
            counted = [figs.year(i.code, y) for i in products]
            if any(c is None for c in counted) or any(c > 0 for c in counted):
                continue
            for words in _lead_words(data, catalogue, task, y):
                if words.lower().startswith(NONE_WORDS):
                    continue
                first_sentence = words.split(". ")[0].rstrip(".").lower()
                for ln in lines:
                    if first_sentence[:60] in ln.lower():
                        years = _years_of(ln.split(":", 1)[0]) or {last}
                        if y in years:
                            out.append(
                                f"{name}: task {task.code} appendix says '{words[:50]}' for {y}, figures none"
                            )
        if any(i.computed_by_pipeline for i in catalogue.indicators.values() if i.task == task.code):
            if any(figs.tfp_used.get(y) for y in range(first, last + 1)) and (
                row[c_coord].startswith("Chưa có báo cáo") or row[c_coord] == "—"
            ):
                out.append(
                    f"{name}: task {task.code} coordination '{row[c_coord]}' though the TFP workbook was used"
                )
    return out


def audit_document(
    path, catalogue, data: Path, kind: str, first: int, last: int, overview_rows=None
) -> list[str]:
    import json

    doc = Document(str(path))
    name = Path(path).name
    figs = Figures(data, catalogue, range(2021, last + 1))
    tfp_path = data / "curated" / str(last) / "tfp.json"
    tfp = json.loads(tfp_path.read_text(encoding="utf-8")) if tfp_path.exists() else None
    out = []
    if kind == "annual":
        out += audit_indicators(doc, name, catalogue, figs, last, overview_rows)
    out += audit_tfp(doc, name, tfp)
    out += audit_tasks(doc, name, catalogue, figs, data, first if kind != "annual" else last, last)
    return out


if __name__ == "__main__":  # uv run python tests/integration/audit.py DATA_DIR [FILE...]
    from nscl.plan.catalogue import default_catalogue

    data_dir = Path(sys.argv[1])
    files = [Path(f) for f in sys.argv[2:]] or sorted((data_dir / "reports").glob("*/*.docx"))
    for f in files:
        m = re.match(r"(bao-cao-nam|so-ket|tong-ket)-(\d{4})(?:-(\d{4}))?", f.name)
        if not m:
            continue
        kind = "annual" if m.group(1) == "bao-cao-nam" else "review"
        first, last = int(m.group(2)), int(m.group(3) or m.group(2))
        for defect in audit_document(f, default_catalogue(), data_dir, kind, first, last):
            print(defect)
