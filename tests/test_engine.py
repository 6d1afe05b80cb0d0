"""The engine's shared query encoder (bot/engine.py)."""

from __future__ import annotations

import numpy as np

from bot.engine import _LockedEmbedder
from tests.conftest import FakeEmbedder


class QueryPathEmbedder(FakeEmbedder):
    """A backend with a short-text path, which records what went where."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def encode_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return FakeEmbedder.encode(self, [text])[0]


def test_a_single_question_takes_the_backends_short_text_path() -> None:
    inner = QueryPathEmbedder()
    emb = _LockedEmbedder(inner)
    one = emb.encode(["what is blinatumomab"])
    assert inner.queries == ["what is blinatumomab"] and one.shape == (1, 384)
    assert np.array_equal(one, FakeEmbedder().encode(["what is blinatumomab"]))
    emb.encode(["a", "b"])  # more than one text: the batch path
    assert inner.queries == ["what is blinatumomab"] and inner.texts_encoded == 3


def test_a_backend_without_a_short_text_path_encodes_as_before() -> None:
    inner = FakeEmbedder()
    assert np.array_equal(_LockedEmbedder(inner).encode(["x y"]), FakeEmbedder().encode(["x y"]))
    assert inner.calls == 1


class ComposingEmbedder(FakeEmbedder):
    """A backend that composes a question with its terms itself."""

    def __init__(self) -> None:
        super().__init__()
        self.composed: list[tuple[str, list[str]]] = []

    def encode_with_terms(self, text: str, terms: list[str]) -> np.ndarray:
        self.composed.append((text, terms))
        return FakeEmbedder.encode(self, [text])[0]


def test_a_question_with_terms_goes_the_backends_composition_when_it_has_one() -> None:
    from bot.embedding import encode_question

    inner = ComposingEmbedder()
    vec = encode_question(_LockedEmbedder(inner), "does Besponsa harm the liver", ["inotuzumab ozogamicin"])
    assert inner.composed == [("does Besponsa harm the liver", ["inotuzumab ozogamicin"])] and vec.shape == (384,)
    # Without one, the joined text is encoded, as Query.expanded spells it; with no terms, the question alone.
    plain = FakeEmbedder()
    joined = encode_question(_LockedEmbedder(plain), "does Besponsa harm the liver", ["inotuzumab ozogamicin"])
    assert np.array_equal(joined, FakeEmbedder().encode(["does Besponsa harm the liver inotuzumab ozogamicin"])[0])
    assert np.array_equal(encode_question(plain, "what is ALL", []), FakeEmbedder().encode(["what is ALL"])[0])


def test_beginning_a_question_is_the_backends_or_nothing() -> None:
    assert _LockedEmbedder(FakeEmbedder()).begin_with_terms("what is ALL", []) is None

    class Beginning(FakeEmbedder):
        def begin_with_terms(self, text: str, terms: list[str]):  # noqa: ANN202
            return lambda: FakeEmbedder.encode(self, [text])[0]

    wait = _LockedEmbedder(Beginning()).begin_with_terms("what is ALL", [])
    assert wait is not None and np.array_equal(wait(), FakeEmbedder().encode(["what is ALL"])[0])


def test_forgetting_drops_what_the_engine_keeps_of_questions_and_changes_no_answer(engine) -> None:  # noqa: ANN001
    from bot import conditions

    question = "Is alphamabb given to a 70 year old?"  # a misspelling, an age: every kept reading is filled
    before = engine.session().ask(question)
    a = engine.answerer
    a.vectors._pending[("another visitor's question", ())] = lambda: np.zeros(8)  # (a begun vector, as a server has)
    assert a.retriever._last_bm25 is not None and a.retriever._last_dense is not None
    assert a.scorer.kept.last is not None and a.queries._correct.cache_info().currsize > 0
    assert a.scorer.kept.readings.held and a.lacking._last.held and a.retriever._last_top.held
    assert conditions.read.cache_info().currsize > 0
    engine.forget()
    assert a.retriever._last_bm25 is None and a.retriever._last_dense is None and a.scorer.kept.last is None
    assert not (a.scorer.kept.readings.held or a.lacking._last.held or a.retriever._last_top.held)
    assert a.queries._correct.cache_info().currsize == 0 and conditions.read.cache_info().currsize == 0
    assert not a.vectors._pending
    assert engine.session().ask(question).answer == before.answer
