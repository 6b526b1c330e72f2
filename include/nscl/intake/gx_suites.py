"""Great Expectations 1.x suites, one per workbook sheet, run on pandas DataFrames. One
ephemeral context per process (importing GX costs seconds; validating a sheet ~0.1 s)."""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from typing import Any

from nscl.store.fsutil import atomic_write_text

ROW = "row"
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": [ROW],
    "partial_unexpected_count": 0,
}
# 10 digits, 13 digits, or 10-3 for a branch (e.g. 0900123456-001). Non-capturing groups keep
# pandas from warning on every run.
TAX_CODE_REGEX = r"^\d{10}(?:\d{3}|-\d{3})?$"


@dataclass(frozen=True)
class Rule:
    """One expectation: its GX class name, kwargs, and the Vietnamese text shown to agencies."""

    expectation: str
    column: str | None
    expected_vi: str
    kwargs: tuple[tuple[str, Any], ...] = ()


def rule(expectation: str, column: str | None, expected_vi: str, **kwargs: Any) -> Rule:
    frozen = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    return Rule(expectation, column, expected_vi, tuple(sorted(frozen.items())))


def _quiet_import():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    return gx


@functools.cache
def _context():
    gx = _quiet_import()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


@functools.cache
def _batch_definition(sheet: str):
    ds = _context().data_sources.add_or_update_pandas(name=f"nscl_{sheet}")
    asset = ds.add_dataframe_asset(name=f"{sheet}_df")
    return asset.add_batch_definition_whole_dataframe(name="whole")


@functools.cache
def _suite(sheet: str, rules: tuple[Rule, ...]):
    gx = _quiet_import()
    import great_expectations.expectations as gxe

    expectations = []
    for i, r in enumerate(rules):
        cls = getattr(gxe, r.expectation)
        kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in r.kwargs}
        if r.column is not None:
            kwargs["column"] = r.column
        expectations.append(
            cls(meta={"rule": i, "expected_vi": r.expected_vi}, notes=r.expected_vi, **kwargs)
        )
    return gx.ExpectationSuite(name=f"nscl_{sheet}", expectations=expectations)


def run_suite(
    sheet: str,
    df,
    rules: tuple[Rule, ...],
    collect: list | None = None,
    index_columns: tuple[str, ...] = (ROW,),
) -> list[dict[str, Any]]:
    """Validate ``df`` (with a ``row`` column) against ``rules``.

    Returns one failure per offending cell: {"rule": Rule, "row": int|None, "value": ...,
    "index": {column: value} of ``index_columns``}. When ``collect`` is a list, a failed
    validation result is appended to it as ``(sheet, result)`` for the operators' Data Docs.
    ``index_columns`` are the columns that say where a cell is (``row``; a batch of files adds
    its file key: ``nscl.intake.batch_gx``).
    """
    if df.empty:
        return []
    batch = _batch_definition(sheet).get_batch(batch_parameters={"dataframe": df})
    result_format = (
        RESULT_FORMAT
        if tuple(index_columns) == (ROW,)
        else {**RESULT_FORMAT, "unexpected_index_column_names": list(index_columns)}
    )
    result = batch.validate(_suite(sheet, rules), result_format=result_format)
    if collect is not None and not result.success:
        collect.append((sheet, result))
    failures = []
    for r in result.to_json_dict()["results"]:
        if r["success"]:
            continue
        cfg = r["expectation_config"]
        the_rule = rules[int(cfg["meta"]["rule"])]
        res = r.get("result") or {}
        if res.get("unexpected_index_list"):
            for item in res["unexpected_index_list"]:
                value = item.get(the_rule.column) if isinstance(item, dict) else None
                row = item.get(ROW) if isinstance(item, dict) else None
                index = {c: item.get(c) for c in index_columns} if isinstance(item, dict) else {}
                failures.append({"rule": the_rule, "row": row, "value": _plain(value), "index": index})
        else:
            failures.append(
                {"rule": the_rule, "row": None, "value": _plain(res.get("observed_value")), "index": {}}
            )
    return failures


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def render_data_docs(results: list, folder, title: str) -> list[str]:
    """Write GX Data Docs pages (HTML, GX's own renderer) for failed validation results into
    ``folder``: one page per sheet and an ``index.html``; returns the file names written."""
    from pathlib import Path

    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView

    folder = Path(folder)
    written = []
    for sheet, result in results:
        html = DefaultJinjaPageView().render(ValidationResultsPageRenderer().render(result))
        name = f"{sheet}.html"
        atomic_write_text(folder / name, html)
        written.append(name)
    links = "".join(f'<li><a href="{n}">{n[:-5]}</a></li>' for n in written)
    atomic_write_text(
        folder / "index.html",
        f"<!doctype html><meta charset='utf-8'><title>{title}</title><h1>{title}</h1><ul>{links}</ul>",
    )
    return written
