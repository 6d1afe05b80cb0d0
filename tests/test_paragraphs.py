"""bot/paragraphs.py: a document's paragraphs as an overview reads them, on a hand-made page."""

from __future__ import annotations

from pages import one_page

from bot.paragraphs import bare_list, paragraphs

PAGE = ("New immunotherapy approaches show impressive results in relapsed ALL.\n\n"
        "Available immunotherapies for relapsed or refractory ALL include\n\nBlinatumomab\n\nTisagenlecleucel\n\n"
        "Blinatumomab prolongs overall survival for children and adults with relapsed ALL. Life-threatening "
        "toxicities may include cytokine release syndrome and neurologic toxicities.\n\n"
        "Stem cell transplantation offers the greatest hope of cure if an HLA-matched sibling is available.")


def test_each_block_is_a_paragraph_with_its_treatments_and_a_listed_one_is_a_member_of_its_lists_class(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    engine = one_page(tmp_path, fake_embedder, PAGE)
    scorer = engine.answerer.scorer
    evidence = [scorer.sentence(r) for r in reversed(range(len(engine.data.sentence_doc)))]  # any order in
    for e in evidence:  # what each is about, as scoring sets it: what it names first
        e.own = [m.term for m in scorer.mentions(e.row) if m.start == 0]
    paras = paragraphs(evidence, scorer, engine.glossary)
    assert [p.sentences[0].text.split()[0] for p in paras] == ["New", "Available", "Blinatumomab", "Stem"]
    listing, blina, transplant = paras[1], paras[2], paras[3]
    assert bare_list(listing) and not any(bare_list(p) for p in (paras[0], blina, transplant))
    assert blina.subject == "blinatumomab" and transplant.subject == "stem cell transplantation"
    # The list's lead-in names the class its items belong to: blinatumomab's paragraph is about an immunotherapy.
    assert "immunotherapy" in blina.kinds and "immunotherapy" not in transplant.kinds
    assert blina.first is not None and blina.first.text.startswith("Blinatumomab prolongs")
