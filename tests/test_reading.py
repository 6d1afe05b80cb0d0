"""A question's reading of sentences (bot/reading.py), read ahead by the scorer (bot/evidence.py)."""

from __future__ import annotations

import dataclasses

from bot.asked import scored_text
from tests.conftest import FakeEmbedder


def _engine(corpus_dir, path):  # noqa: ANN001, ANN202
    import bot

    return bot.load(corpus=corpus_dir, index=path, embedder=FakeEmbedder())


def _scored(engine, question: str, ahead: bool) -> list[dict[str, object]]:  # noqa: ANN001
    a = engine.answerer
    u = a.understand(question)
    expanded = scored_text(u.query.expanded)
    if ahead:
        a.scorer.read_ahead(u.analysis, expanded, range(len(engine.data.chunk_doc)), lambda: False)
    qvec = a.vectors.get(u.query.corrected, u.query.added)
    rows = a.scorer.candidates(a.candidates(u.query, qvec))
    return [dataclasses.asdict(e) for e in a.scorer.score(u.analysis, expanded, qvec, rows)]


def test_sentences_read_ahead_score_as_those_read_when_scored(corpus_dir, tmp_path) -> None:  # noqa: ANN001
    for q in ("What is alphamab?", "side effects of betacel in children", "Which drugs are there besides alphamab?"):
        fresh = _scored(_engine(corpus_dir, tmp_path / "a"), q, ahead=False)
        read_first = _scored(_engine(corpus_dir, tmp_path / "b"), q, ahead=True)
        assert fresh and fresh == read_first, q


def test_reading_ahead_stops_when_the_vector_is_ready(corpus_dir, tmp_path) -> None:  # noqa: ANN001
    engine = _engine(corpus_dir, tmp_path / "i")
    s, data = engine.answerer.scorer, engine.data
    u = engine.answerer.understand("What is alphamab?")
    expanded = scored_text(u.query.expanded)
    s.read_ahead(u.analysis, expanded, [0, 1], lambda: True)
    assert s.reading(u.analysis, expanded).held() == set()  # ready at once: nothing read
    polls = iter([False, False, True])
    s.read_ahead(u.analysis, expanded, [1, 0], lambda: next(polls))
    first = int(data.chunk_first_sentence[1])
    assert int(data.chunk_end_sentence[1]) - first >= 2
    assert s.reading(u.analysis, expanded).held() == {first, first + 1}  # asked before each sentence: two read


def test_reading_ahead_goes_on_to_the_rest_of_the_first_chunks_document(corpus_dir, tmp_path) -> None:  # noqa: ANN001
    engine = _engine(corpus_dir, tmp_path / "i")
    s, data = engine.answerer.scorer, engine.data
    u = engine.answerer.understand("What is alphamab?")
    expanded = scored_text(u.query.expanded)
    doc = int(data.chunk_doc[0])
    chunks = [c for c in range(len(data.chunk_doc)) if int(data.chunk_doc[c]) == doc]
    assert len(chunks) >= 2
    s.read_ahead(u.analysis, expanded, [chunks[-1]], lambda: False)
    rows = {r for c in chunks for r in range(int(data.chunk_first_sentence[c]), int(data.chunk_end_sentence[c]))}
    assert s.reading(u.analysis, expanded).held() == rows


def test_a_changed_focus_is_read_again(corpus_dir, tmp_path) -> None:  # noqa: ANN001
    engine = _engine(corpus_dir, tmp_path / "i")
    s = engine.answerer.scorer
    u = engine.answerer.understand("What is alphamab?")
    expanded = scored_text(u.query.expanded)
    first = s.reading(u.analysis, expanded)
    assert s.reading(u.analysis, expanded) is first  # the same question: the same reading
    u.analysis.focus = ["betacel"]  # (a class narrowed to one member, bot/answerer.py)
    assert s.reading(u.analysis, expanded) is not first
    engine.forget()
    assert not s.kept.readings.held
