"""What a question asks about that the corpus never says (bot/lacking.py), on the fixture corpus."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("question", "lacks"),
    [
        ("What are the options for relapsed AML?", True),  # another leukemia: its options are not these
        ("MRD options?", True),
        ("What are the options for refractory disease?", False),
        ("tldr", False),  # a word asking for breadth is no subject
        ("What else besides alphamab?", False),  # a common word the corpus lacks is no topic
    ],
)
def test_a_short_broad_question_lacks_a_rare_subject_the_corpus_never_says(engine, question: str, lacks: bool) -> None:
    a = engine.answerer
    assert a.lacking.overview_subject(a.understand(question).analysis) is lacks


def test_a_long_message_story_words_do_not_count(engine) -> None:
    a = engine.answerer
    story = ("My cousin was treated at a big hospital abroad where the oncologists and the haematology nurses "
             "kept talking over us for weeks, and now the AML word came up: what are the options for relapse?")
    assert a.lacking.overview_subject(a.understand(story).analysis) is False


def test_the_answer_names_the_missing_subject_as_written(engine) -> None:
    answer = engine.ask("What are the options for relapsed AML?")
    assert answer.abstained and answer.status == "abstain"
    assert "“AML”" in answer.answer and "AML" in answer.missing


@pytest.mark.parametrize("who", ["dads", "moms", "nephews", "doctors"])
def test_who_asks_is_no_subject_as_a_plural_or_a_possessive_without_its_apostrophe(engine, who: str) -> None:
    # "my dads leukemia came back": the asker's father, not a topic the text lacks
    a = engine.answerer
    analysis = a.understand(f"my {who} leukemia came back, what are the options?").analysis
    assert who not in analysis.subject
    assert a.lacking.overview_subject(analysis) is False
