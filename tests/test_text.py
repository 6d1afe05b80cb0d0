"""Words of a question (bot/text.py)."""

from bot.text import content_words


def test_sentence_adverbs_and_possessives_are_not_what_a_question_is_about() -> None:
    assert content_words("Realistically, what's the outlook?") == ["outlook"]
    assert content_words("Honestly is my son's relapse bad?") == ["son", "relapse", "bad"]
