"""The catalogue matches the plan (the seed text) and a broken catalogue fails clearly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from nscl.plan.catalogue import DATA_DIR, CatalogueError, load_catalogue

APPENDIX_TASKS = [
    "I.1",
    "I.2",
    "I.3",
    "I.4",
    "I.5",
    "I.6",
    "I.7",
    "II.1",
    "II.2",
    "III.1",
    "III.2",
    "III.3",
    "III.4",
    "III.5",
    "III.6",
    "III.7",
    "III.8",
    "III.9",
    "IV.1",
    "V.1",
]

# Every quantitative target of §I.3.2 a) and b) as the plan words it: (indicator, phase, kind, numbers).
PLAN_TARGETS = [
    ("CG_NSCL", "2021-2025", "range", (1, 2)),
    ("CG_DANHGIA", "2021-2025", "range", (1, 2)),
    ("TRUONG_DAOTAO", "2021-2025", "min", 1),
    ("LOP_TAPHUAN", "2021-2025", "approx", 20),
    ("DOT_TUYENTRUYEN", "2021-2025", "range", (2, 4)),
    ("DN_HOTRO", "2021-2025", "range", (20, 30)),
    ("TFP_DOLUONG", "2021-2025", "deliverable", None),
    ("TOCHUC_TUVAN", "2021-2025", "exact", 1),
    ("DV_THUNGHIEM", "2021-2025", "min", 1),
    ("DN_KHCN_NC", "2021-2025", "min", 3),
    ("QCKT_DP", "2021-2025", "min", 2),
    ("CUOC_THI", "2021-2025", "deliverable", None),
    ("PHONG_SU", "2021-2025", "min", 2),
    ("BAI_VIET", "2021-2025", "exact", 3),
    ("CG_NSCL", "2026-2030", "min", 2),
    ("CG_DANHGIA", "2026-2030", "min", 2),
    ("TRUONG_DAOTAO", "2026-2030", "min", 2),
    ("LOP_TAPHUAN", "2026-2030", "approx", 25),
    ("DOT_TUYENTRUYEN", "2026-2030", "min", 5),
    ("DN_HOTRO", "2026-2030", "range", (30, 35)),
    ("TFP_DOLUONG", "2026-2030", "deliverable", None),
    ("DV_THUNGHIEM", "2026-2030", "min", 1),
    ("DN_KHCN_NC", "2026-2030", "min", 5),
    ("PHONG_SU", "2026-2030", "min", 3),
    ("BAI_VIET", "2026-2030", "range", (3, 5)),
    ("KHU_CNC", "2026-2030", "exact", 2),
    # Ten-year products of the appendix (and §II.3).
    ("DOT_TUYENTRUYEN", "2021-2030", "range", (7, 9)),
    ("LOP_TAPHUAN", "2021-2030", "exact", 45),
    ("CHUYEN_GIA", "2021-2030", "range", (6, 8)),
    ("LOP_DAOTAO_TRUONG", "2021-2030", "min", 3),
    ("PHONG_SU", "2021-2030", "min", 5),
    ("BAI_VIET", "2021-2030", "range", (6, 8)),
    ("HOI_THAO", "2021-2030", "exact", 2),
    ("HOI_NGHI_SKTK", "2021-2030", "exact", 2),
    ("DE_TAI_NCKH", "2021-2030", "exact", 8),
    ("DN_KHCN_NC", "2021-2030", "min", 8),
    ("TOCHUC_TUVAN", "2021-2030", "exact", 1),
    ("DOT_HOCTAP", "2021-2030", "exact", 2),
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_twenty_appendix_tasks(catalogue):
    assert list(catalogue.tasks) == APPENDIX_TASKS


def test_task_text_is_the_plans_text(catalogue, seed_text):
    seed = _squash(seed_text.replace("\n\n\t", " "))
    for task in catalogue.tasks.values():
        head = _squash(task.content)[:60]
        assert head in seed, f"{task.code}: content not found in the plan"
        assert _squash(task.product) in seed, f"{task.code}: product not found in the plan"


@pytest.mark.parametrize(("code", "phase", "kind", "numbers"), PLAN_TARGETS)
def test_every_plan_target_with_its_meaning(catalogue, code, phase, kind, numbers):
    target = catalogue.indicators[code].targets[phase]
    assert target.kind == kind
    if kind == "range":
        assert (target.low, target.high) == numbers
    elif kind != "deliverable":
        assert target.value == numbers


def test_every_target_in_the_catalogue_is_in_the_list_above(catalogue):
    listed = {(c, p) for c, p, _, _ in PLAN_TARGETS}
    present = {(i.code, p) for i in catalogue.indicators.values() for p in i.targets}
    assert present == listed


def test_target_numbers_appear_in_their_source_wording(catalogue):
    for ind in catalogue.indicators.values():
        for t in ind.targets.values():
            for n in (t.low, t.high, t.value):
                if n is not None:
                    assert re.search(rf"(?<!\d)0?{int(n)}(?!\d)", t.text), (
                        f"{ind.code} {t.phase}: {n} not in '{t.text}'"
                    )


def test_restructuring_successors(catalogue):
    assert catalogue.current_successor("SNNPTNT").code == "SNNMT"
    assert catalogue.current_successor("STNMT").code == "SNNMT"
    assert catalogue.current_successor("SKHDT").code == "STC"
    assert catalogue.current_successor("STTTT").code == "SKHCN"
    assert catalogue.current_successor("UBND_KIMDONG").kind == "commune_pc"
    ceased = [a for a in catalogue.agencies.values() if a.successor]
    assert {str(a.valid_to) for a in ceased} == {"2025-02-28", "2025-06-30"}


def test_expected_reporters_follow_the_registry(catalogue):
    codes_2023 = {e.agency.code for e in catalogue.expected_reporters(2023)}
    codes_2025 = {e.agency.code for e in catalogue.expected_reporters(2025)}
    assert {"SNNPTNT", "STTTT", "UBND_KIMDONG", "CTK", "BAOHY"} <= codes_2023
    assert not {"SNNPTNT", "STTTT", "UBND_KIMDONG", "CTK", "BAOHY"} & codes_2025
    assert {"SNNMT", "UBND_LUONGBANG", "TKHY", "BPTTH"} <= codes_2025
    assert "TCDLCL" not in codes_2023  # a central body coordinates but does not report
    # The successor inherits its predecessors' lead tasks (III.3 and III.7 were SNNPTNT's).
    roles = {t.code: r for t, r in catalogue.task_roles(catalogue.agency("SNNMT"), 2025)}
    assert roles["III.3"] == roles["III.7"] == "lead"
    assert catalogue.expectation(2025, "TKHY").tfp_inputs
    # I.7 (review conferences) only in 2025 and 2030.
    skhcn_2024 = {t.code for t in catalogue.expectation(2024, "SKHCN").tasks}
    skhcn_2025 = {t.code for t in catalogue.expectation(2025, "SKHCN").tasks}
    assert "I.7" not in skhcn_2024 and "I.7" in skhcn_2025
    assert "IV.1" not in {t.code for t in catalogue.expectation(2030, "SKHCN").tasks}


def _broken(tmp_path: Path, file: str, edit) -> Path:
    folder = tmp_path / "cat"
    shutil.copytree(DATA_DIR, folder)
    data = yaml.safe_load((folder / file).read_text(encoding="utf-8"))
    edit(data)
    (folder / file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_unknown_agency_code_names_file_and_entry(tmp_path):
    folder = _broken(tmp_path, "tasks.yaml", lambda d: d["tasks"][2].__setitem__("lead", ["SO_KHONG_CO"]))
    with pytest.raises(CatalogueError, match=r"tasks.yaml: tasks\[2\] \(I.3\): .*SO_KHONG_CO"):
        load_catalogue(folder)


def test_overlapping_validity_fails(tmp_path):
    def edit(d):
        d["agencies"].append({**d["agencies"][0], "valid_from": "2024-01-01"})

    with pytest.raises(CatalogueError, match=r"agencies.yaml: agency SKHCN: hiệu lực chồng lấn"):
        load_catalogue(_broken(tmp_path, "agencies.yaml", edit))


def test_succession_cycle_fails(tmp_path):
    def edit(d):
        for a in d["agencies"]:
            if a["code"] == "SNNMT":
                a.update(valid_to="2026-12-31", successor="SNNPTNT")
            if a["code"] == "SNNPTNT":
                a.update(valid_to="2027-12-31")

    with pytest.raises(CatalogueError, match=r"agencies.yaml: agency \w+: .*(lặp vòng|hết hiệu lực)"):
        load_catalogue(_broken(tmp_path, "agencies.yaml", edit))


def test_succession_cycle_message_names_the_chain(tmp_path):
    def edit(d):
        for a in d["agencies"]:
            if a["code"] == "SNNMT":
                a.update(valid_to="2030-12-31", successor="STNMT")
            if a["code"] == "STNMT":
                a.update(valid_to="2031-12-31", successor="SNNMT")

    with pytest.raises(CatalogueError, match=r"SNNMT -> STNMT -> SNNMT|STNMT -> SNNMT -> STNMT"):
        load_catalogue(_broken(tmp_path, "agencies.yaml", edit))


def test_indicator_without_target_fails(tmp_path):
    folder = _broken(tmp_path, "indicators.yaml", lambda d: d["indicators"][0].pop("targets"))
    with pytest.raises(CatalogueError, match=r"indicators.yaml: indicators\[0\] \(CG_NSCL\): .*mục tiêu"):
        load_catalogue(folder)
