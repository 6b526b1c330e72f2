"""What the report templates see, in one place for callers: the declared names
(``nscl.reporting.names``), formatting and settings (``common``), the inputs of a year
(``yeardata``), and the context builders of the annual report (``annual``) and the reviews
(``reviews``). Every value is already formatted as printed (Vietnamese numbers "1.234,5", "—"
for nothing reported), so the .docx templates only place them."""

from __future__ import annotations

from nscl.reporting.annual import annual_context, annual_draft, indicator_sentence
from nscl.reporting.common import (
    KINDS,
    RULE_NOTE,
    SETTINGS_FILE,
    date_line,
    fmt,
    fmt_deliverable,
    load_settings,
    settings_context,
    show,
)
from nscl.reporting.figures import enterprise_rows, enterprises_by_type, submission_rows
from nscl.reporting.names import LIST_FIELDS, ROW_FIELDS, TOP_KEYS, check_context, row, specimen_context
from nscl.reporting.tasks import task_rows
from nscl.reporting.tfp_tables import tfp_pieces
from nscl.reporting.yeardata import (
    YearData,
    indicator_values,
    inputs_of,
    last_input,
    load_year,
    organisation_key,
    organisations,
    tfp_measured,
)

__all__ = [
    "KINDS",
    "LIST_FIELDS",
    "ROW_FIELDS",
    "RULE_NOTE",
    "SETTINGS_FILE",
    "TOP_KEYS",
    "YearData",
    "annual_context",
    "annual_draft",
    "check_context",
    "date_line",
    "enterprise_rows",
    "enterprises_by_type",
    "fmt",
    "fmt_deliverable",
    "indicator_sentence",
    "indicator_values",
    "inputs_of",
    "last_input",
    "load_settings",
    "load_year",
    "organisation_key",
    "organisations",
    "row",
    "settings_context",
    "show",
    "specimen_context",
    "submission_rows",
    "task_rows",
    "tfp_measured",
    "tfp_pieces",
]
