from bot.spelled import as_digits, is_number_word


def test_ages_written_in_words_become_digits() -> None:
    assert as_digits("my daughter is fifteen") == "my daughter is 15"
    assert as_digits("he's seventy-two, she is twenty one") == "he's 72, she is 21"
    assert as_digits("one year old") == "1 year old"
    # "one of them" is no age
    assert as_digits("one of them") == "one of them"


def test_a_number_word_is_no_subject() -> None:
    assert is_number_word("sixteen") and is_number_word("Seventy-two") and is_number_word("one")
    assert not is_number_word("someone") and not is_number_word("tone")
