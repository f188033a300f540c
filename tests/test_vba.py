"""The VBA project writer (``kaset_xl.workbook.vba``): compression, compound file, project, workbook.

Independent oracles: the MS-OVBA spec's own compression examples, ``olefile`` (strict parsing of the
compound file), ``oletools.olevba`` (its own decompressor and VBA project reader), xlwings' Office-made
``quickstart_standalone.xlsm``, and LibreOffice headless (imports the modules and binds the button).
olefile and oletools are test-only dependencies (oletools pulls a GPL package); xlwings provides
``xlwings.bas`` and the quickstart workbook.
"""

from __future__ import annotations

import importlib.util
import io
import random
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kaset_xl.workbook.vba import VbaModule, _encode_chunk, build_cfb, build_vba_project, compress
from vba_read import decompress, read_cfb, read_vba_modules

BUTTON_SOURCE = 'Sub KasetValidate()\n  RunPython "import kaset_xl.xl as x; x.validate()"\nEnd Sub\n'


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        pytest.skip("xlwings is not installed (it provides xlwings.bas and quickstart_standalone.xlsm)")
    return Path(spec.origin).parent


@pytest.fixture(scope="module")
def xlwings_bas(xlwings_dir: Path) -> str:
    return (xlwings_dir / "xlwings.bas").read_bytes().decode("cp1252")


@pytest.fixture(scope="module")
def quickstart_bin(xlwings_dir: Path) -> bytes:
    with zipfile.ZipFile(xlwings_dir / "quickstart_standalone.xlsm") as zf:
        return zf.read("xl/vbaProject.bin")


@pytest.fixture(scope="module")
def modules(xlwings_bas: str) -> list[VbaModule]:
    return [
        VbaModule("ThisWorkbook", "document", ""),
        VbaModule("Sheet1", "document", ""),
        VbaModule("Sheet2", "document", "Option Explicit\n"),
        VbaModule("KasetButtons", "standard", BUTTON_SOURCE),
        VbaModule("xlwings", "standard", xlwings_bas),
        VbaModule("KasetCounter", "class", "Private n As Long\nPublic Sub Add()\n  n = n + 1\nEnd Sub\n"),
    ]


@pytest.fixture(scope="module")
def project(modules: list[VbaModule]) -> bytes:
    return build_vba_project(modules)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _expected_text(m: VbaModule) -> str:
    """What the module stream should hold (LF line endings): the attribute header, then the source."""
    if m.source.startswith("Attribute VB_Name"):
        return _lf(m.source)
    header = [f'Attribute VB_Name = "{m.name}"']
    if m.kind == "document":
        clsid = "00020819" if m.name == "ThisWorkbook" else "00020820"
        header += [f'Attribute VB_Base = "0{{{clsid}-0000-0000-C000-000000000046}}"',
                   "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                   "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
                   "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    elif m.kind == "class":
        header += ["Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                   "Attribute VB_PredeclaredId = False", "Attribute VB_Exposed = False"]
    return "\n".join(header) + "\n" + m.source


def _open_strict(olefile: ModuleType, data: bytes) -> Any:
    """olefile with every defect, down to 'unsure', raised as an error."""
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_UNSURE)
    assert getattr(ole, "parsing_issues", []) == []
    return ole


# --- MS-OVBA 2.4.1 compression ----------------------------------------------------------------

# MS-OVBA 3.2.1 and 3.2.2, and a 15-byte run (one literal + one copy token).
SPEC_VECTORS = [
    (b"abcdefghijklmnopqrstuv.",
     "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F 70 06 71"
     " 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"),
    (b"a" * 15, "01 03 B0 02 61 0B 00"),
]


@pytest.mark.parametrize(("plain", "packed"), SPEC_VECTORS)
def test_compression_matches_the_spec_examples(plain: bytes, packed: str) -> None:
    assert compress(plain) == bytes.fromhex(packed)
    assert decompress(bytes.fromhex(packed)) == plain


def test_copy_token_maximum_length_is_0xffff_shr_bitcount_plus_3() -> None:
    # At the start of a chunk BitCount is 4: one copy token may carry (0xFFFF >> 4) + 3 = 4098 bytes,
    # so a 4096-byte run is one literal and one token of length 4095 (0x0FFC + 3).
    assert compress(b"a" * 4096) == bytes.fromhex("01 03 B0 02 61 FC 0F")
    # Late in a chunk BitCount is 12 and the maximum is 18: long matches are split, not garbled.
    rng = random.Random(7)
    head = rng.randbytes(2500)
    data = head + head[:1500] + rng.randbytes(96)
    assert decompress(compress(data)) == data


def _round_trip_cases() -> dict[str, bytes]:
    rng = random.Random(2564)
    words = [b"Dim x As Long\r\n", b"If ", b"Then\r\n", b"End If\r\n", b"abc", b"RunPython \"import kaset\"\r\n"]
    return {
        "empty": b"",
        "one byte": b"x",
        "random 3000": rng.randbytes(3000),
        "random 4096": rng.randbytes(4096),
        "random 3 chunks": rng.randbytes(3 * 4096),
        "random 70000 (last chunk compressible)": rng.randbytes(17 * 4096) + rng.randbytes(2368),
        "repetitive": b"".join(rng.choice(words) for _ in range(20_000)),
        "zeros 70000": bytes(70_000),
        "text 4096": (b"Sub A()\r\n  x = 1\r\nEnd Sub\r\n" * 200)[:4096],
        "text 4097": (b"Sub A()\r\n  x = 1\r\nEnd Sub\r\n" * 200)[:4097],
        "mixed 100 KiB": b"".join(rng.randbytes(rng.randint(1, 40)) + rng.choice(words) for _ in range(4_000)),
    }


@pytest.mark.parametrize("name", list(_round_trip_cases()))
def test_compression_round_trips(name: str, olevba: ModuleType) -> None:
    data = _round_trip_cases()[name]
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(olevba.decompress_stream(bytearray(packed))) == data  # an independent decompressor
    assert compress(data) == packed


def test_incompressible_chunks_are_stored_raw() -> None:
    data = random.Random(1).randbytes(2 * 4096)
    packed = compress(data)
    assert len(packed) == 1 + 2 * (2 + 4096)
    assert packed[1:3] == b"\xff\x3f" and packed[4099:4101] == b"\xff\x3f"  # size 4095, signature 3, flag 0
    assert decompress(packed) == data


def _planted(repeats: int, seed: int) -> bytes:
    """4096 random bytes with ``repeats`` 3-byte copies planted: tunes the compressed size byte by byte."""
    rng = random.Random(seed)
    data = bytearray(rng.randbytes(4096))
    for i in range(repeats):
        pos = 100 + 9 * i
        data[pos:pos + 3] = data[3 * (i % 30):3 * (i % 30) + 3]
    return bytes(data)


@pytest.mark.parametrize(("seed", "repeats", "tokens_size", "header"), [
    (2, 395, 4096, 0xBFFF),  # the largest compressed chunk: CompressedChunkSize 4098 (0xFFF + 3), flag 1
    (1, 395, 4097, 0x3FFF),  # one byte more does not fit: stored raw, flag 0
])
def test_chunk_size_boundary(seed: int, repeats: int, tokens_size: int, header: int) -> None:
    data = _planted(repeats, seed)
    assert len(_encode_chunk(data, 0, 4096)) == tokens_size  # the premise of the case
    packed = compress(data)
    assert struct.unpack_from("<H", packed, 1)[0] == header
    assert len(packed) == 1 + 2 + min(tokens_size, 4096)
    assert decompress(packed) == data


def test_a_raw_last_chunk_is_padded_as_the_spec_says() -> None:
    # MS-OVBA 2.4.1.3.10 pads a raw chunk to 4096 bytes, and 2.4.1.3.3 reads 4096 bytes back: the
    # container cannot say the padding is not data.  Only incompressible data gets there, never source.
    data = random.Random(3).randbytes(4096 + 3900)
    assert decompress(compress(data)) == data + bytes(8192 - len(data))


def test_long_module_compresses_well(xlwings_bas: str) -> None:
    text = xlwings_bas.encode("cp1252") * 2
    assert len(text) > 64 * 1024
    packed = compress(text)
    assert len(packed) < len(text) * 0.5
    assert decompress(packed) == text


@pytest.mark.parametrize("bad", [b"", b"\x02\x00\x00", b"\x01\x00\x00", b"\x01\x03\xb0\x01\x00\x00"])
def test_decompress_rejects_malformed_containers(bad: bytes) -> None:
    with pytest.raises(ValueError):
        decompress(bad)


def test_decompresses_office_written_streams(quickstart_bin: bytes, olevba: ModuleType) -> None:
    streams = read_cfb(quickstart_bin)
    dir_stream = decompress(streams["VBA/dir"])
    for name in (b"ThisWorkbook", b"Sheet1", b"Module1", b"xlwings", b"Dictionary"):
        assert name in dir_stream
    assert bytes(olevba.decompress_stream(bytearray(streams["VBA/dir"]))) == dir_stream
    ours = read_vba_modules(quickstart_bin)
    assert set(ours) == {"ThisWorkbook", "Sheet1", "Sheet2", "Module1", "xlwings", "Dictionary"}
    for name, text in ours.items():
        assert text.startswith(f'Attribute VB_Name = "{name}"')
    assert "Sub SampleCall()" in ours["Module1"]
    # Office's own modules (with compiled code before the source, MODULEOFFSET > 0) agree with olevba.
    parser = olevba.VBA_Parser("quickstart_standalone.xlsm", data=quickstart_bin)
    try:
        theirs = {Path(path).name: code for _f, path, _v, code in parser.extract_macros()}
    finally:
        parser.close()
    assert {k: _lf(v) for k, v in theirs.items()} == {k: _lf(v) for k, v in ours.items()}


# --- the compound file (MS-CFB v3) ------------------------------------------------------------

CFB_SIZES = [0, 1, 63, 64, 4095, 4096, 4097, 70_000]


def _cfb_streams() -> dict[str, bytes]:
    rng = random.Random(11)
    streams = {f"s{size}": rng.randbytes(size) for size in CFB_SIZES}
    streams["Store/inner 4096"] = rng.randbytes(4096)
    streams["Store/Deeper/x"] = b"deep"
    return streams


def test_cfb_round_trips_streams_of_any_size(olefile: ModuleType) -> None:
    streams = _cfb_streams()
    data = build_cfb(streams)
    assert len(data) % 512 == 0
    ole = _open_strict(olefile, data)
    try:
        listed = {"/".join(p) for p in ole.listdir()}
        assert listed == set(streams)
        for path, blob in streams.items():
            assert ole.get_size(path) == len(blob), path
            assert ole.openstream(path).read() == blob, path
        assert ole.get_type("Store") == olefile.STGTY_STORAGE
    finally:
        ole.close()
    assert read_cfb(data) == streams
    # Unused mini FAT entries are free (FREESECT), not chained to mini sector 0.
    (minifat_sector,) = struct.unpack_from("<I", data, 60)
    minifat = struct.unpack_from("<128I", data, 512 * (minifat_sector + 1))
    used = sum(-(-len(b) // 64) for b in streams.values() if len(b) < 4096)
    assert minifat[used - 1] == 0xFFFFFFFE and set(minifat[used:]) == {0xFFFFFFFF}


def test_cfb_many_small_streams_and_a_large_one(olefile: ModuleType) -> None:
    rng = random.Random(5)
    streams = {f"S{i:03d}": rng.randbytes(rng.randint(1, 300)) for i in range(150)}  # a multi-sector mini FAT
    streams["big"] = rng.randbytes(600_000)  # several FAT sectors
    data = build_cfb(streams)
    ole = _open_strict(olefile, data)
    try:
        assert all(ole.openstream(k).read() == v for k, v in streams.items())
    finally:
        ole.close()
    assert read_cfb(data) == streams


def _check_red_black(data: bytes) -> int:
    """Validate every sibling tree of the directory (order, colours, black height); return entries seen."""
    n_fat, dir_start = struct.unpack_from("<II", data, 44)
    fat: list[int] = []
    for sect in struct.unpack_from(f"<{n_fat}I", data, 76):
        fat.extend(struct.unpack_from("<128I", data, 512 * (sect + 1)))
    raw, sect = b"", dir_start
    while sect != 0xFFFFFFFE:
        raw += data[512 * (sect + 1):512 * (sect + 2)]
        sect = fat[sect]
    entries = [raw[i:i + 128] for i in range(0, len(raw), 128)]

    def field(i: int) -> tuple[str, int, int, int, int]:
        e = entries[i]
        name = e[:struct.unpack_from("<H", e, 64)[0] - 2].decode("utf-16-le")
        _kind, color, left, right, child = struct.unpack_from("<BBIII", e, 66)
        return name, color, left, right, child

    def key(name: str) -> tuple[int, str]:
        return (len(name), name.upper())

    seen = 0

    def walk(i: int, lo: tuple[int, str] | None, hi: tuple[int, str] | None, parent_red: bool) -> int:
        nonlocal seen
        if i == 0xFFFFFFFF:
            return 1
        seen += 1
        name, color, left, right, child = field(i)
        assert (lo is None or lo < key(name)) and (hi is None or key(name) < hi), f"{name} out of order"
        assert not (parent_red and color == 0), f"red {name} under a red parent"
        bl = walk(left, lo, key(name), color == 0)
        br = walk(right, key(name), hi, color == 0)
        assert bl == br, f"unequal black heights under {name}"
        if child != 0xFFFFFFFF:
            walk(child, None, None, False)
        return bl + (color == 1)

    walk(field(0)[4], None, None, False)
    return seen


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 12, 31, 40])
def test_cfb_directory_is_a_valid_red_black_tree(count: int) -> None:
    names = [f"{'x' * (i % 5 + 1)}{i}" for i in range(count)]
    data = build_cfb({**{n: b"" for n in names}, **{f"VBA/{n}": b"." for n in names}})
    assert _check_red_black(data) == 2 * count + 1


def test_cfb_names_compare_case_insensitively() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        build_cfb({"PROJECT": b"", "project": b""})
    for bad in ("", "a/", "x" * 32, "a:b", "a!b"):
        with pytest.raises(ValueError):
            build_cfb({bad: b""})


def test_cfb_refuses_more_fat_sectors_than_the_header_holds() -> None:
    with pytest.raises(ValueError, match="FAT sectors"):
        build_cfb({"huge": bytes(109 * 128 * 512)})


# --- the VBA project --------------------------------------------------------------------------

def _decrypt(hex_text: str) -> tuple[int, int, bytes]:
    """MS-OVBA 2.4.3.3 data decryption: (version, project key, data)."""
    blob = bytes.fromhex(hex_text)
    seed, version, proj_key = blob[0], blob[0] ^ blob[1], blob[0] ^ blob[2]
    unencrypted1, encrypted1, encrypted2 = proj_key, blob[2], blob[1]
    plain = bytearray()
    for enc in blob[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored)
    data = bytes(plain[ignored + 4:])
    assert len(data) == length
    return version, proj_key, data


def test_project_layout(project: bytes, modules: list[VbaModule], olefile: ModuleType) -> None:
    ole = _open_strict(olefile, project)
    try:
        listed = {"/".join(p) for p in ole.listdir()}
        assert listed == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", *(f"VBA/{m.name}" for m in modules)}
        vba_project = ole.openstream("VBA/_VBA_PROJECT").read()
        project_text = ole.openstream("PROJECT").read().decode("cp1252")
        projectwm = ole.openstream("PROJECTwm").read()
    finally:
        ole.close()
    assert vba_project[:4] == b"\xcc\x61\xff\xff"  # version 0xFFFF: Office recompiles from source

    lines = project_text.split("\r\n")
    assert "\n" not in project_text.replace("\r\n", "")
    assert lines[1:7] == ["Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000",
                          "Document=Sheet2/&H00000000", "Module=KasetButtons", "Module=xlwings", "Class=KasetCounter"]
    assert 'Name="VBAProject"' in lines and "[Host Extender Info]" in lines and "[Workspace]" in lines
    props = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("&H"))
    project_id = props["ID"].strip('"')
    assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", project_id)
    key = sum(project_id.encode()) & 0xFF
    assert _decrypt(props["CMG"].strip('"')) == (2, key, bytes(4))  # not protected
    assert _decrypt(props["DPB"].strip('"')) == (2, key, b"\x00")  # no password
    assert _decrypt(props["GC"].strip('"')) == (2, key, b"\xff")  # visible

    expected_wm = b"".join(m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules)
    assert projectwm == expected_wm + b"\0\0"


def test_decrypt_matches_office_values(quickstart_bin: bytes) -> None:
    text = read_cfb(quickstart_bin)["PROJECT"].decode("cp1252")
    props = dict(line.split("=", 1) for line in text.split("\r\n") if "=" in line)
    key = sum(props["ID"].strip('"').encode()) & 0xFF
    assert _decrypt(props["GC"].strip('"')) == (2, key, b"\xff")


def _dir_records(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(data):
        rec_id, size = struct.unpack_from("<HI", data, pos)
        size = 6 if rec_id == 0x0009 else size
        out.append((rec_id, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return out


def test_dir_stream_records(project: bytes, modules: list[VbaModule]) -> None:
    records = _dir_records(decompress(read_cfb(project)["VBA/dir"]))
    ids = [r for r, _ in records]
    assert ids[:4] == [0x0001, 0x0002, 0x0014, 0x0003] and ids[-1] == 0x0010
    data = dict(records)
    assert struct.unpack("<H", data[0x0003]) == (1252,)
    assert data[0x0004] == b"VBAProject"
    assert [p for r, p in records if r == 0x0016] == [b"stdole", b"Office"]
    libids = [p[4:4 + struct.unpack_from("<I", p)[0]] for r, p in records if r == 0x000D]
    assert [lib.split(b"#")[0] for lib in libids] == [b"*\\G{00020430-0000-0000-C000-000000000046}",
                                                     b"*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}"]
    assert struct.unpack("<H", data[0x000F]) == (len(modules),)
    assert [p for r, p in records if r == 0x0019] == [m.name.encode() for m in modules]
    assert [p for r, p in records if r == 0x0031] == [bytes(4)] * len(modules)  # MODULEOFFSET 0
    kinds = [r for r, _ in records if r in (0x0021, 0x0022)]
    assert kinds == [0x0021 if m.kind == "standard" else 0x0022 for m in modules]


def test_olevba_reads_every_module_back(project: bytes, modules: list[VbaModule], olevba: ModuleType) -> None:
    parser = olevba.VBA_Parser("vbaProject.bin", data=project)
    try:
        assert parser.detect_vba_macros()
        found = {Path(path).name: code for _f, path, _v, code in parser.extract_macros()}
    finally:
        parser.close()
    assert {k: _lf(v) for k, v in found.items()} == {m.name: _expected_text(m) for m in modules}


def test_own_reader_reads_every_module_back(project: bytes, modules: list[VbaModule], xlwings_bas: str) -> None:
    found = read_vba_modules(project)
    assert list(found) == [m.name for m in modules]
    assert {k: _lf(v) for k, v in found.items()} == {m.name: _expected_text(m) for m in modules}
    assert found["xlwings"] == xlwings_bas  # byte-exact, CRLF as in the shipped file
    assert all("\r\n" in text and "\n" not in text.replace("\r\n", "") for text in found.values())


def test_building_is_deterministic(project: bytes, modules: list[VbaModule]) -> None:
    assert build_vba_project(list(modules)) == project
    crlf = [VbaModule(m.name, m.kind, _lf(m.source).replace("\n", "\r\n")) for m in modules]
    assert build_vba_project(crlf) == project


@pytest.mark.parametrize(("module", "message"), [
    (VbaModule("1st", "standard", ""), "invalid VBA module name"),
    (VbaModule("x" * 32, "standard", ""), "invalid VBA module name"),
    (VbaModule("Kaset Buttons", "standard", ""), "invalid VBA module name"),
    (VbaModule("Thai", "standard", 'MsgBox "ตรวจสอบ"\n'), "cp1252"),
    (VbaModule("Other", "standard", 'Attribute VB_Name = "Mine"\n'), "named 'Mine'"),
    (VbaModule("Cls", "class", "VERSION 1.0 CLASS\nBEGIN\nEND\n"), "VERSION"),
    (VbaModule("Odd", "form", ""), "unknown kind"),  # type: ignore[arg-type]
])
def test_invalid_modules_are_refused(module: VbaModule, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vba_project([module])


def test_duplicate_module_names_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        build_vba_project([VbaModule("Sheet1", "document", ""), VbaModule("SHEET1", "standard", "")])
    for clash in ("VBAProject", "dir"):
        with pytest.raises(ValueError, match="duplicate"):
            build_vba_project([VbaModule(clash, "standard", "")])


# --- a real workbook: XlsxWriter .xlsm, read by LibreOffice -----------------------------------

@pytest.fixture(scope="module")
def xlsm_path(tmp_path_factory: pytest.TempPathFactory, xlwings_bas: str) -> tuple[Path, bytes]:
    import xlsxwriter

    data = build_vba_project([
        VbaModule("ThisWorkbook", "document", ""),
        VbaModule("Sheet1", "document", ""),
        VbaModule("Sheet2", "document", ""),
        VbaModule("KasetButtons", "standard", BUTTON_SOURCE),
        VbaModule("xlwings", "standard", xlwings_bas),
    ])
    path = tmp_path_factory.mktemp("xlsm") / "buttons.xlsm"
    wb = xlsxwriter.Workbook(str(path))
    sheet1, sheet2 = wb.add_worksheet("ข้อมูล"), wb.add_worksheet("รายงาน")
    sheet1.write("A1", "กลุ่มเกษตรกร")
    sheet2.write("A1", "สรุป")
    wb.add_vba_project(io.BytesIO(data), is_stream=True)
    sheet1.insert_button("C3", {"macro": "KasetValidate", "caption": "ตรวจสอบข้อมูล",
                                "width": 160, "height": 36})
    wb.close()
    return path, data


def test_xlsm_carries_the_project(xlsm_path: tuple[Path, bytes], olevba: ModuleType) -> None:
    path, data = xlsm_path
    with zipfile.ZipFile(path) as zf:
        assert zf.read("xl/vbaProject.bin") == data
        vml = zf.read("xl/drawings/vmlDrawing1.vml").decode()
        assert "KasetValidate" in vml
    parser = olevba.VBA_Parser(str(path))
    try:
        names = {Path(p).name for _f, p, _v, _c in parser.extract_macros()}
    finally:
        parser.close()
    assert names == {"ThisWorkbook", "Sheet1", "Sheet2", "KasetButtons", "xlwings"}


@pytest.mark.libreoffice
def test_libreoffice_imports_modules_and_binds_the_button(
        xlsm_path: tuple[Path, bytes], lo_convert: Callable[[Path, str, Path], Path], tmp_path: Path) -> None:
    path, _ = xlsm_path
    ods = lo_convert(path, "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as zf:
        files = set(zf.namelist())
        library = zf.read("Basic/VBAProject/script-lb.xml").decode()
        content = zf.read("content.xml").decode()
        buttons = zf.read("Basic/VBAProject/KasetButtons.xml").decode()
        sheet1 = zf.read("Basic/VBAProject/Sheet1.xml").decode()
    listed = re.findall(r'library:element library:name="([^"]+)"', library)
    assert sorted(listed) == sorted(["ThisWorkbook", "Sheet1", "Sheet2", "KasetButtons", "xlwings"])
    assert {f"Basic/VBAProject/{n}.xml" for n in listed} <= files
    assert 'script:moduleType="document"' in sheet1  # PROJECT's Document= lines were understood
    assert "Sub KasetValidate()" in buttons and "RunPython" in buttons
    # The form button's click runs the macro LibreOffice found in module KasetButtons.
    button = re.search(r"<form:button\b.*?</form:button>", content, flags=re.S)
    assert button is not None, "no form button in content.xml"
    assert 'form:label="ตรวจสอบข้อมูล"' in button.group(0)
    assert re.search(r'script:event-name="form:performaction"[^>]*xlink:href="vnd\.sun\.star\.script:'
                     r'VBAProject\.KasetButtons\.KasetValidate\?language=Basic&amp;location=document"',
                     button.group(0)), button.group(0)
