"""Checks a report template (.docx with docxtpl/Jinja2 tags) before any run: every tag is closed
and well-formed, blocks are balanced, every name is one the code provides, every field of a row
exists, and the template renders. Errors name the tag and where it is (paragraph, table cell,
page header), in Vietnamese, so staff who edited the template in Word can find it."""

from __future__ import annotations

import io
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nscl.reporting.names import TOP_KEYS, specimen_context
from nscl.reporting.templates import TEMPLATE_FILES, default_dir, resolve

TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
STRAY_RE = re.compile(r"\{\{|\}\}|\{%|%\}")
# docxtpl's prefixes sit right after the brace: {%tr ...%}, {%tc ...%}, {%p ...%}, {%r ...%}, {{r ...}}.
DOCXTPL_PREFIX = re.compile(r"^\{%(?:tr|tc|p|r) ")
DOCXTPL_VAR_PREFIX = re.compile(r"^\{\{(?:tr|tc|p|r) ")


class TemplateError(ValueError):
    """A report template is broken; the message names the tag and its place."""

    def __init__(self, template: str, problems: list[str]):
        self.template, self.problems = template, problems
        super().__init__(f"Mẫu báo cáo {template} có lỗi:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Tag:
    text: str
    where: str


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p._p.iter() if t.tag.endswith("}t"))


def _walk(container, where: str):
    """(text, place) of every paragraph, in document order, table cells included."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    n_par = n_tab = 0
    for child in container.iter_inner_content():
        if isinstance(child, Paragraph):
            n_par += 1
            yield _paragraph_text(child), f"{where}đoạn {n_par}"
        elif isinstance(child, Table):
            n_tab += 1
            for i, r in enumerate(child.rows, start=1):
                seen = set()
                for j, cell in enumerate(r.cells, start=1):
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    yield from _walk(cell, f"{where}bảng {n_tab}, hàng {i}, ô {j}, ")


def template_tags(path: Path) -> tuple[list[Tag], list[str]]:
    """The tags of the document in order, and the problems found in single paragraphs
    (unclosed or stray delimiters)."""
    from docx import Document

    doc = Document(str(path))
    tags: list[Tag] = []
    problems: list[str] = []
    parts: list[tuple[Any, str]] = [(doc, "")]
    for s in doc.sections:
        for name, hf in (
            ("đầu trang", s.header),
            ("đầu trang đầu", s.first_page_header),
            ("chân trang", s.footer),
        ):
            if not hf.is_linked_to_previous:
                parts.append((hf, f"{name}, "))
    for container, where in parts:
        for text, place in _walk(container, where):
            found = TAG_RE.findall(text)
            tags.extend(Tag(t, place) for t in found)
            rest = TAG_RE.sub("", text)
            stray = STRAY_RE.search(rest)
            if stray:
                start = max(0, stray.start() - 15)
                problems.append(
                    f"{place}: thẻ không đóng hoặc thừa dấu ngoặc gần “…{rest[start : stray.end() + 25]}…”"
                )
    return tags, problems


def _normalise(tag: str) -> str:
    """The tag as plain Jinja (docxtpl's {%tr %}, {%p %}... prefixes removed)."""
    tag = DOCXTPL_PREFIX.sub("{% ", tag)
    return DOCXTPL_VAR_PREFIX.sub("{{ ", tag)


def check_template(path: Path | str, kind: str) -> None:
    """Raise TemplateError naming every broken tag or unknown name of the ``kind`` template."""
    import jinja2
    from jinja2 import meta

    path = Path(path)
    if not path.exists():
        raise TemplateError(path.name, [f"không tìm thấy tệp {path}"])
    try:
        tags, problems = template_tags(path)
    except Exception as exc:  # not a .docx at all
        raise TemplateError(
            path.name, [f"không đọc được tệp Word (.docx): {type(exc).__name__}: {exc}"]
        ) from None
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    for t in tags:
        if t.text.startswith("{{"):
            try:
                env.parse(_normalise(t.text))
            except jinja2.TemplateSyntaxError as exc:
                problems.append(f"{t.where}: thẻ “{t.text}” sai cú pháp ({exc.message})")
    if problems:
        raise TemplateError(path.name, problems)
    source = "\n".join(_normalise(t.text) for t in tags)
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        t = tags[min(max(exc.lineno, 1), len(tags)) - 1]
        raise TemplateError(
            path.name,
            [f"{t.where}: thẻ “{t.text}”: {exc.message} (khối for/if chưa đóng hoặc thừa thẻ đóng?)"],
        ) from None
    known = set(TOP_KEYS[kind])
    for name in sorted(meta.find_undeclared_variables(ast) - known):
        where = next((t for t in tags if re.search(rf"\b{re.escape(name)}\b", t.text)), None)
        place = f"{where.where}: thẻ “{where.text}”" if where else "?"
        problems.append(f"{place}: tên “{name}” không có trong dữ liệu báo cáo loại '{kind}'")
    if problems:
        raise TemplateError(path.name, problems)
    try:
        env.from_string(source).render(specimen_context(kind))
    except jinja2.UndefinedError as exc:
        lineno = next(
            (
                f.lineno
                for f in reversed(traceback.extract_tb(exc.__traceback__))
                if f.filename == "<template>"
            ),
            None,
        )
        at = tags[lineno - 1] if lineno and lineno <= len(tags) else None
        place = f"{at.where}: thẻ “{at.text}”" if at else "?"
        raise TemplateError(
            path.name, [f"{place}: {exc.message} (tên trường không có trong dữ liệu)"]
        ) from None
    except Exception as exc:
        raise TemplateError(path.name, [f"không dựng được mẫu: {type(exc).__name__}: {exc}"]) from None
    # Last, docxtpl itself on the specimen: catches tags docxtpl cannot place (e.g. {%tr %} outside a table).
    from docxtpl import DocxTemplate

    try:
        tpl = DocxTemplate(str(path))
        tpl.render(
            specimen_context(kind), jinja2.Environment(undefined=jinja2.StrictUndefined), autoescape=True
        )
        tpl.save(io.BytesIO())
    except Exception as exc:
        raise TemplateError(
            path.name, [f"docxtpl không dựng được mẫu: {type(exc).__name__}: {exc}"]
        ) from None


def used_names(path: Path, kind: str) -> set[str]:
    """The data names a template uses (the first identifier of every tag)."""
    tags, _ = template_tags(path)
    names: set[str] = set()
    for tag in tags:
        names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", _normalise(tag.text)))
    return names & set(TOP_KEYS[kind])


def missing_from_copy(path: Path, kind: str) -> list[str]:
    """Names the shipped default of ``kind`` fills that a staff copy does not use: what a new
    version of the code added (or what staff removed), for them to place in their copy."""
    default = default_dir() / TEMPLATE_FILES[kind]
    if not default.is_file() or Path(path).resolve() == default.resolve():
        return []
    return sorted(used_names(default, kind) - used_names(Path(path), kind))


def check_templates(folder: Path | None = None) -> dict[str, str | None]:
    """Check the templates reports are filled from (the staff's copies where they exist, else
    the shipped defaults; only ``folder`` when given); returns {file: None or the problem}."""
    out: dict[str, str | None] = {}
    for kind, name in TEMPLATE_FILES.items():
        chosen = resolve(kind, folder)
        label = name if chosen.origin in ("default", "given") else f"{name} ({chosen.path.parent})"
        try:
            check_template(chosen.path, kind)
            missing = missing_from_copy(chosen.path, kind)
            out[label] = (
                None
                if not missing
                else "Bản mẫu của Sở chưa dùng các dữ liệu mà bản mẫu mới nhất có: "
                + ", ".join(missing)
                + " (mở bản mẫu mặc định trong templates/ để xem chỗ đặt)."
            )
        except TemplateError as exc:
            out[label] = str(exc)
    return out
