"""Templates per question type, on the fixture corpus with the fake embedder."""

import pytest


def ask(engine, q: str):  # noqa: ANN001, ANN201
    return engine.session().ask(q)


def test_definition_quotes_one_sentence_with_its_source(engine):
    a = ask(engine, "What is alphamab?")
    assert not a.abstained and a.confidence >= 0.5
    assert a.citations[0].quote.startswith("Alphamab, a CD19-directed antibody")
    assert "[1]" in a.answer and "Fixture drugs, 2024-01-15" in a.answer
    c = a.citations[0]
    assert c.title == "Fixture drugs" and c.date == "2024-01-15" and c.marker == 1
    assert c.quote in c.context  # the passage shown around the quote


def test_list_gets_bullets_each_cited(engine):
    a = ask(engine, "Which fixture therapies are available for relapsed disease?")
    assert not a.abstained
    assert a.citations[0].quote == "Available fixture therapies for relapsed disease include"
    assert [c.quote for c in a.citations[1:]] == ["Alphamab", "Betacel", "Gammastat"]
    assert "- “Betacel” [3]" in a.answer


def test_comparison_gets_a_table_with_one_quote_per_entity(engine):
    a = ask(engine, "Compare the targets of alphamab and betacel")
    assert not a.abstained
    assert "| | alphamab | betacel |" in a.answer
    assert "CD19" in a.citations[0].quote and "CD22" in a.citations[1].quote


def test_yes_no_is_introduced_neutrally_never_answered_bare(engine):
    a = ask(engine, "Does betacel damage the liver?")
    assert not a.abstained
    assert a.answer.startswith("The text says: “Betacel may cause hepatotoxicity")
    first_line = a.answer.split("“")[0]
    assert "yes" not in first_line.lower() and "no" not in first_line.lower().split()


def test_frequency_question_answers_with_the_schedule(engine):
    a = ask(engine, "How often is intrathecal methotrexate given?")
    assert not a.abstained
    assert "twice weekly" in a.citations[0].quote


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("What dosage of betacel should be given?", "does not state a dose"),
        ("What does a course of alphamab cost?", "does not state a cost"),
    ],
)
def test_answer_type_checks_abstain_without_typed_evidence(engine, question: str, reason: str):
    a = ask(engine, question)
    assert a.abstained and a.citations == []
    assert reason in a.answer
    assert a.related, "nearest passages are offered"
    assert a.confidence < 0.5


def test_date_question_answers_from_metadata(engine):
    a = ask(engine, "When was this written?")
    assert not a.abstained and "2024-01-15" in a.answer


@pytest.mark.parametrize("question", ["", "   ", "?!", "<script>alert(1)</script>", "qwzx vbnmty plokij"])
def test_empty_and_garbage_input_abstain_politely(engine, question: str):
    a = ask(engine, question)
    assert a.abstained and a.citations == []
    assert len(a.answer) < 300


def test_out_of_scope_requests_abstain(engine):
    a = ask(engine, "Write a haiku about the ocean")
    assert a.abstained
    assert "only answer questions about the medical text" in a.answer


def test_template_words_state_no_facts(engine):
    """Outside quotes, an answer holds only markers, template phrases and source lines."""
    import re

    for q in ["What is betacel?", "Does alphamab help survival?", "Which fixture therapies are available?"]:
        a = ask(engine, q)
        outside = re.sub(r"“[^”]*”", "", a.answer)
        outside = re.sub(r"Sources:.*", "", outside)
        outside = re.sub(r"\*Searched for:[^*]*\*", "", outside)
        leftover = re.sub(r"\[\d+\]|The text says:|[-\s|]", "", outside)
        assert leftover == "", (q, leftover)


def test_each_citation_names_the_first_chunk_holding_its_sentence(engine):
    # Found by bisection over the chunk table; checked here against a plain scan of every chunk.
    chunks = engine.data.chunks
    for row in range(len(engine.data.sentences)):
        holding = [i for i in range(len(chunks)) if chunks[i, 4] <= row < chunks[i, 5]]
        assert engine.answerer.composer._chunk_of(row) == engine.data.chunk_id(holding[0])
    assert engine.answerer.composer._chunk_of(len(engine.data.sentences)) == ""


def test_a_sentence_shared_by_overlapping_chunks_cites_the_first():
    from types import SimpleNamespace

    import numpy as np

    from bot.composer import Composer

    # Long answers split with one sentence of overlap: sentence 2 is in chunks 0 and 1.
    chunks = np.array([[0, 0, 0, 0, 0, 3], [0, 1, 0, 0, 2, 5], [0, 2, 0, 0, 4, 6], [1, 0, 0, 0, 6, 7]])
    data = SimpleNamespace(
        chunk_first_sentence=chunks[:, 4], chunk_end_sentence=chunks[:, 5], chunk_id=lambda i: f"c{i}"
    )
    from bot.params import default_params

    comp = Composer(data, None, default_params())  # type: ignore[arg-type]
    assert [comp._chunk_of(r) for r in range(8)] == ["c0", "c0", "c0", "c1", "c1", "c2", "c3", ""]


def test_a_sentence_quoted_in_two_groups_is_one_source(engine):
    from bot.forms import Block, Draft
    from bot.models import Answer

    a = engine.answerer
    u = a.understand("alphamab")
    ranked = a.evidence(u, a.embedder.encode([u.query.expanded])[0], a.candidates(u.query, a.embedder.encode([u.query.expanded])[0]))
    ev = ranked[0]
    draft = Draft([Block("lead", "For one:"), Block("items", evidence=[ev]), Block("lead", "For two:"), Block("items", evidence=[ev])], ev.score)
    from bot.composer import Frame

    answer: Answer = a.composer.render(Frame("alphamab"), draft)
    assert len(answer.citations) == 1
    assert [p.cites for p in answer.parts if p.kind == "items"] == [[1], [1]]
