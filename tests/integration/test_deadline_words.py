"""One day count for the staff page and the e-mails: on a day long after the deadline, the
overview's "đã quá hạn N ngày" and the subject of every reminder planned that day say the same
N, counted here from the calendar (the e-mail used to say the weekly stage's opening day)."""

from __future__ import annotations

import datetime as dt

from nscl.outreach.reminders import plan_reminders
from nscl.staff_page.overview import deadline_text

YEAR = 2025


def test_the_page_and_the_email_count_the_same_days(zones, catalogue):
    deadline = catalogue.deadline(YEAR)
    day = deadline + dt.timedelta(days=370)  # a Wednesday-ish day inside a weekly stage, not its start
    stage, reminders = plan_reminders(YEAR, zones, catalogue, day)
    assert stage is not None and stage.opens != day  # the stage opened earlier: the trap
    words = deadline_text(catalogue, YEAR, day)["words"]
    assert words == "đã quá hạn 370 ngày"
    assert reminders
    for r in reminders:
        assert "(đã quá hạn 370 ngày)" in r.subject, r.subject


def test_before_and_on_the_day(zones, catalogue):
    deadline = catalogue.deadline(YEAR)
    assert deadline_text(catalogue, YEAR, deadline - dt.timedelta(days=3))["words"] == "còn 3 ngày đến hạn"
    assert deadline_text(catalogue, YEAR, deadline)["words"] == "hôm nay là hạn cuối"
    _, reminders = plan_reminders(YEAR, zones, catalogue, deadline - dt.timedelta(days=3))
    assert reminders and all("(còn 3 ngày đến hạn)" in r.subject for r in reminders)
