"""Shared fixtures: a small corpus and a fake embedder, so unit tests need no model.

Tests that load the real model are marked ``model`` and use ``real_engine``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class FakeEmbedder:
    """Deterministic bag-of-words hashing into 384 dimensions: similar words, similar vectors."""

    name = "fake-hashing-embedder"
    dim = 384

    def __init__(self) -> None:
        self.calls = 0
        self.texts_encoded = 0

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in re.findall(r"[a-z0-9]+", text.lower()):
                for piece in (w, w[:5]):
                    h = int.from_bytes(hashlib.md5(piece.encode()).digest()[:4], "little")
                    out[i, h % self.dim] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
            if not norm:
                out[i, 0] = 1.0
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", dst)
    return dst


@pytest.fixture
def engine(corpus_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder):  # noqa: ANN201
    import bot

    return bot.load(corpus=corpus_dir, index=tmp_path / "index", embedder=fake_embedder)


@pytest.fixture
def class_engine(corpus_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder):  # noqa: ANN201
    """The fixture corpus with alphamab and betacel as the two members of a class, "fixture antibodies"."""
    import json

    import bot

    path = corpus_dir / "glossary.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        if entry["term"] in ("alphamab", "betacel"):
            entry["broader"] = ["fixture antibodies"]
    data["entries"].append({"term": "fixture antibodies", "kind": "therapy", "aliases": ["fixture antibody"]})
    path.write_text(json.dumps(data), encoding="utf-8")
    return bot.load(corpus=corpus_dir, index=tmp_path / "index2", embedder=fake_embedder)


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The project's own corpus with the real bundled model (index built once per test run)."""
    import bot

    index = tmp_path_factory.mktemp("real") / "index"
    return bot.load(corpus=ROOT / "corpus", index=index)


@pytest.fixture(autouse=True)
def every_quote_is_verbatim(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Every answer any test produces is checked: each quote is its document's text at start:end."""
    from bot.dialogue import Session

    original = Session.ask
    bad: list[str] = []

    def checked(self: Session, question: object):  # noqa: ANN202
        answer = original(self, question)
        data = self.answerer.data
        for c in [*answer.citations, *answer.related]:
            text = data.documents[data.doc_pos[c.doc_id]].text
            if text[c.start : c.end] != c.quote or not c.quote.strip():
                bad.append(f"{question!r}: {c.quote!r} != text[{c.start}:{c.end}]")
        return answer

    monkeypatch.setattr(Session, "ask", checked)
    yield
    assert not bad, "quotes not verbatim: " + "; ".join(bad[:3])
