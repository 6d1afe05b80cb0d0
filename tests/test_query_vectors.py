"""A question's vector begun while it is analysed (bot/query_vectors.py)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from bot.query_vectors import QueryVectors
from tests.conftest import FakeEmbedder


class BeginningEmbedder(FakeEmbedder):
    """A backend that can begin a vector: records what was begun and what was waited for."""

    def __init__(self, refuse: bool = False, fail: bool = False) -> None:
        super().__init__()
        self.begun: list[tuple[str, list[str]]] = []
        self.waited: list[str] = []
        self.refuse, self.fail = refuse, fail

    def begin_with_terms(self, text: str, terms: list[str]) -> Callable[[], np.ndarray] | None:
        if self.fail:
            raise RuntimeError("no session")
        if self.refuse:
            return None
        self.begun.append((text, terms))
        vec = FakeEmbedder().encode([" ".join([text, *terms])])[0]

        def wait() -> np.ndarray:
            self.waited.append(text)
            return vec

        return wait


def joined(text: str, terms: list[str]) -> np.ndarray:
    return FakeEmbedder().encode([" ".join([text, *terms])])[0]


def test_a_begun_vector_is_the_one_returned_and_is_used_once() -> None:
    emb = BeginningEmbedder()
    vectors = QueryVectors(emb)
    vectors.start("does Besponsa harm the liver", ["inotuzumab ozogamicin"])
    assert emb.begun == [("does Besponsa harm the liver", ["inotuzumab ozogamicin"])] and emb.calls == 0
    vec = vectors.get("does Besponsa harm the liver", ["inotuzumab ozogamicin"])
    assert np.array_equal(vec, joined("does Besponsa harm the liver", ["inotuzumab ozogamicin"]))
    assert emb.waited == ["does Besponsa harm the liver"] and emb.calls == 0  # nothing encoded inline
    # Asked again: the begun one was used up, so it is computed now, to the same vector.
    assert np.array_equal(vectors.get("does Besponsa harm the liver", ["inotuzumab ozogamicin"]), vec)
    assert emb.calls == 1


def test_the_same_question_is_begun_once_and_other_terms_are_another_vector() -> None:
    emb = BeginningEmbedder()
    vectors = QueryVectors(emb)
    vectors.start("what is ALL", [])
    vectors.start("what is ALL", [])
    assert len(emb.begun) == 1
    # The same words with other terms appended are another question for the model.
    vectors.get("what is ALL", ["acute lymphoblastic leukemia"])
    assert emb.waited == [] and emb.calls == 1


def test_without_a_way_to_begin_every_vector_is_computed_when_asked() -> None:
    for emb in (FakeEmbedder(), BeginningEmbedder(refuse=True), BeginningEmbedder(fail=True)):
        vectors = QueryVectors(emb)
        vectors.start("what is nelarabine", [])  # nothing begun, nothing raised
        assert np.array_equal(vectors.get("what is nelarabine", []), joined("what is nelarabine", []))
        assert emb.calls == 1
    off = BeginningEmbedder()
    vectors = QueryVectors(off, ahead=False)
    vectors.start("what is nelarabine", [])
    assert off.begun == [] and np.array_equal(vectors.get("what is nelarabine", []), joined("what is nelarabine", []))


def test_only_the_newest_begun_vectors_are_kept() -> None:
    emb = BeginningEmbedder()
    vectors = QueryVectors(emb, keep=2)
    for text in ("one", "two", "three"):
        vectors.start(text, [])
    vectors.get("one", [])  # dropped: computed now
    vectors.get("three", [])
    assert emb.waited == ["three"] and emb.calls == 1
    with pytest.raises(ValueError, match="keep"):
        QueryVectors(emb, keep=0)


def test_clearing_drops_every_begun_vector() -> None:
    emb = BeginningEmbedder()
    vectors = QueryVectors(emb)
    vectors.start("my son is 7, what now", [])
    vectors.clear()
    vectors.get("my son is 7, what now", [])  # the begun one is gone: computed now
    assert emb.waited == [] and emb.calls == 1


def test_an_answer_waits_for_the_vector_begun_when_its_question_was_read(corpus_dir, tmp_path) -> None:  # noqa: ANN001
    import bot
    from bot.settings import Settings

    emb = BeginningEmbedder()
    engine = bot.load(corpus=corpus_dir, index=tmp_path / "index", embedder=emb)
    built = emb.calls
    answer = engine.session().ask("What is alphamab?")
    assert not answer.abstained
    assert emb.begun and emb.waited == ["What is alphamab?"] and emb.calls == built  # no encoding inline
    off = BeginningEmbedder()
    engine = bot.load(corpus=corpus_dir, index=tmp_path / "index", embedder=off, settings=Settings(query_ahead=False))
    same = engine.session().ask("What is alphamab?")
    assert off.begun == [] and off.calls == 1 and same.answer == answer.answer
