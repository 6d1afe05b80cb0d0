"""The question side of evidence scoring, read once (bot/asked.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np


def test_a_question_is_read_once_and_again_when_what_it_reads_changed(engine) -> None:  # noqa: ANN001
    answerer = engine.answerer
    scorer = answerer.scorer
    u = answerer.understand("Does alphamab cause headache in adults?")
    text = u.query.expanded
    first = scorer.asked(u.analysis, text)
    assert scorer.asked(u.analysis, text) is first  # the same question: kept
    assert first.q_stems == scorer.stems(text)
    assert {w for w, _ in first.subject} <= set(first.surface)
    assert all(wt > 0 for _, wt in first.subject) and first.subject_total == sum(wt for _, wt in first.subject)
    assert first.unknown <= {w for w, _ in first.subject}
    # Another scored text, another subject: read again, not the kept one.
    assert scorer.asked(u.analysis, text + " tremor") is not first
    narrowed = replace(u.analysis, subject={"headache": 1.0})
    again = scorer.asked(narrowed, text)
    assert again is not first and [w for w, _ in again.subject] == [scorer.stem("headache")]


def test_evidence_scored_with_the_question_read_before_is_the_same(engine) -> None:  # noqa: ANN001
    answerer = engine.answerer
    scorer = answerer.scorer
    u = answerer.understand("What are the side effects of betacel?")
    qvec = answerer.embedder.encode([u.query.expanded])[0]
    rows = scorer.candidates(answerer.candidates(u.query, qvec))
    scorer.kept.forget()
    fresh = scorer.score(u.analysis, u.query.expanded, qvec, rows)
    kept = scorer.score(u.analysis, u.query.expanded, qvec, rows)  # the question as read by the call before
    assert [(e.row, e.score) for e in fresh] == [(e.row, e.score) for e in kept] and fresh
    assert np.isclose(fresh[0].score, kept[0].score) and "Betacel" in fresh[0].text


def test_the_scored_text_leaves_out_when_the_question_is_asked_about() -> None:
    from bot.asked import scored_text

    assert "disappear" not in scored_text("is IT methotrexate continued once the signs disappear?")
    assert scored_text("what is nelarabine") == "what is nelarabine"
