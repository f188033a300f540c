"""A VBA project (``vbaProject.bin``) built on Linux from module sources, deterministically.

The project is written in the MS-OVBA "source-only" form that Office recompiles on open: every module
stream holds only its compressed source (MODULEOFFSET 0) and ``_VBA_PROJECT`` carries version 0xFFFF,
so no compiled p-code or performance cache is needed.  (xlwings' ``quickstart_standalone.xlsm`` ships its
``xlwings`` module this way, next to Office-compiled ones.)  The pieces, standard library only:

- MS-OVBA 2.4.1 compression (:func:`compress`);
- a small MS-CFB version 3 compound file writer (:func:`build_cfb`);
- the project itself (:func:`build_vba_project`).

The readers that check this output (decompression, a compound-file reader, the module reader) are test code:
``tests/vba_read.py``.

XlsxWriter takes the result with ``workbook.add_vba_project(BytesIO(data), is_stream=True)``; the
document modules must then be named as XlsxWriter names the code names: ``ThisWorkbook``,
``Sheet1`` … ``SheetN``.  Keep VBA sources ASCII (they are stored in code page 1252): Thai captions
belong in the workbook, not in VBA.
"""

from __future__ import annotations

import re
import struct
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "VbaModule",
    "ModuleKind",
    "compress",
    "build_cfb",
    "build_vba_project",
]

# ---------------------------------------------------------------------------------------------
# MS-OVBA 2.4.1 compression
# ---------------------------------------------------------------------------------------------

_CHUNK = 4096
_CHAIN_DEPTH = 256  # match candidates tried per position; any choice gives a valid stream


def _copy_token_bits(difference: int) -> int:
    """BitCount of a CopyToken at ``difference`` bytes into the chunk (MS-OVBA 2.4.1.3.19.1)."""
    return max((difference - 1).bit_length(), 4)


def _match_length(data: bytes, cand: int, cur: int, known: int, limit: int) -> int:
    """Length of the common prefix of ``data[cand:]`` and ``data[cur:]``, at least ``known``, at most ``limit``.

    Comparing inside the uncompressed buffer is exact for overlapping matches too: the decompressor
    copies byte by byte, so it reproduces the same bytes.
    """
    n = known
    step = 8
    while n < limit:
        m = min(n + step, limit)
        if data[cand + n:cand + m] == data[cur + n:cur + m]:
            n = m
            step *= 2
            continue
        lo, hi = n, m  # data matches up to lo, not up to hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if data[cand + lo:cand + mid] == data[cur + lo:cur + mid]:
                lo = mid
            else:
                hi = mid
        return lo
    return n


def _encode_chunk(data: bytes, start: int, end: int) -> bytearray:
    """The TokenSequences of ``data[start:end]`` (MS-OVBA 2.4.1.3.8), however long they come out.

    Greedy like the spec's algorithm: at each position the longest match inside the chunk (the
    nearest on ties; ``_CHAIN_DEPTH`` candidates at most), a literal when none reaches 3 bytes.
    """
    payload = bytearray()
    heads: dict[bytes, int] = {}
    prev = [-1] * (end - start)
    inserted = start  # positions below this are in the hash chains
    cur = start
    while cur < end:
        flag_index = len(payload)
        payload.append(0)
        flags = 0
        for bit in range(8):
            if cur >= end:
                break
            while inserted < cur and inserted + 3 <= end:
                key = data[inserted:inserted + 3]
                prev[inserted - start] = heads.get(key, -1)
                heads[key] = inserted
                inserted += 1
            best_len, best_pos = 0, -1
            if cur + 3 <= end:
                bits = _copy_token_bits(cur - start)
                limit = min((0xFFFF >> bits) + 3, end - cur)
                cand = heads.get(data[cur:cur + 3], -1)
                depth = 0
                while cand >= 0 and depth < _CHAIN_DEPTH:
                    length = _match_length(data, cand, cur, 3, limit)
                    if length > best_len:
                        best_len, best_pos = length, cand
                        if length == limit:
                            break
                    cand = prev[cand - start]
                    depth += 1
            if best_len >= 3:
                bits = _copy_token_bits(cur - start)
                token = ((cur - best_pos - 1) << (16 - bits)) | (best_len - 3)
                payload += struct.pack("<H", token)
                flags |= 1 << bit
                cur += best_len
            else:
                payload.append(data[cur])
                cur += 1
        payload[flag_index] = flags
    return payload


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """One CompressedChunk, header included, for ``data[start:end]`` (MS-OVBA 2.4.1.3.7)."""
    payload = _encode_chunk(data, start, end)
    if len(payload) > _CHUNK:
        # Compressing a RawChunk (2.4.1.3.10): 4096 bytes, the last chunk padded with zeros.
        raw = data[start:end].ljust(_CHUNK, b"\x00")
        return struct.pack("<H", 0x3000 | (_CHUNK - 1)) + raw
    header = 0x8000 | 0x3000 | (len(payload) + 2 - 3)  # CompressedChunkSize - 3, signature 0b011, flag
    return struct.pack("<H", header) + bytes(payload)


def compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 CompressedContainer of ``data`` (deterministic).

    A chunk whose compressed form would exceed 4096 bytes is stored raw; per the spec, a raw *last*
    chunk is padded with zeros to 4096 bytes (so :func:`decompress` returns those zeros too).  Text
    never gets there: VBA source always compresses.
    """
    data = bytes(data)
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data, start, min(start + _CHUNK, len(data)))
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# MS-CFB version 3 compound file
# ---------------------------------------------------------------------------------------------

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_DIFAT_IN_HEADER = 109
_DIFSECT, _FATSECT, _ENDOFCHAIN, _FREESECT = 0xFFFFFFFC, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF
_NOSTREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_BAD_NAME_CHARS = set("/\\:!")


def _cfb_key(name: str) -> tuple[int, str]:
    """Sibling order of MS-CFB 2.6.4: shorter names first, then by upper-cased name."""
    return (len(name.encode("utf-16-le")), name.upper())


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] | None = None
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN  # storages: 0; empty streams: ENDOFCHAIN (as olefile expects)
    size: int = 0


def _check_name(name: str) -> None:
    if not name or len(name.encode("utf-16-le")) > 62 or _BAD_NAME_CHARS & set(name):
        raise ValueError(f"invalid compound-file entry name {name!r} (1-31 characters, none of / \\ : !)")


def _tree(streams: Mapping[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", _ROOT, children={})
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            _check_name(part)
            assert node.children is not None
            found = next((c for c in node.children.values() if c.name.upper() == part.upper()), None)
            if found is None:
                found = node.children[part] = _Entry(part, _STORAGE, children={}, start=0)
            elif found.kind != _STORAGE:
                raise ValueError(f"{path!r}: {part!r} is a stream, not a storage")
            node = found
        name = parts[-1]
        _check_name(name)
        assert node.children is not None
        if any(c.name.upper() == name.upper() for c in node.children.values()):
            raise ValueError(f"duplicate compound-file entry {path!r}")
        node.children[name] = _Entry(name, _STREAM, data=bytes(data))
    return root


def _link_siblings(ids: Sequence[int], entries: list[_Entry], depth: int, red_depth: int) -> int:
    """A balanced binary search tree over ``ids`` (already in sibling order); returns its root id.

    Coloring: nodes on the deepest level of an incomplete tree are red, all others black — every path
    then holds the same number of black nodes and no red node has a red child, a valid red-black tree.
    """
    if not ids:
        return _NOSTREAM
    mid = len(ids) // 2
    node = entries[ids[mid]]
    node.left = _link_siblings(ids[:mid], entries, depth + 1, red_depth)
    node.right = _link_siblings(ids[mid + 1:], entries, depth + 1, red_depth)
    node.color = _RED if depth == red_depth else _BLACK
    return ids[mid]


def _flatten(root: _Entry) -> list[_Entry]:
    """Directory entries in a fixed order (root first, then each storage's children in sibling order)."""
    entries = [root]
    queue = [root]
    while queue:
        parent = queue.pop(0)
        assert parent.children is not None
        kids = sorted(parent.children.values(), key=lambda e: _cfb_key(e.name))
        ids = list(range(len(entries), len(entries) + len(kids)))
        entries.extend(kids)
        if kids:
            levels = len(kids).bit_length()  # levels of the balanced tree; only the last may be partial
            perfect = len(kids) == (1 << levels) - 1
            parent.child = _link_siblings(ids, entries, 0, -1 if perfect else levels - 1)
        queue.extend(k for k in kids if k.kind == _STORAGE)
    return entries


def _dir_entry(e: _Entry | None) -> bytes:
    if e is None:  # an unused slot
        return b"\x00" * 64 + struct.pack("<HBB3I", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM) + b"\x00" * 48
    name = e.name.encode("utf-16-le") + b"\x00\x00"
    return (name.ljust(64, b"\x00")
            + struct.pack("<HBB3I", len(name), e.kind, e.color, e.left, e.right, e.child)
            + b"\x00" * 16  # CLSID
            + b"\x00" * 4  # state bits
            + b"\x00" * 16  # creation and modification times
            + struct.pack("<IQ", e.start, e.size))


def build_cfb(streams: Mapping[str, bytes]) -> bytes:
    """A compound file (MS-CFB v3, 512-byte sectors) holding ``streams``.

    Keys are paths such as ``"VBA/dir"``: storages are created from the path's folders; names compare
    case-insensitively.  No timestamps or CLSIDs are written, so equal input gives equal bytes.
    """
    root = _tree(streams)
    entries = _flatten(root)
    fat: list[int] = []
    sectors: list[bytes] = []

    def add_chain(blob: bytes, unit: int = _SECTOR) -> int:
        count = -(-len(blob) // unit)
        first = len(fat)
        for i in range(count):
            fat.append(first + i + 1 if i + 1 < count else _ENDOFCHAIN)
            sectors.append(blob[i * unit:(i + 1) * unit].ljust(unit, b"\x00"))
        return first if count else _ENDOFCHAIN

    # Streams below the cutoff go to the mini stream, the others to their own sector chains.
    ministream = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e.kind != _STREAM:
            continue
        e.size = len(e.data)
        if e.size == 0:
            e.start = _ENDOFCHAIN
        elif e.size < _MINI_CUTOFF:
            count = -(-e.size // _MINI_SECTOR)
            e.start = len(minifat)
            minifat.extend(e.start + i + 1 if i + 1 < count else _ENDOFCHAIN for i in range(count))
            ministream += e.data.ljust(count * _MINI_SECTOR, b"\x00")
        else:
            e.start = add_chain(e.data)
    root.start = add_chain(bytes(ministream)) if ministream else _ENDOFCHAIN
    root.size = len(ministream)
    minifat_count = -(-len(minifat) * 4 // _SECTOR)
    minifat += [_FREESECT] * (minifat_count * (_SECTOR // 4) - len(minifat))
    minifat_start = add_chain(struct.pack(f"<{len(minifat)}I", *minifat)) if minifat else _ENDOFCHAIN
    slots = -(-len(entries) // 4) * 4
    directory = b"".join(_dir_entry(e) for e in entries) + _dir_entry(None) * (slots - len(entries))
    dir_start = add_chain(directory)

    # The FAT covers itself: grow it until its sectors fit.
    n_fat = 0
    while n_fat * (_SECTOR // 4) < len(fat) + n_fat:
        n_fat += 1
    if n_fat > _DIFAT_IN_HEADER:
        raise ValueError(f"compound file too large: {n_fat} FAT sectors (at most {_DIFAT_IN_HEADER} supported)")
    fat_start = len(fat)
    fat.extend([_FATSECT] * n_fat)
    fat.extend([_FREESECT] * (n_fat * (_SECTOR // 4) - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors.extend(fat_bytes[i * _SECTOR:(i + 1) * _SECTOR] for i in range(n_fat))

    difat = [fat_start + i for i in range(n_fat)] + [_FREESECT] * (_DIFAT_IN_HEADER - n_fat)
    header = (_MAGIC + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, _MINI_CUTOFF,
                            minifat_start, minifat_count, _ENDOFCHAIN, 0)
              + struct.pack(f"<{_DIFAT_IN_HEADER}I", *difat))
    assert len(header) == _SECTOR
    return header + b"".join(sectors)


# ---------------------------------------------------------------------------------------------
# The VBA project (MS-OVBA 2.3)
# ---------------------------------------------------------------------------------------------

ModuleKind = Literal["standard", "document", "class"]

_CODE_PAGE = 1252
_ENCODING = "cp1252"
_LCID = 0x0409
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")

# Excel's document module classes: the workbook and a worksheet (MS-OVBA VB_Base "0{CLSID}").
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"

# Excel's default references, OLE Automation and Office, as Excel writes them (REFERENCENAME +
# REFERENCEREGISTERED): stdole as in xlwings' addin/xlwings.xlam, Office as in quickstart_standalone.xlsm
# (whose other reference, MSForms, points into its author's temp folder and is not wanted).
_REFERENCES = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files\\Microsoft Shared"
               "\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library"),
)


@dataclass(frozen=True)
class VbaModule:
    """One VBA module: ``name`` (a VBA identifier, 31 characters at most), its kind and source.

    ``source`` is the code without the ``Attribute VB_*`` header, which :func:`build_vba_project`
    writes for the kind.  A source that already starts with ``Attribute VB_Name`` (an exported
    ``.bas`` such as ``xlwings.bas``) keeps its own header; its name must match.  A ``document``
    module is the workbook's when named ``ThisWorkbook``, else a worksheet's (no chart sheets).
    """

    name: str
    kind: ModuleKind
    source: str


def _header(module: VbaModule) -> str:
    lines = [f'Attribute VB_Name = "{module.name}"']
    if module.kind == "document":
        base = _WORKBOOK_BASE if module.name == "ThisWorkbook" else _WORKSHEET_BASE
        lines += [f'Attribute VB_Base = "{base}"',
                  "Attribute VB_GlobalNameSpace = False",
                  "Attribute VB_Creatable = False",
                  "Attribute VB_PredeclaredId = True",
                  "Attribute VB_Exposed = True",
                  "Attribute VB_TemplateDerived = False",
                  "Attribute VB_Customizable = True"]
    elif module.kind == "class":
        lines += ["Attribute VB_GlobalNameSpace = False",
                  "Attribute VB_Creatable = False",
                  "Attribute VB_PredeclaredId = False",
                  "Attribute VB_Exposed = False"]
    return "\r\n".join(lines) + "\r\n"


def _module_text(module: VbaModule) -> bytes:
    text = module.source.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("VERSION "):
        raise ValueError(f"module {module.name}: remove the exported-file 'VERSION … BEGIN … END' block")
    first = text.split("\n", 1)[0]
    match = re.fullmatch(r'\s*Attribute\s+VB_Name\s*=\s*"([^"]*)"\s*', first, flags=re.IGNORECASE)
    if match:
        if match.group(1) != module.name:
            raise ValueError(f"module {module.name}: its source is named {match.group(1)!r}")
        header = ""
    else:
        header = _header(module)
    if text and not text.endswith("\n"):
        text += "\n"
    body = header + text.replace("\n", "\r\n")
    try:
        return body.encode(_ENCODING)
    except UnicodeEncodeError as exc:
        raise ValueError(f"module {module.name}: VBA source must be {_ENCODING} (keep it ASCII): {exc}") from None


def _rec(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _rec_text(rec_id: int, unicode_id: int, text: str) -> bytes:
    return _rec(rec_id, text.encode(_ENCODING)) + _rec(unicode_id, text.encode("utf-16-le"))


def _dir_stream(project_name: str, modules: Sequence[VbaModule]) -> bytes:
    """The decompressed ``dir`` stream (MS-OVBA 2.3.4.2)."""
    out = bytearray()
    # PROJECTINFORMATION
    out += _rec(0x0001, struct.pack("<I", 3))  # PROJECTSYSKIND: 64-bit Windows, as quickstart_standalone.xlsm
    out += _rec(0x0002, struct.pack("<I", _LCID))  # PROJECTLCID
    out += _rec(0x0014, struct.pack("<I", _LCID))  # PROJECTLCIDINVOKE
    out += _rec(0x0003, struct.pack("<H", _CODE_PAGE))  # PROJECTCODEPAGE
    out += _rec(0x0004, project_name.encode(_ENCODING))  # PROJECTNAME
    out += _rec_text(0x0005, 0x0040, "")  # PROJECTDOCSTRING
    out += _rec_text(0x0006, 0x003D, "")  # PROJECTHELPFILEPATH (the two paths are equal)
    out += _rec(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _rec(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: Reserved=4, major (u32), minor (u16)
    out += _rec_text(0x000C, 0x003C, "")  # PROJECTCONSTANTS
    # PROJECTREFERENCES: REFERENCENAME + REFERENCEREGISTERED each
    for name, libid in _REFERENCES:
        out += _rec_text(0x0016, 0x003E, name)
        lib = libid.encode(_ENCODING)
        out += _rec(0x000D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    # PROJECTMODULES
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _rec(0x0019, m.name.encode(_ENCODING))  # MODULENAME
        out += _rec(0x0047, m.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _rec_text(0x001A, 0x0032, m.name)  # MODULESTREAMNAME
        out += _rec_text(0x001C, 0x0048, "")  # MODULEDOCSTRING
        out += _rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: the stream is source only
        out += _rec(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _rec(0x0021 if m.kind == "standard" else 0x0022, b"")  # MODULETYPE procedural / document+class
        out += _rec(0x002B, b"")  # module terminator
    out += _rec(0x0010, b"")  # dir terminator
    return bytes(out)


def _encrypt(project_id: str, data: bytes, seed: int = 0x8D) -> str:
    """MS-OVBA 2.4.3.2 data encryption (for the CMG, DPB and GC lines), with a fixed seed."""
    proj_key = sum(project_id.encode(_ENCODING)) & 0xFF
    out = bytearray([seed, seed ^ 2, seed ^ proj_key])
    unencrypted1, encrypted1, encrypted2 = proj_key, seed ^ proj_key, seed ^ 2
    for byte in bytes((seed & 6) // 2) + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return out.hex().upper()


_UNPROTECTED = struct.pack("<I", 0)  # CMG: ProjectProtectionState, nothing locked
_NO_PASSWORD = b"\x00"  # DPB: ProjectPassword, none
_VISIBLE = b"\xff"  # GC: ProjectVisibilityState, the project is visible


def _project_stream(project_id: str, project_name: str, modules: Sequence[VbaModule]) -> bytes:
    """The ``PROJECT`` stream (MS-OVBA 2.3.1): project properties as text."""
    lines = [f'ID="{project_id}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_encrypt(project_id, _UNPROTECTED)}"',
        f'DPB="{_encrypt(project_id, _NO_PASSWORD)}"',
        f'GC="{_encrypt(project_id, _VISIBLE)}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(_ENCODING)


def _projectwm(modules: Sequence[VbaModule]) -> bytes:
    """The ``PROJECTwm`` stream (MS-OVBA 2.3.3): module names in MBCS and UTF-16."""
    out = bytearray()
    for m in modules:
        out += m.name.encode(_ENCODING) + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def build_vba_project(modules: list[VbaModule], *, project_name: str = "VBAProject") -> bytes:
    """A ``vbaProject.bin`` (source only, recompiled by Office on open) holding ``modules``, in order.

    Same modules → same bytes.  Raises ``ValueError`` on invalid or duplicate module names, unknown
    kinds, and sources that cannot be written in code page 1252.
    """
    if not _NAME_RE.fullmatch(project_name):
        raise ValueError(f"invalid VBA project name {project_name!r}")
    seen: set[str] = set()
    for m in modules:
        if not _NAME_RE.fullmatch(m.name):
            raise ValueError(f"invalid VBA module name {m.name!r} (a letter, then letters, digits or _; 31 at most)")
        if m.kind not in ("standard", "document", "class"):
            raise ValueError(f"module {m.name}: unknown kind {m.kind!r}")
        if m.name.upper() in seen or m.name.upper() in (project_name.upper(), "DIR"):
            raise ValueError(f"duplicate VBA module name {m.name!r} (or the project's, or the reserved 'dir')")
        seen.add(m.name.upper())
    # A stable project ID: derived from the project's shape, never random.
    digest = uuid.uuid5(uuid.NAMESPACE_URL, "kaset-xl:vba:" + project_name + ":" + ",".join(m.name for m in modules))
    project_id = "{" + str(digest).upper() + "}"
    streams: dict[str, bytes] = {
        "PROJECT": _project_stream(project_id, project_name, modules),
        "PROJECTwm": _projectwm(modules),
        # Reserved1 0x61CC, Version 0xFFFF (so Office recompiles), Reserved2 0x00, Reserved3 as Office writes it
        "VBA/_VBA_PROJECT": bytes.fromhex("cc61ffff000100"),
        "VBA/dir": compress(_dir_stream(project_name, modules)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(_module_text(m))
    return build_cfb(streams)
