"""Scope said once (issue 24, item 3): which agencies and territory each kind of figure covers
before and after 1 July 2025; nothing of it in a report that ends before 2025."""

from __future__ import annotations

from nscl.reporting.sections import scope_paragraph
from nscl.reporting.yeardata import YearData


def _year(catalogue, communes: int, departments: int, merged_tfp: bool) -> YearData:
    successors = sorted(
        a.successor for a in catalogue.agencies.values() if a.kind == "district_pc" and a.successor
    )
    depts = sorted(c for c, a in catalogue.agencies.items() if a.kind not in ("district_pc", "commune_pc"))
    status = [{"agency_code": c, "state": "on_time"} for c in successors[:communes] + depts[:departments]]
    comps = ["hung_yen_cu", "thai_binh_cu"] if merged_tfp else ["hung_yen_cu"]
    return YearData(2025, {"status": status}, {"parameters": {"boundary": {"components": comps}}})


def test_scope_names_agencies_and_territory_after_the_merger(catalogue):
    text = scope_paragraph(catalogue, 2025, 2025, _year(catalogue, 3, 4, merged_tfp=True))
    assert "(07 cơ quan, đơn vị năm 2025)" in text
    assert "Ủy ban nhân dân 03 xã, phường tiếp nhận nhiệm vụ của Ủy ban nhân dân các huyện" in text
    assert "chưa gồm các xã, phường thuộc tỉnh Thái Bình trước đây" in text
    assert "số liệu của các sở, ban, ngành là số liệu của tỉnh sau hợp nhất" in text
    assert "toàn tỉnh Hưng Yên sau hợp nhất ở mọi năm" in text
    text = scope_paragraph(catalogue, 2021, 2025, _year(catalogue, 0, 5, merged_tfp=False))
    assert "xã, phường" not in text and "(05 cơ quan, đơn vị năm 2025)" in text
    assert "TFP) được tính cho tỉnh Hưng Yên trước hợp nhất" in text


def test_no_scope_paragraph_before_the_merger(catalogue):
    assert scope_paragraph(catalogue, 2021, 2024, _year(catalogue, 3, 4, merged_tfp=True)) == ""
    assert scope_paragraph(catalogue, 2021, 2021, None) == ""
