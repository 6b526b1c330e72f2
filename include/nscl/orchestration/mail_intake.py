"""The mail intake as stages (the DAG ``nscl_mail_intake`` calls them one per task; ``nscl
mail-intake`` and the tests call :func:`run`): collect the new messages from the mailbox
(``nscl.intake.mailbox``), process every stored file with the ordinary intake
(``pipeline.process_chunk``, one chunk per year), consolidate each year touched, then answer the senders
(``nscl.outreach.mail_replies``). Each stage works from the state files, not from what the
previous stage returned, so any of them can be re-run or cleared alone."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from nscl.intake.imap_client import ImapSettings, Mailbox
from nscl.intake.mail_state import pending_files
from nscl.intake.mailbox import collect as collect_messages
from nscl.orchestration import pipeline
from nscl.outreach.mail_replies import answer as answer_all
from nscl.outreach.mail_replies import own_addresses
from nscl.plan.catalogue import Catalogue, default_catalogue
from nscl.store.zones import Zones

log = logging.getLogger(__name__)


def collect(
    fallback_year: int | None = None,
    zones: Zones | None = None,
    settings: Any = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Take in the new messages; returns the summary and the files now waiting."""

    zones = zones or Zones.default()
    settings = settings or ImapSettings.from_airflow()
    own = own_addresses()
    if settings.login and "@" in settings.login:
        own.add(settings.login.lower())
    with Mailbox(settings) as mailbox:
        summary = collect_messages(zones, mailbox, fallback_year, own_addresses=own, now=now)
    summary["pending"] = pending_files(zones)
    return summary


def process(
    pending: list[dict[str, Any]], zones: Zones | None = None, catalogue: Catalogue | None = None
) -> list[dict]:
    """The ordinary intake on the waiting files, each year's in one chunk (as the DAG's chunks:
    ``pipeline.process_chunk``), then the consolidation of each year touched."""

    zones = zones or Zones.default()
    catalogue = catalogue or default_catalogue()
    results = []
    for chunk in pipeline.plan_year_chunks(pending, slots=1):
        results += pipeline.process_chunk(chunk["paths"], chunk["year"], zones, catalogue)["receipts"]
    for year in sorted({int(i["year"]) for i in pending}):
        pipeline.consolidate(year, zones, catalogue)
    return results


def answer(zones: Zones | None = None, send: Callable | None = None, now: dt.datetime | None = None) -> dict:

    return answer_all(zones or Zones.default(), send, now)


def run(
    fallback_year: int | None = None,
    zones: Zones | None = None,
    catalogue: Catalogue | None = None,
    settings: Any = None,
    send: Callable | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """One whole mail intake: collect, process, consolidate, answer."""
    zones = zones or Zones.default()
    collected = collect(fallback_year, zones, settings, now)
    results = process(collected["pending"], zones, catalogue)
    answered = answer(zones, send, now)
    return {
        "messages": collected["messages"],
        "files": results,
        "collect_failed": collected["failed"],
        **answered,
    }
