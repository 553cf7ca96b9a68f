"""Workbooks: a real export truncated or tampered with (record and Assumptions cells), other programs' files, non-workbooks."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from functools import lru_cache
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook

import roi
from roi.export.xlsx import A_KEY_COL, ASSUMPTIONS, MARKER, META_SHEET

from . import Case, json_cases

SAMPLE = "consumer_goods_brand"  # the smallest sample: the fastest workbook to read back


@lru_cache(maxsize=1)
def exported() -> bytes:
    """A real export of :data:`SAMPLE` (without the analyses sheets: the import does not read them)."""
    from roi.export.xlsx import workbook_bytes

    return workbook_bytes(roi.load_sample(SAMPLE), None, analyses=False)


@lru_cache(maxsize=1)
def _sheet_files() -> dict[str, str]:
    """Sheet name → its XML part in :func:`exported`."""
    z = zipfile.ZipFile(io.BytesIO(exported()))
    rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', z.read("xl/_rels/workbook.xml.rels").decode()))
    sheets = re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', z.read("xl/workbook.xml").decode())
    return {name: "xl/" + rels[rid] for name, rid in sheets}


@lru_cache(maxsize=1)
def assumption_rows() -> dict[str, int]:
    """Field key (column I of the Assumptions sheet) → its row."""
    ws = load_workbook(io.BytesIO(exported()), read_only=True)[ASSUMPTIONS]
    out: dict[str, int] = {}
    for r, row in enumerate(ws.iter_rows(min_col=A_KEY_COL, max_col=A_KEY_COL, values_only=True), start=1):
        if isinstance(row[0], str) and row[0]:
            out.setdefault(row[0], r)
    return out


def _rewrite(edits: dict[str, Callable[[str], str]], drop: tuple[str, ...] = ()) -> bytes:
    """:func:`exported` with some zip parts' text rewritten (and some left out), nothing else touched."""
    src = zipfile.ZipFile(io.BytesIO(exported()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info.filename)
            if info.filename in edits:
                data = edits[info.filename](data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)
    return buf.getvalue()


def _cell(ref: str, body: str) -> Callable[[str], str]:
    """Replace cell ``ref`` of a sheet's XML with ``<c r=ref …>body`` (inline: no shared strings)."""
    def edit(xml: str) -> str:
        new, n = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', lambda m: f'<c r="{ref}"{body}', xml, count=1, flags=re.S)
        assert n == 1, f"no cell {ref}"
        return new
    return edit


def _text(value: str) -> str:
    return f' t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def _number(value: str) -> str:
    return f"><v>{value}</v></c>"


def _record(text: str, *, checksum: str | None = None) -> bytes:
    """:func:`exported` with its scenario record replaced by ``text`` (checksum recomputed unless given)."""
    digest = checksum if checksum is not None else hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = _sheet_files()[META_SHEET]
    return _rewrite({meta: lambda xml: _cell("A5", _text(text))(_cell("A3", _text(digest))(xml))})


def _meta_cell(ref: str, body: str) -> bytes:
    return _rewrite({_sheet_files()[META_SHEET]: _cell(ref, body)})


def _assumption(key: str, body: str) -> bytes:
    return _rewrite({_sheet_files()[ASSUMPTIONS]: _cell(f"D{assumption_rows()[key]}", body)})


def _other_program(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


# Record tampering: a handful of the JSON corpus's field mutations, stored with a valid checksum
# (someone who edits the hidden sheet and knows to fix the hash), each of a different kind.
RECORD_MUTATIONS = ("nan", "5000_digits", "string", "missing", "duplicate_bad_first", "control_character")


def _record_cases() -> Iterator[Case]:
    wanted = set(RECORD_MUTATIONS)
    for case in json_cases.field_cases():
        sample, _, rest = case.case_id.partition("@")
        how = rest.rsplit("/", 1)[1]
        if sample == f"json/{SAMPLE}" and how in wanted and case.expect == "refuse":
            wanted.discard(how)
            yield Case(f"xlsx/record@{rest}", "xlsx", _record(bytes(case.payload).decode("utf-8")),
                       case.expected_field)
    text = json.dumps(roi.load_sample(SAMPLE).model_dump(mode="json"))
    whole = {
        "checksum_mismatch": (_record(text + " ", checksum=hashlib.sha256(text.encode()).hexdigest()),
                              "workbook"),
        "record_not_json": (_record("{not json"), "workbook"),
        "record_a_list": (_record("[1, 2]"), "workbook"),
        "record_nested_10000": (_record("[" * 10_000 + "]" * 10_000), "workbook"),
        "record_empty": (_record(""), "workbook"),
        "marker_changed": (_meta_cell("A1", _text("someone-else")), "workbook"),
        "format_99": (_meta_cell("A2", _number("99")), "workbook"),
        "format_text": (_meta_cell("A2", _text("three")), "workbook"),
        "chunk_count_text": (_meta_cell("A4", _text("many")), "workbook"),
        "chunk_count_negative": (_meta_cell("A4", _number("-5")), "workbook"),
        "chunk_count_billion": (_meta_cell("A4", _number("1000000000")), "workbook"),
        "chunk_count_1e300": (_meta_cell("A4", _number("1E+300")), "workbook"),
    }
    for name, (payload, field) in whole.items():
        yield Case(f"xlsx/record/{name}", "xlsx", payload, field)


def _assumption_cases() -> Iterator[Case]:
    """Values typed into the Assumptions sheet, one or two of each kind of cell."""
    typed = {
        ("settings.discount_rate", "text"): _text("ten percent"),
        ("settings.discount_rate", "infinity"): _number("1E+400"),
        ("settings.discount_rate", "out_of_range"): _number("1.5"),
        ("settings.discount_rate", "boolean"): ' t="b"><v>1</v></c>',
        ("settings.discount_rate", "empty"): "/>",
        ("settings.discount_rate", "formula_no_value"): "><f>1/3</f></c>",
        ("settings.discount_rate", "error_value"): ' t="e"><f>1/0</f><v>#DIV/0!</v></c>',
        ("settings.discount_rate", "digits_5000"): _text("9" * 5000),
        ("segments[0].customers", "negative"): _number("-1000"),
        ("segments[0].customers", "huge"): _number("1E+300"),
        ("settings.horizon_years", "fraction"): _number("2.5"),
        ("settings.horizon_years", "bigint"): _number("1" + "0" * 40),
        ("settings.realise_measured_uplift", "maybe"): _text("maybe"),
        ("settings.realise_measured_uplift", "two"): _number("2"),
        ("settings.retention_timing", "unknown_choice"): _text("whenever"),
        ("initiatives[0].segments", "not_a_list"): _text("App members"),
        ("initiatives[0].segments", "unknown_segment"): _text('["Nobody"]'),
        ("initiatives[0].segments", "nested_10000"): _text("[" * 10_000 + "]" * 10_000),
        ("initiatives[0].evidence.year", "text"): _text("last year"),
        ("initiatives[0].benefit_risk", "negative"): _number("-0.5"),
        ("settings.name", "control_character"): _text("Brand _x0001_ case"),
        ("settings.name", "empty"): "/>",
        ("settings.name", "too_long"): _text("x" * 201),
    }
    for (key, how), body in typed.items():
        yield Case(f"xlsx/assumptions@{key}/{how}", "xlsx", _assumption(key, body), key)
    # a formula whose result the spreadsheet saved is read as that result
    yield Case("xlsx/assumptions/formula_with_saved_value", "xlsx",
               _assumption("settings.discount_rate", "><f>1/10</f><v>0.1</v></c>"), "", "load")
    row = assumption_rows()["settings.discount_rate"]
    for how, text in (("control_character", "TEI _x0007_ convention"), ("too_long", "s" * 1_001)):
        source = _rewrite({_sheet_files()[ASSUMPTIONS]: _cell(f"F{row}", _text(text))})  # column F: the source
        yield Case(f"xlsx/assumptions@settings.sources.discount_rate/{how}", "xlsx", source,
                   "settings.sources.discount_rate")
    key_gone = _rewrite({_sheet_files()[ASSUMPTIONS]: _cell(f"I{row}", "/>")})
    yield Case("xlsx/assumptions/key_removed", "xlsx", key_gone, "settings.discount_rate")
    renamed = _rewrite({"xl/workbook.xml": lambda x: x.replace(f'name="{ASSUMPTIONS}"', 'name="Inputs"', 1)})
    yield Case("xlsx/assumptions/sheet_renamed", "xlsx", renamed, "workbook")


def cases() -> Iterator[Case]:
    """Every workbook case: the untouched export first (it must load)."""
    good = exported()
    yield Case("xlsx/export/as_is", "xlsx", good, "", "load")
    for cut in (0, 2, 100, len(good) // 4, len(good) // 2, len(good) - 100, len(good) - 1):
        yield Case(f"xlsx/export/truncated_at_{cut}", "xlsx", good[:cut], "file")
    yield Case("xlsx/export/sheet_part_missing", "xlsx", _rewrite({}, drop=(_sheet_files()[ASSUMPTIONS],)),
               "workbook")  # openpyxl skips a sheet whose part is missing: the import says which
    yield Case("xlsx/export/workbook_part_not_xml", "xlsx", _rewrite({"xl/workbook.xml": lambda x: "<workbook"}),
               "file")
    yield from _record_cases()
    yield from _assumption_cases()
    others = {
        "other_program": ({"Data": [["a", "b"], [1, 2.5], ["x", None]], "Summary": [["NPV", 1e6]]}, "workbook"),
        "other_program_empty": ({"Sheet": []}, "workbook"),
        "other_program_roi_sheet": ({META_SHEET: [["not ours"]], ASSUMPTIONS: [["x"]]}, "workbook"),
        "other_program_marker_only": ({META_SHEET: [[MARKER], [3], ["abc"], [1], ["{}"]]}, "workbook"),
    }
    for name, (sheets, field) in others.items():
        yield Case(f"xlsx/{name}", "xlsx", _other_program(sheets), field)
    not_workbooks = {
        "empty": b"",
        "text": b"hello, world\n",
        "json_scenario": roi.sample_paths()[SAMPLE].read_bytes(),
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "binary": bytes(range(256)) * 16,
        "zip_of_text": _zip({"readme.txt": b"not a workbook"}),
        "zip_empty": _zip({}),
        "zip_content_types_only": _zip({"[Content_Types].xml": b"<Types/>"}),
        "docx_like": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    }
    for name, payload in not_workbooks.items():
        yield Case(f"xlsx/not_a_workbook/{name}", "xlsx", payload, "file")
