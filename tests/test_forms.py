"""Answer forms (bot/forms.py) on the fixture corpus."""

from __future__ import annotations

import pytest

from bot.forms import only_whether


@pytest.mark.parametrize(
    ("question", "only"),
    [
        ("Is alphamab approved for adults?", True),
        ("Is there a treatment for CNS relapse?", True),  # ("is there" at the start is the yes/no ask itself)
        ("Is alphamab for patients who relapsed twice?", True),  # a relative clause asks nothing further
        ("Is alphamab approved for adults? What are its side effects?", False),
        ("Is betacel given to children, and how is it given?", False),
        ("What are the side effects of alphamab?", False),  # no yes/no question at all
    ],
)
def test_a_yes_no_question_asks_only_whether_unless_another_ask_follows(engine, question: str, only: bool) -> None:  # noqa: ANN001
    analysis = engine.answerer.understand(question).analysis
    assert only_whether(analysis) is only


def test_a_yes_no_question_followed_by_an_ask_gets_the_sentence_answering_it(engine) -> None:  # noqa: ANN001
    alone = engine.session().ask("Is betacel available for children?")
    both = engine.session().ask("Is betacel available for children, and what can it cause?")
    assert len(alone.citations) == 1, alone.answer
    quotes = [c.quote for c in both.citations]
    assert "Betacel may cause hepatotoxicity, including veno-occlusive disease." in quotes, both.answer

