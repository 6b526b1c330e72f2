"""Reminders through the real path: addresses from the agency registry (with the data folder's
contacts.yaml overriding one), sent by Airflow's SMTP hook over the ``smtp_default`` connection
to an SMTP server the test starts (aiosmtpd on 127.0.0.1); the rejected agency gets its
feedback workbook attached; a second run sends nothing."""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import html as htmllib
import re
import shutil
import socket

import pytest
import yaml
from nscl.forms.sample import fill_workbook
from nscl.intake.process import process_file
from nscl.outreach.reminders import DEPARTMENT, send_reminders
from nscl.plan.catalogue import DATA_DIR, CatalogueError, load_catalogue
from nscl.settings import SMTP_CONN_ID

YEAR = 2025
REGISTRY = {"SYT": "vanthu.syt@example.vn", "SXD": "vanthu.sxd@example.vn", "SCT": "vanthu.sct@example.vn"}


def _registry(tmp_path, emails: dict[str, object]):
    data = tmp_path / "catalogue"
    shutil.copytree(DATA_DIR, data)
    doc = yaml.safe_load((data / "agencies.yaml").read_text(encoding="utf-8"))
    for a in doc["agencies"]:
        if a["code"] in emails:
            a["email"] = emails[a["code"]]
    (data / "agencies.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load_catalogue(data)


class _Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv(
        f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}",
        f"smtp://127.0.0.1:{port}?disable_tls=true&disable_ssl=true&from_email=nscl%40skhcn.example.vn",
    )
    try:
        yield handler
    finally:
        controller.stop()


def test_registry_email_is_validated(tmp_path):
    assert _registry(tmp_path / "ok", REGISTRY).agencies["SYT"].email == REGISTRY["SYT"]
    with pytest.raises(CatalogueError, match=r"agencies.yaml: agencies\[\d+\] \(SYT\): địa chỉ thư điện tử"):
        _registry(tmp_path / "bad", {"SYT": "van thu at syt"})


def test_reminders_over_smtp_once_per_stage(zones, tmp_path, smtp):
    catalogue = _registry(tmp_path, REGISTRY)
    inbox = zones.inbox(YEAR)
    inbox.mkdir(parents=True)
    fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue).save(inbox / "sct.xlsx")
    fill_workbook(catalogue.expectation(YEAR, "SYT"), YEAR, catalogue, "negative").save(inbox / "syt.xlsx")
    receipts = {n: process_file(inbox / n, YEAR, zones, catalogue) for n in ("sct.xlsx", "syt.xlsx")}
    assert receipts["syt.xlsx"]["status"] == "rejected"
    # The deployment's contacts.yaml overrides the registry for SXD.
    zones.contacts.write_text("SXD: [a@sxd.example.vn, b@sxd.example.vn]\n", encoding="utf-8")

    day = dt.date(YEAR, 11, 20)
    first = send_reminders(YEAR, zones, catalogue, day)  # the default sender: Airflow's SmtpHook
    assert first["stage"] == "truoc-han-10-ngay" and first["failed"] == []
    assert sorted(first["sent"]) == ["SXD", "SYT"]  # SCT reported; the rest have no address
    assert "SCT" not in first["planned"] and set(first["no_address"]) == set(first["planned"]) - {
        "SXD",
        "SYT",
    }

    got = {tuple(sorted(rcpt)): msg for rcpt, msg in smtp.messages}
    assert set(got) == {("vanthu.syt@example.vn",), ("a@sxd.example.vn", "b@sxd.example.vn")}
    syt, sxd = got[("vanthu.syt@example.vn",)], got[("a@sxd.example.vn", "b@sxd.example.vn")]
    assert str(syt["Subject"]) == f"[NSCL {YEAR}] Đề nghị gửi lại báo cáo đã sửa (còn 10 ngày đến hạn)"
    assert str(sxd["Subject"]) == f"[NSCL {YEAR}] Nhắc gửi báo cáo Kế hoạch 101/KH-UBND (còn 10 ngày đến hạn)"
    # From the Department by name; the text and the same text as HTML (multipart/alternative).
    for msg in (syt, sxd):
        [sender] = msg["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (DEPARTMENT, "nscl@skhcn.example.vn")
    assert sxd.get_content_type() == "multipart/alternative"
    assert syt.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in syt.iter_parts()][0] == "multipart/alternative"
    for msg in (syt, sxd):
        plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
        assert plain is not None and html is not None
        text = plain.get_content().replace("\r\n", "\n")
        assert text.rstrip("\n").endswith("Trân trọng,\n" + DEPARTMENT)
        shown = re.sub(r"<[^>]+>", "", html.get_content())
        for line in text.splitlines():
            assert htmllib.escape(line) in html.get_content() or not line.strip(), line
        assert DEPARTMENT in shown

    [attachment] = list(syt.iter_attachments())
    feedback = zones.root / receipts["syt.xlsx"]["feedback_file"]
    assert feedback.parent == zones.quarantine(YEAR) / receipts["syt.xlsx"]["sha256"]
    assert attachment.get_filename() == feedback.name and feedback.name.startswith("phan-hoi_")
    assert attachment.get_content() == feedback.read_bytes()
    body = syt.get_body(("plain",)).get_content()
    assert "Kính gửi: Sở Y tế" in body and "gửi kèm thư này" in body
    assert list(sxd.iter_attachments()) == []

    # A re-run (same day, or later in the same stage) sends nothing new.
    again = send_reminders(YEAR, zones, catalogue, day)
    later = send_reminders(YEAR, zones, catalogue, dt.date(YEAR, 11, 25))
    assert again["planned"] == [] and later["planned"] == [] and len(smtp.messages) == 2
