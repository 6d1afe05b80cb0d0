"""A question's vector begun while it is analysed (bot/query_vectors.py)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.query_vectors import QueryVectors
from tests.conftest import FakeEmbedder


class Begun:
    """A pass begun by the fake: ``done`` says whether it has finished."""

    def __init__(self, owner: BeginningEmbedder, text: str, vec: np.ndarray) -> None:
        self.owner, self.text, self.vec = owner, text, vec
        self.done = owner.finish_at_once

    def ready(self) -> bool:
        self.owner.polled += 1
        if self.owner.polled >= self.owner.finish_after_polls:
            self.done = True
        return self.done

    def __call__(self) -> np.ndarray:
        self.owner.waited.append(self.text)
        return self.vec


class BeginningEmbedder(FakeEmbedder):
    """A backend that can begin a vector: records what was begun and what was waited for. Its passes
    finish at once, or when they have been polled ``finish_after_polls`` times."""

    def __init__(self, refuse: bool = False, fail: bool = False, finish_at_once: bool = True,
                 finish_after_polls: int = 1 << 30) -> None:
        super().__init__()
        self.begun: list[tuple[str, list[str]]] = []
        self.waited: list[str] = []
        self.refuse, self.fail = refuse, fail
        self.finish_at_once, self.finish_after_polls, self.polled = finish_at_once, finish_after_polls, 0

    def begin_with_terms(self, text: str, terms: list[str]) -> Begun | None:
        if self.fail:
            raise RuntimeError("no session")
        if self.refuse:
            return None
        self.begun.append((text, terms))
        return Begun(self, text, FakeEmbedder().encode([" ".join([text, *terms])])[0])


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


def test_ready_says_whether_get_would_wait() -> None:
    emb = BeginningEmbedder(finish_at_once=False, finish_after_polls=2)
    vectors = QueryVectors(emb)
    assert vectors.ready("what is ALL", [])  # nothing begun: computed when asked, nothing to wait for
    vectors.start("what is ALL", [])
    assert not vectors.ready("what is ALL", [])
    assert vectors.ready("what is ALL", [])  # its pass finished (the second poll)
    assert not emb.waited  # asking whether it is ready never waits



def test_the_answer_is_the_same_whether_its_vector_was_ready_at_once_or_late(corpus_dir, tmp_path) -> None:  # noqa: ANN001
    """A late vector leaves time to read sentences ahead (bot/reading.py); what is read ahead is what would
    have been read after, so every answer is the same."""
    import bot

    questions = ["What is alphamab?", "Which drugs are there?", "What are the side effects of betacel?", "pizza?"]

    def seen(emb: BeginningEmbedder, index: str) -> list[tuple[object, ...]]:
        engine = bot.load(corpus=corpus_dir, index=tmp_path / index, embedder=emb)
        out = []
        for q in questions:
            a = engine.session().ask(q)
            out.append((a.answer, a.abstained, a.confidence, [(c.quote, c.score) for c in a.citations]))
        return out

    late = BeginningEmbedder(finish_at_once=False)
    assert seen(BeginningEmbedder(), "at-once") == seen(late, "late")
    assert late.polled > 0  # the late one was asked whether it was ready while sentences were read
