"""Templates that staff own: where a report's template is found, export that never overwrites a
staff copy, and the check that names data a newer default uses that the staff's copy does not."""

from __future__ import annotations

import shutil

import pytest
from docx import Document
from nscl.reporting import templates
from nscl.reporting.template_check import check_templates


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("NSCL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NSCL_TEMPLATES_DIR", raising=False)
    return tmp_path / "data"


def test_default_then_staff_copy_then_deployment_folder(data, tmp_path, monkeypatch):
    shipped = templates.default_dir() / "bao-cao-nam.docx"
    assert templates.resolve("annual").path == shipped
    assert templates.resolve("annual").origin == "default"
    (data / "templates").mkdir(parents=True)
    shutil.copyfile(shipped, data / "templates" / "bao-cao-nam.docx")
    got = templates.resolve("annual")
    assert (got.path, got.origin) == (data / "templates" / "bao-cao-nam.docx", "staff")
    # The other kinds still come from the defaults.
    assert templates.resolve("mid-term").origin == "default"
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    shutil.copyfile(shipped, deploy / "bao-cao-nam.docx")
    monkeypatch.setenv("NSCL_TEMPLATES_DIR", str(deploy))
    assert templates.resolve("annual").path == deploy / "bao-cao-nam.docx"
    # A deployment folder without the file falls through to the staff copy.
    assert templates.resolve("final").origin == "default"


def test_export_never_overwrites_a_staff_copy(data):
    first = templates.export_defaults()
    assert sorted(p.name for p, copied in first if copied) == sorted(templates.TEMPLATE_FILES.values())
    staff = data / "templates" / "bao-cao-nam.docx"
    staff.write_bytes(b"edited by staff in Word")
    second = templates.export_defaults()
    assert all(not copied for _, copied in second)
    assert staff.read_bytes() == b"edited by staff in Word"
    # The shipped default is untouched.
    assert (templates.default_dir() / "bao-cao-nam.docx").read_bytes()[:2] == b"PK"


def _drop_tag(path, tag: str) -> None:
    doc = Document(str(path))
    for p in doc.paragraphs:
        for run in p.runs:
            if tag in run.text:
                run.text = run.text.replace(tag, "")
    doc.save(str(path))


def test_check_names_data_the_staff_copy_does_not_use(data):
    templates.export_defaults()
    assert all(v is None for v in check_templates().values())
    staff = data / "templates" / "bao-cao-nam.docx"
    _drop_tag(staff, "{{ reporting_text }}")
    results = check_templates()
    (problem,) = [v for k, v in results.items() if k.startswith("bao-cao-nam.docx")]
    assert problem and "reporting_text" in problem
