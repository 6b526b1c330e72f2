"""The streaming scan of one sheet's XML, before any spreadsheet library parses it: rows,
cells, the widest column, the furthest row holding a value (what a reader holds in memory), merged ranges and formulas with and without the value Excel computed. Used by
``nscl.intake.hostile.inspect_file``, which turns the figures into the limits' messages."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from nscl.forms.schema import column_letter
from nscl.settings import IntakeLimits


@dataclass
class SheetScan:
    name: str
    part: str
    rows: int = 0
    cells: int = 0
    max_column: int = 0
    dimension: str | None = None
    merged: list[str] = field(default_factory=list)
    formulas: list[str] = field(default_factory=list)  # cells with a formula and its cached value
    formulas_missing: list[str] = field(default_factory=list)  # formula, no cached value
    # the furthest row of a cell holding a value (what a reader holds in memory: calamine keeps
    # the used range whole; its width is bounded by max_column)
    max_value_row: int = 0
    hidden_rows: list[int] = field(default_factory=list)  # hidden rows that hold a value
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # (first, last) hidden columns


def _column_index(ref: str | None) -> int:
    """1 for "A7", 28 for "AB3"; 0 when there is no usable reference."""
    n = 0
    for ch in ref or "":
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    return n


class _Position:
    """Where the scan is: the current row and column (a cell or row without a reference comes
    right after the previous one), and the cell being read: its reference, whether it has a
    formula, a value element, text in that element."""

    __slots__ = ("col", "formula", "hidden", "in_value", "ref", "row", "text", "value")

    def __init__(self) -> None:
        self.row = self.col = self.in_value = 0
        self.hidden = False
        self.ref: str | None = None
        self.formula = self.value = self.text = False


class _StopScan(Exception):
    """A limit was passed: the rest of the sheet is not read."""


def _row_of(ref: str) -> int:
    """7 for "AB7"; 0 when the reference has no row number."""
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$")
    return int(digits) if digits.isdigit() else 0


def scan_sheet(
    zf: zipfile.ZipFile, sheet_name: str, part: str, limits: IntakeLimits, cells_left: int | None = None
) -> SheetScan:
    """Stream one sheet's XML (never held whole): rows, cells, the widest column, the furthest
    row holding a value, merged ranges and formulas. Stops as soon as a limit is
    passed, so a hostile sheet costs little.

    expat's callbacks on element starts and ends, no element tree (a tenth of the cost of
    ElementTree's iterparse, which built every element), with DTDs and entities refused as
    defusedxml refuses them."""

    cells_left = limits.max_cells if cells_left is None else cells_left
    scan = SheetScan(sheet_name, part)
    state = _Position()

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit("}", 1)[-1]
        if tag == "c":
            ref = attrs.get("r")
            state.ref, state.formula, state.value, state.text = ref, False, False, False
            column = _column_index(ref) if ref else state.col + 1
            state.col = column
            if column > scan.max_column:
                scan.max_column = column
        elif tag == "f":
            state.formula = True
        elif tag in ("v", "is"):
            state.value = True
            state.in_value += 1
        elif tag == "row":
            r = attrs.get("r")
            state.row = int(r) if r and r.isdigit() else state.row + 1
            state.col = 0
            state.hidden = attrs.get("hidden") in ("1", "true")
        elif tag == "col" and attrs.get("hidden") in ("1", "true"):
            first, last = attrs.get("min", ""), attrs.get("max", "")
            if first.isdigit() and last.isdigit():
                scan.hidden_cols.append((int(first), int(last)))
        elif tag == "dimension":
            scan.dimension = attrs.get("ref")
        elif tag == "mergeCell":
            scan.merged.append(attrs.get("ref", ""))

    def end(name: str) -> None:
        tag = name.rsplit("}", 1)[-1]
        if tag == "c":
            scan.cells += 1
            ref = state.ref
            if state.value:
                row = (_row_of(ref) if ref else 0) or state.row
                scan.max_value_row = max(scan.max_value_row, row)
                if state.hidden and (not scan.hidden_rows or scan.hidden_rows[-1] != row):
                    scan.hidden_rows.append(row)
                if scan.max_value_row > limits.max_rows:
                    raise _StopScan
            if state.formula:
                (scan.formulas if state.text else scan.formulas_missing).append(ref or "?")
            if scan.cells > cells_left or scan.max_column > limits.max_columns:
                raise _StopScan
        elif tag in ("v", "is"):
            state.in_value -= 1
        elif tag == "row":
            scan.rows += 1
            if scan.rows > limits.max_rows:
                raise _StopScan

    def text(data: str) -> None:
        if state.in_value and data:
            state.text = True

    _parse(zf, part, start, end, text)
    return scan


def _parse(zf: zipfile.ZipFile, part: str, start, end, text=None) -> None:
    """Stream ``part`` through expat with the callbacks given, DTDs and entities refused as
    defusedxml refuses them; a limit passed (``_StopScan``) ends the read quietly."""
    from xml.parsers import expat

    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    def forbid_dtd(name, sysid, pubid, has_internal_subset):
        raise DTDForbidden(name, sysid, pubid)

    def forbid_entity(name, is_parameter_entity, value, base, sysid, pubid, notation_name):
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)

    def forbid_external(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = forbid_dtd
    parser.EntityDeclHandler = forbid_entity
    parser.ExternalEntityRefHandler = forbid_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    with zf.open(part) as fh:
        try:
            parser.ParseFile(fh)
        except _StopScan:
            pass


def scan_ods(zf: zipfile.ZipFile, part: str, limits: IntakeLimits) -> list[SheetScan]:
    """The same scan for an OpenDocument spreadsheet's ``content.xml`` (every sheet in one
    part): rows (a repeated row that holds values counts as many times as it repeats; the
    trailing empty rows Calc writes as one repeated row do not), cells, the widest column, the
    furthest row with a value, merged ranges (``number-columns/rows-spanned``) and formulas
    (ODF always stores the computed value beside a formula)."""

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    scans: list[SheetScan] = []
    cells_left = limits.max_cells
    state = {"row": 0, "col": 0, "row_repeat": 1, "row_has_value": False, "in_cell": False}
    state.update({"columns": 0, "row_hidden": False})

    def attr(attrs: dict[str, str], ns: str, name: str) -> str | None:
        return attrs.get(f"{ns}}}{name}")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal cells_left
        if name == f"{table_ns}}}table":
            scans.append(SheetScan(attr(attrs, table_ns, "name") or "", part))
            state["row"] = 0
            state["columns"] = 0
        elif not scans:
            return
        elif name == f"{table_ns}}}table-column":
            # Format > Columns > Hide writes table:visibility="collapse" on the column (repeated)
            repeat = _int(attr(attrs, table_ns, "number-columns-repeated"), 1)
            first = state["columns"] + 1
            state["columns"] += repeat
            if attr(attrs, table_ns, "visibility") in ("collapse", "filter"):
                scans[-1].hidden_cols.append((first, first + repeat - 1))
        elif name == f"{table_ns}}}table-row":
            state["row_repeat"] = _int(attr(attrs, table_ns, "number-rows-repeated"), 1)
            state["row_hidden"] = attr(attrs, table_ns, "visibility") in ("collapse", "filter")
            state["row_has_value"] = False
            state["col"] = 0
            state["row"] += 1
        elif name in (f"{table_ns}}}table-cell", f"{table_ns}}}covered-table-cell"):
            scan = scans[-1]
            repeat = _int(attr(attrs, table_ns, "number-columns-repeated"), 1)
            first = state["col"] + 1
            state["col"] += repeat
            has_value = attr(attrs, office_ns, "value-type") is not None
            if has_value:
                state["row_has_value"] = True
                if state["col"] > scan.max_column:
                    scan.max_column = state["col"]
                scan.cells += repeat * state["row_repeat"]
                cells_left -= repeat * state["row_repeat"]
                scan.max_value_row = max(scan.max_value_row, state["row"] + state["row_repeat"] - 1)
                ref = f"{column_letter(first)}{state['row']}"
                if attr(attrs, table_ns, "formula"):
                    scan.formulas.append(ref)
            spanned_c = _int(attr(attrs, table_ns, "number-columns-spanned"), 1)
            spanned_r = _int(attr(attrs, table_ns, "number-rows-spanned"), 1)
            if spanned_c > 1 or spanned_r > 1:
                scan.merged.append(
                    f"{column_letter(first)}{state['row']}:{column_letter(first + spanned_c - 1)}{state['row'] + spanned_r - 1}"
                )
            if scan.max_value_row > limits.max_rows or scan.max_column > limits.max_columns or cells_left < 0:
                raise _StopScan

    def end(name: str) -> None:
        if name == f"{table_ns}}}table-row" and scans:
            scan = scans[-1]
            extra = state["row_repeat"] - 1
            if state["row_has_value"]:
                scan.rows += state["row_repeat"]
                if state["row_hidden"]:
                    scan.hidden_rows.extend(range(state["row"], state["row"] + state["row_repeat"]))
            state["row"] += extra
            if scan.rows > limits.max_rows:
                raise _StopScan

    _parse(zf, part, start, end)
    return scans


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, int(text)) if text is not None else default
    except ValueError:
        return default
