"""kaset_xl.workbook.guard and sheetscan: the pieces behind the limits and the XML checks (the corpus
covers whole files).  The sheet scan is checked against python-calamine itself: for sheets written in
the many spellings XML allows, the scan must place the farthest cell where calamine does."""

from __future__ import annotations

import io
import zipfile

import python_calamine as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from kaset_xl.workbook.guard import _prolog_is_safe
from kaset_xl.workbook.sheetscan import ExactScan, col_name, col_number, fast_look

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
       '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
       'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
       'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _calamine_end(sheet_xml: str) -> tuple[int, int]:
    """(rows, columns) up to the farthest cell, as python-calamine reads the sheet."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WB),
                           ("xl/_rels/workbook.xml.rels", _WB_RELS), ("xl/worksheets/sheet1.xml", sheet_xml)):
            z.writestr(name, text)
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue())).get_sheet_by_name("S")
    end = sheet.end
    return (0, 0) if end is None else (end[0] + 1, end[1] + 1)


def _attr(name: str, value: str, style: str) -> str:
    return {"plain": f' {name}="{value}"', "single": f" {name}='{value}'", "spaced": f' {name} = "{value}"',
            "tab": f'\t{name}="{value}"'}[style]


_STYLE = st.sampled_from(["plain", "single", "spaced", "tab"])


@st.composite
def _sheets(draw: st.DrawFn) -> tuple[str, int, int, list[str]]:
    """A sheet in some spelling, with the farthest cell and the error cells it really has."""
    prefix = draw(st.sampled_from(["", "x:"]))
    lines, row, far_row, far_col, errors = [], 0, 0, 0, []
    for _ in range(draw(st.integers(1, 5))):
        explicit_row = draw(st.booleans())
        row = row + draw(st.integers(1, 40)) if explicit_row else row + 1
        r_attr = _attr("r", str(row), draw(_STYLE)) if explicit_row else ""
        cells, col = [], 0
        for _ in range(draw(st.integers(1, 6))):
            explicit = draw(st.booleans())
            col = col + draw(st.integers(1, 30)) if explicit else col + 1
            ref = col_name(col) + str(row)
            if draw(st.booleans()):
                ref = ref.lower()
            attrs = _attr("r", ref, draw(_STYLE)) if explicit else ""
            kind = draw(st.integers(0, 7))
            if kind == 0:
                attrs += _attr("t", "e", draw(_STYLE))
                cells.append(f"<{prefix}c{attrs}><{prefix}v>#REF!</{prefix}v></{prefix}c>")
                errors.append(f"{col_name(col)}{row}")
            elif kind == 1:  # no value (a style only): python-calamine's grid does not grow (issue 13)
                cells.append(f"<{prefix}c{attrs}{_attr('s', '1', 'plain')}/>")
                continue
            else:
                cells.append(f"<{prefix}c{attrs}><{prefix}v>{col}</{prefix}v></{prefix}c>")
            far_col = max(far_col, col)
            far_row = max(far_row, row)
        lines.append(f"<{prefix}row{r_attr}>{''.join(cells)}</{prefix}row>")
    if draw(st.booleans()):  # an empty row far down (LibreOffice writes row 1,048,576 so): costs nothing
        lines.append(f'<{prefix}row r="1048576" customHeight="1" ht="24"></{prefix}row>')
    ns = f' xmlns:x="{MAIN}"' if prefix else ""
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet xmlns="{MAIN}"{ns}><{prefix}sheetData>'
           f"{''.join(lines)}</{prefix}sheetData></{prefix}worksheet>")
    return xml, far_row, far_col, errors


@settings(max_examples=120, deadline=None)
@given(_sheets())
def test_the_exact_scan_places_the_farthest_cell_where_calamine_does(case: tuple[str, int, int, list[str]]) -> None:
    xml, far_row, far_col, errors = case
    extent = ExactScan(lambda _rows, _cols: None).feed([xml.encode()])
    assert (extent.rows, extent.columns) == (far_row, far_col) == _calamine_end(xml)
    assert [cell for cell, _ in extent.errors] == errors
    if fast_look(xml.encode()):  # the fast look vouches only for what it can see is small and plain
        assert far_row <= 9_999 and far_col <= 256 and not errors


def test_the_fast_look_takes_office_xml_and_nothing_else() -> None:
    usual = (b'<sheetData><row r="1" spans="1:2"><c r="A1" s="1" t="s"><v>0</v></c><c r="IV1"><v>2</v></c></row>'
             b'<row r="9999"><c r="B9999"><f>SUM(A1:A3)</f><v>3</v></c></row></sheetData>')
    assert fast_look(usual)
    unusual = [b'<row r="10000"><c r="A10000"/></row>', b'<row r="1"><c r="IW1"/></row>',
               b'<row r="1"><c r="AAA1"/></row>', b'<row r="1"><c r="a1"/></row>', b"<row r='1'><c r='A1'/></row>",
               b'<row r="1"><c/></row>',
               b'<row r="1"><c s="1" r="A1"/></row>', b'<x:row r="1"><x:c r="A1"/></x:row>',
               b'<row r="1"><c r="A1" t="e"><v>#N/A</v></c></row>', b"<row r=\"1\"><c r=\"A1\" t='e'/></row>",
               b'<row r="1"><c r="A&#49;"/></row>', b'<row r="01"><c r="A01"/></row>']
    assert not [u for u in unusual if fast_look(u)]
    # a <row> written another way, or without r, whose cells all carry a small r: every reader places the
    # cells by their own r, so the row's spelling cannot move them (the exact scan agrees)
    for odd_row in (b'<row r = "1"><c r="A1"><v>1</v></c></row>', b'<row><c r="B2"><v>1</v></c></row>',
                    b'<row r="2000000"><c r="C3"><v>1</v></c></row>'):
        assert fast_look(odd_row)
        extent = ExactScan(lambda _rows, _cols: None).feed([b"<sheetData>" + odd_row + b"</sheetData>"])
        assert extent.rows <= 3 and extent.columns <= 3
    assert not fast_look(b"<row r=\"1\"><c r=\"A1\" t='e\"><v>#N/A</v></c></row>")  # quotes mixed: looked at too


def test_the_exact_scan_stops_at_the_limit_and_refuses_a_dtd() -> None:
    grown: list[tuple[int, int]] = []

    def limit(rows: int, cols: int) -> None:
        grown.append((rows, cols))
        if rows * cols > 100:
            raise OverflowError(rows, cols)

    xml = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="50"><c r="C50"><v>1</v></c></row>'
           b'</sheetData></worksheet>')
    try:
        ExactScan(limit).feed([xml])
        raise AssertionError("not stopped")
    except OverflowError as stop:
        assert stop.args == (50, 3)
    for dtd in (b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>', b'<!DOCTYPE worksheet><worksheet/>'):
        try:
            ExactScan(lambda _r, _c: None).feed([dtd])
            raise AssertionError("a DTD was parsed")
        except ValueError:
            pass


def test_column_names() -> None:
    for n in (1, 26, 27, 52, 256, 702, 703, 16_384):
        assert col_number(col_name(n)) == n
    assert col_name(256) == "IV" and col_number("xfd") == 16_384


def test_prolog() -> None:
    safe = [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="x">',
            b"\xef\xbb\xbf<?xml version='1.0'?><!-- made by hand --><a/>", b"<a>", b"\x89PNG\r\n\x1a\n", b"",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
    unsafe = [b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
              b"<!-- <a> --><!DOCTYPE a><a/>",  # a comment holding a tag does not end the prolog
              b"  <!ENTITY x SYSTEM 'file:///etc/passwd'>",
              b"<?xml version='1.0'?><!-- a prolog that never ends",
              b"<![CDATA[x]]><a/>"]
    assert all(_prolog_is_safe(t, True) for t in safe)
    assert not any(_prolog_is_safe(t, True) for t in unsafe)
    assert not any(_prolog_is_safe(t, False) for t in unsafe)  # whatever the part's name


def test_the_reader_reads_the_bytes_it_checked_even_if_the_file_changes(samples, monkeypatch) -> None:
    """The file is read once: a workbook replaced on disk after its bytes were checked (a copy still
    being written, a colleague saving it) is read as it was checked, and its provenance hash is the
    hash of those bytes."""
    import hashlib
    import shutil

    from kaset_xl.consolidate.summary import summarise_file
    from kaset_xl.workbook import reader

    path = samples / "5803-Pai-2564.xlsx"
    original = path.read_bytes()
    other = samples / "5801-MueangMaeHongSon-2564.xlsx"
    real_open_guard = reader.open_guard

    def swap_then_guard(*args, **kwargs):
        shutil.copyfile(other, path)  # the file changes after sniff read it, before anything parses it
        return real_open_guard(*args, **kwargs)

    monkeypatch.setattr(reader, "open_guard", swap_then_guard)
    book = reader.read_district_workbook(path)
    assert book.identity.district_code == "5803"
    assert (book.size, book.sha256) == (len(original), hashlib.sha256(original).hexdigest())
    path.write_bytes(original)
    summary = summarise_file(str(path))
    assert (summary.district_code, summary.size, summary.sha256) == ("5803", len(original),
                                                                     hashlib.sha256(original).hexdigest())
