"""What the intake writes for one processed file, in the order that keeps a crash harmless:
staged data, the quarantine copy and the replies (feedback workbook, ``bien-nhan.txt``), Data
Docs, and last the receipt that points to them (``nscl.intake.process`` writes the sighting after
it). A receipt on file means everything it names is on file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from nscl.intake.feedback import feedback_name, reply_text, write_feedback_workbook
from nscl.store.curated import staged_path
from nscl.store.faults import checkpoint
from nscl.store.fsutil import atomic_write_bytes, atomic_write_json, atomic_write_text
from nscl.store.receipts import write_receipt
from nscl.store.records import Receipt
from nscl.store.zones import Zones

log = logging.getLogger(__name__)


def write_outcome(
    zones: Zones, year: int, receipt: Receipt, outcome: Any, stored: Path, original_name: str
) -> None:
    """Staged data, replies, Data Docs, then the receipt that points to them (in that order:
    a receipt on file means everything it names is on file)."""
    if outcome.data is not None and outcome.status == "accepted":
        atomic_write_json(staged_path(zones, year, receipt["sha256"]), outcome.data)
    _write_replies(zones, year, receipt, outcome, stored)
    if outcome.gx_results:
        try:
            from nscl.intake.gx_suites import render_data_docs

            render_data_docs(
                outcome.gx_results,
                zones.data_docs(year) / receipt["sha256"],
                f"{original_name} ({receipt['sha256'][:12]})",
            )
        except Exception:  # Data Docs are for operators; a rendering problem must not cost the receipt
            log.exception("Data Docs not written for %s", receipt["sha256"])
    checkpoint("intake:before-receipt")
    write_receipt(zones, year, receipt)
    checkpoint("intake:receipt")


def _write_replies(zones: Zones, year: int, receipt: Receipt, outcome: Any, stored: Path) -> None:
    """Quarantine a rejected file with its feedback; write the agency's reply files."""

    issues = receipt["errors"] + receipt["warnings"]
    if receipt["status"] == "rejected":
        folder = zones.quarantine(year) / receipt["sha256"]
        target = folder / receipt["safe_name"]
        if not target.exists():
            atomic_write_bytes(target, stored.read_bytes())
        atomic_write_json(
            folder / "feedback.json", {"errors": receipt["errors"], "warnings": receipt["warnings"]}
        )
    else:
        folder = zones.replies(year) / receipt["sha256"]
    if issues:
        name = feedback_name(receipt["safe_name"])
        write_feedback_workbook(stored if outcome.readable else None, receipt, issues, folder / name)
        receipt["feedback_file"] = str((folder / name).relative_to(zones.root))
    atomic_write_text(folder / "bien-nhan.txt", reply_text(receipt))
    receipt["reply_file"] = str((folder / "bien-nhan.txt").relative_to(zones.root))
