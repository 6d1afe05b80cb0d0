"""Broken files: a damaged index is named at load and rebuilt; a broken corpus file costs only itself.

Each index breakage is applied to a copy of one good index (built once per module with the fake
embedder). ``bot.load(..., rebuild=False)`` must raise IndexStateError whose message names the broken
file; ``bot.load(..., rebuild=True)`` must rebuild and answer again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeEmbedder

import bot
from bot.corpus import load_corpus
from bot.errors import CorpusError, IndexStateError
from bot.index_store import build_index, load_index

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def good_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("good")
    corpus = base / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    bot.load(corpus=corpus, index=base / "index", embedder=FakeEmbedder())
    return corpus, base / "index"


@pytest.fixture
def copy(good_index: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    corpus, index = good_index
    shutil.copytree(index, tmp_path / "index")
    return corpus, tmp_path / "index"


# ---------------------------------------------------------------------------------------------- breakages


def truncate(name: str, keep: float | int = 0.5) -> Callable[[Path], None]:
    def apply(index: Path) -> None:
        data = (index / name).read_bytes()
        (index / name).write_bytes(data[: int(len(data) * keep) if isinstance(keep, float) else keep])

    return apply


def corrupt(name: str) -> Callable[[Path], None]:
    def apply(index: Path) -> None:
        data = bytearray((index / name).read_bytes())
        for i in range(0, len(data), 5):
            data[i] ^= 0xA5
        (index / name).write_bytes(bytes(data))

    return apply


def remove(name: str) -> Callable[[Path], None]:
    def apply(index: Path) -> None:
        path = index / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return apply


def edit_manifest(**changes: Any) -> Callable[[Path], None]:
    def apply(index: Path) -> None:
        manifest = json.loads((index / "manifest.json").read_text())
        manifest.update(changes)
        (index / "manifest.json").write_text(json.dumps(manifest))

    return apply


BM25_FILES = [
    "params.index.json",
    "vocab.index.json",
    "data.csc.index.npy",
    "indices.csc.index.npy",
    "indptr.csc.index.npy",
]

# (case id, breakage, the file the message must name, words the message must contain)
BREAKAGES: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("dense.faiss truncated to half", truncate("dense.faiss"), "dense.faiss", "damaged"),
    ("dense.faiss truncated to 10 bytes", truncate("dense.faiss", 10), "dense.faiss", "damaged"),
    ("dense.faiss empty", truncate("dense.faiss", 0), "dense.faiss", "damaged"),
    ("dense.faiss corrupted", corrupt("dense.faiss"), "dense.faiss", "damaged"),
    ("dense.faiss missing", remove("dense.faiss"), "dense.faiss", "missing"),
    ("bm25 folder missing", remove("bm25"), "bm25/params.index.json", "missing"),
    *[(f"bm25/{f} missing", remove(f"bm25/{f}"), f"bm25/{f}", "missing") for f in BM25_FILES],
    *[(f"bm25/{f} truncated", truncate(f"bm25/{f}"), f"bm25/{f}", "damaged") for f in BM25_FILES],
    ("sentence_vectors.npy missing", remove("sentence_vectors.npy"), "sentence_vectors.npy", "missing"),
    ("sentence_vectors.npy truncated", truncate("sentence_vectors.npy"), "sentence_vectors.npy", "damaged"),
    ("sentences.npy truncated", truncate("sentences.npy"), "sentences.npy", "damaged"),
    ("documents.jsonl truncated", truncate("documents.jsonl"), "documents.jsonl", "damaged"),
    ("vocab.json corrupted", corrupt("vocab.json"), "vocab.json", "damaged"),
    ("manifest.json truncated", truncate("manifest.json"), "manifest.json", "unreadable"),
    ("manifest.json missing", remove("manifest.json"), "manifest.json", "not an index folder"),
    (
        "manifest of another model",
        edit_manifest(model={"name": "other/model", "dim": 384}),
        "manifest.json",
        "built with model 'other/model'",
    ),
    (
        "manifest of another format version",
        edit_manifest(format_version=99),
        "manifest.json",
        "format version 99, expected 1",
    ),
    ("manifest of another program", edit_manifest(kind="something-else"), "manifest.json", "not a manifest"),
    (
        "manifest of another chunker",
        edit_manifest(chunker={"version": 0}),
        "manifest.json",
        "chunker settings",
    ),
]


@pytest.mark.parametrize(("case", "breakage", "named", "says"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_broken_index_is_named_at_load_and_rebuilt(
    copy: tuple[Path, Path], case: str, breakage: Callable[[Path], None], named: str, says: str
):
    corpus, index = copy
    breakage(index)
    with pytest.raises(IndexStateError) as err:
        bot.load(corpus=corpus, index=index, embedder=FakeEmbedder(), rebuild=False)
    message = str(err.value)
    assert message.startswith(str(index / named) + ":"), message  # the file comes first, then the reason
    assert says in message
    assert "\n" not in message and "Traceback" not in message and len(message) < 600
    engine = bot.load(corpus=corpus, index=index, embedder=FakeEmbedder(), rebuild=True)
    assert engine.build_report is not None and engine.build_report.rebuilt
    answer = engine.session().ask("What are the side effects of betacel?")
    assert not answer.abstained and "hepatotoxicity" in answer.answer
    load_index(index)  # and it loads cleanly afterwards


def test_build_index_repairs_a_damaged_index_that_looks_up_to_date(copy: tuple[Path, Path]):
    """The manifest matches the corpus, but a file behind it is broken: `bot index` rebuilds, not 'up to date'."""
    corpus, index = copy
    truncate("dense.faiss")(index)
    from bot.chunking import Chunker

    report = build_index(corpus, index, FakeEmbedder(), Chunker(), progress=False)
    assert report.rebuilt
    load_index(index)


def test_folder_that_is_not_ours_is_named_and_never_deleted(good_index: tuple[Path, Path], tmp_path: Path):
    corpus, _ = good_index
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes")
    (folder / "data.bin").write_bytes(os.urandom(256))
    (folder / "sub").mkdir()
    with pytest.raises(IndexStateError, match=r"mine/manifest\.json: missing; .* is not an index folder"):
        bot.load(corpus=corpus, index=folder, embedder=FakeEmbedder(), rebuild=False)
    # Rebuilding would replace the folder: refused, and every file is still there.
    with pytest.raises(
        IndexStateError, match=r"mine/manifest\.json: .*holds other files \(data\.bin, notes\.txt, sub\)"
    ):
        bot.load(corpus=corpus, index=folder, embedder=FakeEmbedder(), rebuild=True)
    assert sorted(p.name for p in folder.iterdir()) == ["data.bin", "notes.txt", "sub"]
    assert (folder / "notes.txt").read_text() == "my notes"


def test_the_corpus_given_as_the_index_folder_is_never_replaced(corpus_dir: Path):
    before = sorted(p.name for p in corpus_dir.iterdir())
    with pytest.raises(IndexStateError, match="not replacing it"):
        bot.load(corpus=corpus_dir, index=corpus_dir, embedder=FakeEmbedder())
    assert sorted(p.name for p in corpus_dir.iterdir()) == before


def test_empty_folder_and_our_folder_without_manifest_are_built(
    good_index: tuple[Path, Path], tmp_path: Path
):
    corpus, index = good_index
    (tmp_path / "empty").mkdir()
    assert bot.load(corpus=corpus, index=tmp_path / "empty", embedder=FakeEmbedder()).build_report.rebuilt
    shutil.copytree(index, tmp_path / "nomanifest")
    (tmp_path / "nomanifest" / "manifest.json").unlink()
    assert bot.load(
        corpus=corpus, index=tmp_path / "nomanifest", embedder=FakeEmbedder()
    ).build_report.rebuilt


# ---------------------------------------------------------------------------------------------- corpus


def broken_corpus(corpus: Path) -> dict[str, str]:
    """Add one broken file per kind of problem; return file name -> what its problem must say."""
    (corpus / "latin1.md").write_bytes("---\ntitle: x\n---\nFirst line.\nCaf\xe9 au lait.".encode("latin-1"))
    (corpus / "rows.jsonl").write_bytes(
        b'{"id": "r1", "text": "Deltazumab treats fixture disease."}\n'
        b'{"id": "r2", "text": \n'  # bad JSON
        b'{"id": "r3", "text": "Caf\xe9 is not UTF-8 here."}\n'  # one bad line in a good file
        b'{"id": "extra-1", "text": "A second document with the same id."}\n'
        b'{"id": "r5", "text": "   "}\n'
        b'["not", "an", "object"]\n'
        b'{"id": "r7", "title": "Line separator", "text": "Epsilon\xe2\x80\xa8cel is kept in one line."}\n'
    )
    (corpus / "empty.md").write_text("---\ntitle: Empty\n---\n\n", encoding="utf-8")
    (corpus / "blank.txt").write_text("   \n\n", encoding="utf-8")
    # Not broken: line and paragraph separators inside a document (JSON leaves them unescaped).
    (corpus / "seps.md").write_text(
        "---\nid: seps\n---\nZetamab\u2029is fine\x85here\u2028too.", encoding="utf-8"
    )
    (corpus / "dup.md").write_text("---\nid: drugs\n---\nAnother drugs document.", encoding="utf-8")
    return {
        "latin1.md, line 5: not UTF-8": "non-UTF-8 file",
        "rows.jsonl, line 2: bad JSON": "bad JSON line",
        "rows.jsonl, line 3: not UTF-8": "non-UTF-8 line",
        "rows.jsonl, line 4: duplicate document id 'extra-1'": "duplicate id (jsonl)",
        "rows.jsonl, line 5: empty or missing 'text'": "empty document (jsonl)",
        "rows.jsonl, line 6: expected a JSON object": "not an object",
        "empty.md: empty document": "empty document (md)",
        "blank.txt: empty document": "empty document (txt)",
        "dup.md: duplicate document id 'drugs'": "duplicate id (md)",
    }


def test_corpus_problems_name_file_and_line_and_the_rest_loads(corpus_dir: Path, tmp_path: Path):
    expected = broken_corpus(corpus_dir)
    engine = bot.load(corpus=corpus_dir, index=tmp_path / "index", embedder=FakeEmbedder())
    problems = engine.problems
    for text, kind in expected.items():
        assert sum(text in p for p in problems) == 1, f"{kind}: {text!r} not in {problems}"
    assert len(problems) == len(expected), problems
    ids = set(engine.data.doc_pos)
    assert ids == {"drugs", "extra-1", "extra-2", "r1", "r7", "seps"}
    assert engine.data.documents[engine.data.doc_pos["seps"]].text == "Zetamab\u2029is fine\x85here\u2028too."
    assert engine.data.documents[engine.data.doc_pos["r7"]].text == "Epsilon\u2028cel is kept in one line."
    answer = engine.session().ask("What does deltazumab treat?")
    assert not answer.abstained and answer.citations[0].doc_id == "r1"
    assert not engine.session().ask("What is betacel?").abstained
    with pytest.raises(CorpusError, match=r"blank\.txt: empty document"):
        load_corpus(corpus_dir, strict=True)  # strict mode stops at the first problem, named the same way


# ---------------------------------------------------------------------------------------------- CLI


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT
    )


def one_error_line(out: subprocess.CompletedProcess) -> str:
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, out.stderr
    return errors[0]


def bad_corpora(tmp: Path) -> dict[str, Path]:
    (tmp / "empty-folder").mkdir()
    (tmp / "only-broken").mkdir()
    (tmp / "only-broken" / "a.md").write_bytes(b"\xff\xfe\x00broken")
    (tmp / "only-broken" / "b.jsonl").write_text("{not json\n", encoding="utf-8")
    (tmp / "wrong.pdf").write_bytes(b"%PDF-1.4")
    return {
        "missing": tmp / "no-such-corpus",
        "empty folder": tmp / "empty-folder",
        "only broken files": tmp / "only-broken",
        "not a corpus file": tmp / "wrong.pdf",
    }


@pytest.mark.parametrize("kind", ["missing", "empty folder", "only broken files", "not a corpus file"])
def test_cli_bad_corpus_is_one_error_line(tmp_path: Path, kind: str):
    corpus = bad_corpora(tmp_path)[kind]
    line = one_error_line(
        run_cli("ask", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "hello?")
    )
    assert str(corpus) in line
    assert not (tmp_path / "index").exists()


def test_cli_damaged_index_without_rebuild_names_the_file(copy: tuple[Path, Path]):
    corpus, index = copy
    truncate("dense.faiss")(index)
    line = one_error_line(
        run_cli("ask", "--corpus", str(corpus), "--index", str(index), "--no-rebuild", "hi")
    )
    assert line.startswith(f"error: {index / 'dense.faiss'}: damaged")


def test_cli_refuses_a_foreign_index_folder(corpus_dir: Path):
    line = one_error_line(run_cli("ask", "--corpus", str(corpus_dir), "--index", str(corpus_dir), "hi"))
    assert "not replacing it" in line and (corpus_dir / "drugs.md").exists()
