from pathlib import Path

import pytest

from bot.glossary import Glossary
from bot.query import QueryProcessor, abbreviates
from bot.text import clean_question

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def qp() -> QueryProcessor:
    vocab = {w: 1 for w in ["blinatumomab", "tisagenlecleucel", "inotuzumab", "ozogamicin", "effects", "methotrexate", "clofarabine"]}
    return QueryProcessor(vocab, Glossary.load(ROOT / "corpus" / "glossary.json"))


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [("blinatumumab", "blinatumomab"), ("tisagenlecleucell", "tisagenlecleucel"), ("efects", "effects"),
     ("clofarabin", "clofarabine"), ("methotrexat", "methotrexate")],
)
def test_misspelled_medical_words_are_corrected(qp: QueryProcessor, typed: str, fixed: str):
    q = qp.process(f"side {typed} please")
    assert q.corrections == {typed: fixed}
    assert fixed in q.corrected


def test_real_english_words_are_left_alone(qp: QueryProcessor):
    q = qp.process("which clinical trials exist")
    assert q.corrections == {}
    assert q.corrected == "which clinical trials exist"


def test_garbage_is_unknown_not_corrected(qp: QueryProcessor):
    q = qp.process("qwzx plmokn vbtyr")
    assert q.corrections == {}
    assert set(q.unknown) == {"qwzx", "plmokn", "vbtyr"}


def test_brand_name_expands_to_canonical_term(qp: QueryProcessor):
    q = qp.process("Kymriah toxicity")
    assert q.terms[0] == "tisagenlecleucel"
    assert "tisagenlecleucel" in q.expanded.split()
    # What was appended, on its own: the question's vector composes it (bot/embedding.encode_question).
    assert q.added[0] == "tisagenlecleucel" and q.expanded == " ".join([q.corrected, *q.added])
    assert "tisagenlecleucel" not in qp.process("tisagenlecleucel toxicity").added  # named as the glossary does


def test_clean_question_strips_markup_and_controls():
    text, cut = clean_question("  <script>alert(1)</script>\x00 what\u200b is\n\tthis ", 100)
    assert text == "what is this"  # script content is dropped with its tags
    assert not cut
    text, cut = clean_question("word " * 100, 50)
    assert cut and len(text) <= 50


def test_clean_question_survives_lone_surrogates():
    text, _ = clean_question("a\ud800b", 100)
    assert text == "a b"


def test_chat_spellings_of_question_words_are_read_and_far_names_are_not_corrected() -> None:
    from bot.glossary import Entry, Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"brexucabtagene": 3, "blinatumomab": 4, "target": 2},
                        Glossary([Entry("brexucabtagene", "drug")]))
    q = qp.process("wat does blinatumumab target")
    assert q.corrected.startswith("what does blinatumomab")
    # Four edits from a corpus name is another name, not a misspelling of it.
    assert "obecabtagene" in qp.process("what is obecabtagene").corrected
    assert "r/r" in qp.process("r/r ALL").corrected


def test_the_edit_limit_counts_the_longer_word() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"mediterranean": 2, "fever": 3}, Glossary())
    assert "Mediterranean" in qp.process("info about Familial Mediterean Fever").corrected.title()


@pytest.mark.parametrize(
    ("short", "long", "ok"),
    [("cns", "central nervous system", True), ("mtx", "methotrexate", True), ("crs", "cytokine release syndrome", True),
     ("brain", "central nervous system", False), ("kids", "children", False), ("pain", "painless", False),
     ("central nervous system", "cns", False), ("", "cns", False)],
)
def test_abbreviation_test(short: str, long: str, ok: bool) -> None:
    assert abbreviates(short, long) is ok


def test_keyword_search_also_asks_for_the_abbreviation_the_corpus_writes() -> None:
    # The corpus writes only "CNS": a question that spells it out must reach it by keyword too, while the
    # encoded text (expanded) stays as asked.
    glossary = Glossary.load(ROOT / "corpus" / "glossary.json")
    q = QueryProcessor({"cns": 3, "relapse": 5}, glossary).process("central nervous system relapse")
    assert q.keywords.split()[-1] == "cns"
    assert "cns" not in q.expanded.split()
    # Not when the corpus never writes it, and never twice.
    assert "cns" not in QueryProcessor({"relapse": 5}, glossary).process("central nervous system relapse").keywords.split()
    assert QueryProcessor({"cns": 3}, glossary).process("CNS relapse").keywords.lower().split().count("cns") == 1


def test_a_lay_word_for_a_term_does_not_bring_its_abbreviation() -> None:
    # "brain" is a word of its own: the keyword search keeps to it rather than drift to "CNS" pages.
    glossary = Glossary.load(ROOT / "corpus" / "glossary.json")
    q = QueryProcessor({"cns": 3, "brain": 2}, glossary).process("brain malformations")
    assert "cns" not in q.keywords.split()


def test_keyword_search_also_asks_for_the_forms_of_the_word_the_corpus_writes() -> None:
    # "testicle" reaches the passage on "testicular relapse ... a testis" by keyword: the canonical "testes"
    # alone stems to "test". Not a form of another family ("testes"), nor a form the corpus lacks.
    glossary = Glossary.load(ROOT / "corpus" / "glossary.json")
    vocab = {"testis": 1, "testicular": 1, "testes": 1, "relapse": 2}
    q = QueryProcessor(vocab, glossary).process("what if it comes back in the testicle")
    assert q.keywords.split()[-2:] == ["testis", "testicular"]
    assert "testis" not in q.expanded.split()
    assert "testicular" not in QueryProcessor({"testis": 1}, glossary).process("testicle").keywords.split()
    # One form per stem: "relapses" adds nothing to "relapsed"; a surface of several words brings no forms.
    assert QueryProcessor({"relapses": 1, "relapse": 1}, glossary).process("relapsed").keywords == "relapsed"
    assert "relapsed" not in QueryProcessor({"relapsed": 1}, glossary).process("it came back").keywords.split()


def test_a_misspelled_plural_stays_plural() -> None:
    glossary = Glossary.load(ROOT / "corpus" / "glossary.json")
    qp = QueryProcessor({"immunotherapy": 3, "immunotherapies": 1}, glossary)
    assert qp.process("tell me about the imunotherapys").corrections == {"imunotherapys": "immunotherapies"}


def test_a_four_letter_word_one_letter_short_of_a_question_word_is_corrected() -> None:
    glossary = Glossary.load(ROOT / "corpus" / "glossary.json")
    qp = QueryProcessor({"tisagenlecleucel": 1}, glossary)
    assert qp.process("tisagenlecleucel age limt?").corrections == {"limt": "limit"}
    # An English word, or one close to several targets, is left alone.
    assert qp.process("what is the dose").corrections == {}
    # A five-letter word of the corpus is a target too.
    assert QueryProcessor({"early": 1, "relapse": 1}, glossary).process("erly relapse").corrections == {"erly": "early"}


def test_a_chat_spelling_of_back_is_read_as_back() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"relapse": 3, "liver": 2}, Glossary())
    q = qp.process("what if it comes bak in the liver")
    assert "comes back in the liver" in q.corrected and "bak" not in q.unknown


def test_a_chat_spelling_of_difference_is_read_as_difference() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"alphamab": 3, "betacel": 2}, Glossary())
    q = qp.process("alphamab vs betacel whats the diff")
    assert q.corrected.endswith("what's the difference") and "diff" not in q.unknown


def test_a_chat_spelling_of_know_is_read_as_know_not_named_as_missing() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"alphamab": 3}, Glossary())
    q = qp.process("alphamab - everything i need to kno")
    assert q.corrected.endswith("everything i need to know") and "kno" not in q.unknown


def test_two_neighbouring_letters_swapped_are_one_slip_and_the_corpus_word_wins() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"relapse": 3, "alphamab": 2}, Glossary())
    # "relpase" is one letter from the English "release" too: the swap back to the corpus word is nearer.
    assert qp.process("what is a relpase").corrected == "what is a relapse"
    assert qp.process("cns relaspe and alphaamb").corrections == {"relaspe": "relapse", "alphaamb": "alphamab"}


def test_chat_shorthand_for_patients_doctors_and_shes_is_read() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"relapse": 3}, Glossary())
    q = qp.process("shes 30, which pts do the drs treat")
    assert q.corrected.startswith("she's 30, which patients do the doctors treat")
    assert not {"shes", "pts", "drs"} & set(q.unknown)
    # one patient too: "pt w T-ALL" is a patient with T-ALL
    assert qp.process("pt w T-ALL, which drug fits").corrected.startswith("patient with T-ALL")


def test_two_letters_swapped_apart_in_a_long_word_are_two_slips_to_its_one_nearest_word() -> None:
    # "leukimea": the ratio counts four edits, too many; by edits it is two from "leukemia" and nearer nothing else.
    qp = QueryProcessor({"leukemia": 3, "relapse": 2}, Glossary())
    assert qp.process("side effects for leukimea").corrections == {"leukimea": "leukemia"}
    # A short word gets no such allowance: two edits in seven letters is another word.
    assert "relapse" not in qp.process("what is a rleapes").corrected
    # Other letters two edits away are another name: a drug the corpus lacks is not one it has.
    assert QueryProcessor({"bleomycin": 2}, Glossary()).process("neomycin sulfate powder").corrections == {}


def test_a_four_letter_swap_is_read_before_a_longer_word_one_letter_away() -> None:
    # "sied" is one swap from "side" and one insertion from "sided": the swap is the slip.
    qp = QueryProcessor({"side": 3, "sided": 1, "effects": 2}, Glossary())
    assert qp.process("sied effects of alphamab").corrections == {"sied": "side"}


def test_among_equally_near_english_words_the_one_the_text_uses_wins() -> None:
    glossary = Glossary.load(ROOT / "corpus" / "glossary.json")
    # "nurve" is one letter from "nurse" (commoner) and from "nerve" (the glossary says "nerves").
    assert QueryProcessor({"blinatumomab": 1, "nerves": 1}, glossary).process("nurve side effects").corrections == {
        "nurve": "nerve"
    }
    # A text that uses neither leaves English to choose the commoner word.
    assert QueryProcessor({"blinatumomab": 1}, Glossary([])).process("nurve side effects").corrections == {
        "nurve": "nurse"
    }


def test_among_equally_near_english_words_the_one_that_sounds_alike_wins() -> None:
    # "chanse" is one letter from "change" (commoner) and from "chance", which it sounds like.
    assert QueryProcessor({"cure": 1}, Glossary([])).process("best chanse of a cure").corrections == {"chanse": "chance"}
    # ... even when the text uses the other word: the sound says which word was meant.
    assert QueryProcessor({"cure": 1, "change": 1}, Glossary([])).process("best chanse of a cure").corrections == {
        "chanse": "chance"
    }


def test_chat_spellings_of_and_and_be_are_read() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"relapse": 3}, Glossary())
    assert qp.process("n for adults?").corrected == "and for adults?"
    q = qp.process("who can b the donor nd when")
    assert q.corrected == "who can be the donor and when" and not {"n", "b", "nd"} & set(q.unknown)


def test_a_drug_name_dictation_split_into_words_is_joined_back(qp: QueryProcessor):
    q = qp.process("tell me about blind a tumour mab for leukemia")
    assert q.corrected == "tell me about blinatumomab for leukemia" and q.corrections == {"blind a tumour mab": "blinatumomab"}
    assert qp.process("what is tissue gen lecluesel").corrected == "what is tisagenlecleucel"
    # A misspelt name beside a small or ordinary word keeps both words ("methotrexat for", "tisagenlecleucell age").
    assert qp.process("intrathecal methotrexat for cns").corrected == "intrathecal methotrexate for cns"
    assert qp.process("tisagenlecleucell age limit").corrected == "tisagenlecleucel age limit"
    # Words all known to English or the text are never joined ("can a transplant help").
    assert qp.process("can a transplant help").corrected == "can a transplant help"


def test_lay_words_for_the_liver_veins_and_the_doctor(qp: QueryProcessor):
    from bot.question import rules

    assert "veno-occlusive disease" in qp.process("doc mentioned something about veins in the liver").terms
    assert rules().is_asker("doc")  # who said it, not what is asked


def test_a_chat_spelling_of_frequency_is_read_as_frequency() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"methotrexate": 3, "intrathecal": 2}, Glossary())
    assert qp.process("freq of methotrexate?").corrected == "frequency of methotrexate?"


def test_a_common_misspelling_web_text_sometimes_uses_is_corrected_a_rare_word_is_not() -> None:
    from bot.query import _english_correction

    assert _english_correction("benifit") == "benefit"  # Zipf 1.7: in web text, still a slip
    assert _english_correction("dosing") is None  # a word of its own, only rarer than "losing"


def test_w_slash_o_is_without_and_w_slash_is_with() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"survival": 3, "benefit": 2}, Glossary())
    assert "approved without proven survival benefit" in qp.process("approved w/o proven survival benefit").corrected
    assert "with CRS" in qp.process("blina w CRS").corrected


def test_a_trailing_like_in_what_is_it_like_is_no_word_of_the_question() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"outlook": 3, "likely": 2}, Glossary())
    assert qp.process("whats the outlook like").corrected == "what's the outlook"
    assert qp.process("What is the outlook like?").corrected == "What is the outlook?"
    # "like" meaning "such as" stays
    assert "like" in qp.process("what drugs like blinatumomab are there?").corrected


def test_northern_english_owt_and_nowt_are_read_as_anything_and_nothing() -> None:
    from bot.glossary import Glossary
    from bot.query import QueryProcessor

    qp = QueryProcessor({"alphamab": 3, "liver": 2}, Glossary())
    q = qp.process("Is there owt about alphamab and the liver I ought to know about?")
    assert "anything about alphamab" in q.corrected and "owt" not in q.unknown


def test_a_drug_name_with_its_vowels_misheard_is_corrected_by_its_consonants(qp: QueryProcessor):
    # Three edits from the name (past the spelling ratio), every consonant kept: the name.
    assert qp.process("the team mentioned nelarabean").corrected == "the team mentioned nelarabine"
    assert qp.process("what is clofarabeen for").corrected == "what is clofarabine for"
    # An unknown long word with no drug's consonants stays as typed; so does a short one.
    assert qp.process("what about daunorubicin").corrected == "what about daunorubicin"
    assert qp.process("is nelarb ok").corrected == "is nelarb ok"


def test_consonants_two_drug_names_share_are_neithers() -> None:
    from bot.glossary import Entry, Glossary
    from bot.query import QueryProcessor

    glossary = Glossary([Entry("zelarabine", "drug"), Entry("zolarabane", "drug"), Entry("melarabine", "drug")])
    qp = QueryProcessor({}, glossary)
    assert qp.process("zelarubeen dose").corrected == "zelarubeen dose"
    assert qp.process("melarubeen dose").corrected == "melarabine dose"


def test_the_keyword_search_reads_the_keywords_or_else_the_expanded_text(qp: QueryProcessor):
    from dataclasses import replace

    q = qp.process("intrathecal methotrexate for the brain")
    assert q.keyword_text == q.keywords and q.keywords.startswith(q.expanded)
    assert replace(q, keywords="").keyword_text == q.expanded


def test_an_able_word_is_read_by_the_verb_the_corpus_writes() -> None:
    vocab = {"cure": 2, "treat": 3, "transplant": 4, "control": 1, "relapse": 5, "table": 1}
    qp = QueryProcessor(vocab, Glossary())
    # A word the corpus never writes, made from one it does: read as that word (and said so, as a correction).
    q = qp.process("Is relapse treatable?")
    assert q.corrected == "Is relapse treat?" and q.corrections == {"treatable": "treat"} and not q.unknown
    assert qp.process("is it transplantable").corrected == "is it transplant"
    assert qp.process("is it controllable").corrected == "is it control"
    # A word the reader knows as it is (here, the corpus writes it) stays; the verb is searched beside it.
    known = QueryProcessor(vocab | {"curable": 1}, Glossary()).process("Is relapse curable?")
    assert known.corrected == "Is relapse curable?" and known.expanded.split()[-1] == "cure"
    # No verb the corpus writes, or no "-able" word at all: nothing read into it.
    assert qp.process("is it durable").corrections == {} and "durable" in qp.process("is it durable").unknown
    assert qp.process("the table").expanded == "the table"
