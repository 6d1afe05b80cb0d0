"""Interrupted and concurrent builds: a killed build never costs the previous index.

A child process (``CHILD`` below) rebuilds the index of a changed corpus with a slow fake embedder and
prints a marker at each stage. The test SIGKILLs it either at a named stage (the child pauses there, so
the point is exact) or at seeded pseudo-random times. Afterwards the previous index must still load
and answer, no temporary folder may be taken for the index, and the next build must complete.
"""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FakeEmbedder

import bot
from bot.chunking import Chunker
from bot.errors import IndexBusyError, IndexStateError
from bot.index_store import build_index, build_lock, load_index

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
STEP_SECONDS = 0.04  # the child's embedder sleeps this long per text
WAIT_SECONDS = 60  # never reached unless something hangs

CHILD = r"""
import os, sys, time
from pathlib import Path

corpus, index, step, pause_at = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
from conftest import FakeEmbedder
import bot.index_store as store
from bot.chunking import Chunker

def mark(name):
    print(name, flush=True)
    if name == pause_at:
        time.sleep(600)  # the test kills us here
    if pause_at == "linger-" + name:
        time.sleep(2.0)  # stay a while, then go on: a window the test can rely on, whatever the load

class SlowEmbedder(FakeEmbedder):
    def encode(self, texts, progress=False):
        mark("encode-chunks" if self.calls == 0 else "encode-sentences")
        for _ in texts:
            time.sleep(step)
        return super().encode(texts, progress)

import bot.index_store.swap as swap
fsync = swap.fsync_dir
def fsync_then_mark(path):
    fsync(path)
    mark("written")  # the temporary folder is complete, manifest included
swap.fsync_dir = fsync_then_mark

rename = os.rename
def rename_then_mark(src, dst):
    rename(src, dst)
    if ".old-" in str(dst):
        mark("old-moved-away")  # between the two renames: no folder at the index path
os.rename = rename_then_mark

mark("start")
report = store.build_index(corpus, index, SlowEmbedder(), Chunker(), progress=False)
print("done", report.rebuilt, flush=True)
"""

STAGES = ["encode-chunks", "encode-sentences", "written", "old-moved-away"]


# ---------------------------------------------------------------------------------------------- helpers


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """(old corpus, new corpus, index of the old corpus, child script)."""
    old = tmp_path / "old"
    shutil.copytree(FIXTURES / "corpus", old)
    new = tmp_path / "new"
    shutil.copytree(FIXTURES / "corpus", new)
    (new / "zeta.md").write_text(
        "---\ntitle: Zetamab\n---\n"
        + " ".join(f"Zetamab finding number {i} was reported." for i in range(12)),
        encoding="utf-8",
    )
    index = tmp_path / "index"
    bot.load(corpus=old, index=index, embedder=FakeEmbedder())
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    return old, new, index, script


def spawn(script: Path, corpus: Path, index: Path, pause_at: str = "") -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(ROOT)]), HF_HUB_OFFLINE="1")
    return subprocess.Popen(
        [sys.executable, str(script), str(corpus), str(index), str(STEP_SECONDS), pause_at],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


_LINES: dict[int, queue.Queue] = {}


def _pump(proc: subprocess.Popen) -> queue.Queue:
    """A queue of the child's stdout lines, filled by a thread (None at EOF): no buffering surprises."""
    if proc.pid not in _LINES:
        q: queue.Queue = queue.Queue()
        _LINES[proc.pid] = q

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                q.put(line.strip())
            q.put(None)

        threading.Thread(target=pump, daemon=True).start()
    return _LINES[proc.pid]


def read_until(proc: subprocess.Popen, marker: str) -> list[str]:
    """The child's lines up to and including ``marker``; fails if it exits or hangs first."""
    lines_q = _pump(proc)
    lines: list[str] = []
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            line = lines_q.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        lines.append(line)
        if line.startswith(marker):
            return lines
    err = proc.stderr.read() if proc.stderr and proc.poll() is not None else ""
    raise AssertionError(f"child never printed {marker!r}: {lines} {err[-2000:]}")


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=WAIT_SECONDS)
    if proc.stderr:
        proc.stderr.close()


def kill_at(script: Path, corpus: Path, index: Path, stage: str) -> None:
    """Start a build, let it reach ``stage``, and SIGKILL it there."""
    proc = spawn(script, corpus, index, pause_at=stage)
    try:
        read_until(proc, stage)
    finally:
        kill(proc)


def leftovers(index: Path) -> list[str]:
    return sorted(p.name for p in index.parent.glob(f".{index.name}.*") if not p.name.endswith(".lock"))


def swapped(index: Path) -> bool:
    """Whether the killed build got as far as putting the new index in place."""
    from bot.index_store import clean_leftovers

    clean_leftovers(index)  # what any load does first (restores the old index if killed mid-swap)
    return "zeta" in json.loads((index / "manifest.json").read_text())["documents"]


def assert_previous_index_answers(old: Path, index: Path) -> None:
    engine = bot.load(corpus=old, index=index, embedder=FakeEmbedder(), rebuild=False)
    assert set(engine.data.doc_pos) == {
        "drugs",
        "extra-1",
        "extra-2",
    }  # the previous build, not a partial one
    answer = engine.session().ask("What are the side effects of betacel?")
    assert not answer.abstained and "hepatotoxicity" in answer.answer
    assert leftovers(index) == [], "the load cleans up what the killed build left"


def assert_next_build_completes(new: Path, index: Path) -> None:
    engine = bot.load(corpus=new, index=index, embedder=FakeEmbedder(), rebuild=True)
    assert engine.build_report is not None and engine.build_report.rebuilt
    assert "zeta" in engine.data.doc_pos
    answer = engine.session().ask("What is zetamab?")
    assert not answer.abstained and answer.citations[0].doc_id == "zeta"
    assert leftovers(index) == []


# ---------------------------------------------------------------------------------------------- kills


@pytest.mark.parametrize("stage", STAGES)
def test_build_killed_at_a_stage_keeps_the_previous_index(setup: tuple[Path, Path, Path, Path], stage: str):
    old, new, index, script = setup
    proc = spawn(script, new, index, pause_at=stage)
    try:
        read_until(proc, stage)
        if stage == "written":  # a complete temporary folder, manifest and all, exists right now
            tmp = [p for p in index.parent.glob(".index.tmp-*")]
            assert len(tmp) == 1 and (tmp[0] / "manifest.json").exists()
        if stage == "old-moved-away":
            assert not index.exists() and list(index.parent.glob(".index.old-*"))
    finally:
        kill(proc)
    assert proc.returncode == -signal.SIGKILL
    assert_previous_index_answers(old, index)
    assert_next_build_completes(new, index)


def test_build_killed_at_random_times(setup: tuple[Path, Path, Path, Path]):
    old, new, index, script = setup
    rng = random.Random(20240115)  # seeded: the same offsets on every run
    for offset in sorted(rng.uniform(0.0, 1.2) for _ in range(3)):
        proc = spawn(script, new, index)
        try:
            read_until(proc, "start")
            time.sleep(offset)
        finally:
            kill(proc)
        if swapped(index):  # killed after the new index was in place (or it finished): the new one is whole
            engine = bot.load(corpus=new, index=index, embedder=FakeEmbedder(), rebuild=False)
            assert "zeta" in engine.data.doc_pos and leftovers(index) == []
            shutil.rmtree(index)
            bot.load(corpus=old, index=index, embedder=FakeEmbedder())
            continue
        assert_previous_index_answers(old, index)
    assert_next_build_completes(new, index)


def test_killed_build_leftovers_are_never_loaded_as_the_index(setup: tuple[Path, Path, Path, Path]):
    old, new, index, script = setup
    kill_at(script, new, index, "written")
    (tmp,) = index.parent.glob(".index.tmp-*")
    shutil.rmtree(index)  # no index at all now, only the complete-looking temporary folder
    with pytest.raises(IndexStateError, match="no index here yet"):
        bot.load(corpus=new, index=index, embedder=FakeEmbedder(), rebuild=False)
    assert not tmp.exists()
    assert_next_build_completes(new, index)


# ---------------------------------------------------------------------------------------------- two at once


def test_two_builds_at_once_do_not_corrupt_each_other(setup: tuple[Path, Path, Path, Path]):
    old, new, index, script = setup
    first = spawn(script, new, index)
    read_until(first, "encode-chunks")  # the first holds the lock now
    os.kill(first.pid, signal.SIGSTOP)  # and keeps it until the second is surely waiting for it
    second = spawn(script, new, index)
    try:
        read_until(second, "start")
        time.sleep(0.3)
        with pytest.raises(IndexBusyError), build_lock(index, wait=False):
            pass
        os.kill(first.pid, signal.SIGCONT)
        out_first = read_until(first, "done")
        out_second = read_until(second, "done")
    finally:
        os.kill(first.pid, signal.SIGCONT) if first.poll() is None else None
        kill(first)
        kill(second)
    assert out_first[-1] == "done True"
    # The second waited for the lock, then found the index up to date: it embedded nothing.
    assert out_second == ["done False"]
    engine = bot.load(corpus=new, index=index, embedder=FakeEmbedder(), rebuild=False)
    assert "zeta" in engine.data.doc_pos and not engine.session().ask("What is zetamab?").abstained
    assert leftovers(index) == []


def test_busy_lock_without_waiting_raises(setup: tuple[Path, Path, Path, Path]):
    old, new, index, script = setup
    proc = spawn(script, new, index, pause_at="encode-sentences")
    try:
        read_until(proc, "encode-sentences")
        with pytest.raises(IndexBusyError, match="another build is running"), build_lock(index, wait=False):
            pass
    finally:
        kill(proc)
    with build_lock(index, wait=False):  # a killed holder's lock is released with its process
        pass


def test_reader_never_deletes_a_running_build(setup: tuple[Path, Path, Path, Path]):
    """Loading while another process builds: the reader gets the previous index; the build still completes."""
    old, new, index, script = setup
    proc = spawn(script, new, index, pause_at="linger-written")
    try:
        read_until(proc, "encode-chunks")
        tmp_seen = False
        while proc.poll() is None:  # keep loading throughout the build, through its temporary folder
            tmp_seen = tmp_seen or bool(list(index.parent.glob(".index.tmp-*")))
            try:
                engine = bot.load(corpus=old, index=index, embedder=FakeEmbedder(), rebuild=False)
                assert set(engine.data.doc_pos) == {"drugs", "extra-1", "extra-2"}
            except IndexStateError:  # replaced by now (stale for the old corpus), or caught mid-swap
                pass
            time.sleep(0.02)
        lines = read_until(proc, "done")
    finally:
        kill(proc)
    assert tmp_seen, "the loads overlapped the build's temporary folder"
    assert proc.returncode == 0 and lines[-1] == "done True", lines
    assert load_index(index).manifest["counts"]["documents"] == 4


def test_build_in_process_after_a_killed_one_reuses_nothing_broken(setup: tuple[Path, Path, Path, Path]):
    old, new, index, script = setup
    kill_at(script, new, index, "written")
    report = build_index(new, index, FakeEmbedder(), Chunker(), progress=False)
    assert report.rebuilt and report.documents == 4 and leftovers(index) == []
    data = load_index(index)
    assert data.dense.ntotal == len(data.chunks)
    assert json.loads((index / "manifest.json").read_text())["counts"]["documents"] == 4
