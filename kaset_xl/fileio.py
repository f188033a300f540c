"""Writing outputs safely: a temporary file in the same folder, renamed into place when whole."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kaset_xl.issues import KasetError

__all__ = ["atomic_output", "check_output", "check_replaceable", "read_small_file", "real_target", "same_file",
           "scratch_folder", "write_failure", "SMALL_FILE_LIMIT"]

SMALL_FILE_LIMIT = 1_000_000  # bytes: a criteria or tokens file is a few kilobytes


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError as exc:  # e.g. a name longer than the file system allows (Thai: 3 bytes a letter)
        raise KasetError("OUTPUT_UNWRITABLE", file=str(path), reason=exc.strerror or str(exc)) from None


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same existing file (links and spellings included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: str | os.PathLike[str], *, inputs: tuple[str | os.PathLike[str], ...] = (),
                 overwrite: bool = False) -> Path:
    """Refuse an output that is one of the ``inputs`` (OUTPUT_IS_INPUT: an input is never overwritten,
    ``--force`` or not), that exists unless ``overwrite`` (OUTPUT_EXISTS), or whose name the system
    cannot take (OUTPUT_UNWRITABLE).  Call it before any work."""
    target = Path(path)
    if _exists(target):
        if any(same_file(target, src) for src in inputs):
            raise KasetError("OUTPUT_IS_INPUT", file=str(path))
        if not overwrite:
            raise KasetError("OUTPUT_EXISTS", file=str(path))
    return target


def write_failure(exc: BaseException) -> OSError | None:
    """The operating-system error behind ``exc`` (a full disk, a file too large, a device gone…), if any:
    libraries wrap it (XlsxWriter's FileCreateError holds it as its argument or its context)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, OSError):
            return e
        todo += [a for a in e.args if isinstance(a, BaseException)]
        todo += [c for c in (e.__cause__, e.__context__) if c is not None]
    return None


def _reason(err: OSError) -> str:
    name = errno.errorcode.get(err.errno or 0)
    text = err.strerror or str(err)
    return f"{text} [{name}]" if name else text


_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _quiet_cleanup_failures() -> None:
    """After a write failure is reported, a library's half-written file objects fail once more when they
    are collected (openpyxl's sheet writers flush into the full disk): Python would print each as an
    "Exception ignored …" traceback.  Those repeats of the reported failure are silenced; anything else
    still reaches the previous hook."""
    previous = sys.unraisablehook
    if getattr(previous, "kaset_quiet", False):
        return

    def hook(args: Any) -> None:
        exc = args.exc_value
        if isinstance(exc, OSError) and exc.errno in _FULL:
            return
        previous(args)

    hook.kaset_quiet = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


def read_small_file(path: str | os.PathLike[str], *, limit: int = SMALL_FILE_LIMIT) -> bytes:
    """The bytes of a small input file an officer names (criteria, tokens): FILE_NOT_FOUND when there is none,
    FILE_UNREADABLE when it cannot be read, is not a regular file (a FIFO or a device would block or never end:
    it is opened without waiting and refused) or is larger than ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise KasetError("FILE_NOT_FOUND", file=str(path)) from None
    except OSError as exc:
        raise KasetError("FILE_UNREADABLE", file=str(path), reason=_reason(exc)) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
        os.close(fd)
        reason = "not a regular file" if not stat.S_ISREG(st.st_mode) else f"larger than {limit:,} bytes"
        raise KasetError("FILE_UNREADABLE", file=str(path), reason=reason)
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise KasetError("FILE_UNREADABLE", file=str(path), reason=_reason(exc)) from None
    if len(data) > limit:  # grew while read
        raise KasetError("FILE_UNREADABLE", file=str(path), reason=f"larger than {limit:,} bytes")
    return data


def real_target(path: str | os.PathLike[str]) -> Path:
    """Where writing ``path`` must land: the file a symbolic link points to (the link stays a link)."""
    target = Path(path)
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def check_replaceable(path: str | os.PathLike[str]) -> os.stat_result | None:
    """The status of the existing file at ``path`` (None: there is none), refusing one that is read-only.

    The mode bits themselves are checked, not only ``os.access``: as administrator (root) every file is
    writable, yet a file an officer made read-only must never be replaced (OUTPUT_READ_ONLY)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KasetError("OUTPUT_UNWRITABLE", file=str(path), reason=exc.strerror or str(exc)) from None
    if stat.S_ISREG(st.st_mode) and (not st.st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise KasetError("OUTPUT_READ_ONLY", file=str(path))
    return st


def _keep_mode(tmp: Path, old: os.stat_result | None) -> None:
    """The output gets the replaced file's permission bits (and owner, where allowed), a new one the usual."""
    if old is None:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an output is an ordinary file
        return
    if hasattr(os, "chown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(tmp, old.st_uid, old.st_gid)
        except OSError:  # not allowed (not the administrator): the file becomes the writer's
            pass
    os.chmod(tmp, stat.S_IMODE(old.st_mode))


@contextmanager
def scratch_folder(prefix: str = "kaset-") -> Iterator[Path]:
    """A private temporary folder for a library's scratch files (XlsxWriter's parts, LibreOffice's
    profile and temporary files), removed whatever happens — a full disk included."""
    try:
        name = tempfile.mkdtemp(prefix=prefix)
    except OSError as exc:
        raise KasetError("OUTPUT_WRITE_FAILED", file=tempfile.gettempdir(), reason=_reason(exc)) from None
    try:
        yield Path(name)
    finally:
        shutil.rmtree(name, ignore_errors=True)


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    If the body raises (or the process dies), ``path`` is untouched and the temporary file is removed
    (or, after a hard kill, left as a hidden ``.~kaset-*.tmp`` file that never looks like an output).
    A failure to write (a full disk, a file too large for the device) is OUTPUT_WRITE_FAILED.
    Replacing a file keeps its permission bits; a read-only file is refused (OUTPUT_READ_ONLY); a
    symbolic link is followed (its target is replaced, the link stays).
    """
    shown = str(path)
    target = real_target(path)
    if _exists(target) and not overwrite:
        raise KasetError("OUTPUT_EXISTS", file=shown)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise KasetError("OUTPUT_UNWRITABLE", file=shown, reason="folder does not exist")
    old = check_replaceable(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~kaset-", suffix=".tmp", dir=folder)
    except OSError as exc:
        code = "OUTPUT_WRITE_FAILED" if exc.errno in _FULL else "OUTPUT_UNWRITABLE"
        raise KasetError(code, file=shown, reason=_reason(exc)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _keep_mode(tmp, old)
        try:
            yield tmp
        except KasetError:
            raise
        except Exception as exc:  # noqa: BLE001 - a write failure, however a library wraps it, is a message
            err = write_failure(exc)
            if err is None:
                raise
            _quiet_cleanup_failures()
            raise KasetError("OUTPUT_WRITE_FAILED", file=shown, reason=_reason(err)) from None
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise KasetError("OUTPUT_UNWRITABLE", file=shown, reason=exc.strerror or str(exc)) from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
