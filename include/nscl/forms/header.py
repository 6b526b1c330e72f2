"""Reading a returned workbook by what its headers say, never by position.

For each declared sheet (``nscl.forms.schema``): find the sheet (its title, an older title, a
near name, or a sheet whose header matches), find the header row (rows inserted above it are
allowed), match each header cell to a declared column (after NFC, spaces and case are folded;
then older labels; then an unambiguous near match), and read the rows by the columns found.

What changed in the structure becomes a ``Note`` in Vietnamese that says what changed and how to
put it right: an error rejects the file (a required column deleted, a row inserted into a table
of fixed rows, two columns with one header), a warning does not (a column added, a total row, a
renamed header or sheet that could be matched safely), a conversion is recorded in the receipt
(columns read by name in another order). A value is never taken from a column whose header does
not match.

Longer than 400 lines because each structural change an agency can make (sheet, header row,
column, row) is detected and worded here, beside the matching that finds it.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nscl.forms.schema import (
    FEEDBACK_SHEET,
    HEADER_ROW,
    HEADER_SEARCH_ROWS,
    LISTS_SHEET,
    META_SHEET,
    Column,
    Sheet,
    ascii_fold,
    column_letter,
    fold,
    label_pattern,
)

FUZZY_RATIO = 0.85
GUIDE_TITLES = ("Hướng dẫn",)
# The feedback workbook's summary sheet: an agency that corrects the feedback copy sends it back.
IGNORED_TITLES = (FEEDBACK_SHEET,)
META_TITLES = (META_SHEET, LISTS_SHEET)


@dataclass
class Note:
    """One structural finding. ``sheet`` is the title as the agency's file has it."""

    sheet: str
    row: int | None
    column: str | None
    value: Any
    message: str
    severity: str  # "error" | "warning" | "conversion"
    cell: str | None = None


@dataclass
class Table:
    """A declared table as found in one file: where its sheet and header are, the file column of
    each declared key, and the rows ({"row": n, key: value}) read by those columns."""

    spec: Sheet
    title: str
    header_row: int
    columns: dict[str, int]
    rows: list[dict[str, Any]] = field(default_factory=list)


def _matchers(col: Column, ctx: dict[str, str]) -> list[tuple[Any, bool]]:
    """(pattern, exact) pairs: the label for this file's year first, then any year's."""
    return _matchers_cached(col, tuple(sorted(ctx.items())))


@functools.lru_cache(maxsize=4096)
def _matchers_cached(col: Column, ctx_items: tuple[tuple[str, str], ...]) -> list[tuple[Any, bool]]:
    ctx = dict(ctx_items)
    out: list[tuple[Any, bool]] = []
    exact = fold(col.label.format(**ctx)) if ctx else None
    if exact:
        out.append((exact, True))
    out.append((label_pattern(col.label), False))
    out += [(label_pattern(old), False) for old in col.old_labels]
    return out


def _is_match(pattern: Any, text: str) -> bool:
    return pattern == text if isinstance(pattern, str) else bool(pattern.match(text))


def _count_matches(row: tuple[Any, ...], spec: Sheet, ctx: dict[str, str]) -> int:
    texts = [fold(v) for v in row if v not in (None, "")]
    n = 0
    for col in spec.columns:
        if any(_is_match(p, t) for p, _ in _matchers(col, ctx) for t in texts):
            n += 1
    return n


def find_header_row(ws: Any, spec: Sheet, ctx: dict[str, str]) -> tuple[int, int]:
    """(row, matches): the row among the first ones whose cells match most declared labels (the
    template's own header row first: when it matches every label, no other row is looked at)."""
    rows = list(ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True))
    if len(rows) >= HEADER_ROW and _count_matches(rows[HEADER_ROW - 1], spec, ctx) == len(spec.columns):
        return HEADER_ROW, len(spec.columns)
    best, best_n = 0, 0
    for r, row in enumerate(rows, start=1):
        n = _count_matches(row, spec, ctx)
        if n > best_n:
            best, best_n = r, n
    return best, best_n


def resolve_sheets(
    book: Any, specs: Iterable[Sheet], ctx: dict[str, str], notes: list[Note]
) -> dict[str, str]:
    """The file's title for each declared title that could be found (reading a renamed sheet
    only when exactly one sheet fits, with a warning); missing ones give an error naming the
    sheets the file does have. Extra visible sheets give a warning."""
    titles = list(dict.fromkeys(s.title for s in specs))
    by_title = {s.title: s for s in specs}
    names = list(book.sheetnames)
    hidden = set(getattr(book, "hidden", ()) or ())
    free = [n for n in names if n not in META_TITLES]
    found: dict[str, str] = {}
    for title in titles:
        if title in free:
            found[title] = title
    for title in titles:
        if title in found:
            continue
        spec = by_title[title]
        candidates = _candidates(book, title, spec, [n for n in free if n not in found.values()], ctx)
        if len(candidates) == 1:
            name = candidates[0]
            found[title] = name
            notes.append(
                Note(
                    name,
                    None,
                    None,
                    name,
                    f"Đã đọc trang '{name}' thay cho trang '{title}' của biểu mẫu (tên trang đã bị đổi); lần sau "
                    f"đề nghị giữ nguyên tên trang '{title}'.",
                    "warning",
                )
            )
        else:
            listed = ", ".join(f"'{n}'" for n in names if n not in META_TITLES) or "(không có)"
            which = (
                f"; có {len(candidates)} trang có thể là trang này ({', '.join(repr(c) for c in candidates)}) nên "
                "không xác định được trang nào"
                if candidates
                else ""
            )
            notes.append(
                Note(
                    "(tệp)",
                    None,
                    None,
                    None,
                    f"Thiếu trang '{title}' của biểu mẫu{which}. Tệp có các trang: {listed}. Đề nghị đặt lại đúng "
                    f"tên trang '{title}' (hoặc dùng lại biểu mẫu được cấp) rồi gửi lại.",
                    "error",
                )
            )
    used = set(found.values())
    for name in free:
        if (
            name in used
            or name in GUIDE_TITLES
            or name in hidden
            or fold(name) in {fold(t) for t in GUIDE_TITLES + IGNORED_TITLES}
        ):
            continue
        like = next(
            (t for t in titles if find_header_row(book[name], by_title[t], ctx)[1] >= _enough(by_title[t])),
            None,
        )
        tail = (
            f" Trang này giống trang '{like}' của biểu mẫu: chỉ số liệu ở trang '{found.get(like, like)}' được đọc."
            if like
            else ""
        )
        notes.append(
            Note(
                name,
                None,
                None,
                name,
                f"Trang '{name}' không có trong biểu mẫu nên không được đọc; nội dung cần báo cáo thêm đề nghị "
                f"ghi vào trang 'Thuyết minh'.{tail}",
                "warning",
            )
        )
    return found


def _enough(spec: Sheet) -> int:
    """How many labels a header must match to be taken for the declared one."""
    return max(2, (len(spec.columns) + 1) // 2)


def _candidates(book: Any, title: str, spec: Sheet, free: list[str], ctx: dict[str, str]) -> list[str]:
    wanted = (
        {fold(title), ascii_fold(title)}
        | {fold(t) for t in spec.old_titles}
        | {ascii_fold(t) for t in spec.old_titles}
    )
    same = [n for n in free if fold(n) in wanted or ascii_fold(n) in wanted]
    if same:
        return same
    near = [n for n in free if _levenshtein(ascii_fold(n), ascii_fold(title)) <= 2]
    if near:
        return near
    return [
        n for n in free if n not in GUIDE_TITLES and find_header_row(book[n], spec, ctx)[1] >= _enough(spec)
    ]


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def read_tables(
    ws: Any,
    specs: tuple[Sheet, ...],
    ctx: dict[str, str],
    title: str,
    notes: list[Note],
    merged: list[str] | None = None,
    max_rows: int | None = None,
) -> dict[str, Table]:
    """The tables declared on one sheet (``specs``, the first being the main one), read by their
    headers; structure findings go to ``notes``. A table whose header row cannot be found, or
    whose row key column is missing, is not read (an error says why)."""
    header_row, hits = find_header_row(ws, specs[0], ctx)
    if hits < min(2, len(specs[0].columns)):
        notes.append(
            Note(
                title,
                None,
                None,
                None,
                f"Không tìm thấy dòng tiêu đề của bảng ở trang '{title}' (dòng 4 trong biểu mẫu được cấp, gồm "
                f"các cột {', '.join(repr(c.label.format(**ctx)) for c in specs[0].columns[:3])}...); đề nghị "
                "giữ nguyên dòng tiêu đề (hoặc chép số liệu vào biểu mẫu được cấp) rồi gửi lại.",
                "error",
            )
        )
        return {}
    rows = list(ws.iter_rows(min_row=header_row, max_row=None, values_only=True))
    header = rows[0] if rows else ()
    data_rows = rows[1:]
    if max_rows is not None:
        data_rows = data_rows[:max_rows]
    cells = {c: fold(v) for c, v in enumerate(header, start=1) if fold(v)}
    taken: dict[int, str] = {}
    found_by_spec: dict[str, dict[str, int]] = {}
    for spec in specs:
        found_by_spec[spec.key] = _match(cells, taken, spec, ctx, title, header_row, notes)
    for spec in specs:
        _near_matches(cells, taken, found_by_spec[spec.key], spec, ctx, title, header_row, notes)
    for spec in specs:
        _missing(spec, found_by_spec[spec.key], ctx, title, header_row, notes)
    _extra(header, data_rows, taken, title, header_row, notes)
    tables: dict[str, Table] = {}
    covered = _merged_map(merged)
    for spec in specs:
        found = found_by_spec[spec.key]
        if spec.row_key not in found:
            continue
        moved = [k for k, c in found.items() if c != spec.index(k)]
        if moved and spec is specs[0]:
            notes.append(
                Note(
                    title,
                    None,
                    None,
                    None,
                    f"{title}: vị trí cột khác biểu mẫu được cấp; các cột được đọc theo tiêu đề cột.",
                    "conversion",
                )
            )
        table = Table(spec, title, header_row, found)
        limit = spec.max_rows
        # A row of a fixed-row table is there when anything but its number is; a row of an open
        # table (or of the TFP series, pre-filled with year and territory) when a typed cell is.
        keys = [k for k in found if k != "stt" and (spec.code_keyed or spec.column(k).input)]
        for offset, values in enumerate(data_rows):
            r = header_row + 1 + offset
            record: dict[str, Any] = {"row": r, **dict.fromkeys(spec.keys)}  # a missing column reads empty
            for key, c in found.items():
                record[key] = _cell(values, c, r, covered, rows, header_row)
            if not any(record[k] not in (None, "") for k in keys):
                continue
            table.rows.append(record)
            if limit is not None and len(table.rows) >= limit:
                break
        tables[spec.key] = table
    return tables


def _cell(values: tuple[Any, ...], c: int, r: int, covered: dict, rows: list, header_row: int) -> Any:
    """A cell's value; a cell covered by a merged range takes the value of its top-left cell
    (Excel shows it across the range; the file stores it only there)."""
    value = values[c - 1] if len(values) >= c else None
    if value in (None, "") and (r, c) in covered:
        tr, tc = covered[(r, c)]
        i = tr - header_row
        if 0 <= i < len(rows) and len(rows[i]) >= tc:
            return rows[i][tc - 1]
    return value


def _merged_map(refs: list[str] | None) -> dict[tuple[int, int], tuple[int, int]]:
    """For every cell covered by a merged range except its top-left, the top-left cell."""
    from openpyxl.utils.cell import range_boundaries

    out: dict[tuple[int, int], tuple[int, int]] = {}
    for ref in refs or ():
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if (max_row - min_row + 1) * (max_col - min_col + 1) > 100_000:
            continue  # absurd ranges are reported by the validator, never expanded
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    out[(r, c)] = (min_row, min_col)
    return out


def _match(
    cells: dict[int, str],
    taken: dict[int, str],
    spec: Sheet,
    ctx: dict[str, str],
    title: str,
    header_row: int,
    notes: list[Note],
) -> dict[str, int]:
    """Declared key -> file column for the header cells that match a label exactly (after
    folding) or an older label; two cells with one fixed label are an error."""
    found: dict[str, int] = {}
    for col in spec.columns:
        hits: list[int] = []
        for pattern, _exact in _matchers(col, ctx):
            hits = [c for c, t in cells.items() if c not in taken and _is_match(pattern, t)]
            if hits:
                break
        if len(hits) > 1 and "{" not in col.label:
            letters = ", ".join(column_letter(c) for c in hits)
            notes.append(
                Note(
                    title,
                    header_row,
                    col.message_label,
                    None,
                    f"Có {len(hits)} cột cùng tiêu đề '{col.label}' (cột {letters}) nên không biết đọc cột nào; đề "
                    "nghị giữ một cột, xóa cột thừa rồi gửi lại.",
                    "error",
                    cell=f"{column_letter(hits[1])}{header_row}",
                )
            )
            for c in hits:
                taken[c] = f"{spec.key}.{col.key}"
            continue
        if hits:
            found[col.key] = hits[0]
            taken[hits[0]] = f"{spec.key}.{col.key}"
    return found


def _near_matches(
    cells: dict[int, str],
    taken: dict[int, str],
    found: dict[str, int],
    spec: Sheet,
    ctx: dict[str, str],
    title: str,
    header_row: int,
    notes: list[Note],
) -> None:
    """A renamed header is read as the declared one only when the match is unambiguous."""
    missing = [c for c in spec.columns if c.key not in found and f"{spec.key}.{c.key}" not in taken.values()]
    free = [c for c in cells if c not in taken]
    labels = {col.key: col.label.format(**ctx) for col in missing}
    scores = {
        (col.key, c): max(
            difflib.SequenceMatcher(None, fold(labels[col.key]), cells[c]).ratio(),
            difflib.SequenceMatcher(None, ascii_fold(labels[col.key]), ascii_fold(cells[c])).ratio(),
        )
        for col in missing
        for c in free
    }
    for col in missing:
        good = [c for c in free if c not in taken and scores[(col.key, c)] >= FUZZY_RATIO]
        if len(good) != 1:
            continue
        c = good[0]
        if any(k.key != col.key and scores[(k.key, c)] >= FUZZY_RATIO for k in missing):
            continue
        found[col.key] = c
        taken[c] = f"{spec.key}.{col.key}"
        notes.append(
            Note(
                title,
                header_row,
                col.message_label,
                cells[c],
                f"Tiêu đề cột {column_letter(c)} đã bị sửa; đã hiểu là cột '{labels[col.key]}' của biểu mẫu. Lần "
                "sau đề nghị giữ nguyên tiêu đề cột.",
                "warning",
                cell=f"{column_letter(c)}{header_row}",
            )
        )


def _missing(
    spec: Sheet, found: dict[str, int], ctx: dict[str, str], title: str, header_row: int, notes: list[Note]
) -> None:
    for col in spec.columns:
        if col.key in found or any(
            n.sheet == title and n.column == col.message_label and n.severity == "error" for n in notes
        ):
            continue
        where = f"cột {spec.letter(col.key)} trong biểu mẫu được cấp" + (", là cột ẩn" if col.hidden else "")
        label = col.label.format(**ctx)
        if col.input or col.key == spec.row_key:
            notes.append(
                Note(
                    title,
                    header_row,
                    col.message_label,
                    None,
                    f"Trang '{title}' thiếu cột '{label}' ({where}), hoặc tiêu đề cột đã bị sửa, nên không đọc được "
                    f"số liệu của cột này. Đề nghị thêm lại cột với đúng tiêu đề '{label}' (hoặc chép số liệu vào "
                    "biểu mẫu được cấp) rồi gửi lại.",
                    "error",
                )
            )
        elif not (spec.key == "tfp" and col.key == "territory"):  # the layout before the merger had none
            notes.append(
                Note(
                    title,
                    header_row,
                    col.message_label,
                    None,
                    f"{title}: thiếu cột '{label}' ({where}); cột này chỉ để tham khảo, không ảnh hưởng số liệu.",
                    "conversion",
                )
            )


def _extra(
    header: tuple[Any, ...],
    data_rows: list,
    taken: dict[int, str],
    title: str,
    header_row: int,
    notes: list[Note],
) -> None:
    """A column that is not the template's: never read; a warning when it holds anything."""
    width = max([len(header)] + [len(r) for r in data_rows]) if data_rows or header else 0
    for c in range(1, width + 1):
        if c in taken:
            continue
        value = header[c - 1] if len(header) >= c else None
        has_values = any(len(r) >= c and r[c - 1] not in (None, "") for r in data_rows)
        if not has_values:
            continue
        name = f"'{value}'" if fold(value) else "(không có tiêu đề)"
        notes.append(
            Note(
                title,
                header_row,
                str(value) if fold(value) else None,
                value if fold(value) else None,
                f"Trang '{title}' có thêm cột {name} (cột {column_letter(c)}) không có trong biểu mẫu: số liệu ở cột "
                "này không được đọc; các cột khác vẫn được đọc đúng theo tiêu đề. Nếu cần báo cáo thêm nội dung "
                "này, đề nghị ghi vào trang 'Thuyết minh'; lần sau đề nghị xóa cột này trước khi gửi.",
                "warning",
                cell=f"{column_letter(c)}{header_row}",
            )
        )
