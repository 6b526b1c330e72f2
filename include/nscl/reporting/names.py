"""The names a report template may use: the top-level names per kind (``TOP_KEYS``) and the
fields of each kind of table row (``ROW_FIELDS``). The context builders check their output
against them and ``nscl.reporting.template_check`` checks the templates against them, so a
template and the code cannot drift apart silently."""

from __future__ import annotations

from typing import Any

ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "group": ("numeral", "name", "lines", "tasks_text"),
    "indicator": (
        "stt",
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
        "stt",
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
    "indicator_years": ("stt", "name", "unit", "y", "total"),
    "task": ("stt", "content", "lead", "product", "result", "coordination", "status"),
    "enterprise": ("stt", "year", "name", "tax_code", "locality", "support_type", "funding", "agency"),
    "count": ("label", "count"),
    "budget": ("source", "value"),
    "budget_year": ("year", "enterprises", "central", "provincial", "enterprise", "other", "total"),
    "tfp": ("period", "growth", "capital", "labour", "tfp", "share"),
    # TFP share of growth (%) by capital share (rows) and depreciation rate (the four columns
    # of tfp.DEFAULT_SENSITIVITY_DEPRECIATIONS).
    "sensitivity": ("capital_share", "d1", "d2", "d3", "d4"),
    "reporter": ("stt", "agency", "state", "received", "version"),
    "submission": ("stt", "year", "agency", "received", "timeliness"),
    "reporting_year": ("year", "expected", "on_time", "late", "rejected", "missing"),
    "rollup": ("stt", "agency", "includes", "years", "enterprises", "classes", "budget"),
}
# Row fields that are lists of strings (everything else is a string).
LIST_FIELDS = {"lines", "y"}

_COMMON: dict[str, Any] = {
    "draft_mark": None,
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
    "data_period": None,
    "year_head": None,
    "signed_reports_text": None,
    "year": None,
    "first_year": None,
    "last_year": None,
    "scope_note": None,
    "request_text": None,
    "table_scope_note": None,
    "direction_intro": None,
    "direction": [],
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
        "cum_phase_head": None,
        "cum_ten_head": None,
        "two_cumulatives": None,
        "first_plan_year": None,
        "indicators": "indicator",
        "budget": "budget",
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
        "lessons": [],
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
