"""What staff see of the mail intake (the staff page and ``nscl mail-status`` read it): for
every file that came by mail, where it came from (sender, subject, date, the server's arrival
time), what became of it, the flags for staff to act on (a sender who is not the agency's
registered address in ``agencies.yaml`` nor a confirmed one in ``<data>/contacts.yaml``, resolved
as the reminders resolve them; a robot; forged or missing headers; replies switched off) and the
replies sent; and every message that brought no file, with its outcome."""

from __future__ import annotations

from typing import Any

from nscl.intake.mail_state import all_states, file_path, load_state
from nscl.outreach.reminders import addresses, load_contacts
from nscl.plan.catalogue import Catalogue, default_catalogue
from nscl.store.receipts import read_receipt
from nscl.store.zones import Zones

ROBOT_LABELS = {
    "bounce": "thư báo lỗi chuyển phát",
    "auto_submitted": "thư trả lời tự động",
    "precedence": "thư gửi hàng loạt",
    "mailing_list": "thư từ danh sách thư",
    "no_reply_address": "địa chỉ không nhận thư trả lời",
    "own_address": "thư từ chính hộp thư của Sở",
    "no_sender": "không có địa chỉ người gửi hợp lệ",
}
# What became of a message that brought no file into the inbox.
MESSAGE_OUTCOME_LABELS = {
    "no_attachment": "Thư không có tệp báo cáo",
    "too_many_attachments": "Thư có quá nhiều tệp đính kèm, chưa tiếp nhận",
    "too_many_parts": "Thư có cấu trúc bất thường, chưa tiếp nhận",
    "message_too_large": "Thư quá lớn, không tải về (vẫn còn trên hộp thư)",
    "unreadable": "Thư không đọc được",
    "robot": "Thư tự động, bỏ qua",
}
FLAG_LABELS = {
    "sender_unconfirmed": "Người gửi không phải địa chỉ thư đã đăng ký của cơ quan: cần xác nhận",
    "sender_unknown": "Người gửi không thuộc cơ quan nào đã đăng ký: cần xác nhận",
    "robot": "Thư tự động: không trả lời",
    "no_sender": "Không trả lời được: thư không có địa chỉ người gửi đọc được; cần liên hệ cơ quan",
    "suspect_headers": "Tiêu đề thư thiếu hoặc bất thường",
    "replies_off": "Chưa trả lời (tự động trả lời đang tắt)",
}


def _flags(
    state: dict[str, Any], receipt: dict[str, Any] | None, catalogue: Catalogue, contacts: dict
) -> list:
    origin = state["origin"]
    sender = (origin.get("sender") or "").lower()
    flags = []
    code = (receipt or {}).get("agency_code")
    if code and code in catalogue.agencies:
        if sender not in {a.lower() for a in addresses(code, catalogue, contacts)}:
            flags.append("sender_unconfirmed")
    elif sender:
        known = {a.lower() for c in catalogue.agencies for a in addresses(c, catalogue, contacts)}
        if sender not in known:
            flags.append("sender_unknown")
    if origin.get("robot") == "no_sender":
        flags.append("no_sender")  # not a robot: nobody to answer (the defects say why)
    elif origin.get("robot"):
        flags.append("robot")
    if origin.get("defects"):
        flags.append("suspect_headers")
    if state.get("not_answered") == "replies_off":
        flags.append("replies_off")
    return [{"code": f, "label": FLAG_LABELS[f]} for f in flags]


def _origin_view(state: dict[str, Any]) -> dict[str, Any]:
    o = state["origin"]
    return {
        "sender": o.get("sender"),
        "sender_name": o.get("sender_name"),
        "recipients": o.get("recipients", []),
        "subject": o.get("subject"),
        "message_id": o.get("message_id"),
        "date": o.get("date"),
        "received_at": state.get("received_at"),
        "message_sha256": state["key"],
        "robot": ROBOT_LABELS.get(o.get("robot") or "", None),
        "defects": o.get("defects", []),
    }


def _replies_view(state: dict[str, Any], key_prefix: str) -> list[dict[str, Any]]:
    return [
        {k: r.get(k) for k in ("subject", "to", "sent_at", "outcome", "message_id", "attachments")}
        for key, r in sorted(state.get("replies", {}).items())
        if key.startswith(key_prefix) and r.get("sent_at")
    ]


def file_mail_view(
    zones: Zones,
    message_key: str,
    attachment_index: int,
    receipt: dict[str, Any] | None,
    catalogue: Catalogue,
) -> dict[str, Any]:
    """For one file that came by mail: the replies sent about it and the flags for staff (the
    staff page shows them beside the file's origin)."""
    state = load_state(zones, message_key)
    if state is None:
        return {"replies": [], "flags": []}
    return {
        "replies": _replies_view(state, f"file:{attachment_index}:"),
        "flags": _flags(state, receipt, catalogue, load_contacts(zones)),
    }


def mail_status(zones: Zones, year: int, catalogue: Catalogue | None = None) -> list[dict[str, Any]]:
    """Every file of ``year`` that came by mail, and every message of that year (by its
    fallback year) that brought no file: origin, outcome, flags and replies sent."""

    catalogue = catalogue or default_catalogue()
    contacts = load_contacts(zones)
    out = []
    for state in all_states(zones):
        files = state.get("files", [])
        for entry in files:
            if int(entry["year"]) != year:
                continue
            receipt = read_receipt(zones, year, entry["sha256"])
            r = dict(receipt) if receipt else None
            out.append(
                {
                    "inbox_path": entry["inbox_path"],
                    "path": str(file_path(zones, entry)),
                    "sha256": entry["sha256"],
                    "attachment_name": entry.get("name"),
                    "container": entry.get("container"),
                    "problem": entry.get("problem"),
                    "origin": _origin_view(state),
                    "stage": state.get("stage"),
                    "status": r.get("status") if r else None,
                    "outcome": r.get("outcome") if r else None,
                    "agency_code": r.get("agency_code") if r else None,
                    "duplicate_of": r.get("inbox_path")
                    if r and r.get("inbox_path") != entry["inbox_path"]
                    else None,
                    "flags": _flags(state, r, catalogue, contacts),
                    "replies": _replies_view(state, f"file:{entry['index']}:"),
                }
            )
        if not files and int(state.get("fallback_year") or 0) == year:
            out.append(
                {
                    "inbox_path": None,
                    "path": None,
                    "sha256": None,
                    "attachment_name": None,
                    "container": None,
                    "problem": state.get("problem"),
                    "origin": _origin_view(state),
                    "stage": state.get("stage"),
                    "status": None,
                    "outcome": (state.get("problem") or {}).get("code")
                    or f"robot:{state['origin'].get('robot') or 'unknown'}",
                    "agency_code": None,
                    "duplicate_of": None,
                    "flags": _flags(state, None, catalogue, contacts),
                    "replies": _replies_view(state, "message:"),
                }
            )
    return out
