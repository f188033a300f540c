"""Package-level checks of a workbook's zip: the checks that make every reader see the same package.

python-calamine (Rust: the ``zip`` crate and quick-xml), openpyxl (Python's :mod:`zipfile` and
ElementTree) and :mod:`kaset_xl.workbook.guard` must agree on *which bytes* are the sheets, or the
guard checks one sheet while a library reads another.  A hostile package can make them disagree in
two places, both refused here:

* **the zip directory** (:func:`check_directory`, before :mod:`zipfile` opens the file): exactly one
  end-of-central-directory record, ending the file; no ZIP64; the central directory right before it,
  holding exactly the number of entries the end record says (Python reads the directory by its size,
  the ``zip`` crate by its count) and at most ``max_members`` of them (zipfile builds a Python object
  per entry: 600,000 empty entries take 20 s); member names normalised and unique (no ``.``/``..``
  segment, backslash, leading ``/``, NUL; no name twice, ignoring case as OPC does);
* **the part names** (:func:`map_sheets`, once the zip is open): ``_rels/.rels`` and
  ``[Content_Types].xml`` must name ``xl/workbook.xml`` as the workbook (openpyxl follows the content
  types, python-calamine always reads ``xl/workbook.xml``); sheet names and relationship ids are
  unique; each sheet's ``r:id`` (in the relationships namespace only) leads to a target that resolves
  to the same member whichever way a reader resolves it.  XML is parsed with expat, namespace-aware,
  with comments ignored; a DOCTYPE or an entity declaration is refused (the guard's prolog check has
  refused them already).

Pure functions: they read, never write, and raise :class:`~kaset_xl.issues.KasetError`.
"""

from __future__ import annotations

import os
import posixpath
import struct
import zipfile
from typing import BinaryIO, NoReturn
from xml.parsers import expat

from kaset_xl.issues import KasetError

__all__ = ["check_directory", "check_part_names", "map_sheets", "WORKBOOK_PART"]

WORKBOOK_PART = "xl/workbook.xml"
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_CD_ENTRY = b"PK\x01\x02"
_ZIP64_LOCATOR = b"PK\x06\x07"
_MAX_COMMENT = 0xFFFF

_REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           "http://purl.oclc.org/ooxml/officeDocument/relationships")
_WORKBOOK_TYPES = frozenset(t.lower() for t in (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
))


def _corrupt(shown: str, reason: str) -> KasetError:
    return KasetError("FILE_CORRUPT", file=shown, reason=reason)


# ---------------------------------------------------------------- the zip directory


def check_directory(f: BinaryIO, size: int, shown: str, max_members: int) -> int:
    """Check the zip's end record and central directory (see the module doc); return the entry count.

    A file without any end record is left to :mod:`zipfile` (it says "not a zip file").
    """
    tail_len = min(size, _EOCD_SIZE + _MAX_COMMENT)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    base = size - len(tail)
    found = []
    at = tail.rfind(_EOCD)
    while at >= 0:
        found.append(at)
        at = tail.rfind(_EOCD, 0, at)
    if not found:
        return 0
    # the end record is the one whose 22 bytes and comment end exactly at the end of the file
    ending = [p for p in found if p + _EOCD_SIZE <= len(tail)
              and p + _EOCD_SIZE + struct.unpack_from("<H", tail, p + 20)[0] == len(tail)]
    if len(ending) != 1:
        reason = ("two zip directories (end records)" if ending
                  else "the zip directory does not end the file (bytes after it, or cut off)")
        raise _corrupt(shown, reason)
    eocd = ending[0]
    disk, cd_disk, n_disk, count, cd_size, cd_offset, _ = struct.unpack_from("<HHHHIIH", tail, eocd + 4)
    if (eocd >= 20 and tail[eocd - 20:eocd - 16] == _ZIP64_LOCATOR) or 0xFFFF in (disk, cd_disk, n_disk, count) \
            or 0xFFFFFFFF in (cd_size, cd_offset):
        # ZIP64 (more than 65,535 members or 4 GB): never needed by a workbook within the limits
        real = _zip64_count(f, tail[eocd - 20:eocd] if eocd >= 20 else b"", size) or count
        if real > max_members:
            raise KasetError("FILE_TOO_MANY_PARTS", file=shown, count=f"{real:,}", limit=f"{max_members:,}")
        raise _corrupt(shown, "ZIP64 zip directory (Excel does not write one for a workbook this size)")
    if disk or cd_disk or n_disk != count:
        raise _corrupt(shown, "a zip split over several disks")
    if count > max_members:
        raise KasetError("FILE_TOO_MANY_PARTS", file=shown, count=f"{count:,}", limit=f"{max_members:,}")
    if cd_offset + cd_size != base + eocd:
        raise _corrupt(shown, "the zip directory is not where its end record says")
    # any other end record after the directory's start (inside it, or in the comment): a second directory
    if any(base + p >= cd_offset for p in found if p != eocd):
        raise _corrupt(shown, "two zip directories (end records)")
    f.seek(cd_offset)
    cd = f.read(cd_size)
    names = _walk_directory(cd, count, shown)
    check_part_names(names, shown)
    return count


def _zip64_count(f: BinaryIO, locator: bytes, size: int) -> int:
    """The entry count of the ZIP64 end record the locator points at (0 when there is none)."""
    if len(locator) != 20 or not locator.startswith(_ZIP64_LOCATOR):
        return 0
    at = struct.unpack_from("<Q", locator, 8)[0]
    if at + 56 > size:
        return 0
    f.seek(at)
    rec = f.read(56)
    if len(rec) != 56 or rec[:4] != b"PK\x06\x06":
        return 0
    return int(struct.unpack_from("<Q", rec, 32)[0])


def _walk_directory(cd: bytes, count: int, shown: str) -> list[str]:
    """The names of the directory's entries; the entries must fill it exactly, ``count`` of them."""
    names = []
    i = 0
    end = len(cd)
    for _ in range(count):
        if i + 46 > end or cd[i:i + 4] != _CD_ENTRY:
            raise _corrupt(shown, "the zip directory holds fewer entries than its end record says")
        flags = struct.unpack_from("<H", cd, i + 8)[0]
        n, m, k = struct.unpack_from("<HHH", cd, i + 28)
        raw = cd[i + 46:i + 46 + n]
        if b"\x00" in raw:
            raise _corrupt(shown, "a zip member name holds a NUL byte")
        names.append(raw.decode("utf-8" if flags & 0x800 else "cp437", errors="replace"))
        i += 46 + n + m + k
    if i != end:
        raise _corrupt(shown, "the zip directory holds more entries than its end record says")
    return names


def check_part_names(names: list[str], shown: str) -> None:
    """Member names normalised (no ``.``/``..``/empty segment, backslash, leading ``/``) and unique
    ignoring case (OPC part names are case-insensitive; a zip may hold a name twice)."""
    seen: set[str] = set()
    for name in names:
        path = name[:-1] if name.endswith("/") else name  # a folder entry
        if not path or "\\" in path or path.startswith("/") \
                or any(seg in ("", ".", "..") for seg in path.split("/")):
            raise _corrupt(shown, f"zip member name not normalised: {name[:80]!r}")
        key = name.lower()
        if key in seen:
            raise _corrupt(shown, f"zip member twice: {name[:80]}")
        seen.add(key)


# ---------------------------------------------------------------- parts and sheets


class _Elements:
    """Expat, namespace-aware: every element as (namespace, local name, attributes) in document
    order; comments ignored; DOCTYPE, entity declarations and external entities refused."""

    def __init__(self, data: bytes) -> None:
        self.items: list[tuple[str, str, dict[str, str]]] = []
        p = expat.ParserCreate(namespace_separator=" ")
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._refuse
        p.EntityDeclHandler = self._refuse
        p.ExternalEntityRefHandler = self._refuse
        p.StartElementHandler = self._start
        p.Parse(data, True)

    @staticmethod
    def _refuse(*_args: object) -> NoReturn:
        raise ValueError("a DOCTYPE or entity declaration")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        self.items.append((ns, local, attrs))


def _elements(zf: zipfile.ZipFile, part: str, shown: str) -> list[tuple[str, str, dict[str, str]]] | None:
    if part not in zf.NameToInfo:
        return None
    try:
        return _Elements(zf.read(part)).items
    except (expat.ExpatError, ValueError) as exc:
        raise _corrupt(shown, f"{part}: {' '.join(str(exc).split())[:120]}") from None


def _local(attr: str) -> str:
    return attr.rpartition(" ")[2]


def _relationships(items: list[tuple[str, str, dict[str, str]]], part: str,
                   shown: str) -> dict[str, tuple[str, str, str]]:
    """Id → (Type, Target, TargetMode) of a .rels part; an Id twice is refused."""
    out: dict[str, tuple[str, str, str]] = {}
    for _ns, local, attrs in items:
        if local != "Relationship":
            continue
        rid = attrs.get("Id", "")
        if rid in out:
            raise _corrupt(shown, f"{part}: relationship {rid[:40]} twice")
        out[rid] = (attrs.get("Type", ""), attrs.get("Target", ""), attrs.get("TargetMode", ""))
    return out


def _check_main_part(zf: zipfile.ZipFile, shown: str) -> None:
    """The workbook is xl/workbook.xml for every reader: ``_rels/.rels`` (followed by Office) and
    ``[Content_Types].xml`` (followed by openpyxl) must say so; python-calamine reads it by name."""
    items = _elements(zf, "_rels/.rels", shown)
    if items is not None:
        for rtype, target, mode in _relationships(items, "_rels/.rels", shown).values():
            if rtype.rsplit("/", 1)[-1] == "officeDocument" and mode != "External" \
                    and target.removeprefix("/") != WORKBOOK_PART:
                raise KasetError("WORKBOOK_PART_UNEXPECTED", file=shown, part=target[:80])
    items = _elements(zf, "[Content_Types].xml", shown)
    for _ns, local, attrs in items or ():
        if local == "Override" and attrs.get("ContentType", "").lower() in _WORKBOOK_TYPES \
                and attrs.get("PartName", "") != "/" + WORKBOOK_PART:
            raise KasetError("WORKBOOK_PART_UNEXPECTED", file=shown, part=attrs.get("PartName", "")[:80])


def _resolve(target: str) -> str | None:
    """The member a sheet target names, or ``None`` when readers would resolve it differently
    (openpyxl: relative to ``xl/`` and normalised; python-calamine: ``xl/`` + target unless it starts
    with ``/`` or ``xl/``, not normalised)."""
    if target.startswith("/"):
        ours = target[1:]
        calamine = ours
    else:
        ours = posixpath.normpath(posixpath.join("xl", target))
        calamine = target if target.startswith("xl/") else "xl/" + target
    return ours if ours == calamine else None


def map_sheets(zf: zipfile.ZipFile, shown: str) -> dict[str, str]:
    """Sheet name → the zip member of its XML, as every reader sees it (see the module doc)."""
    _check_main_part(zf, shown)
    wb = _elements(zf, WORKBOOK_PART, shown)
    if wb is None:
        raise _corrupt(shown, f"{WORKBOOK_PART} is missing")
    rels_part = "xl/_rels/workbook.xml.rels"
    rels = _relationships(_elements(zf, rels_part, shown) or [], rels_part, shown)
    out: dict[str, str] = {}
    seen: set[str] = set()
    for _ns, local, attrs in wb:
        if local != "sheet":
            continue
        name = attrs.get("name", "")
        if name.casefold() in seen:
            raise _corrupt(shown, f"sheet name twice: {name[:40]}")
        seen.add(name.casefold())
        ids = [k for k in attrs if _local(k) == "id"]  # r:id, whatever the prefix; nothing else
        if len(ids) > 1 or (ids and ids[0].rpartition(" ")[0] not in _REL_NS):
            raise _corrupt(shown, f"sheet {name[:40]}: an id attribute outside the relationships namespace")
        rid = attrs[ids[0]] if ids else None
        if not name or rid is None or rid not in rels:
            continue
        _type, target, mode = rels[rid]
        if mode == "External" or not target:
            continue
        part = _resolve(target)
        if part is None:
            raise _corrupt(shown, f"sheet {name[:40]}: target not normalised: {target[:80]}")
        out[name] = part
    return out


def core_properties(path: str | os.PathLike[str] | BinaryIO) -> dict[str, str]:
    """The document properties of a workbook (docProps/core.xml: ``creator``, ``lastModifiedBy``, ``title``,
    ``modified`` …, by local name), or ``{}`` when the file or the part cannot be read — a part over 64 kB or
    with a DOCTYPE or an entity is not read.  Never raises."""
    found: dict[str, str] = {}
    text: list[str] = []

    def start(_name: str, _attrs: dict[str, str]) -> None:
        text.clear()

    def end(name: str) -> None:
        found.setdefault(name.rpartition(" ")[2], "".join(text).strip())

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("docProps/core.xml")
            if info.file_size > 64 * 1024:
                return {}
            data = z.read(info)
        if b"<!" in data:  # a DOCTYPE or an entity: not read
            return {}
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CharacterDataHandler = text.append
        parser.Parse(data, True)
    except Exception:  # noqa: BLE001 - anything unreadable has no properties
        return {}
    return found
