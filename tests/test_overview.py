"""Overview answers on the fixture corpus: which questions widen into one, and what each kind quotes."""

from __future__ import annotations

from pages import QUALIFIED_LIST, ask_one_page, engine_over, one_page


def _analysis(engine, question: str):  # noqa: ANN202
    a = engine.answerer
    return a.understand(a.clean(question).text).analysis


def test_a_tour_of_named_treatments_quotes_each(engine) -> None:
    answer = engine.session().ask("Tell me about alphamab and betacel")
    assert not answer.abstained
    firsts = [c.quote.split(",")[0].split(" ")[0] for c in answer.citations]
    assert "Alphamab" in firsts and "Betacel" in firsts
    assert not any(c.quote.startswith("CNS") for c in answer.citations)


def test_several_asks_about_one_subject_widen_into_an_overview(engine) -> None:
    ov = engine.answerer.overviews
    assert ov.broadens(_analysis(engine, "What is transplantation, who can get it, and is there an age limit?"))
    answer = engine.session().ask("What is transplantation, who can get it, and is there an age limit?")
    quotes = [c.quote for c in answer.citations]
    assert any(q.startswith("Stem cell transplantation offers") for q in quotes)
    assert any(q.startswith("Transplantation is rarely used") for q in quotes)


def test_an_attribute_of_each_option_keeps_only_the_options_that_state_it(engine) -> None:
    answer = engine.session().ask("What are the treatment options, and what can go wrong with each?")
    assert not answer.abstained
    quotes = [c.quote for c in answer.citations]
    assert quotes and all(any(w in q.lower() for w in ("toxicit", "hepatotoxicity", "fatal", "adverse", "symptoms")) for q in quotes)
    assert not any(q.startswith("CNS relapse treatment") for q in quotes)


def test_one_attribute_asked_of_the_whole_text_gathers_it_from_every_option(engine) -> None:
    ov = engine.answerer.overviews
    assert ov.broadens(_analysis(engine, "What side effects does the text mention?"))
    assert not ov.broadens(_analysis(engine, "What side effects does alphamab have?"))
    answer = engine.session().ask("What side effects does the text mention?")
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) >= 2 and not any(q.startswith("CNS relapse treatment") for q in quotes)


def test_tell_me_about_one_subject_quotes_its_account_and_only_sentences_naming_it(engine) -> None:
    ov = engine.answerer.overviews
    assert ov.broadens(_analysis(engine, "What does the text say about transplant?"))
    answer = engine.session().ask("What does the text say about transplant?")
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("Stem cell transplantation offers")
    assert all("ransplant" in q for q in quotes)


def test_two_sites_with_paragraphs_of_their_own_widen_into_both(engine) -> None:
    ov = engine.answerer.overviews
    assert ov.broadens(_analysis(engine, "How is relapse in the brain or a testicle treated?"))
    assert not ov.broadens(_analysis(engine, "How is CNS relapse treated?"))


def test_a_broad_question_about_nothing_in_particular_gets_the_key_points(engine) -> None:
    answer = engine.session().ask("What should a family know when it comes back? The big picture please")
    assert answer.parts[0].kind == "lead" and "key points" in answer.parts[0].text


def test_a_broad_question_is_answered_from_a_document_naming_all_it_names(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    tumors = " ".join([
        "Tumors of the CNS are growths in the brain and spinal cord.",
        "CNS tumors are found by imaging of the brain and spinal cord.",
        "CNS tumors are treated with surgery, radiation and drugs given into the CNS.",
        "Children with CNS tumors are followed for years after treatment of the CNS.",
    ])
    leukemia = ("Leukemia may come back in the marrow. CNS relapse treatment includes intrathecal methotrexate "
                "twice weekly. The role of CNS irradiation after a relapse is unclear.")
    rows = [{"id": "tumors", "title": "CNS tumors", "text": tumors},
            {"id": "leukemia", "title": "Leukemia that comes back", "text": leukemia}]
    answer = engine_over(tmp_path, fake_embedder, rows).session().ask("tell me about CNS relapse")
    assert answer.citations and {c.doc_id for c in answer.citations} == {"leukemia"}



def test_an_option_is_quoted_by_its_own_sentence_not_one_the_list_cue_matches(engine) -> None:
    # "what else is there ...?" is a list question whose cue ("include") matches "toxicities may
    # include ..."; no attribute is asked, so alphamab is quoted by the sentence that introduces it.
    a = engine.session().ask("what else is there besides betacel?")
    quotes = [c.quote for c in a.citations]
    assert any(q.startswith("Alphamab, a CD19-directed antibody") for q in quotes), quotes
    assert not any(q.startswith("Life-threatening toxicities") for q in quotes), quotes


def test_a_broad_question_goes_to_the_document_whose_title_says_part_of_it(corpus_dir, tmp_path, fake_embedder) -> None:
    import json

    import bot

    # Both documents name testicular relapse; only one is titled so, and the other says it more often.
    notes = {"id": "notes", "title": "Clinic notes", "text": (
        "Testicular relapse is treated with radiation therapy of the testis. Testicular relapse treatment also "
        "includes systemic therapy. Testicular relapse may be evidenced by swelling of the testis."
    )}
    with (corpus_dir / "extra.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(notes) + "\n")
    engine = bot.load(corpus=corpus_dir, index=tmp_path / "index2", embedder=fake_embedder)
    a = engine.session().ask("tell me about testicular relapse treatment")
    assert a.citations and {c.doc_id for c in a.citations} == {"extra-1"}, [c.doc_id for c in a.citations]



def test_a_topic_overview_leaves_out_a_sentence_about_another_treatment() -> None:
    # "explain CAR-T cells": of the paragraph that also speaks of antibodies, the CAR-T sentences.
    from bot.evidence import Evidence
    from bot.glossary import Glossary
    from bot.overview import Overview, Paragraph
    from bot.params import default_params
    from bot.question import Analysis
    from bot.settings import PROJECT_ROOT

    ov = Overview(None, Glossary.load(PROJECT_ROOT / "corpus" / "glossary.json"), default_params())  # type: ignore[arg-type]
    texts = [("Antibodies, such as blinatumomab, that bring T cells close to leukemic blasts show activity.", ["blinatumomab"]),
             ("Chimeric antigen receptor T (CAR-T) cells, engineered from the patient's T cells, induce remission.", ["chimeric antigen receptor t"]),
             ("Complications of these products may be life threatening in some of the patients.", [])]
    evs = []
    for i, (text, own) in enumerate(texts):
        ev = Evidence(i, 0, 0, len(text), 0, "prose", text, score=1.0)
        ev.own = own
        evs.append(ev)
    q = Analysis("explain CAR-T cells", "overview", ["overview"], False, ["chimeric antigen receptor t"])
    picked = [e.text for e in ov._topical_pick(q, [Paragraph(0, evs)])]
    assert picked == [texts[1][0], texts[2][0]]


def test_a_broad_question_about_what_is_unproven_quotes_the_paragraph_the_text_qualifies(engine) -> None:
    a = engine.session().ask("Summarise the therapies that aren't proven to help")
    quotes = [c.quote for c in a.citations]
    # The fixture's one qualified statement ("... irradiation is unclear") and its paragraph, nothing else.
    assert a.question_type == "overview" and "The role of CNS irradiation is unclear." in quotes
    assert all(q.startswith(("CNS relapse", "The role of CNS")) for q in quotes)


def test_each_site_asks_for_every_paragraph_the_text_gives_a_site(engine) -> None:
    a = engine.session().ask("run me through the treatment for each site")
    assert a.question_type == "overview" and a.citations
    assert all(c.quote.startswith(("CNS relapse", "The role of CNS")) for c in a.citations)


def test_what_they_do_for_each_spot_asks_for_every_site_paragraph(engine) -> None:
    a = engine.session().ask("where can it come back and what do they do for each spot")
    assert a.question_type == "overview" and a.citations
    assert all(c.quote.startswith(("CNS relapse", "The role of CNS")) for c in a.citations)


WHERE_AND_HOW = (
    "Leukemic cells may reappear in the bone marrow, CNS, testes, or other sites. Bone marrow relapse is "
    "particularly ominous.\n\n"
    "CNS relapse treatment includes intrathecal methotrexate (with or without cytarabine or corticosteroids) "
    "twice weekly until all signs disappear. The role of continued intrathecal drug use or CNS irradiation is unclear.\n\n"
    "Testicular relapse may be evidenced clinically by painless firm swelling of a testis or may be identified on "
    "biopsy. Treatment is radiation therapy of the involved testis and administration of systemic reinduction therapy."
)


def test_where_it_comes_back_and_how_each_of_those_places_is_treated_is_every_site_paragraph(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    a = ask_one_page(tmp_path, fake_embedder, WHERE_AND_HOW, "Where in the body can ALL come back, and how do they treat each of those places?")
    quotes = [c.quote for c in a.citations]
    assert len(quotes) >= 4, a.answer  # every site paragraph, not the list of sites alone
    assert any(q.startswith("CNS relapse") for q in quotes) and any(q.startswith("Treatment is radiation") for q in quotes)


def test_an_overview_of_a_class_named_once_describes_its_members(class_engine) -> None:  # noqa: ANN001
    engine = class_engine
    a = engine.session().ask("Overview of fixture antibody treatment")  # singular: still the class's members
    firsts = {c.quote.split(",")[0] for c in a.citations}
    assert {"Alphamab", "Betacel"} <= firsts and not any(c.quote.startswith("CNS") for c in a.citations)



def test_a_question_about_what_is_unproven_goes_to_a_document_that_qualifies_its_statements(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    older = ("Older agents help older adults sleep. Older adults respond to older agents as well as younger people. "
             "Older agents and older adults are studied in clinical trials of older agents.")
    leukemia = ("Other agents have been available, but clinically meaningful outcomes have not been convincingly "
                "demonstrated. Examples include clofarabine for children. Marketing of liposomal vincristine has been discontinued.")
    rows = [{"id": "older", "title": "Older agents for older adults", "text": older},
            {"id": "leukemia", "title": "Leukemia that comes back", "text": leukemia}]
    answer = engine_over(tmp_path, fake_embedder, rows).session().ask("Which older agents lack proven clinical benefit?")
    assert answer.citations and {c.doc_id for c in answer.citations} == {"leukemia"}, answer.answer


def test_the_risks_of_a_class_leave_out_a_paragraph_that_names_it_only_in_passing(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    # The transplant paragraph says "following ... immunotherapy" and "fatal": it is about transplant, so
    # it is not one of the immunotherapies whose risks were asked for.
    text = ("New immunotherapy approaches show impressive results in relapsed ALL. Blinatumomab may cause "
            "cytokine release syndrome, which can be life threatening.\n\n"
            "Inotuzumab ozogamicin may cause hepatotoxicity, including fatal veno-occlusive disease.\n\n"
            "Stem cell transplantation following chemotherapy or immunotherapy offers the greatest hope of cure. "
            "Transplantation is rarely used for patients > 65 years because adverse effects are much more likely to be fatal.")
    answer = ask_one_page(tmp_path, fake_embedder, text, "What are the serious risks of the immunotherapies?")
    quotes = [c.quote for c in answer.citations]
    assert any(q.startswith("Inotuzumab") for q in quotes) and any(q.startswith("Blinatumomab") for q in quotes), answer.answer
    assert not any("ransplant" in q for q in quotes), answer.answer


# Two sites with paragraphs of their own; the testes' treatment is its paragraph's last sentence.
SITES = ("CNS relapse treatment includes intrathecal methotrexate twice weekly until all signs disappear. "
         "The role of CNS irradiation is unclear.\n\n"
         "Testicular relapse may be evidenced clinically by painless firm swelling of a testis. If unilateral "
         "testicular involvement is clinically evident, the apparently uninvolved testis should undergo biopsy. "
         "Treatment is radiation therapy of the involved testis and administration of systemic reinduction therapy.")


def test_a_treatment_asked_of_a_site_is_quoted_first(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    answer = ask_one_page(tmp_path, fake_embedder, SITES, "What treatment is there for testicular relapse?")  # a treatment, not how it shows
    assert answer.citations and answer.citations[0].quote.startswith("Treatment is radiation therapy"), answer.answer


def test_treatment_asked_of_two_sites_quotes_each_sites_treatment_first(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    engine = one_page(tmp_path, fake_embedder, SITES)
    answer = engine.session().ask("What treatment does the text describe for relapse in the brain or the testicles?")
    quotes = [c.quote.split(" ")[0] for c in answer.citations]
    assert quotes == ["CNS", "Treatment", "Testicular", "If"], answer.answer
    # Several things asked of a site keep the text's order: how it shows comes before how it is treated.
    answer = engine.session().ask("Testicular relapse: presentation, work-up, management.")
    assert [c.quote.split(" ")[0] for c in answer.citations][:1] == ["Testicular"], answer.answer


# Two CAR-T products, each with whom it is for and its toxicity in sentences of their own.
CAR_T_PAGE = ("Tisagenlecleucel, a CAR-T cell therapy, is available for patients up to 25 years of age. "
              "Life-threatening toxicities may include cytokine release syndrome.\n\n"
              "Brexucabtagene autoleucel, a CAR-T cell therapy, can be used to treat adult patients. "
              "Complications, including neurologic toxicities, may be life threatening.")


def test_aspects_listed_are_each_answered_by_a_sentence_of_their_own(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    answer = ask_one_page(tmp_path, fake_embedder, CAR_T_PAGE, "CAR-T in relapsed ALL: summarize - products, eligibility, toxicity")
    quotes = [c.quote for c in answer.citations]
    # No one sentence states both who it is for and its toxicity: each aspect is quoted from its own sentence.
    assert any("years of age" in q for q in quotes) and any("toxicities" in q for q in quotes), answer.answer


def test_aspects_asked_one_by_one_are_each_answered_but_of_each_option_all_at_once(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    answer = ask_one_page(tmp_path, fake_embedder, CAR_T_PAGE, "explain CAR-T: what it is, who can get it and whats the catch")
    quotes = [c.quote for c in answer.citations]
    assert any("years of age" in q for q in quotes) and any("toxicities" in q for q in quotes), answer.answer


def test_outcomes_asked_besides_a_class_leave_out_its_members(tmp_path, fake_embedder) -> None:
    text = (
        "Chemotherapy helps only a few patients with early relapse to achieve long second remissions or cure. "
        "New immunotherapy approaches show impressive results in relapsed ALL. "
        "Blinatumomab, a CD19-directed T-cell engager, prolongs overall survival for adults with relapsed ALL.\n\n"
        "Stem cell transplantation offers the greatest hope of long-term remission or cure."
    )
    engine = one_page(tmp_path, fake_embedder, text)
    answer = engine.session().ask("Summarize the non-immunotherapy salvage agents and the evidence behind them.")
    quotes = [c.quote for c in answer.citations]
    assert any(q.startswith("Stem cell transplantation") for q in quotes)
    assert not any("mmunotherapy approaches" in q or q.startswith("Blinatumomab") for q in quotes)


OTHER_AGENTS = (
    "Although a new round of chemotherapy may induce a second remission in the majority of children, "
    "subsequent remissions tend to be brief.\n\n"
    "New immunotherapy approaches show impressive results in relapsed ALL. Antibodies, such as blinatumomab, "
    "demonstrate activity in relapsed ALL. Chimeric antigen receptor T (CAR-T) cells induce remission in "
    "patients with relapsed ALL.\n\n"
    "Other agents have been available, but clinically meaningful outcomes have not been convincingly "
    "demonstrated for these. Examples include:\n\n"
    "Clofarabine (a purine nucleoside analog): For patients age 1 to 21 years with relapsed or refractory ALL\n\n"
    "Stem cell transplantation offers the greatest hope of long-term remission or cure."
)


def test_options_besides_every_member_of_a_class_leave_out_the_class_and_never_quote_a_bare_lead_in(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    answer = ask_one_page(tmp_path, fake_embedder, OTHER_AGENTS,
                          "what other drugs exist for relapsed ALL besides the antibodies and CAR-T?")
    quotes = [c.quote for c in answer.citations]
    assert not answer.abstained and len(quotes) >= 2, answer.answer
    # antibodies and CAR-T are every immunotherapy the glossary knows: the immunotherapy sentence is set aside too
    assert not any("immunotherapy approaches" in q or q.startswith(("Antibodies", "Chimeric")) for q in quotes)
    assert "Examples include:" not in quotes  # a lead-in naming nothing says nothing alone
    assert any(q.startswith(("Other agents", "Clofarabine")) for q in quotes)


def test_an_option_whose_conditions_leave_the_asker_out_is_not_listed(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    text = (
        "Although a new round of chemotherapy may induce a second remission in the majority of children, "
        "subsequent remissions tend to be brief.\n\n"
        "Tisagenlecleucel, a CD19-directed genetically modified autologous T-cell immunotherapy, is available for "
        "the treatment of patients up to 25 years of age with B-cell precursor ALL that is refractory or in a 2nd "
        "or later relapse.\n\n"
        "Other agents have been available. Examples include:\n\n"
        "Nelarabine (a purine nucleoside) analog prodrug of guanosine arabinoside: For T-cell ALL that has not "
        "responded to or has relapsed after ≥ 2 prior regimens"
    )
    answer = ask_one_page(tmp_path, fake_embedder, text,
                          "My 12-year-old has T-cell ALL and it has relapsed twice. What's out there for a kid like him?")
    quotes = [c.quote for c in answer.citations]
    assert any(q.startswith("Nelarabine") for q in quotes), answer.answer
    assert not any(q.startswith("Tisagenlecleucel") for q in quotes)  # age and line fit; B-cell precursor does not


def test_an_attribute_asked_of_marked_options_quotes_what_their_paragraphs_state(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    # The toxicity sentences do not say "CD19-directed"; their paragraphs' first sentences do.
    text = ("Blinatumomab, a CD19-directed T-cell engager, prolongs survival in relapsed ALL. Life-threatening "
            "toxicities may include cytokine release syndrome.\n\n"
            "Inotuzumab ozogamicin, a CD22-directed conjugate, is available for adults. Inotuzumab may cause hepatotoxicity.\n\n"
            "Tisagenlecleucel, a CD19-directed T-cell immunotherapy, is available up to 25 years of age. Complications, "
            "including neurologic toxicities, may be life threatening.")
    answer = ask_one_page(tmp_path, fake_embedder, text, "Toxicity profile of the CD19-directed therapies?")
    quotes = [c.quote for c in answer.citations]
    assert not answer.abstained, answer.answer
    assert any(q.startswith("Life-threatening toxicities") for q in quotes) and any(q.startswith("Complications") for q in quotes), answer.answer
    assert not any("Inotuzumab" in q for q in quotes), answer.answer


def test_a_word_of_the_text_asked_about_quotes_every_sentence_saying_it(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    # "remission" is no glossary term: the sentences saying it, wherever they stand, are its account.
    text = ("Leukemic cells may reappear in the bone marrow. A new round of chemotherapy may induce a second remission "
            "in most children.\n\nBlinatumomab prolongs overall survival for adults with relapsed disease. Inotuzumab "
            "gave higher remission rates than standard chemotherapy in one study.\n\n"
            "Stem cell transplantation offers the greatest hope of long-term remission if a sibling matches. "
            "Transplantation is rarely used for patients over 65 years of age.")
    answer = ask_one_page(tmp_path, fake_embedder, text, "everything it says about remission")
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == 3 and all("remission" in q for q in quotes), answer.answer
    assert answer.answer.startswith("The text says this about remission:")


def test_treatment_asked_first_beside_what_to_expect_leads_a_sites_paragraph(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    answer = ask_one_page(tmp_path, fake_embedder, SITES, "How is testicular relapse treated, and what should we expect next?")
    quotes = [c.quote for c in answer.citations]
    assert quotes and quotes[0].startswith("Treatment is radiation therapy"), answer.answer
    assert any(q.startswith("Testicular relapse may be evidenced") for q in quotes), answer.answer


def test_where_it_comes_back_and_what_is_done_for_those_sites_quotes_each_site(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    text = "Leukemic cells may reappear in the bone marrow, CNS, testes, or other sites.\n\n" + SITES
    answer = ask_one_page(tmp_path, fake_embedder, text, "Where can it come back, and what's done for those sites?")
    quotes = [c.quote for c in answer.citations]
    assert any(q.startswith("CNS relapse treatment") for q in quotes) and any(q.startswith("Treatment is radiation") for q in quotes), answer.answer


def test_named_treatments_set_side_by_side_share_the_quotes_out(engine) -> None:
    # Two named and compared ("pros and cons of X versus Y"): more than one sentence each, not one line apiece.
    quotes = [c.quote for c in engine.session().ask("Pros and cons of alphamab versus betacel?").citations]
    assert sum("lphamab" in q or q.startswith("Life-threatening") for q in quotes) >= 2, quotes
    assert any(q.startswith("Betacel may cause hepatotoxicity") for q in quotes), quotes


def test_asked_for_the_drugs_an_options_answer_quotes_the_drugs_not_chemotherapy_or_transplant(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    text = ("A new round of chemotherapy may induce a second remission in the majority of children.\n\n"
            "Blinatumomab prolongs overall survival for children and adults with relapsed ALL.\n\n"
            "Inotuzumab ozogamicin is also available for adults with relapsed ALL.\n\n"
            "Stem cell transplantation offers the greatest hope of cure for patients with a matched sibling.")
    engine = one_page(tmp_path, fake_embedder, text)
    answer = engine.session().ask("Which drugs are for which patients?")
    quotes = [c.quote for c in answer.citations]
    assert quotes and {q.split()[0] for q in quotes} == {"Blinatumomab", "Inotuzumab"}, answer.answer
    # Asked for the options, every kind of treatment
    options = [c.quote for c in engine.session().ask("Which treatments are for which patients?").citations]
    assert any(q.startswith("Stem cell") for q in options), options


def test_a_site_asked_with_treatments_its_paragraph_gives_is_that_paragraph(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Leukemic cells may reappear in the bone marrow, CNS, testes, or other sites.\n\n"
            "CNS relapse treatment includes intrathecal methotrexate twice weekly until all signs disappear. "
            "The role of continued intrathecal drug use or CNS irradiation is unclear.\n\n"
            "Testicular relapse may be evidenced clinically by painless firm swelling of a testis. "
            "Treatment is radiation therapy of the involved testis and administration of systemic reinduction therapy.")
    a = one_page(tmp_path, fake_embedder, text).session().ask(
        "Outline management of CNS relapse - intrathecal methotrexate and the place of irradiation.")
    # Not the testis's radiation therapy: the treatments named are the CNS paragraph's.
    assert a.citations and a.citations[0].quote.startswith("CNS relapse treatment includes"), a.answer
    assert all(c.quote.startswith(("CNS relapse", "The role of")) for c in a.citations), a.answer


def test_a_topic_before_a_list_of_aspects_asks_its_account_whatever_the_aspects_name(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Although a new round of chemotherapy may induce a second remission, subsequent remissions tend to be brief.\n\n"
            "Stem cell transplantation following reinduction chemotherapy offers the greatest hope of cure if an HLA-matched sibling is available. "
            "Cells from other relatives or from matched, unrelated donors are sometimes used. "
            "Transplantation is rarely used for patients > 65 years because it is much less likely to be successful.")
    a = one_page(tmp_path, fake_embedder, text).session().ask(
        "HSCT in relapsed ALL: donor preference, sequencing with reinduction, and age cut-offs?")
    # Reinduction is named inside an aspect; the topic is transplant: its paragraph, not "does not discuss".
    quotes = [c.quote for c in a.citations]
    assert not a.abstained, a.answer
    assert any(q.startswith("Cells from other relatives") for q in quotes) and any(q.startswith("Transplantation is rarely") for q in quotes)


def test_options_asked_with_their_risks_give_each_fitting_options_sentence_and_its_risk(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Blinatumomab, a CD19-directed T-cell engager, prolongs overall survival for adults with relapsed ALL. "
            "Life-threatening toxicities may include cytokine release syndrome and neurologic toxicities.\n\n"
            "Inotuzumab ozogamicin, a CD22-directed antibody-drug conjugate, is also available for adults with relapsed ALL. "
            "Inotuzumab may cause hepatotoxicity, including fatal veno-occlusive disease.\n\n"
            "Tisagenlecleucel, a CD19-directed T-cell immunotherapy, is available for patients up to 25 years of age. "
            "Life-threatening toxicities may include cytokine release syndrome (5).")
    a = one_page(tmp_path, fake_embedder, text).session().ask(
        "My father is 67 and his ALL has relapsed. What treatments could still work for him and what are the risks of them?")
    quotes = [c.quote for c in a.citations]
    assert any(q.startswith("Blinatumomab, a CD19") for q in quotes) and any(q.startswith("Inotuzumab ozogamicin, a CD22") for q in quotes), a.answer
    assert "Inotuzumab may cause hepatotoxicity, including fatal veno-occlusive disease." in quotes, a.answer
    # The option that leaves a 67-year-old out comes with neither its sentence nor its risks.
    assert not any(q.startswith(("Tisagenlecleucel", "Life-threatening toxicities may include cytokine release syndrome (5)")) for q in quotes), a.answer


def test_the_outlook_asked_before_the_options_leads_them(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Leukemic cells may reappear in the bone marrow, CNS, testes, or other sites. Bone marrow relapse is particularly ominous. "
            "Chemotherapy helps only a few patients with early bone marrow relapse to achieve long disease-free second remissions or cure.\n\n"
            "Blinatumomab, a CD19-directed T-cell engager, prolongs overall survival for children and adults with relapsed ALL.\n\n"
            "Stem cell transplantation following reinduction chemotherapy offers the greatest hope of cure if an HLA-matched sibling is available.")
    engine = one_page(tmp_path, fake_embedder, text)
    a = engine.session().ask("My daughter is 9 and it came back in the bone marrow. What is her outlook and what can they do for her?")
    assert a.citations[0].quote == "Bone marrow relapse is particularly ominous.", a.answer
    assert any(c.quote.startswith("Blinatumomab") for c in a.citations[1:]), a.answer
    # The options asked first: they lead.
    b = engine.session().ask("What can they do for a bone marrow relapse, and what is the outlook?")
    assert b.citations and b.citations[0].quote != "Bone marrow relapse is particularly ominous.", b.answer
    # Her chances with no site said: not the outlook of a marrow relapse.
    c = engine.session().ask("Her leukemia has returned. What can I tell them about her chances and the treatments ahead?")
    assert c.citations and c.citations[0].quote != "Bone marrow relapse is particularly ominous.", c.answer


def test_every_list_item_fitting_the_askers_lineage_or_line_is_an_option_of_its_own(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Although a new round of chemotherapy may induce a second remission, subsequent remissions tend to be brief.\n\n"
            "Other agents have been available, but clinically meaningful outcomes have not been convincingly demonstrated. Examples include:\n\n"
            "Liposomal vincristine (a vinca alkaloid): For adults with Ph- ALL in at least 2nd relapse\n\n"
            "Clofarabine (a purine nucleoside analog): For patients age 1 to 21 years with relapsed or refractory ALL after ≥ 2 prior regimens\n\n"
            "Nelarabine (a purine nucleoside) analog prodrug of guanosine arabinoside: For T-cell ALL that has relapsed after ≥ 2 prior regimens\n\n"
            "Stem cell transplantation following reinduction chemotherapy offers the greatest hope of cure if an HLA-matched sibling is available.")
    a = one_page(tmp_path, fake_embedder, text).session().ask("16 year old boy with T-ALL relapsed after 2 regimens, what now")
    quotes = [c.quote for c in a.citations]
    assert quotes[0].startswith("Nelarabine"), a.answer  # the one for his lineage leads
    assert any(q.startswith("Clofarabine") for q in quotes) and not any(q.startswith("Liposomal") for q in quotes), a.answer



def test_an_options_answer_listing_an_item_of_a_qualified_list_quotes_the_qualifier_before_it(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    text = ("Although a new round of chemotherapy may induce a second remission in the majority of children, remissions tend to be brief.\n\n"
            "Blinatumomab is available for children and adults with relapsed ALL and prolongs survival.\n\n" + QUALIFIED_LIST + "\n\n"
            "Stem cell transplantation offers the greatest hope of long-term remission or cure if an HLA-matched sibling is available.")
    answer = ask_one_page(tmp_path, fake_embedder, text, "What are the treatment options for a 15-year-old after two regimens?")
    quotes = [c.quote for c in answer.citations]
    clo = next(i for i, q in enumerate(quotes) if q.startswith("Clofarabine"))
    # Before it in the text's order, or right after it when it leads (a qualified statement never leads).
    assert "not been convincingly demonstrated" in quotes[clo - 1 if clo else 1]
    assert not quotes[0].startswith("Other agents")


def test_two_compared_on_several_aspects_quote_each_ones_sentences_of_any_aspect(engine) -> None:
    # "target, who they're for and main toxicities": no one sentence states them all; each aspect stated counts
    answer = engine.session().ask("Compare alphamab and betacel: target, who they're for and main toxicities.")
    quotes = [c.quote for c in answer.citations]
    assert any(q.startswith("Alphamab, a CD19-directed antibody") for q in quotes)
    assert any(q.startswith("Betacel, a CD22-directed conjugate") for q in quotes)
    assert any(q.startswith("Betacel may cause hepatotoxicity") for q in quotes)


def test_the_big_picture_asked_with_where_it_shows_up_leads_with_the_sites(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import SITES_PAGE
    from test_home import OPTIONS_PAGE

    answer = ask_one_page(tmp_path, fake_embedder, OPTIONS_PAGE + SITES_PAGE,
                          "Give me the big picture: where it shows up, the main treatment options, and the outlook.")
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("Leukemic cells may reappear") and any(q.startswith("Stem cell transplantation") for q in quotes)
