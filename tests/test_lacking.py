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
        ("Give me the elevator pitch on the options", False),  # nor a rarer one ("synopsis", "primer", "cliff notes")
        ("a quick primer on the options?", False),
        ("What else besides alphamab?", False),  # a common word the corpus lacks is no topic
        # A disease the asker sets aside is no subject of the question: the one asked about is.
        ("my daughter has relapsed AML (not ALL, the other one), what do they give for it?", True),
        ("my daughter has relapsed AML and ALL, what do they give for it?", False),
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


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("diet tips for patients on alphamab", ["diet", "tips"]),
        ("what foods should my kid eat during alphamab treatment", ["foods"]),
        ("vaccines after transplant rundown", ["vaccines"]),
        # What the glossary knows is asked about before the setting: the question is about alphamab.
        ("What advantage did alphamab show over betacel?", []),
        ("What is known about CNS irradiation for relapse?", []),
        # Words that say what kind of question it is, or ask for breadth, are no subject the text lacks.
        ("Prognosis after relapse?", []),
        ("options for relapsed disease", []),
        ("cost of alphamab for adults", []),
        # A head the corpus says ("swelling") is covered by the rest of the answer path.
        ("swelling after testicular relapse?", []),
        # A type's words split by punctuation as typed ("tl;dr") are no subject either.
        ("tl;dr on alphamab for a heme fellow", []),
        ("pharmacy tech here - what are the options for relapse?", []),
        # Who asks, said with a contraction, is no subject either.
        ("I'm a ward nurse. What options are there for relapse in adults?", []),
        ("we're parents, what's there for alphamab?", []),
        # A type's words with the lead-in and the word after: "what happened with" asks what is said of it.
        ("What happened with the alphamab one?", []),
    ],
)
def test_what_a_short_question_asks_for_before_its_setting_must_be_in_the_corpus(engine, question: str, head: list[str]) -> None:
    a = engine.answerer
    assert a.lacking.head(a.understand(question).analysis) == head


def test_an_unknown_thing_asked_for_in_a_known_setting_is_refused_naming_it(engine) -> None:
    answer = engine.ask("vaccines after transplant rundown")
    assert answer.abstained and "“vaccines”" in answer.answer


@pytest.mark.parametrize("question", ["overview of hair loss after alphamab", "what can be done about hair loss after alphamab?"])
def test_a_broad_question_about_an_effect_the_text_never_names_is_refused(engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.abstained and "“hair loss”" in answer.answer


@pytest.mark.parametrize(
    ("question", "other"),
    [
        ("My aunt's acute myeloid leukemia relapsed. Would alphamab work for her?", "myeloid leukemia"),
        ("Is betacel used for promyelocytic leukemia?", "promyelocytic leukemia"),
        ("My nephew's leukemia came back. Would alphamab work for him?", ""),  # who has it, not which disease
        ("Would alphamab work for refractory leukemia?", ""),  # a word the corpus uses
        ("my childhood leukemia came back", ""),  # a common word: no disease's name
        ("40yo leukemia in 2nd relapse, would alphamab work?", ""),  # an age in shorthand qualifies no disease
    ],
)
def test_a_disease_named_with_a_rare_qualifier_the_corpus_lacks_is_another_disease(engine, question: str, other: str) -> None:
    a = engine.answerer
    assert a.lacking.other_condition(a.understand(question).analysis) == other
    answer = engine.ask(question)
    if other:
        assert answer.abstained and f"does not discuss {other}" in answer.answer


@pytest.mark.parametrize("question", ["Give me the elevator pitch on relapsed ALL", "synopsis of this section", "cliff notes version pls"])
def test_a_word_asking_for_a_summary_is_no_missing_subject(engine, question: str) -> None:
    answer = engine.session().ask(question)
    assert not answer.abstained and len(answer.citations) >= 2, answer.answer


@pytest.mark.parametrize("question", ["What are the key numbers and age cut-offs in this section that I should memorise for the exam?",
                                      "key numbers for my revision flashcards?"])
def test_how_the_asker_studies_is_no_subject_the_text_lacks(engine, question: str) -> None:
    a = engine.answerer
    u = a.understand(question)
    assert not a.lacking.names(u.query, u.analysis)



def test_what_the_text_lacks_is_read_once_per_question_and_again_when_the_question_changes(engine) -> None:  # noqa: ANN001
    lacking = engine.answerer.lacking
    calls: list[str] = []
    real = lacking.names
    lacking.names = lambda q, analysis: calls.append(analysis.text) or real(q, analysis)  # type: ignore[method-assign]
    u = engine.answerer.understand("diet tips for patients on alphamab")
    assert lacking.lacked(u.query, u.analysis) == ["diet", "tips"] == lacking.head(u.analysis)
    assert lacking.lacked(u.query, u.analysis) == ["diet", "tips"] and len(calls) == 1  # kept, not read again
    u.analysis.focus = []  # (a question changed since: read again)
    lacking.lacked(u.query, u.analysis)
    assert len(calls) == 2
    other = engine.answerer.understand("what is tocilizumab")
    assert lacking.lacked(other.query, other.analysis) == real(other.query, other.analysis) == ["tocilizumab"]


def test_a_rare_word_in_what_a_message_tells_is_no_subject_it_asks_about(engine) -> None:
    a = engine.answerer
    told = a.understand("What treatments might she get now? I want to talk to the class about it sensibly.")
    assert not a.lacking.names(told.query, told.analysis)
    asked = a.understand("What treatments might she get now, sensibly?")
    assert a.lacking.names(asked.query, asked.analysis) == ["sensibly"]
