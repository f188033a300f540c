"""Readers for what kaset_xl.workbook.vba writes — test code, not shipped: MS-OVBA 2.4.1 decompression, an MS-CFB
compound-file reader (v3 or v4) and the VBA module reader (``read_vba_modules``), which also reads projects saved
by Office (compiled code before the source).  The tests check the writer with these and, independently, with
oletools (olevba) and olefile.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from kaset_xl.workbook.vba import (
    _CHUNK,
    _DIFAT_IN_HEADER,
    _DIFSECT,
    _ENDOFCHAIN,
    _MAGIC,
    _NOSTREAM,
    _SECTOR,
    _STORAGE,
    _STREAM,
    _copy_token_bits,
)

__all__ = ["decompress", "read_cfb", "read_vba_modules"]


def decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA 2.4.1 CompressedContainer (raises ``ValueError`` on malformed input)."""
    if not data or data[0] != 0x01:
        raise ValueError("not an MS-OVBA compressed container (signature byte is not 0x01)")
    out = bytearray()
    pos, end = 1, len(data)
    while pos < end:
        if pos + 2 > end:
            raise ValueError(f"truncated chunk header at offset {pos}")
        (header,) = struct.unpack_from("<H", data, pos)
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at offset {pos}")
        chunk_end = min(end, pos + (header & 0x0FFF) + 3)
        pos += 2
        if not header & 0x8000:
            out += data[pos:pos + _CHUNK]
            pos += _CHUNK
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise ValueError(f"truncated copy token at offset {pos}")
                (token,) = struct.unpack_from("<H", data, pos)
                pos += 2
                bits = _copy_token_bits(len(out) - chunk_start)
                length = (token & (0xFFFF >> bits)) + 3
                offset = (token >> (16 - bits)) + 1
                src = len(out) - offset
                if src < chunk_start:
                    raise ValueError(f"copy token points before its chunk at offset {pos - 2}")
                if offset >= length:
                    out += out[src:src + length]
                else:
                    for i in range(length):
                        out.append(out[src + i])
    return bytes(out)


def read_cfb(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file (v3 or v4), keyed by ``/``-joined path (e.g. ``"VBA/dir"``)."""
    return _Cfb(data).streams()


class _Cfb:
    def __init__(self, data: bytes) -> None:
        if len(data) < _SECTOR or data[:8] != _MAGIC:
            raise ValueError("not a compound file")
        self.data = data
        sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
        (n_fat, dir_start, _, self.cutoff, minifat_start, n_minifat, difat_start, n_difat) = struct.unpack_from(
            "<IIIIIIII", data, 44)
        self.ssize, self.msize = 1 << sector_shift, 1 << mini_shift
        difat = list(struct.unpack_from(f"<{_DIFAT_IN_HEADER}I", data, 76))
        nxt = difat_start
        for _ in range(n_difat):
            block = struct.unpack(f"<{self.ssize // 4}I", self.sector(nxt))
            difat.extend(block[:-1])
            nxt = block[-1]
        self.fat: list[int] = []
        for n in difat[:n_fat]:
            self.fat.extend(struct.unpack(f"<{self.ssize // 4}I", self.sector(n)))
        minifat_blob = self.read(minifat_start) if n_minifat else b""
        self.minifat = list(struct.unpack(f"<{len(minifat_blob) // 4}I", minifat_blob))
        directory = self.read(dir_start)
        self.raw = [directory[i:i + 128] for i in range(0, len(directory), 128)]

    def sector(self, n: int) -> bytes:
        off = (n + 1) * self.ssize
        if n >= _DIFSECT or off >= len(self.data):
            raise ValueError(f"sector {n:#x} out of range")
        return self.data[off:off + self.ssize]

    @staticmethod
    def chain(first: int, table: list[int]) -> Iterable[int]:
        seen = 0
        n = first
        while n != _ENDOFCHAIN:
            if n >= len(table) or seen > len(table):
                raise ValueError("broken sector chain")
            yield n
            n = table[n]
            seen += 1

    def read(self, first: int) -> bytes:
        return b"".join(self.sector(n) for n in self.chain(first, self.fat))

    def entry(self, i: int) -> tuple[str, int, int, int, int, int, int]:
        blob = self.raw[i]
        (name_len,) = struct.unpack_from("<H", blob, 64)
        name = blob[:max(name_len - 2, 0)].decode("utf-16-le")
        kind, _color, left, right, child = struct.unpack_from("<BBIII", blob, 66)
        start, size = struct.unpack_from("<IQ", blob, 116)
        if self.ssize == _SECTOR:
            size &= 0xFFFFFFFF
        return name, kind, left, right, child, start, size

    def streams(self) -> dict[str, bytes]:
        root = self.entry(0)
        self.ministream = self.read(root[5]) if root[5] != _ENDOFCHAIN else b""
        self.out: dict[str, bytes] = {}
        self.walk(root[4], "", 0)
        return self.out

    def stream(self, start: int, size: int) -> bytes:
        if size == 0:
            return b""
        if size < self.cutoff:
            msize = self.msize
            return b"".join(self.ministream[n * msize:(n + 1) * msize] for n in self.chain(start, self.minifat))
        return self.read(start)

    def walk(self, i: int, prefix: str, depth: int) -> None:
        if i == _NOSTREAM:
            return
        if depth > len(self.raw):
            raise ValueError("directory tree has a cycle")
        name, kind, left, right, child, start, size = self.entry(i)
        self.walk(left, prefix, depth + 1)
        self.walk(right, prefix, depth + 1)
        if kind == _STORAGE:
            self.walk(child, f"{prefix}{name}/", depth + 1)
        elif kind == _STREAM:
            blob = self.stream(start, size)
            if len(blob) < size:
                raise ValueError(f"stream {prefix}{name} is shorter than declared")
            self.out[prefix + name] = blob[:size]


def _dir_records(data: bytes) -> Iterable[tuple[int, bytes]]:
    pos = 0
    while pos + 6 <= len(data):
        rec_id, size = struct.unpack_from("<HI", data, pos)
        if rec_id == 0x0009:  # PROJECTVERSION: its "size" is a reserved 4, followed by 6 bytes
            size = 6
        yield rec_id, data[pos + 6:pos + 6 + size]
        pos += 6 + size
        if rec_id == 0x0010:
            return


def _codec(code_page: int) -> str:
    """The Python codec of a PROJECTCODEPAGE (10000 is Mac Roman, as Mac Office writes it)."""
    name = "mac_roman" if code_page == 10000 else f"cp{code_page}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ValueError(f"VBA project code page {code_page} is not supported") from None


@dataclass
class _ModuleRecord:
    name: str
    stream: str = ""
    offset: int = 0


def read_vba_modules(data: bytes) -> dict[str, str]:
    """Module name → source text (with its ``Attribute`` lines, CRLF as stored) of a ``vbaProject.bin``.

    Reads the ``dir`` stream for the code page, the module names, their stream names and source
    offsets, then decompresses each module's source.  Works on projects saved by Office too (where
    compiled code precedes the source, MODULEOFFSET > 0).  Modules come in ``dir`` order.
    """
    streams = {k.upper(): v for k, v in read_cfb(data).items()}
    if "VBA/DIR" not in streams:
        raise ValueError("no VBA/dir stream: not a VBA project")
    codec = "cp1252"
    records: list[_ModuleRecord] = []
    for rec_id, payload in _dir_records(decompress(streams["VBA/DIR"])):
        if rec_id == 0x0003:  # PROJECTCODEPAGE (comes before the modules)
            codec = _codec(struct.unpack("<H", payload)[0])
        elif rec_id == 0x0019:  # MODULENAME starts a module
            records.append(_ModuleRecord(payload.decode(codec)))
        elif records and rec_id == 0x0047:  # MODULENAMEUNICODE
            records[-1].name = payload.decode("utf-16-le")
        elif records and rec_id == 0x001A:  # MODULESTREAMNAME
            records[-1].stream = payload.decode(codec)
        elif records and rec_id == 0x0032:  # its Unicode form
            records[-1].stream = payload.decode("utf-16-le")
        elif records and rec_id == 0x0031:  # MODULEOFFSET
            records[-1].offset = struct.unpack("<I", payload)[0]
    out: dict[str, str] = {}
    for rec in records:
        stream = rec.stream or rec.name
        blob = streams.get(f"VBA/{stream}".upper())
        if blob is None:
            raise ValueError(f"module {rec.name}: stream VBA/{stream} is missing")
        out[rec.name] = decompress(blob[rec.offset:]).decode(codec)
    return out
