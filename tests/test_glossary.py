from pathlib import Path

import pytest

from bot.errors import CorpusError
from bot.glossary import Glossary

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(ROOT / "corpus" / "glossary.json")


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Is Blincyto approved?", "blinatumomab"),
        ("besponsa and the liver", "inotuzumab ozogamicin"),
        ("KYMRIAH for kids", "tisagenlecleucel"),
        ("what about Tecartus", "brexucabtagene autoleucel"),
        ("CAR-T toxicity", "chimeric antigen receptor t"),
        ("risk of CRS", "cytokine release syndrome"),
        ("VOD after transplant", "veno-occlusive disease"),
        ("HSCT donors", "stem cell transplantation"),
        ("BMT in older people", "stem cell transplantation"),
        ("IT MTX schedule", "methotrexate"),
        ("how are the cancer cells killed", "blasts"),
        ("they take his own immune cells and change them", "chimeric antigen receptor t"),
        ("reprogrammed immune cells", "chimeric antigen receptor t"),
        ("her leukemia has returned", "relapse"),
        # Lay and spelling variants: "nerve reactions", "life threatening" unhyphenated, "haven't proven".
        ("bad nerve reactions with it", "neurologic toxicities"),
        ("complications may be life threatening", "life-threatening"),
        ("is a relapse there especially bad", "ominous"),
        ("these drugs haven't really proven themselves", "not been convincingly demonstrated"),
        # Another leukaemia the text never names is recognised, so that no answer is given for it.
        ("my mum has cll that came back", "chronic lymphocytic leukemia"),
        # Having children after treatment is fertility, not a group of patients.
        ("will she still be able to have kids after it?", "infertility"),
        ("can he have children after the transplant", "infertility"),
        # The nervous system's problems are the drugs' neurologic toxicities, not a relapse there.
        ("which treatments cause problems with the nervous system?", "neurologic toxicities"),
        # "loose" for "lose", the commonest misspelling of it, and who gives the marrow: a transplant's donor.
        ("will she loose her hair again?", "hair loss"),
        ("who gives the marrow?? does it have to be my sister", "stem cell transplantation"),
        # After a CNS relapse: the injections are the intrathecal ones, and "once it clears" is the text's
        # "until all signs disappear".
        ("do they carry on with the injections afterwards?", "intrathecal"),
        ("and after it clears, do they keep giving the intrathecal?", "all signs disappear"),
        ("and after it clears, do they keep giving the intrathecal?", "continued"),
        ("how is each of the non-marrow sites managed?", "extramedullary"),
        ("is there still a way to get rid of it?", "cure"),
    ],
)
def test_brand_names_and_abbreviations(glossary: Glossary, text: str, term: str):
    assert term in glossary.terms(text)


def test_case_sensitive_alias_only_in_capitals(glossary: Glossary):
    assert "acute lymphoblastic leukemia" in glossary.terms("relapsed ALL in adults")
    assert "acute lymphoblastic leukemia" not in glossary.terms("all of the patients")


def test_longest_match_wins(glossary: Glossary):
    mentions = glossary.mentions("bone marrow transplant")
    assert [m.term for m in mentions] == ["stem cell transplantation"]


def test_glossary_is_data_not_code():
    source = (ROOT / "bot" / "glossary.py").read_text()
    assert "kymriah" not in source.lower() and "blincyto" not in source.lower()


def test_bad_glossary_file_is_named(tmp_path: Path):
    bad = tmp_path / "glossary.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="glossary.json: not a glossary"):
        Glossary.load(bad)


def test_the_trie_pattern_matches_exactly_what_longest_first_alternation_matches():
    import re

    from bot.glossary import trie_pattern
    from bot.text import fold

    g = Glossary.load(ROOT / "corpus" / "glossary.json")
    words = [*g._surface, "car", "car-t", "car t-cell", "b+", "ab", "abc", "abc d"]
    flat = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    bound = r"(?<!\w)(?:{})(?![\w+])"
    old, new = re.compile(bound.format(flat), re.I), re.compile(bound.format(trie_pattern(words)), re.I)
    texts = [(ROOT / "corpus" / f).read_text() for f in ("relapsed-all.md",)] + [
        "CAR-T and car t-cell, car tcell, cart; abc d abc abcd ab-c b+ b++ Blincyto/Kymriah (IT MTX), HSCT.",
        "", "car", "car-", "car-t-cell", "CRS vs crs-like; VOD/SOS",
    ]
    for text in texts:
        f = fold(text)
        assert [m.span() for m in new.finditer(f)] == [m.span() for m in old.finditer(f)], text


def test_narrower_terms_are_those_that_name_a_term_as_broader() -> None:
    from bot.glossary import Entry, Glossary

    g = Glossary([Entry("cns", "site", broader=("extramedullary",)), Entry("testes", "site", broader=("extramedullary",)),
                  Entry("extramedullary", "site")])
    assert set(g.narrower("extramedullary")) == {"cns", "testes"}
    assert g.narrower("cns") == ()


def _written(tmp_path: Path, entries: str) -> Glossary:
    """A glossary read from a file holding ``entries`` (a JSON list)."""
    path = tmp_path / "glossary.json"
    path.write_text('{"entries": ' + entries + "}", encoding="utf-8")
    return Glossary.load(path)


def test_a_surface_is_not_the_term_next_to_a_word_that_makes_it_another_word(tmp_path: Path) -> None:
    # "fits" is seizures as a noun; the verb before its object, and at a question's end after its subject.
    g = _written(tmp_path, '[{"term": "seizures", "kind": "toxicity", "aliases": ["fits"],'
                           ' "not_before": {"fits": ["a", "the"]}, "not_after": {"fits": ["drug", "agent"]}}]')
    assert g.terms("Can it cause fits or confusion?") == ["seizures"]
    assert g.terms("Which one fits a 60 year old?") == []
    assert g.terms("Which one fits the old man?") == []
    assert g.terms("Did he have fits") == ["seizures"]
    assert g.terms("which drug from the list fits") == ["seizures"]  # ("list" is not among the words)
    assert g.terms("which listed agent fits?") == []
    assert g.terms("which listed  Agent fits") == []
    assert g.terms("can blina cause fits") == ["seizures"]


def test_the_shipped_glossary_tells_fits_the_verb_from_fits_the_symptom(glossary: Glossary) -> None:
    assert "seizures" in glossary.terms("Can blinatumomab cause fits or confusion?")
    assert "seizures" not in glossary.terms("Which CAR-T fits a 60 year old?")
    assert "seizures" not in glossary.terms("pt w T-ALL, failed 2 regimens, which drug from the list fits")
    assert "seizures" in glossary.terms("can blina cause fits")



def test_text_beyond_ascii_is_matched_as_ascii_text_is(glossary: Glossary):
    # ASCII text takes a pattern without IGNORECASE (it is folded to lower case already): same mentions.
    ascii_text = "Is Blincyto or inotuzumab hard on the liver of children?"
    plain = [(m.term, m.start, m.end) for m in glossary.mentions(ascii_text)]
    assert plain and [(m.term, m.start, m.end) for m in glossary.mentions(ascii_text + " – été")] == plain


def test_a_letter_that_matches_only_ignoring_case_is_no_mention(glossary: Glossary):
    # "lıver" (dotless i) matches the surface "liver" only ignoring case; it used to raise KeyError.
    with_i = glossary.terms("Is inotuzumab hard on the liver?")
    dotless = glossary.terms("Is inotuzumab hard on the lıver?")
    assert "inotuzumab ozogamicin" in dotless and set(dotless) < set(with_i)


def test_the_python_scan_finds_the_spans_the_compiled_pattern_finds() -> None:
    import random
    import re

    from bot.glossary import Surfaces
    from bot.text import fold

    # The scan's word test is the pattern's \w, for every character of the basic plane.
    word = re.compile(r"\w")
    assert all(bool(word.match(ch)) == (ch.isalnum() or ch == "_") for ch in map(chr, range(0x10000)))
    g = Glossary.load(ROOT / "corpus" / "glossary.json")
    words = [*g._surface, "car", "car-t", "car t-cell", "b+", "ab", "abc", "abc d", "7+3", "(r)"]
    surfaces = Surfaces(words)
    pattern = re.compile(r"(?<!\w)(?:{})(?![\w+])".format("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))))
    rnd = random.Random(14)
    noise = [" ", "  ", "-", "+", "_", ".", "/", "(", ")", "é", "²", "x", "s", "1", "ing", "\n"]
    texts = [fold((ROOT / "corpus" / "relapsed-all.md").read_text(encoding="utf-8")), "", "car", "car-", "abcd ab-c b++"]
    for _ in range(3000):
        texts.append("".join(rnd.choice(words) if rnd.random() < 0.5 else rnd.choice(noise) for _ in range(rnd.randint(1, 12))))
    for text in texts:
        assert list(surfaces._walk(text)) == [m.span() for m in pattern.finditer(text)], text
    # Past SCAN_BEFORE_COMPILE characters scanned, the compiled pattern answers, alike.
    before = [list(surfaces.spans(t)) for t in texts]
    assert surfaces._pattern is not None and [list(surfaces.spans(t)) for t in texts] == before


def test_a_procedure_or_harm_said_in_the_plural_is_the_term(tmp_path: Path) -> None:
    g = _written(tmp_path, '[{"term": "stem cell transplantation", "kind": "procedure", "aliases": ["stem cell transplant"]},'
                           ' {"term": "cytokine release syndrome", "kind": "toxicity", "aliases": ["crs"]},'
                           ' {"term": "remission", "kind": "concept", "aliases": ["cr"]},'
                           ' {"term": "antibody-drug conjugate", "kind": "therapy", "aliases": ["antibody drug"]}]')
    assert g.terms("do they still do stem cell transplants at 70") == ["stem cell transplantation"]
    # a plural that is another surface stays that one ("crs" is not two complete remissions)
    assert g.terms("what is crs") == ["cytokine release syndrome"]
    # a treatment class's plural may name a wider class ("antibody drugs" are not all conjugates)
    assert g.terms("the antibody drugs") == []


def test_a_terms_names_say_its_words(glossary: Glossary):
    # "spinal injections" is one of intrathecal's names: "injected" beside it asks nothing more.
    said = glossary.said_stems("intrathecal")
    assert "inject" in said and "spinal" in said
    assert "liver" not in said
    assert glossary.said_stems("not a term") == frozenset({"term"})


def test_kinds_the_text_itself_states_are_broader_terms(glossary: Glossary):
    # "higher remission rates ... than with standard chemotherapy" compares with chemotherapy;
    # "hepatotoxicity, including ... veno-occlusive disease"; "neurologic toxicities (eg, seizures ...)".
    assert "chemotherapy" in glossary.broader("standard chemotherapy")
    assert "hepatotoxicity" in glossary.broader("veno-occlusive disease")
    assert "neurologic toxicities" in glossary.broader("seizures")
