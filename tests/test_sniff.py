"""check_file: what a file is, before any spreadsheet library opens it.

Every fixture is made in tmp_path at test time; no binary file is committed.
"""

from __future__ import annotations

import hashlib
import io
import os
import pathlib
import random
import zipfile

import pytest
from openpyxl import Workbook

from kaset_xl.issues import KasetError
from kaset_xl.workbook import sniff
from kaset_xl.workbook.sniff import check_file, sha256_of

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ---------------------------------------------------------------- helpers


def make_xlsx(path: pathlib.Path) -> pathlib.Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "ทะเบียนกลุ่ม"
    ws.append(["ชื่อกลุ่ม", "ตำบล", "จำนวนสมาชิก"])
    for i in range(200):
        ws.append([f"กลุ่มปลูกผัก {i}", "เวียงใต้", i % 40 + 7])
    wb.save(path)
    return path


def make_zip(path: pathlib.Path, entries: dict[str, bytes], *, stored_first: bool = False) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries.items()):
            kind = zipfile.ZIP_STORED if (stored_first and i == 0) else zipfile.ZIP_DEFLATED
            zf.writestr(name, data, compress_type=kind)


def rejected(path: str | os.PathLike[str], code: str) -> KasetError:
    """check_file raises ``code`` and leaves the file's bytes (and mtime) as they were."""
    p = pathlib.Path(path)
    before = p.read_bytes() if p.is_file() else None
    mtime = p.stat().st_mtime_ns if p.is_file() else None
    with pytest.raises(KasetError) as info:
        check_file(path)
    if before is not None:
        assert p.read_bytes() == before
        assert p.stat().st_mtime_ns == mtime
    exc = info.value
    assert exc.code == code, (exc.code, exc.params)
    assert exc.file == os.fspath(path)
    assert exc.as_issue().severity.value == "fatal"
    return exc


# ---------------------------------------------------------------- a good workbook


def test_valid_xlsx_passes_and_returns_resolved_path(tmp_path):
    p = make_xlsx(tmp_path / "pai.xlsx")
    before = p.read_bytes()
    mtime = p.stat().st_mtime_ns
    result = check_file(p)
    assert isinstance(result, pathlib.Path)
    assert result == p.resolve()
    assert p.read_bytes() == before
    assert p.stat().st_mtime_ns == mtime


def test_valid_xlsx_made_with_xlsxwriter_and_str_relative_path(tmp_path, monkeypatch):
    import xlsxwriter

    p = tmp_path / "template.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("ข้อมูลอำเภอ").write(0, 0, "อำเภอปาย")
    wb.close()
    monkeypatch.chdir(tmp_path)
    assert check_file("template.xlsx") == p.resolve()


def test_extension_does_not_matter_for_a_real_xlsx(tmp_path):
    p = make_xlsx(tmp_path / "pai.xlsx")
    renamed = p.rename(tmp_path / "pai.xls")
    assert check_file(renamed) == renamed.resolve()


# ---------------------------------------------------------------- not a file at all


def test_missing_file(tmp_path):
    exc = rejected(tmp_path / "nope.xlsx", "FILE_NOT_FOUND")
    assert "nope.xlsx" in exc.message_en


def test_missing_file_under_a_file(tmp_path):
    f = tmp_path / "plain.txt"
    f.write_text("x")
    rejected(f / "child.xlsx", "FILE_NOT_FOUND")


def test_missing_file_keeps_the_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exc = rejected("ทะเบียน/ปาย.xlsx", "FILE_NOT_FOUND")
    assert exc.file == "ทะเบียน/ปาย.xlsx"


def test_folder(tmp_path):
    d = tmp_path / "district.xlsx"
    d.mkdir()
    rejected(d, "FILE_IS_FOLDER")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    exc = rejected(fifo, "FILE_UNREADABLE")
    assert exc.params["reason"] == "not a regular file"


def test_unreadable_open_error(tmp_path, monkeypatch):
    p = make_xlsx(tmp_path / "locked.xlsx")

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr(sniff, "open", deny, raising=False)
    exc = rejected(p, "FILE_UNREADABLE")
    assert exc.params["reason"] == "permission denied"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_permissions(tmp_path):
    p = make_xlsx(tmp_path / "locked.xlsx")
    p.chmod(0)
    try:
        with pytest.raises(KasetError) as info:
            check_file(p)
        assert info.value.code == "FILE_UNREADABLE"
    finally:
        p.chmod(0o644)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    rejected(p, "FILE_EMPTY")


# ---------------------------------------------------------------- damaged workbooks


def test_truncated_xlsx(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx").read_bytes()
    p = tmp_path / "half.xlsx"
    p.write_bytes(good[: len(good) // 2])
    exc = rejected(p, "FILE_CORRUPT")
    assert exc.params["reason"]


def test_xlsx_missing_its_middle(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx").read_bytes()
    p = tmp_path / "holed.xlsx"
    # keep the start and the central directory, lose part of the member data
    p.write_bytes(good[:1000] + good[-600:])
    rejected(p, "FILE_CORRUPT")


def test_central_directory_pointing_past_the_end(tmp_path):
    p = tmp_path / "cut.xlsx"
    make_zip(
        p,
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": os.urandom(5000)},
    )
    data = bytearray(p.read_bytes())
    # inflate the declared compressed size of the last member in the central directory
    cd = data.rfind(b"PK\x01\x02")
    size_at = cd + 20
    declared = int.from_bytes(data[size_at : size_at + 4], "little")
    data[size_at : size_at + 4] = (declared + 10_000_000).to_bytes(4, "little")
    p.write_bytes(bytes(data))
    exc = rejected(p, "FILE_CORRUPT")
    assert "truncated" in exc.params["reason"]


def test_xlsx_zip_without_content_types_is_corrupt(tmp_path):
    p = tmp_path / "nomanifest.xlsx"
    make_zip(p, {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"<x/>"})
    rejected(p, "FILE_CORRUPT")


# ---------------------------------------------------------------- other kinds of file


def test_random_bytes(tmp_path):
    p = tmp_path / "noise.xlsx"
    p.write_bytes(b"\x01\x02" + random.Random(58).randbytes(4096))
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "unknown"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.xlsx", "ชื่อกลุ่ม,ตำบล,จำนวนสมาชิก\nกลุ่มปลูกผัก,เวียงใต้,12\n".encode()),
        ("utf8bom.xlsx", "\ufeffชื่อกลุ่ม,ตำบล\nกลุ่มเลี้ยงไก่,แม่นาเติง\n".encode()),
        ("utf16.xlsx", "\ufeffชื่อกลุ่ม\tตำบล\r\nกลุ่มทอผ้า\tทุ่งยาว\r\n".encode("utf-16-le")),
        ("tis620.xlsx", "ชื่อกลุ่ม,ตำบล\r\nกลุ่มปลูกผัก,เวียงใต้\r\n".encode("cp874")),
        ("ascii.xlsx", b"group,tambon,members\n" * 50),
    ],
)
def test_csv_renamed_xlsx(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "text/CSV"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "export.xlsx",
            b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'></head><body><table>"
            + "<tr><td>กลุ่มปลูกผัก</td></tr>".encode()
            + b"</table></body></html>",
        ),
        (
            "excel-html.xls",
            b'<html xmlns:o="urn:schemas-microsoft-com:office:office" '
            b'xmlns:x="urn:schemas-microsoft-com:office:excel"><body></body></html>',
        ),
        ("php-export.xlsx", b"\r\n  <table border=1><tr><td>1</td></tr></table>"),
        ("utf16.xlsx", "\ufeff<html><body>x</body></html>".encode("utf-16-le")),
    ],
)
def test_html_renamed_xlsx(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "HTML"


def test_xml_spreadsheet_2003(tmp_path):
    p = tmp_path / "ss2003.xlsx"
    p.write_bytes(
        b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
    )
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "XML Spreadsheet 2003"


def test_pdf(tmp_path):
    p = tmp_path / "report.xlsx"
    p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "PDF"


def test_ods_like_zip(tmp_path):
    p = tmp_path / "calc.xlsx"
    make_zip(
        p,
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest:manifest/>",
        },
        stored_first=True,
    )
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "OpenDocument (.ods)"


def test_docx_like_zip(tmp_path):
    p = tmp_path / "letter.xlsx"
    make_zip(
        p,
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        },
    )
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "Word document"


def test_xlsb_like_zip(tmp_path):
    p = tmp_path / "binary.xlsx"
    make_zip(p, {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "Excel binary workbook (.xlsb)"


def test_zip_with_random_entries(tmp_path):
    p = tmp_path / "photos.xlsx"
    rng = random.Random(5803)
    make_zip(p, {f"IMG_{i:04}.jpg": rng.randbytes(2000) for i in range(5)})
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "zip archive"


def test_empty_zip(tmp_path):
    p = tmp_path / "nothing.xlsx"
    make_zip(p, {})
    assert p.read_bytes().startswith(b"PK\x05\x06")
    exc = rejected(p, "FILE_NOT_XLSX")
    assert exc.params["kind"] == "zip archive"


# ---------------------------------------------------------------- OLE2: old .xls and encrypted


def test_legacy_xls(tmp_path):
    p = tmp_path / "old.xls"
    p.write_bytes(OLE_MAGIC + bytes(4096))
    rejected(p, "FILE_LEGACY_XLS")


def _encrypted_xlsx(tmp_path: pathlib.Path) -> pathlib.Path:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = make_xlsx(tmp_path / "plain.xlsx")
    out = io.BytesIO()
    with plain.open("rb") as f:
        OOXMLFile(f).encrypt("ปาย5803", out)
    p = tmp_path / "locked.xlsx"
    p.write_bytes(out.getvalue())
    assert p.read_bytes().startswith(OLE_MAGIC)
    assert msoffcrypto.OfficeFile(io.BytesIO(out.getvalue())).is_encrypted()
    return p


def test_encrypted_xlsx(tmp_path):
    rejected(_encrypted_xlsx(tmp_path), "FILE_ENCRYPTED")


def test_encrypted_xlsx_found_without_a_full_scan(tmp_path, monkeypatch):
    """Big files: only the first part and the first OLE directory sector are read."""
    p = _encrypted_xlsx(tmp_path)
    monkeypatch.setattr(sniff, "OLE_FULL_SCAN_LIMIT", 0)
    monkeypatch.setattr(sniff, "OLE_PARTIAL_SCAN", 512)  # the OLE header only
    rejected(p, "FILE_ENCRYPTED")


def test_legacy_xls_without_a_full_scan(tmp_path, monkeypatch):
    p = tmp_path / "old.xls"
    p.write_bytes(OLE_MAGIC + bytes(4096))
    monkeypatch.setattr(sniff, "OLE_FULL_SCAN_LIMIT", 0)
    rejected(p, "FILE_LEGACY_XLS")


# ---------------------------------------------------------------- sha256_of


def test_sha256_of_matches_hashlib(tmp_path):
    p = tmp_path / "big.bin"
    data = random.Random(2564).randbytes(3 * 1024 * 1024 + 17)  # more than one 1 MiB chunk
    p.write_bytes(data)
    assert sha256_of(p) == hashlib.sha256(data).hexdigest()
    assert sha256_of(str(p)) == hashlib.sha256(data).hexdigest()
    assert p.read_bytes() == data


def test_sha256_of_empty_file(tmp_path):
    p = tmp_path / "empty"
    p.write_bytes(b"")
    assert sha256_of(p) == hashlib.sha256(b"").hexdigest()


def test_module_exports():
    assert set(sniff.__all__) == {"check_file", "read_checked", "sha256_of"}
