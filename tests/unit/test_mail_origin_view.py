"""The staff page shows, beside a file that came by mail, who sent it, the replies sent about it
and a flag when the sender is not an address the registry or contacts.yaml know."""

from __future__ import annotations

import json

from nscl.intake.mail_state import save_state
from nscl.staff_page.queries import origin_of
from nscl.store.zones import Zones

YEAR = 2025


def test_mail_origin_with_replies_and_an_unknown_sender(tmp_path):
    zones = Zones(tmp_path)
    key = "ab" * 32
    save_state(
        zones,
        {
            "key": key,
            "origin": {"sender": "ai.do@gmail.example", "subject": "Báo cáo NSCL 2025", "date": "2025-11-20T09:00:00+07:00"},
            "replies": {
                "file:0:accepted": {"subject": "Đã tiếp nhận báo cáo", "sent_at": "2025-11-20T09:05:00+07:00"},
                "file:1:rejected": {"subject": "không phải tệp này", "sent_at": "2025-11-20T09:06:00+07:00"},
                "file:0:unsent": {"subject": "chưa gửi"},
            },
        },
    )
    inbox = zones.inbox(YEAR)
    inbox.mkdir(parents=True)
    (inbox / "bao-cao.xlsx").write_bytes(b"x")
    (inbox / ".bao-cao.xlsx.mail.json").write_text(
        json.dumps(
            {"via": "mail", "message_sha256": key, "attachment_index": 0, "sender": "ai.do@gmail.example",
             "subject": "Báo cáo NSCL 2025", "date": "2025-11-20T09:00:00+07:00"}
        ),
        encoding="utf-8",
    )
    got = origin_of(zones, YEAR, {"inbox_path": "bao-cao.xlsx", "agency_code": None})
    assert got is not None and got["via"] == "email"
    assert got["sender"] == "ai.do@gmail.example"
    assert [r["subject"] for r in got["replies"]] == ["Đã tiếp nhận báo cáo"]  # this file's, sent
    assert [f["code"] for f in got["flags"]] == ["sender_unknown"]
