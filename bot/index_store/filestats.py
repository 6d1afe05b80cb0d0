"""The file-stat fast path: an unchanged corpus is not read and hashed again on every load.

Reading and hashing every document is most of a cold start on a large corpus (MedQuAD: ~1.2 s of
2.4 s). A build records each document file's size and modification time (``corpus_files`` in the
manifest); a load whose files all still match skips reading the corpus. Any difference (a file
added, removed, touched or resized, another corpus folder) falls back to reading and hashing
every document, which still decides whether to rebuild.

The same rule as git's "racy" index entries: a file modified within ``SLACK_NS`` of the moment its
stat was taken could be edited again without its modification time moving, so such a snapshot is
never trusted. PDFs and web pages never take the fast path: their text also depends on the
extractor's version, which only reading them reveals.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from bot.errors import CorpusError, IndexBusyError
from bot.index_store.swap import build_lock

# Raise when bot/corpus.py reads the same file into different documents: recorded stats then no longer vouch for them.
READER_VERSION = 1
SLACK_NS = 2_000_000_000
FAST_SUFFIXES = {".md", ".markdown", ".txt", ".jsonl"}


def snapshot(corpus: Path) -> dict[str, Any] | None:
    """Size and modification time of each document file of ``corpus``; None when it has a PDF or web page
    (or cannot be listed)."""
    from bot.corpus import document_files

    try:
        taken = time.time_ns()  # before the stats: the conservative end of the race
        files = document_files(corpus)
        if any(p.suffix.lower() not in FAST_SUFFIXES for p in files):
            return None
        root = corpus if corpus.is_dir() else corpus.parent
        stats = {p.relative_to(root).as_posix(): _stat(p) for p in files}
        return {"reader": READER_VERSION, "root": str(corpus.resolve()), "taken_ns": taken, "files": stats}
    except (CorpusError, OSError, ValueError):
        return None


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def unchanged(corpus: Path, recorded: Any) -> bool:
    """Whether ``corpus`` is, file for file, what the ``recorded`` snapshot describes, and that snapshot is
    old enough to be trusted."""
    if not isinstance(recorded, dict) or recorded.get("reader") != READER_VERSION:
        return False
    taken = recorded.get("taken_ns")
    files = recorded.get("files")
    if not isinstance(taken, int) or not isinstance(files, dict) or not files:
        return False
    current = snapshot(corpus)
    if current is None or current["root"] != recorded.get("root") or current["files"] != files:
        return False
    return trusted(recorded)


def trusted(snap: dict[str, Any]) -> bool:
    """Every file was last modified well before its stat was taken."""
    return all(mtime < snap["taken_ns"] - SLACK_NS for _, mtime in snap["files"].values())


def record(index: Path, manifest: dict[str, Any], snap: dict[str, Any], problems: list[str]) -> None:
    """Store ``snap`` in the manifest of an index that a full read of the corpus has just found current
    (built before snapshots were recorded, or its files touched without a change): the next load takes
    the fast path. Best effort: a busy or read-only index stays as it is."""
    path = index / "manifest.json"
    try:
        with build_lock(index, wait=False):
            on_disk = json.loads(path.read_text(encoding="utf-8"))
            if on_disk.get("built_at") != manifest.get("built_at") or on_disk.get("corpus_hash") != manifest.get(
                "corpus_hash"
            ):
                return  # rebuilt meanwhile
            on_disk.update(corpus_files=snap, problems=problems)
            # Written beside the index in a folder clean_leftovers removes if this process dies here.
            tmp = index.parent / f".{index.name}.tmp-{os.getpid()}-manifest"
            tmp.mkdir(exist_ok=True)
            try:
                (tmp / "manifest.json").write_text(json.dumps(on_disk, indent=1), encoding="utf-8")
                os.replace(tmp / "manifest.json", path)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except (OSError, ValueError, IndexBusyError):
        return
    manifest.update(corpus_files=snap, problems=problems)
