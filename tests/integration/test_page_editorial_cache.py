"""Issue 25, "the editorial tab within 1 s": the tab keeps a report's draft and year data while
their inputs are unchanged (``nscl.staff_page.drafts``), and gives what ``prepare`` gives: a changed
input (a curated table, the report settings) is seen at once; the staff's own state is read fresh
without preparing the report again."""

from __future__ import annotations

import datetime as dt

import pytest
from nscl.reporting.build import prepare
from nscl.staff_page import drafts
from nscl.store import editorial
from nscl.store.zones import Zones
from test_report_data import build

YEAR = 2021
OLD, NEW = "được doanh nghiệp đón nhận tích cực", "được doanh nghiệp hưởng ứng rất mạnh mẽ"


@pytest.fixture
def data(tmp_path, catalogue, monkeypatch):
    monkeypatch.setenv("NSCL_REPORT_PDF", "0")
    zones = Zones(tmp_path / "data")
    build(zones, catalogue, [YEAR])
    drafts.forget()
    return zones


def _same(a, b) -> None:
    assert a.draft == b.draft
    assert a.open_items == b.open_items
    assert [d.year for d in a.data] == [d.year for d in b.data]
    assert a.state == b.state and a.issued == b.issued


def _misses() -> int:
    return drafts.stats["misses"]


def test_kept_while_inputs_unchanged_and_seen_when_they_change(data, catalogue):
    zones = data
    first = drafts.for_page(zones, catalogue, YEAR, "annual")
    misses = _misses()
    again = drafts.for_page(zones, catalogue, YEAR, "annual")
    assert _misses() == misses  # kept
    _same(again, prepare(zones, catalogue, YEAR, "annual"))
    assert any(OLD in p for p in first.draft["achievements"])

    # The staff's state changes: read fresh, the report not prepared again, same as prepare.
    editorial.save_section(zones, YEAR, "annual", "achievements", "Đoạn cán bộ viết.", "canbo")
    editorial.set_signer(zones, YEAR, "annual", ["GIÁM ĐỐC"], "Nguyễn Văn Minh", "canbo")
    after_state = drafts.for_page(zones, catalogue, YEAR, "annual")
    assert _misses() == misses
    assert after_state.state.signer is not None and after_state.open_items != first.open_items
    _same(after_state, prepare(zones, catalogue, YEAR, "annual"))

    # An input changes (an agency's words in the curated table): prepared again, the new words.
    table = zones.curated(YEAR) / "narratives.csv"
    text = table.read_text("utf-8")
    assert OLD in text
    table.write_text(text.replace(OLD, NEW), encoding="utf-8")
    changed = drafts.for_page(zones, catalogue, YEAR, "annual")
    assert _misses() == misses + 1
    assert any(NEW in p for p in changed.draft["achievements"])
    assert not any(OLD in p for p in changed.draft["achievements"])
    _same(changed, prepare(zones, catalogue, YEAR, "annual"))

    # The report settings change (the data folder's override): prepared again.
    editorial.settings_override(zones).write_text('issuing_name: "Sở KH&CN Hưng Yên"\n', encoding="utf-8")
    drafts.for_page(zones, catalogue, YEAR, "annual")
    assert _misses() == misses + 2


def test_a_date_too_early_is_refused_from_the_cache_too(data, catalogue):
    zones = data
    drafts.for_page(zones, catalogue, YEAR, "annual")
    editorial.set_issued(zones, YEAR, "annual", dt.date(YEAR, 1, 2), "canbo")
    with pytest.raises(ValueError, match="sớm hơn ngày nhận báo cáo cuối cùng"):
        prepare(zones, catalogue, YEAR, "annual")
    with pytest.raises(ValueError, match="sớm hơn ngày nhận báo cáo cuối cùng"):
        drafts.for_page(zones, catalogue, YEAR, "annual")
