"""The signer as Decree 30/2020/NĐ-CP writes it, and an approval that is gated and honest: the
authority lines checked, the signature block in the .docx (authority lines bold, room for the
signature, the full name bold), chosen per document; approval refused while the signer, a
section or a check of the figures is open, listing them (exit 1 on the command line); sections
kept as drafted are recorded as kept, by whoever kept them, never stamped by the approver;
agencies still missing are shown but do not block."""

from __future__ import annotations

import pytest
import yaml
from docx import Document
from nscl.cli.main import main
from nscl.orchestration import pipeline
from nscl.reporting import approval
from nscl.reporting.build import prepare
from nscl.reporting.checks import Check
from nscl.store import editorial, leaders
from nscl.store.zones import Zones
from test_report_data import build

YEAR = 2025
SIGN = ["editorial", "--year", str(YEAR)]


@pytest.fixture
def zones(tmp_path, catalogue, monkeypatch):
    z = Zones(tmp_path / "data")
    build(z, catalogue, [YEAR])
    monkeypatch.setenv("NSCL_DATA_DIR", str(z.root))
    return z


def signature_cell(doc):
    """The right cell of the table that holds "Nơi nhận:" (the signature block)."""
    table = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:"))
    return table.rows[0].cells[1]


@pytest.mark.parametrize(
    ("lines", "ok"),
    [
        (["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], True),
        (["kt. giám đốc", "phó giám đốc"], True),  # printed upper case
        (["GIÁM ĐỐC"], True),
        (["Q. GIÁM ĐỐC"], True),
        (["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"], True),
        (["KT. GIÁM ĐỐC"], False),  # who signs on the Director's behalf?
        (["KT."], False),
        (["GIÁM ĐỐC", "KT. PHÓ GIÁM ĐỐC"], False),
        ([], False),
        (["A", "B", "C", "D"], False),
    ],
)
def test_authority_lines_as_decree_30(lines, ok):
    if ok:
        assert leaders.check_authority(lines) == tuple(x.upper() for x in lines)
    else:
        with pytest.raises(ValueError):
            leaders.check_authority(lines)


def test_usual_lines_by_title():
    assert leaders.default_authority("Phó Giám đốc") == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert leaders.default_authority("GIÁM ĐỐC") == ("GIÁM ĐỐC",)
    assert leaders.default_authority("Quyền Giám đốc") == ("Q. GIÁM ĐỐC",)


def test_signer_from_the_command_line_prints_the_full_block(zones, catalogue, capsys):
    args = ["signer", "--authority", "KT. GIÁM ĐỐC", "--authority", "PHÓ GIÁM ĐỐC"]
    assert main([*SIGN, *args, "--name", "Nguyễn Văn Minh", "--by", "Trần Thị B"]) == 0
    # the name joined the Department's leaders, with the change kept
    listed = yaml.safe_load((zones.root / "leaders.yaml").read_text("utf-8"))["leaders"]
    assert listed == [
        {"name": "Nguyễn Văn Minh", "title": "PHÓ GIÁM ĐỐC", "authority": ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]}
    ]
    assert leaders.history(zones)[0]["by"] == "Trần Thị B"
    # a wrong block is refused, the one set stays
    assert main([*SIGN, "signer", "--authority", "KT. GIÁM ĐỐC", "--name", "Lê Văn D", "--by", "X Y"]) == 2
    assert "chức vụ của người ký" in capsys.readouterr().err

    cell = signature_cell(Document(pipeline.write_report(YEAR, zones, catalogue)))
    paras = cell.paragraphs
    texts = [p.text for p in paras]
    filled = [t for t in texts if t.strip()]
    assert filled == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Minh"]
    for p in paras:
        if p.text.strip():
            assert all(r.bold for r in p.runs if r.text.strip()), p.text
    gap = texts.index("Nguyễn Văn Minh") - texts.index("PHÓ GIÁM ĐỐC") - 1
    assert gap >= 3  # room for the signature and the seal

    # per document: the mid-term review has no signer yet
    assert editorial.load(zones, YEAR, "mid-term").signer is None
    assert (
        main(
            [
                *SIGN,
                "--kind",
                "mid-term",
                "signer",
                "--authority",
                "Giám đốc",
                "--name",
                "Phạm Văn E",
                "--by",
                "B C",
            ]
        )
        == 0
    )
    assert editorial.load(zones, YEAR, "mid-term").signer.authority == ["GIÁM ĐỐC"]
    assert editorial.load(zones, YEAR, "annual").signer.name == "Nguyễn Văn Minh"


def test_approval_is_refused_while_open_and_stamps_nothing(zones, catalogue, capsys):
    assert main([*SIGN, "approve", "--by", "Giám đốc Sở"]) == 1
    err = capsys.readouterr().err
    assert "Chưa chọn người ký" in err and "Kết quả đạt được" in err and "Đề xuất, kiến nghị" in err
    state = editorial.load(zones, YEAR, "annual")
    assert not state.approved and state.sections == {}  # nobody's name on a section nobody opened

    editorial.set_signer(
        zones, YEAR, "annual", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Nguyễn Văn Minh", "Trần Thị B"
    )
    editorial.save_section(
        zones, YEAR, "annual", "proposals", "Đề nghị UBND tỉnh bố trí kinh phí.", "Lê Văn C"
    )
    assert main([*SIGN, "keep", "achievements", "--by", "Trần Thị B"]) == 0
    assert main([*SIGN, "approve", "--by", "Giám đốc Sở"]) == 1
    err = capsys.readouterr().err
    assert "Chưa chọn người ký" not in err
    assert "Tồn tại, hạn chế và nguyên nhân" in err and "Nhiệm vụ trọng tâm" in err
    assert "Kết quả đạt được" not in err and "Đề xuất" not in err
    # keep refuses a section staff edited
    assert main([*SIGN, "keep", "proposals", "--by", "Trần Thị B"]) == 2

    draft = prepare(zones, catalogue, YEAR).draft
    assert main([*SIGN, "keep", "--all", "--by", "Phạm Thị D"]) == 0
    assert main([*SIGN, "approve", "--by", "Giám đốc Sở"]) == 0
    state = editorial.load(zones, YEAR, "annual")
    assert state.approved and state.approved_by == "Giám đốc Sở"
    got = {k: (s.how, s.by) for k, s in state.sections.items()}
    assert got == {
        "achievements": ("kept", "Trần Thị B"),
        "proposals": ("edited", "Lê Văn C"),
        "difficulties": ("kept", "Phạm Thị D"),
        "next_tasks": ("kept", "Phạm Thị D"),
    }
    assert state.sections["difficulties"].text == draft["difficulties"]  # the draft as read, frozen
    actions = [v["action"] for v in editorial.history(zones, YEAR, "annual")]
    assert actions[-1] == "phê duyệt" and "giữ nguyên bản nháp: difficulties, next_tasks" in actions


def test_an_open_check_blocks_until_acknowledged_with_a_reason(zones, catalogue, monkeypatch, capsys):
    check = Check(
        "KP-01", "contradiction", "Tổng kinh phí khác tổng các nguồn", "Sở Công Thương: 120 ≠ 100.", ("x",)
    )
    monkeypatch.setattr(approval, "open_checks", lambda year, kind="annual": [check])
    editorial.set_signer(zones, YEAR, "annual", ["GIÁM ĐỐC"], "Nguyễn Văn An", "Trần Thị B")
    editorial.keep(zones, YEAR, "annual", None, prepare(zones, catalogue, YEAR).draft, "Trần Thị B")
    assert main([*SIGN, "approve", "--by", "Giám đốc Sở"]) == 1
    assert "KP-01" in capsys.readouterr().err
    assert (
        main([*SIGN, "acknowledge", "KP-01", "--reason", "ok", "--by", "Trần Thị B"]) == 2
    )  # no real reason
    assert main([*SIGN, "acknowledge", "KP-09", "--reason", "đã đối chiếu", "--by", "Trần Thị B"]) == 2
    assert "KP-01" in capsys.readouterr().err  # the open ones are named
    reason = "Đã đối chiếu với báo cáo gốc, số của cơ quan đúng"
    assert main([*SIGN, "acknowledge", "--all", "--reason", reason, "--by", "Trần Thị B"]) == 0
    r = approval.readiness(prepare(zones, catalogue, YEAR))
    assert r.ready and r.acknowledged[0][1].reason == reason
    # agencies without a valid file are shown in the confirmation, not blocking
    assert any("chưa có báo cáo hợp lệ" in n for n in r.notes)
    assert main([*SIGN, "approve", "--by", "Giám đốc Sở"]) == 0
