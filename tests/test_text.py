"""Words of a question (bot/text.py)."""

from bot.text import content_words


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
