"""Crash-safe writing: every file atomic, every output folder swapped in whole.

Two promises, kept here and nowhere else:

* **A file that exists is complete.** :func:`replace_into` writes to a hidden
  temporary file in the target's own folder, flushes it to disk (``fsync``),
  renames it over the target (``os.replace``, atomic on POSIX) and syncs the
  folder. A kill at any moment leaves the old file or the new one, at worst
  a temporary file that :func:`remove_temporaries` (or the next run) removes.
  Ctrl-C (``KeyboardInterrupt``) removes it at once.
* **A folder holds one run.** :func:`staged_folder` gives a hidden sibling
  folder to write into; when the block ends without error the new folder
  replaces the old one in one atomic step (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``; a plain rename when there was no old folder). A kill
  before that step leaves the old folder untouched (and a hidden sibling the
  next run removes); a kill after it leaves the new one. Where the exchange
  is not possible (another OS, a mount point, a parent folder one may not
  write, the working folder itself) the files are moved into the folder
  under a :data:`INCOMPLETE` marker, removed only once the last file is in
  place: the folder then holds the old output, the new output, or says that
  it is incomplete.

Entries of the old folder that the writer does not own (a user's notes) are
carried into the new folder (hard links, so nothing is copied or lost).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from collsec.errors import CollsecError
from collsec.i18n import _

TEMP_SUFFIX = ".collsec-tmp"
"""Ends the name of every temporary file or folder written here."""

INCOMPLETE = ".collsec-incomplete"
"""A file in an output folder whose files are being replaced: the folder is not one run yet."""

_STAGE = ".collsec-stage-"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse it
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temporary_name(path: Path) -> Path:
    """A hidden, unique temporary path beside ``path`` (same folder, same file system)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")


def replace_into(path: Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` and atomically rename ``tmp`` to ``path`` (after fsync).

    Parameters
    ----------
    path
        The file to create or replace; its folder is created if missing.
    write
        Writes the complete file to the path it is given.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        write(tmp)
        _fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException:  # also KeyboardInterrupt: leave no temporary file behind
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return replace_into(path, lambda tmp: tmp.write_bytes(data))


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))


def save_figure(fig: Any, path: Path, **kwargs: Any) -> Path:
    """Save a Matplotlib figure atomically (the format taken from ``path``'s suffix)."""
    fmt = kwargs.pop("format", None) or Path(path).suffix.lstrip(".") or "png"
    return replace_into(path, lambda tmp: fig.savefig(tmp, format=fmt, **kwargs))


def check_writable(folder: Path) -> None:
    """Refuse a folder that cannot be written, before any work is done.

    Creates and removes a temporary file in the folder, or in its nearest
    existing parent when it does not exist yet (nothing is left behind): only
    an actual write tells a read-only disk, a path under a file, or a folder
    without permission.

    Raises
    ------
    CollsecError
        If no file can be written there.
    """
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        if not probe.is_dir():
            raise NotADirectoryError(20, _("{path} is not a folder").format(path=probe))
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as err:
        raise CollsecError(
            _("cannot write the results here: {reason}").format(reason=err.strerror or err),
            source=str(folder),
        ) from None


def remove_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed writer left in ``folder``; return them."""
    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    for p in Path(folder).iterdir():
        if p.name.startswith(".") and p.name.endswith(TEMP_SUFFIX) and p.is_file():
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


# --------------------------------------------------------------------------- folders


def _exchange_function() -> Callable[[Path, Path], bool] | None:
    """``renameat2(..., RENAME_EXCHANGE)`` of the C library, or None where it is missing."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2

    def exchange(a: Path, b: Path) -> bool:
        rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
        if rc == 0:
            return True
        err = ctypes.get_errno()
        if err in (errno.ENOSYS, errno.EINVAL, errno.EXDEV, errno.EBUSY, errno.EPERM):
            return False  # not supported here: the caller falls back
        raise OSError(err, os.strerror(err), str(a))

    return exchange


_EXCHANGE = _exchange_function() if os.name == "posix" else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's process
        return True
    return True


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def clean_leftovers(final: Path) -> list[Path]:
    """Remove the hidden siblings and temporaries that killed writers of ``final`` left.

    A sibling of a process still running (another writer) is kept.
    """
    final = Path(final)
    removed: list[Path] = []
    places = [(final.parent, f".{final.name}{_STAGE}"), (final, _STAGE)]
    for folder, prefix in places:
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if not (p.name.startswith(prefix) and p.name.endswith(TEMP_SUFFIX)):
                continue
            pid = p.name[len(prefix) :].split("-", 1)[0]
            if pid.isdigit() and _pid_alive(int(pid)) and int(pid) != os.getpid():
                continue
            _remove_tree(p)
            removed.append(p)
    removed.extend(remove_temporaries(final))
    return removed


def _carry_over(old: Path, new: Path, owned: set[str]) -> None:
    """Hard-link the entries of ``old`` that the writer does not own into ``new``."""
    for p in old.iterdir():
        if p.name in owned or p.name == INCOMPLETE or (new / p.name).exists():
            continue
        if p.name.endswith(TEMP_SUFFIX):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.copytree(p, new / p.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(p, new / p.name)


def _link_or_copy(src: Any, dst: Any) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _move_in_place(stage: Path, final: Path, owned: set[str]) -> None:
    """The fallback commit: mark ``final`` incomplete, move the new files in, unmark."""
    final.mkdir(parents=True, exist_ok=True)
    write_text(final / INCOMPLETE, "collsec is replacing the files of this folder\n")
    written = {p.name for p in stage.iterdir()}
    for name in sorted(owned - written):
        stale = final / name
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
    for p in sorted(stage.iterdir()):
        target = final / p.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        try:
            os.replace(p, target)
        except OSError as err:
            if err.errno != errno.EXDEV:
                raise
            shutil.move(str(p), str(target))
    _fsync_dir(final)
    (final / INCOMPLETE).unlink()
    _fsync_dir(final)


@contextlib.contextmanager
def staged_folder(final: Path, owned: Iterable[str] = ()) -> Iterator[Path]:
    """Write a whole output folder elsewhere, then swap it in at once.

    Parameters
    ----------
    final
        The output folder (may exist; the caller has checked it may be replaced).
    owned
        Names the writer owns: in the fallback they are removed from ``final``
        when the new output lacks them. Other entries of an existing ``final``
        are kept in the new folder.

    Yields
    ------
    pathlib.Path
        The empty folder to write into. On an exception (Ctrl-C included) it is
        removed and ``final`` is left as it was.
    """
    final = Path(final).absolute()
    owned_names = set(owned)
    clean_leftovers(final)
    tag = f"{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"
    stage = final.parent / f".{final.name}{_STAGE}{tag}"
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        stage.mkdir()
    except PermissionError:
        if not final.is_dir():
            raise
        stage = final / f"{_STAGE}{tag}"  # the parent is read-only: stage inside
        stage.mkdir()
    try:
        yield stage
        for p in stage.rglob("*"):
            if p.is_file() and not p.is_symlink():
                _fsync_file(p)
        _fsync_dir(stage)
        _commit(stage, final, owned_names)
    finally:
        if stage.exists():
            _remove_tree(stage)


def _holds_cwd(folder: Path) -> bool:
    """``folder`` is the working folder or holds it (swapping it would pull it from under us)."""
    try:
        cwd = Path.cwd().resolve()
    except OSError:  # pragma: no cover - the working folder was removed
        return False
    here = folder.resolve()
    return cwd == here or here in cwd.parents


def _commit(stage: Path, final: Path, owned: set[str]) -> None:
    inside = stage.parent == final
    if not inside and not final.exists():
        os.rename(stage, final)
        _fsync_dir(final.parent)
        return
    if not inside and final.is_dir() and not final.is_symlink() and not _holds_cwd(final):
        _carry_over(final, stage, owned)
        if _EXCHANGE is not None and _EXCHANGE(stage, final):
            # ``stage`` now names the old folder; the ``finally`` above removes it.
            _fsync_dir(final.parent)
            return
    _move_in_place(stage, final, owned)
