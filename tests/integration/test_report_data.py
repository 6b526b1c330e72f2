"""Fast, deterministic inputs for the report tests (no tests here).

Through the workbooks and the GX validation a year of sample data takes ~20 s; the report tests
need ten years, so this writes what intake leaves behind (receipts and staged submissions, one
per expected agency and year, a few late, one rejected, one missing, and the statistics office's
series from ``nscl.forms.sample``) and then runs the real stages ``pipeline.consolidate`` and
``pipeline.compute_tfp``. It also keeps, independently of the pipeline, the figures each report
must show (``Expected``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from nscl.forms import sample

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SOURCES = ("central", "provincial", "enterprise", "other")


@dataclass
class Expected:
    values: dict[tuple[str, int], float] = field(default_factory=lambda: defaultdict(float))
    enterprises: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    budget: dict[tuple[str, int, str], float] = field(default_factory=lambda: defaultdict(float))
    used: dict[int, dict[str, str]] = field(
        default_factory=lambda: defaultdict(dict)
    )  # year -> agency -> sha
    states: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    deliverables: set[str] = field(default_factory=set)

    def total(self, catalogue, code: str, years) -> float:
        ind = catalogue.indicators[code]
        codes = ind.components or (code,)
        if ind.is_deliverable:
            return max((self.values.get((code, y), 0.0) for y in years), default=0.0)
        return sum(self.values.get((c, y), 0.0) for c in codes for y in years)


def _plain(catalogue, exp) -> bool:
    a = exp.agency
    return (
        a.kind == "department"
        and not a.successor
        and not catalogue.predecessors(a.code)
        and a.code != "SKHCN"
    )


def _tfp_rows(year: int) -> list[dict]:
    rows, grdp, emp = [], sample.GRDP_2010, sample.EMPLOYMENT_2010
    for y in range(2010, year + 1):
        if y > 2010:
            grdp *= 1 + sample.GRDP_GROWTH[y] / 100
            emp *= 1 + sample.EMPLOYMENT_GROWTH / 100
        rows.append(
            {
                "row": y - 2005,
                "year": y,
                "grdp": round(grdp, 1),
                "investment": round(grdp * (sample.INVESTMENT_RATIO + 0.004 * ((y * 7) % 5)), 1),
                "employment": round(emp, 1),
                "trained_labour_share": round(20 + 1.3 * (y - 2010), 1),
                "rd_spending": round(grdp * (0.0025 + 0.00025 * (y - 2010) + 0.0001 * ((y * 3) % 4)), 1),
            }
        )
    return rows


def _write(path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def build(zones, catalogue, years) -> Expected:
    """Inputs for ``years``; TFP is computed for the years the reports read it from (2025, 2030
    and the last year), the slow part otherwise."""
    from nscl.orchestration import pipeline

    years = list(years)
    tfp_years = {y for y in years if y in (2025, 2030)} | {years[-1]}

    exp_out = Expected()
    for year in years:
        expected = catalogue.expected_reporters(year)
        plain = [e for e in expected if _plain(catalogue, e)]
        rejected, missing = plain[0].agency.code, plain[1].agency.code
        for i, exp in enumerate(expected):
            code = exp.agency.code
            if code == missing:
                exp_out.states[year][code] = "Chưa nộp"
                continue
            rng = random.Random(f"{year}:{code}")
            sha = hashlib.sha256(f"nscl-test:{year}:{code}".encode()).hexdigest()
            late = i % 9 == 4
            received = dt.datetime(year, 11, 5 + i % 20, 9, 30, tzinfo=TZ)
            if late:
                received = dt.datetime(year, 12, 2, 10, 0, tzinfo=TZ)
            receipt = {
                "sha256": sha,
                "year": year,
                "original_name": f"BaoCao_{code}_{year}.xlsx",
                "received_at": received.isoformat(),
                "late": late,
                "agency_code": code,
                "kind": "tfp" if exp.tfp_inputs else "agency",
                "status": "rejected" if code == rejected else "accepted",
                "errors": [{"sheet": "Chỉ tiêu"}] if code == rejected else [],
                "warnings": [],
            }
            _write(zones.receipts(year) / f"{sha}.json", receipt)
            if code == rejected:
                exp_out.states[year][code] = "Bị trả lại, chờ sửa"
                continue
            exp_out.states[year][code] = "Nộp muộn" if late else "Đúng hạn"
            exp_out.used[year][code] = sha
            if exp.tfp_inputs:
                _write(
                    zones.curated(year) / "staged" / f"{sha}.json", {"kind": "tfp", "tfp": _tfp_rows(year)}
                )
                continue
            n_ent = rng.randint(1, 3) if any(i.code == "DN_HOTRO" for i in exp.indicators) else 0
            enterprises = []
            for k in range(n_ent):
                amounts = {
                    "central": 0.0,
                    "provincial": float(rng.choice([50, 80, 120])),
                    "enterprise": 30.5,
                    "other": 0.0,
                }
                enterprises.append(
                    {
                        "row": 5 + k,
                        "name": f"Công ty TNHH Thử nghiệm {code} {year} số {k + 1}",
                        "tax_code": f"09{rng.randint(0, 99_999_999):08d}",
                        "locality": "Phường Phố Hiến",
                        "support_type": rng.choice(["ISO 9001", "VietGAP/GAP", "Truy xuất nguồn gốc"]),
                        **amounts,
                    }
                )
            indicators = []
            for ind in exp.indicators:
                if ind.code == "DN_HOTRO":
                    v = float(n_ent)
                elif ind.is_deliverable:
                    v = float(rng.random() < 0.3)
                    exp_out.deliverables.add(ind.code)
                else:
                    v = float(rng.randint(0, 3))
                indicators.append({"row": 5 + len(indicators), "code": ind.code, "value": v, "note": ""})
                if ind.is_deliverable:
                    exp_out.values[(ind.code, year)] = max(exp_out.values[(ind.code, year)], v)
                else:
                    exp_out.values[(ind.code, year)] += v
            budget = {
                s: sum(e[s] for e in enterprises) + (15.0 if s == "provincial" else 0.0) for s in SOURCES
            }
            for s, v in budget.items():
                exp_out.budget[(code, year, s)] += v
            exp_out.enterprises[(code, year)] += n_ent
            staged = {
                "kind": "agency",
                "indicators": indicators,
                "tasks": [
                    {
                        "row": 5 + k,
                        "code": t.code,
                        "status": rng.choice(["Hoàn thành", "Đang thực hiện"]),
                        "result": f"Kết quả nhiệm vụ {t.code} năm {year} của {exp.agency.name}.",
                        "difficulties": "",
                    }
                    for k, t in enumerate(exp.tasks)
                ],
                "enterprises": enterprises,
                "budget": budget,
                "narrative": {
                    "achievements": rng.choice(sample.ACHIEVEMENTS),
                    "difficulties": rng.choice(sample.DIFFICULTIES),
                    "proposals": rng.choice(sample.PROPOSALS),
                    "next_year": f"Tiếp tục triển khai các nhiệm vụ được giao năm {year + 1}.",
                },
            }
            _write(zones.curated(year) / "staged" / f"{sha}.json", staged)
        pipeline.consolidate(year, zones, catalogue)
        if year in tfp_years:
            pipeline.compute_tfp(year, zones)
    return exp_out
