"""Words of a question (bot/text.py)."""

from bot.text import asking_sentences, content_words


def test_sentence_adverbs_and_possessives_are_not_what_a_question_is_about() -> None:
    assert content_words("Realistically, what's the outlook?") == ["outlook"]
    assert content_words("Honestly is my son's relapse bad?") == ["son", "relapse", "bad"]


def test_a_word_is_shown_as_the_question_wrote_it_unless_only_a_sentence_start_or_shouting_capitalised_it() -> None:
    from bot.text import as_written

    assert as_written("aml", "What are the options for relapsed AML?") == "AML"
    assert as_written("tylenol", "I took Tylenol") == "Tylenol"
    assert as_written("magnesium", "Magnesium and castro") == "magnesium"  # a sentence's first word
    assert as_written("germs", "TRANSFERRENCE OF GERMS") == "germs"  # the whole message shouted
    assert as_written("mrd", "what is it") == "mrd"  # not there: as given


def test_joined_names_one_two_or_several_as_a_phrase() -> None:
    from bot.text import joined

    assert joined(["a"]) == "a"
    assert joined(["a", "b"]) == "a and b"
    assert joined(["a", "b", "c"], "or") == "a, b or c"


def test_references_to_sources_are_no_figures_of_the_text() -> None:
    from bot.text import without_references

    assert without_references("induce remission, albeit with significant toxicity (2).") == (
        "induce remission, albeit with significant toxicity.")
    assert without_references("higher remission rates (3, 4) after 1 to 2 cycles (5\u20137)") == (
        "higher remission rates after 1 to 2 cycles")
    # A parenthesis that says something stays: "(1 to 2 cycles)", "(ie, the approvals ...)".
    assert without_references("after (1 to 2 cycles) of it (ie, response)") == "after (1 to 2 cycles) of it (ie, response)"


def test_a_sentence_stating_a_figure_only_in_its_reference_states_none(engine) -> None:  # noqa: ANN001
    import re

    from bot.evidence import Evidence
    from bot.question import Analysis

    need = re.compile(r"\b(age|years?|\d+)\b")
    cited = Evidence(0, 0, 0, 1, 0, "prose", "CAR-T cells induce remission with significant toxicity (2).")
    aged = Evidence(1, 0, 0, 1, 0, "prose", "It is for patients up to 25 years of age (5).")
    asked = Analysis("Is there an age limit for CAR-T?", "age", ["age"], True, [])
    assert engine.answerer.forms.stating(need, [cited, aged], asked) == [aged]


def test_the_sentences_that_ask_of_a_message_that_also_tells() -> None:
    assert asking_sentences("My son relapsed. What now? I want to understand.") == [" What now?"]
    assert asking_sentences("What now? And then?") == []  # every sentence asks
    assert asking_sentences("Tell me about relapse.") == []  # none does
    assert asking_sentences("?? ;;; asdfgh qwe !!!") == []  # marks alone are no sentence
