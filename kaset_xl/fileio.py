"""Writing outputs safely: a temporary file in the same folder, renamed into place when whole."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kaset_xl.issues import KasetError

__all__ = ["atomic_output", "check_output", "same_file"]


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


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    If the body raises (or the process dies), ``path`` is untouched and the temporary file is removed
    (or, after a hard kill, left as a hidden ``.~kaset-*.tmp`` file that never looks like an output).
    """
    target = Path(path)
    if _exists(target) and not overwrite:
        raise KasetError("OUTPUT_EXISTS", file=str(path))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise KasetError("OUTPUT_UNWRITABLE", file=str(path), reason="folder does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~kaset-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise KasetError("OUTPUT_UNWRITABLE", file=str(path), reason=exc.strerror or str(exc)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an output is an ordinary file
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise KasetError("OUTPUT_UNWRITABLE", file=str(path), reason=exc.strerror or str(exc)) from None
    finally:
        if tmp.exists():
            tmp.unlink()
