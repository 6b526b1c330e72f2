"""The answering rules of the mail intake on a temporary data folder, without servers: a mailbox
stand-in hands over messages built here, the ordinary intake processes the files, and a
recording ``send`` stands for SMTP. Replies switched off, a robot's workbook, two robots
looping, a failing SMTP server and the sender flags."""

from __future__ import annotations

import datetime as dt
import email.policy
import io
from email.message import EmailMessage

import pytest
from nscl.forms.sample import fill_workbook
from nscl.intake.mail_state import all_states, pending_files
from nscl.intake.mailbox import collect
from nscl.orchestration.mail_intake import process
from nscl.outreach.mail_replies import MAX_ATTEMPTS, answer
from nscl.outreach.mail_status import mail_status
from nscl.settings import LOCAL_TZ

YEAR = 2025
NOW = dt.datetime(YEAR, 11, 21, 8, 0, tzinfo=LOCAL_TZ)


class FakeMailbox:
    """What ``collect`` needs of ``imap_client.Mailbox``."""

    folder, uidvalidity = "INBOX", "1"

    def __init__(self, messages: list[bytes]):
        self.messages = dict(enumerate(messages, start=1))
        self.marked: list[int] = []

    def uids(self) -> list[int]:
        return sorted(set(self.messages) - set(self.marked))

    def info(self, uid: int):
        return len(self.messages[uid]), dt.datetime(YEAR, 11, 20, 9, 0, tzinfo=LOCAL_TZ)

    def fetch(self, uid: int) -> bytes:
        return self.messages[uid]

    def fetch_header(self, uid: int) -> bytes:
        return self.messages[uid].split(b"\r\n\r\n", 1)[0]

    def mark_done(self, uid: int) -> str:
        self.marked.append(uid)
        return "moved"


def mail(sender: str, files=(), n: int = 0, **headers) -> bytes:
    m = EmailMessage(policy=email.policy.SMTP)
    m["From"], m["To"], m["Subject"] = sender, "nscl@skhcn.example.vn", f"Báo cáo {n}"
    m["Message-ID"] = f"<m{n}@example.vn>"
    m["Date"] = "Thu, 20 Nov 2025 09:00:00 +0700"
    for k, v in headers.items():
        m[k.replace("_", "-")] = v
    m.set_content("Kính gửi Sở.")
    for name, data in files:
        m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return m.as_bytes()


def workbook(catalogue, code: str) -> bytes:
    out = io.BytesIO()
    fill_workbook(catalogue.expectation(YEAR, code), YEAR, catalogue).save(out)
    return out.getvalue()


class Recorder:
    def __init__(self, fail: int = 0):
        self.sent, self.fail = [], fail

    def __call__(self, reminder):
        if self.fail:
            self.fail -= 1
            raise ConnectionRefusedError("SMTP down")
        self.sent.append(reminder)


def run(zones, catalogue, box, send, now=NOW):
    collect(zones, box, YEAR, now=now)
    process(pending_files(zones), zones, catalogue)
    return answer(zones, send, now)


@pytest.fixture
def data(zones):
    zones.root.mkdir(parents=True)
    zones.contacts.write_text("SCT: vanthu.sct@example.vn\n", encoding="utf-8")
    return zones


def test_replies_switched_off(data, catalogue, monkeypatch):
    monkeypatch.setenv("NSCL_MAIL_REPLIES", "0")
    send = Recorder()
    box = FakeMailbox([mail("vanthu.sct@example.vn", [("sct.xlsx", workbook(catalogue, "SCT"))])])
    summary = run(data, catalogue, box, send)
    assert send.sent == [] and len(summary["answered"]) == 1
    [row] = mail_status(data, YEAR, catalogue)
    assert row["status"] == "accepted" and [f["code"] for f in row["flags"]] == ["replies_off"]
    monkeypatch.setenv("NSCL_MAIL_REPLIES", "1")
    assert run(data, catalogue, box, send)["answered"] == [] and send.sent == []  # not sent later either


def test_a_robots_workbook_is_taken_in_but_never_answered(data, catalogue):
    send = Recorder()
    box = FakeMailbox(
        [
            mail(
                "he-thong@vanban.example.vn",
                [("sct.xlsx", workbook(catalogue, "SCT"))],
                1,
                Auto_Submitted="auto-generated",
            )
        ]
    )
    run(data, catalogue, box, send)
    [row] = mail_status(data, YEAR, catalogue)
    assert row["status"] == "accepted" and send.sent == []
    assert {f["code"] for f in row["flags"]} == {"robot", "sender_unconfirmed"}


def test_two_robots_never_loop(data, catalogue):
    """A robot that answers without saying so: its messages carry no file; it gets one "nothing
    to take" reply a day, however many it sends."""
    send = Recorder()
    box = FakeMailbox([mail("robot@example.vn", n=i) for i in range(5)])
    run(data, catalogue, box, send)
    assert [r.to for r in send.sent] == [["robot@example.vn"]]
    assert send.sent[0].headers["Auto-Submitted"] == "auto-replied"
    assert send.sent[0].headers["In-Reply-To"] == "<m0@example.vn>"
    box.messages[6] = mail("robot@example.vn", n=6)
    run(data, catalogue, box, send, NOW + dt.timedelta(hours=25))
    assert len(send.sent) == 2


def test_smtp_down_is_retried_then_given_up(data, catalogue):
    send = Recorder(fail=2)
    box = FakeMailbox([mail("vanthu.sct@example.vn", [("sct.xlsx", workbook(catalogue, "SCT"))])])
    assert len(run(data, catalogue, box, send)["failed"]) == 1 and send.sent == []
    assert len(run(data, catalogue, box, send)["failed"]) == 1  # still down
    assert len(run(data, catalogue, box, send)["answered"]) == 1 and len(send.sent) == 1
    assert run(data, catalogue, box, send)["answered"] == [] and len(send.sent) == 1

    never = Recorder(fail=100)
    box = FakeMailbox([mail("vanthu.sct@example.vn", [("sct2.xlsx", b"PK\x03\x04 broken")], 2)])
    results = [run(data, catalogue, box, never) for _ in range(MAX_ATTEMPTS)]
    assert [len(r["failed"]) for r in results] == [1] * (MAX_ATTEMPTS - 1) + [0]
    [state] = [s for s in all_states(data) if s["origin"]["message_id"] == "<m2@example.vn>"]
    assert state["stage"] == "answered" and next(iter(state["replies"].values()))["gave_up"] is True


def test_sender_flags(data, catalogue):
    box = FakeMailbox(
        [
            mail("vanthu.sct@example.vn", [("sct.xlsx", workbook(catalogue, "SCT"))], 1),
            mail("ai-do@gmail.example", [("sct-2.xlsx", workbook(catalogue, "SYT"))], 2),
            mail("ai-do@gmail.example", [("la.xlsx", b"PK\x03\x04 broken")], 3),
        ]
    )
    run(data, catalogue, box, Recorder())
    flags = {r["inbox_path"]: {f["code"] for f in r["flags"]} for r in mail_status(data, YEAR, catalogue)}
    assert flags == {"sct.xlsx": set(), "sct-2.xlsx": {"sender_unconfirmed"}, "la.xlsx": {"sender_unknown"}}
