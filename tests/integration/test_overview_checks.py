"""The overview's list of what to settle before approval says which checks staff already looked
at (with their reason), counts only the open ones, and once the report is approved with every
check looked at, it is the list of what was settled, not work still to do (a fresh reader of the
page took the approved year's eight checks for open work)."""

from __future__ import annotations

import pytest
from nscl.forms.sample import write_sample_data
from nscl.orchestration import pipeline
from nscl.reporting.checks import checks_for
from nscl.staff_page.overview import overview
from nscl.store import direction, editorial
from nscl.store.zones import Zones
from test_report_editorial import approve

YEAR = 2025


@pytest.fixture(scope="module")
def zones(tmp_path_factory, catalogue):
    z = Zones(tmp_path_factory.mktemp("overview-checks") / "data")
    for y in range(2021, YEAR + 1):  # earlier years: money far from an agency's own years is a check
        write_sample_data(catalogue, y, z.inbox(y))
        direction.write_sample(z, y)
        for f in pipeline.list_inbox(y, z):
            pipeline.process_submission(f, y, z, catalogue)
        pipeline.consolidate(y, z, catalogue)
    return z


def test_checks_looked_at_are_marked_and_an_approved_year_lists_what_was_settled(zones, catalogue):
    checks = checks_for(zones, catalogue, YEAR)
    assert len(checks) >= 2  # the sample's money to confirm
    first, *rest = checks

    page = overview(zones, catalogue, YEAR)
    assert page["open_checks"] == len(checks) and not page["approved"]
    assert all(c["seen"] is None for c in page["checks"])

    editorial.acknowledge(zones, YEAR, "annual", {first.id: first.title}, "Đã đối chiếu với báo cáo gốc", "canbo")
    page = overview(zones, catalogue, YEAR)
    assert page["open_checks"] == len(checks) - 1
    seen = {c["id"]: c["seen"] for c in page["checks"]}
    assert seen[first.id]["reason"] == "Đã đối chiếu với báo cáo gốc" and seen[first.id]["by"] == "canbo"
    assert all(seen[c.id] is None for c in rest)

    editorial.acknowledge(zones, YEAR, "annual", {c.id: c.title for c in rest}, "Đã xác nhận với đơn vị", "canbo")
    approve(zones)
    page = overview(zones, catalogue, YEAR)
    assert page["approved"] and page["open_checks"] == 0
