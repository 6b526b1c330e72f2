"""Pieces every report's body shares: the section per task group and who the issuer is."""

from __future__ import annotations

from typing import Any

from nscl.plan.catalogue import Catalogue
from nscl.reporting.common import ROMAN
from nscl.reporting.names import row


def group_rows(
    catalogue: Catalogue, lines_by_group: dict[str, list[str]], tasks_by_group: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        row(
            "group",
            numeral=ROMAN.get(code, code),
            name=name,
            lines=lines_by_group.get(code, [])
            or ["Nhóm nhiệm vụ này không có chỉ tiêu định lượng; kết quả từng nhiệm vụ tại phụ lục."],
            tasks_text=tasks_by_group.get(code, ""),
        )
        for code, name in catalogue.task_groups.items()
    ]


def issuer_names(settings: dict[str, Any]) -> tuple[str, ...]:
    """How the issuing Department may be named in a request addressed to it."""
    name = settings.get("issuing_name") or settings["issuing_body"]
    names = {name, name.title(), "Sở Khoa học và Công nghệ", "Sở KH&CN", "Sở KHCN"}
    return tuple(sorted(names, key=len, reverse=True))
