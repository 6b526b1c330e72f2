"""Which indicators measure a task's product in the per-task appendix: a general target of the
plan (§I.3.2) filed under the nearest task for the report's grouping does not. A fresh reader
found task III.9 (certification support) judged by the testing-capacity indicator ("chưa có đơn
vị, mục tiêu ít nhất 01 đơn vị") and task III.5 (applying standards) by local regulations drafted."""

from __future__ import annotations

from nscl.reporting.task_views import product_indicators


def test_general_targets_do_not_measure_the_task_they_are_filed_under(catalogue):
    measured = {code: [i.code for i in product_indicators(catalogue, t)] for code, t in catalogue.tasks.items()}
    assert measured["III.9"] == []  # judged by the lead agency's own word, not by testing capacity
    assert measured["III.5"] == ["DN_HOTRO"]  # enterprises helped to apply standards, not QCKT_DP
    # Both indicators stay in the report's section II under their group.
    assert catalogue.indicators["DV_THUNGHIEM"].task == "III.9"
    assert catalogue.indicators["QCKT_DP"].task == "III.5"
    # Products of the appendix are still measured by their own indicators (I.3: "45 lớp").
    assert measured["I.3"] and all(
        any(t.source == "Phụ lục I.3" for t in catalogue.indicators[c].targets.values()) for c in measured["I.3"]
    )
