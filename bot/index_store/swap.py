"""The build lock and the atomic swap: a reader never sees a half-written index.

A build writes into a temporary sibling folder ``.<name>.tmp-<pid>``, fsyncs it, then renames the old
index away (``.<name>.old-<pid>``) and the new one into place, all under an exclusive lock on
``.<name>.lock`` beside the index.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from bot.errors import IndexBusyError


@contextlib.contextmanager
def build_lock(index: Path, wait: bool = True) -> Iterator[None]:
    index.parent.mkdir(parents=True, exist_ok=True)
    lock_path = index.parent / f".{index.name}.lock"
    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise IndexBusyError(f"{index}: another build is running (lock {lock_path})") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def temp_dir(index: Path) -> Path:
    """A fresh, empty temporary folder beside ``index`` for this process's build."""
    tmp = index.parent / f".{index.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def replace_dir(tmp: Path, index: Path) -> None:
    old = index.parent / f".{index.name}.old-{os.getpid()}"
    if index.exists():
        os.rename(index, old)
    os.rename(tmp, index)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def fsync_dir(path: Path) -> None:
    for f in path.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())


def commit(tmp: Path, index: Path) -> None:
    """Make the complete folder ``tmp`` the index: flushed to disk first, then swapped in."""
    fsync_dir(tmp)
    replace_dir(tmp, index)


def clean_leftovers(index: Path) -> None:
    """Remove temporary folders of builds that were killed: they are never mistaken for an index.

    A build running in another process holds the lock and owns its temporary folder: nothing is
    touched then.
    """
    try:
        with build_lock(index, wait=False):
            clean_leftovers_locked(index)
    except (IndexBusyError, OSError):  # busy, or a read-only folder: nothing to clean up now
        pass


def clean_leftovers_locked(index: Path) -> None:
    """Under the build lock."""
    for p in index.parent.glob(f".{index.name}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in index.parent.glob(f".{index.name}.old-*"):
        if index.exists():
            shutil.rmtree(p, ignore_errors=True)
        else:  # killed between the two renames: the old index is the latest complete one
            os.rename(p, index)
