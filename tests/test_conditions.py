"""Conditions read from sentences and questions, and how a sentence's conditions fit the asker's."""

from __future__ import annotations

import pytest

from bot import conditions
from bot.conditions import Conditions, excludes, fit, qualified, read, share, within


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("available for patients up to 25 years of age", (0.0, 25.0)),
        ("For patients age 1 to 21 years with relapsed ALL", (1.0, 21.0)),
        ("rarely used for patients > 65 years because", (65.0, 200.0)),
        ("for adults with relapsed disease", (18.0, 200.0)),
        ("for children with refractory disease", (0.0, 17.0)),
        ("for children and adults", (0.0, 200.0)),
    ],
)
def test_a_sentence_states_the_ages_it_covers(text: str, age: tuple[float, float]) -> None:
    assert read(text).age == age


def test_a_question_states_the_askers_age_lineage_ph_line_and_donor() -> None:
    assert read("my father is 72, can he have a transplant?", question=True).age == (72.0, 72.0)
    assert read("a 45 year old man", question=True).age == (45.0, 45.0)
    assert read("she's 68 and her ALL has come back", question=True).age == (68.0, 68.0)
    assert read("I'm 42, am I too old for CAR-T?", question=True).age == (42.0, 42.0)
    assert read("there's 2 options", question=True).age is None
    assert read("drugs for T-cell ALL", question=True).lineage == frozenset({"T"})
    assert read("Ph+ disease", question=True).ph == frozenset({"+"})
    # Clinical shorthand: "68M" is a 68-year-old man; "Ph-neg" and "Ph-pos" name the status, not "Ph-".
    assert read("68M, relapsed B-ALL", question=True).age == (68.0, 68.0)
    assert read("6m of therapy", question=True).age is None
    # "Explain it like I'm 10" asks for plain words; the asker is not ten.
    assert read("explain it like I'm 10 years old", question=True).age is None
    assert read("explain like im 10", question=True).age is None
    assert read("Ph-pos adult", question=True).ph == frozenset({"+"})
    assert read("Ph-neg adult", question=True).ph == frozenset({"-"})
    assert read("in second relapse", question=True).line == 2
    q = read("no matched sibling, who can donate?", question=True)
    assert q.no_donor == frozenset({"sibling"}) and not q.donor
    # "neither ... is a match" denies the donor as "no" does.
    q = read("she needs a transplant but neither of her sisters is a match", question=True)
    assert q.no_donor == frozenset({"sibling"}) and not q.donor
    # and a sibling who cannot donate, said a clause later
    q = read("her only sister is 74 and not well, so she cant donate. what happens then?", question=True)
    assert q.no_donor == frozenset({"sibling"}) and not q.donor
    assert read("my sister is 30 and healthy, can she donate?", question=True).donor == frozenset({"sibling"})


def test_a_t_cell_engager_is_not_t_cell_disease() -> None:
    assert read("a CD19-directed CD3 T-cell engager").lineage == frozenset()
    assert read("only the CAR-T cell options please", question=True).lineage == frozenset()  # a product, not T-ALL
    assert read("CAR T cells for T cell disease?", question=True).lineage == frozenset({"T"})


def test_fit_prefers_sentences_that_speak_to_the_asker() -> None:
    old = read("my mother is 70", question=True)
    assert fit(read("rarely used for patients > 65 years"), old) == 1.0
    assert fit(read("for patients up to 25 years of age"), old) == -1.0
    assert fit(read("a sentence without conditions"), old) == 0.0
    no_sibling = read("there is no matched sibling", question=True)
    assert fit(read("if an HLA-matched sibling is available"), no_sibling) == -1.0
    assert fit(read("Cells from other relatives or from matched, unrelated donors are used."), no_sibling) == 1.0
    assert fit(read("for adults"), read("what is it?", question=True)) == 0.0  # the asker states nothing
    # Unclamped, a sentence stating more of the asker's conditions fits better.
    t_cell_later = read("T-cell ALL after 2 prior regimens", question=True)
    assert fit(read("For T-cell ALL that has relapsed after ≥ 2 prior regimens"), t_cell_later, clamp=False) == 2.0
    assert fit(read("For patients with relapsed ALL after ≥ 2 prior regimens"), t_cell_later, clamp=False) == 1.0


def test_a_group_asked_that_meets_the_ages_stated_only_at_an_edge_neither_fits_nor_is_left_out() -> None:
    young = read("For patients up to 25 years of age", False)
    assert fit(young, read("options for adults?", True)) == 0.0  # some adults (18 to 25), not a drug for adults
    assert not excludes(young, read("options for adults?", True))
    assert fit(young, read("options for a teenager?", True)) == 1.0
    assert fit(young, read("my son is 19", True)) == 1.0
    assert fit(young, read("my father is 67", True)) == -1.0
    # Ages stated that hold only a part of the group asked: "adults" (or "my husband") may be any age.
    assert fit(read("For patients > 65 years", False), read("options for adults?", True)) == 0.0
    assert fit(read("For patients > 65 years", False), read("options for my husband?", True)) == 0.0
    assert fit(read("For patients > 65 years", False), read("my father is 72", True)) == 1.0
    assert fit(read("for children and adults", False), read("options for adults?", True)) == 1.0
    assert fit(read("For patients age 1 to 21 years", False), read("options for kids?", True)) == 1.0


def test_qualified_statements_are_recognised() -> None:
    assert qualified("clinically meaningful outcomes have not been convincingly demonstrated")
    assert qualified("marketing has been discontinued")
    assert not qualified("Blinatumomab prolongs overall survival.")


def test_an_index_stores_each_sentences_conditions_as_read_from_its_text(engine) -> None:
    from bot import conditions

    data = engine.answerer.data
    table = data.sentence_conditions()
    assert table, "the fixture corpus states ages and donors"
    scorer = engine.answerer.scorer
    for row in range(len(data.sentence_start)):
        text = scorer.sentence(row).text
        want = conditions.read(text), conditions.qualified(text)
        assert table.get(row, (conditions.Conditions(), False)) == want, text


def test_a_table_read_with_other_patterns_is_not_used(engine) -> None:
    data = engine.answerer.data
    data.manifest = {**data.manifest, "precomputed": {"conditions.jsonl": "conditions 0000"}}
    if hasattr(data, "_conditions"):
        del data._conditions  # read again, under the changed manifest
    assert data.sentence_conditions() is None


def test_conditions_survive_their_record() -> None:
    from bot import conditions

    c = conditions.read("For adults with Ph- ALL in at least 2nd relapse; an HLA-matched sibling donor")
    assert conditions.from_record(conditions.to_record(c, True)) == (c, True)


def test_an_up_to_date_index_gets_a_new_conditions_table_when_the_patterns_change(corpus_dir, tmp_path, fake_embedder) -> None:
    import json

    from bot.chunking import Chunker
    from bot.index_store.build import build_index

    index = tmp_path / "idx"
    build_index(corpus_dir, index, fake_embedder, Chunker(), progress=False)
    manifest = json.loads((index / "manifest.json").read_text())
    good = manifest["precomputed"]["conditions.jsonl"]
    table = (index / "conditions.jsonl").read_text()
    manifest["precomputed"]["conditions.jsonl"] = "conditions stale"
    (index / "manifest.json").write_text(json.dumps(manifest))
    (index / "conditions.jsonl").write_text("")
    report = build_index(corpus_dir, index, fake_embedder, Chunker(), progress=False)
    assert not report.rebuilt
    assert json.loads((index / "manifest.json").read_text())["precomputed"]["conditions.jsonl"] == good
    assert (index / "conditions.jsonl").read_text() == table


def test_a_rebuild_reads_only_the_sentences_that_changed(corpus_dir, tmp_path, fake_embedder, monkeypatch) -> None:
    from bot import conditions
    from bot.chunking import Chunker
    from bot.index_store.build import build_index, previous_conditions

    index = tmp_path / "idx"
    build_index(corpus_dir, index, fake_embedder, Chunker(), progress=False)
    before = (index / "conditions.jsonl").read_text(encoding="utf-8")
    known = previous_conditions(index)
    assert known and any(known.values()) and {} in known.values()
    read = []
    real = conditions.read
    monkeypatch.setattr(conditions, "read", lambda text, *a, **k: read.append(text) or real(text, *a, **k))
    extra = corpus_dir / "extra.jsonl"
    extra.write_text(extra.read_text(encoding="utf-8").replace("painless swelling", "a painless swelling"), encoding="utf-8")
    build_index(corpus_dir, index, fake_embedder, Chunker(), progress=False)
    assert read == ["Testicular relapse may be evidenced by a painless swelling of a testis."]
    # The table is the one a build from nothing writes.
    monkeypatch.setattr(conditions, "read", real)
    fresh = tmp_path / "fresh"
    build_index(corpus_dir, fresh, fake_embedder, Chunker(), progress=False)
    assert (index / "conditions.jsonl").read_text(encoding="utf-8") == (fresh / "conditions.jsonl").read_text(encoding="utf-8")
    assert before  # the fixture states conditions: the comparison above is not of two empty tables


@pytest.mark.parametrize("text", ["a gene-modified T cell treatment for kids", "T-cell products", "T-cell therapies"])
def test_a_t_cell_treatment_is_not_t_cell_disease(text: str) -> None:
    assert read(text, True).lineage == frozenset()


def test_share_counts_each_condition_of_the_asker() -> None:
    from bot.conditions import share

    asker = read("which drug is for Ph-negative adults after two relapses", True)
    all_three = read("For adults with Ph- ALL in at least a second relapse")
    two = read("for children and adults with relapsed ALL, whether Ph+ or Ph-")
    assert share(all_three, asker) == 1.0
    assert 0.0 < share(two, asker) < 1.0
    assert share(read("for patients age 1 to 10 years"), asker) < 0.0
    # One condition: the same as fit.
    one = read("for adults?", True)
    assert share(all_three, one) == fit(all_three, one) == 1.0


@pytest.mark.parametrize(
    ("text", "labels"),
    [("Which fit B-precursor versus T-lineage disease?", ["B-cell", "T-cell"]),
     ("Which drugs are for Ph- and which for Ph+ ALL?", ["Ph-", "Ph+"]),
     ("for kids vs grown-ups", ["children", "adults"]),
     ("agents - which are for adults, which for kids?", ["adults", "children"]),
     ("Which are for T-cell ALL?", []), ("for adults over 65 or children", ["adults", "children"]), ("for adults", []),
     # One population named by two words is no request for groups.
     ("Which is a purine analog for children and young adults?", [])],
)
def test_split_names_the_groups_a_question_asks_for(text: str, labels: list[str]) -> None:
    from bot.conditions import split

    assert [label for label, _ in split(text)] == labels


@pytest.mark.parametrize("text", ["after multiple relapses", "ALL that relapsed several times", "despite several rounds of treatment"])
def test_several_relapses_or_regimens_are_a_later_line(text: str) -> None:
    assert read(text, question=True).line == 2


def test_a_question_about_unproven_statements_is_recognised() -> None:
    from bot.conditions import asks_qualified

    assert asks_qualified("the drugs approved without any proven benefit")
    assert asks_qualified("which one was withdrawn from the market?")
    assert not asks_qualified("what are the proven options?")
    # The asker's own words for it: "aren't proven to help", "the ones with weaker evidence".
    assert asks_qualified("summarise the older drugs that aren't proven to help")
    assert asks_qualified("the other agents, the ones with weaker evidence")
    assert not asks_qualified("what evidence is there for the options?")
    # with the text's own adverb: "never convincingly proven", "not been clearly shown"
    assert asks_qualified("Summarise the part about the older agents whose benefit was never convincingly proven.")
    assert asks_qualified("which ones have not been clearly shown to help?")
    assert not asks_qualified("which ones have been convincingly shown to help?")
    assert asks_qualified("what older or less proven drugs exist?")
    # "The older drugs": those the text sets apart from the new immunotherapies (not an older patient).
    assert asks_qualified("what about the older drugs, do they still use them?")
    assert asks_qualified("Older agents for multiply relapsed ALL: which ones, and for whom?")
    assert asks_qualified("Older salvage agents in r/r ALL - indications and strength of evidence?")
    assert asks_qualified("what are the older 'other agents' for relapsed ALL?")
    assert not asks_qualified("options for older patients?") and not asks_qualified("she is older than 65, what drugs?")


@pytest.mark.parametrize(("text", "lineage"), [
    ("B vs T lineage relapse", {"B", "T"}), ("T lineage disease", {"T"}), ("B-lineage ALL", {"B"}),
    ("B or T cell?", {"B", "T"}),
    ("B- vs T-lineage relapse", {"B", "T"}),
])
def test_a_lineage_named_once_for_both_letters_is_read_for_both(text: str, lineage: set[str]) -> None:
    assert read(text, question=True).lineage == lineage


def test_a_decade_said_is_the_askers_age_range() -> None:
    assert read("a patient in his mid-50s with relapsed ALL", question=True).age == (53.0, 56.0)
    assert read("my dad is in his late 60s", question=True).age == (67.0, 69.0)
    assert read("she is in her 20s", question=True).age == (20.0, 29.0)
    assert read("approved in the 1990s", question=True).age is None


def test_an_age_written_in_words_is_the_askers_age() -> None:
    assert read("My daughter is fifteen and it came back", question=True).age == (15.0, 15.0)
    assert read("he's seventy-two", question=True).age == (72.0, 72.0)
    assert read("my dad is sixty five years old", question=True).age == (65.0, 65.0)
    # "one" is an age only as "one year old"; "two of the drugs" is no age.
    assert read("she is one of them", question=True).age is None
    assert read("which is two of the drugs", question=True).age is None


def test_an_age_said_in_the_past_or_as_a_supposition_is_the_askers_age() -> None:
    assert read("What if she were 30 instead?", question=True).age == (30.0, 30.0)
    assert read("he was 7 when it started", question=True).age == (7.0, 7.0)
    # A time ago is no age.
    assert read("the relapse was 2 years ago", question=True).age is None
    assert read("it was 3 months after treatment", question=True).age is None


def test_an_age_said_as_when_to_have_a_treatment_is_the_askers_age() -> None:
    # "which of those is she allowed to get at 68? one of them is only for young people": 68, not children
    assert read("which of those is she allowed to get at 68? one of them is only for young people", question=True).age == (68.0, 68.0)
    assert read("is a transplant an option at 70?", question=True).age == (70.0, 70.0)
    # a dose, a time or a rate is no age
    assert read("do they give it at 15 mg?", question=True).age is None
    assert read("can you get it at 12 weeks?", question=True).age is None


def test_treatments_already_tried_count_as_a_line_of_therapy() -> None:
    assert read("it hasn't gone away after two different treatment plans", question=True).line == 2
    assert read("he failed 2 prior regimens", question=True).line == 2
    assert read("compare the two treatments", question=True).line is None
    assert read("My 15-year-old relapsed after two different treatment regimens", question=True).line == 2


@pytest.mark.parametrize(
    ("text", "question", "refractory"),
    [
        ("what are the options for refractory ALL?", True, True),
        ("what r all the options when chemo doesn't work anymore", True, True),
        ("it never responded to treatment", True, True),
        ("she did not respond to the first round", True, True),
        ("options for r/r ALL", True, False),  # the whole setting, not disease that did not respond
        ("immunotherapies for relapsed or refractory ALL", True, False),
        ("does blinatumomab work?", True, False),
        ("for relapsed or refractory B-cell precursor ALL", False, True),  # a sentence covering it says so
        ("For T-cell ALL that has not responded to or has relapsed after >= 2 prior regimens", False, True),
    ],
)
def test_disease_that_did_not_respond_is_a_condition(text: str, question: bool, refractory: bool) -> None:
    assert read(text, question=question).refractory is refractory


def test_a_sentence_about_refractory_disease_fits_an_asker_with_it() -> None:
    asked = read("options for refractory ALL", question=True)
    assert asked and asked.labels == ("refractory",) and asked.only_course
    assert not read("a child with refractory ALL", question=True).only_course
    assert fit(read("for relapsed or refractory B-cell precursor ALL"), asked) == 1.0
    assert fit(read("a new round of chemotherapy may induce a second remission"), asked) == 0.0
    c = read("For adults with refractory ALL")
    assert conditions.from_record(conditions.to_record(c, False)) == (c, False)


def test_lay_words_for_what_the_text_qualifies_ask_about_it() -> None:
    from bot.conditions import asks_qualified

    assert asks_qualified("the drugs they dont sell anymore, whats the deal")
    assert asks_qualified("the ones that never really proved anything")
    assert asks_qualified("which are no longer marketed?")
    assert not asks_qualified("which drugs are sold for children?")


def test_spans_of_finds_the_words_stating_the_kinds_of_condition_asked():
    text = "Which CAR-T is for young people up to 25, with T-ALL?"
    spans = conditions.spans_of(text, conditions.read("and for adults?", question=True))

    def blanked(phrase: str) -> bool:
        at = text.index(phrase)
        return any(a <= at and at + len(phrase) <= b for a, b in spans)

    assert blanked("young people") and blanked("up to 25") and not blanked("T-ALL")
    lineage = conditions.spans_of(text, conditions.read("and for B-cell?", question=True))
    assert {text[a:b] for a, b in lineage} == {"T-ALL"}


def test_a_condition_asked_is_within_the_one_stated_or_not_met():
    up_to_25, adults = Conditions(age=(0.0, 25.0)), Conditions(age=(18.0, 200.0))
    assert within(Conditions(age=(0.0, 25.0)), up_to_25) and not within(Conditions(age=(0.0, 25.0)), adults)
    # (ages that overlap are not enough: an adult of 40 is not "up to 25")
    assert within(Conditions(age=(18.0, 200.0)), adults) and not within(Conditions(age=(18.0, 200.0)), up_to_25)
    assert within(Conditions(lineage=frozenset({"T"})), Conditions(lineage=frozenset({"T"}), age=(1.0, 21.0)))
    assert not within(Conditions(lineage=frozenset({"T"})), Conditions(age=(1.0, 21.0)))
    assert not within(Conditions(), adults)  # nothing asked: nothing picks a member


def test_one_condition_that_leaves_the_asker_out_excludes_however_many_others_fit() -> None:
    tisa = read("for patients up to 25 years of age with B-cell precursor ALL that is refractory or in a 2nd or later relapse")
    kid_t_all = read("my 12-year-old has T-cell ALL and it has relapsed twice", question=True)
    assert fit(tisa, kid_t_all, clamp=False) > 0  # two of three fit ...
    assert excludes(tisa, kid_t_all)  # ... but T-cell ALL is not B-cell precursor ALL
    assert not excludes(tisa, read("my 12-year-old has B-cell ALL", question=True))
    assert not excludes(read("for children and adults"), kid_t_all)


def test_a_statement_for_another_lineage_scores_as_leaving_the_asker_out() -> None:
    tisa = read("for patients up to 25 years of age with B-cell precursor ALL that is refractory or in a 2nd or later relapse")
    adult_t_all = read("T-ALL, adult, refractory after 2 prior lines", question=True)
    assert share(tisa, adult_t_all) == -1.0  # age and line fit; another disease does not
    assert share(tisa, read("a 30-year-old with B-cell ALL in a second relapse", question=True)) > -1.0  # an age bound is softer


def test_is_there_anything_for_a_group_never_leads_with_a_sentence_excluding_it(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import ask_one_page

    text = ("Liposomal vincristine: For adults with Ph- ALL in at least 2nd relapse.\n\n"
            "Blinatumomab prolongs overall survival for children and adults with relapsed ALL, whether Ph+ or Ph-.")
    answer = ask_one_page(tmp_path, fake_embedder, text, "is there anything for Philadelphia positive relapse")
    assert answer.citations and not answer.citations[0].quote.startswith("Liposomal"), answer.answer


def test_older_folk_and_a_shorthand_sibling_are_conditions() -> None:
    older = read("Do they still do transplants for older folk with this leukaemia?", True)
    assert older.age == (65.0, 200.0)
    assert read("no HLA-matched sib. what else gets used", True).no_donor == frozenset({"sibling"})
    # an age group said in words is who is asked about, as an age in figures is: no subject word
    from bot.conditions import age_spans

    text = "transplants for older folk?"
    assert [text[a:b] for a, b in age_spans(text)] == ["older folk"]


def test_an_age_group_said_as_the_over_65s_or_the_under_18s() -> None:
    assert read("any for over 65s?", True).age == (65.0, 200.0)
    assert read("is it for the over-65s", True).age == (65.0, 200.0)
    assert read("what about the under-18s?", True).age == (0.0, 18.0)
    assert read("a drug from the 1960s", True).age is None


@pytest.mark.parametrize(
    ("question", "donor"),
    [
        ("my sister's leukemia came back in her bone marrow. is that really bad??", set()),  # she is the patient
        ("My brother relapsed with B-cell ALL, what now?", set()),
        ("my sister, 12, has ALL and relapsed", set()),
        ("does it have to be my sister as the donor?", {"sibling"}),
        ("My brother has B-cell ALL and my sister could donate", {"sibling"}),  # the patient, then a donor
        ("could my brother's marrow be used?", {"sibling"}),
    ],
)
def test_a_relative_who_is_the_patient_is_no_donor(question: str, donor: set[str]) -> None:
    assert set(conditions.read(question, True).donor) == donor


@pytest.mark.parametrize(("text", "lineage"), [
    # The story names the other kind; the question asks of one.
    ("Most of what I read online is about B-cell. What's out there for T-cell?", {"T"}),
    # The question names none: the story's first statement of one is the patient's.
    ("He has T-cell ALL. Everything I read is about the B-cell kind. Is there anything for his type?", {"T"}),
    ("B-cell and T-cell differ. Which is worse?", {"B", "T"}),
    # Both asked in the asking sentence, or no sentence of the story apart: both stay.
    ("B-cell ALL. What differs for B-cell and T-cell?", {"B", "T"}),
    ("B-cell vs T-cell relapse: which drugs?", {"B", "T"}),
    ("Which drugs for B-cell vs. T-cell ALL?", {"B", "T"}),
])
def test_of_two_lineages_stated_the_asking_sentences_counts(text: str, lineage: set[str]) -> None:
    assert read(text, question=True).lineage == frozenset(lineage)


def test_of_two_ph_states_the_asking_sentences_counts() -> None:
    assert read("The leaflet was about Ph+. What is there for Ph-negative disease?", question=True).ph == frozenset({"-"})
    assert read("Ph+ vs. Ph- ALL?", question=True).ph == frozenset({"+", "-"})
