"""Which page answers in a corpus of titled pages (bot/pages.py), on hand-made evidence."""

from __future__ import annotations

from pathlib import Path

from pages import engine_over

from bot.evidence import Evidence
from bot.pages import fullest_named, pages_beside

# A condition, its numbered types and a namesake, each split by aspect as health sites (and MedQuAD) do.
PAGES = [
    {"id": "hp-treat", "title": "Hyperprolinemia", "section": "treatment",
     "text": "Hyperprolinemia usually needs no treatment; a low-proline diet is sometimes tried."},
    {"id": "hp2-treat", "title": "Hyperprolinemia type 2", "section": "treatment",
     "text": "There is no specific treatment for hyperprolinemia type 2."},
    {"id": "md-symptoms", "title": "Myotonic dystrophy", "section": "symptoms",
     "text": "Signs and symptoms of myotonic dystrophy often begin in a person's 20s or 30s."},
    {"id": "md1-symptoms", "title": "Myotonic dystrophy type 1", "section": "symptoms",
     "text": "Myotonic dystrophy type 1 causes muscle weakness and cataracts."},
    {"id": "md1-info", "title": "Myotonic dystrophy type 1", "section": "information",
     "text": "Myotonic dystrophy type 1 is an inherited muscle disease."},
    {"id": "ln-gard", "title": "Lesch Nyhan syndrome", "section": "information",
     "text": "Lesch Nyhan syndrome is a condition characterized by neurological problems."},
    {"id": "ln-ghr", "title": "Lesch-Nyhan syndrome", "section": "information",
     "text": "Lesch-Nyhan syndrome is a condition that occurs almost exclusively in males."},
    {"id": "bor", "title": "Branchiootorenal syndrome", "section": "inheritance",
     "text": "Branchiootorenal syndrome is inherited in an autosomal dominant pattern."},
    {"id": "bor-bo", "title": "Branchiootorenal/branchiootic syndrome", "section": "inheritance",
     "text": "BOR/BO syndrome is inherited in an autosomal dominant pattern."},
    {"id": "oi", "title": "Osteogenesis imperfecta", "section": "information",
     "text": "Osteogenesis imperfecta is a group of disorders that make bones fragile."},
    {"id": "oi1", "title": "Osteogenesis imperfecta type I", "section": "information",
     "text": "Osteogenesis imperfecta type I is the mildest form."},
    {"id": "plain", "title": "", "text": "A page with no title says something about myotonic dystrophy type 1."},
]


def _engine(tmp_path: Path, fake_embedder, window: float):  # noqa: ANN001, ANN202
    from scripts.fit_scale import with_values

    return with_values(engine_over(tmp_path, fake_embedder, PAGES), {"named_window": window})


def _ranked(engine, scored: list[tuple[str, float]]) -> list[Evidence]:  # noqa: ANN001
    docs = {d.id: i for i, d in enumerate(engine.data.documents)}
    return [Evidence(row=n, doc=docs[d], start=0, end=1, block=0, kind="prose", text=d, score=s)
            for n, (d, s) in enumerate(scored)]


def _lead(engine, question: str, scored: list[tuple[str, float]]) -> str:  # noqa: ANN001
    out = fullest_named(_ranked(engine, scored), engine.params, engine.answerer.forms, question)
    return engine.data.documents[out[0].doc].id


def test_a_namesake_with_words_the_question_does_not_say_yields_to_the_page_it_names(
    tmp_path: Path, fake_embedder  # noqa: ANN001
) -> None:
    engine = _engine(tmp_path, fake_embedder, 0.1)
    q = "What are the treatments for hyperprolinemia?"
    assert _lead(engine, q, [("hp2-treat", 0.91), ("hp2-treat", 0.90), ("hp-treat", 0.85)]) == "hp-treat"
    # Beyond the window the best sentence stands.
    assert _lead(engine, q, [("hp2-treat", 0.91), ("hp-treat", 0.70)]) == "hp2-treat"
    # The question that names the type is answered by its page.
    q2 = "What are the treatments for hyperprolinemia type 2?"
    assert _lead(engine, q2, [("hp-treat", 0.91), ("hp2-treat", 0.88)]) == "hp2-treat"


def test_the_group_page_yields_to_the_page_of_the_type_asked_on_the_same_aspect(
    tmp_path: Path, fake_embedder  # noqa: ANN001
) -> None:
    engine = _engine(tmp_path, fake_embedder, 0.1)
    q = "What are the symptoms of myotonic dystrophy type 1?"
    assert _lead(engine, q, [("md-symptoms", 1.2), ("md1-symptoms", 1.15)]) == "md1-symptoms"
    # A page of the type asked on another aspect than asked and than the best's does not lead.
    assert _lead(engine, q, [("md-symptoms", 1.2), ("md1-info", 1.15)]) == "md-symptoms"


def test_untitled_pages_and_the_rule_off_keep_search_order(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    q = "What are the symptoms of myotonic dystrophy type 1?"
    on = _engine(tmp_path, fake_embedder, 0.1)
    # A best sentence from a page whose record gives no aspect is what it is: nothing to weigh.
    assert _lead(on, q, [("plain", 1.2), ("md1-symptoms", 1.15)]) == "plain"
    from scripts.fit_scale import with_values

    off = with_values(on, {"named_window": 0.0})
    assert _lead(off, q, [("md-symptoms", 1.2), ("md1-symptoms", 1.15)]) == "md-symptoms"


def test_two_sites_titles_for_one_topic_name_the_same_and_keep_search_order(
    tmp_path: Path, fake_embedder  # noqa: ANN001
) -> None:
    engine = _engine(tmp_path, fake_embedder, 0.1)
    # A hyphen is no extra word; a second name the question does not say as written is no fuller naming.
    assert _lead(engine, "What is (are) Lesch-Nyhan syndrome?", [("ln-gard", 1.15), ("ln-ghr", 1.14)]) == "ln-gard"
    assert _lead(engine, "Is Branchiootorenal syndrome inherited?", [("bor", 1.14), ("bor-bo", 1.06)]) == "bor"
    assert _lead(engine, "Is Branchiootorenal syndrome inherited?", [("bor-bo", 1.14), ("bor", 1.06)]) == "bor-bo"


def test_a_designator_said_as_written_names_the_type_page_more_fully(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    engine = _engine(tmp_path, fake_embedder, 0.1)
    assert _lead(engine, "What is osteogenesis imperfecta type I?", [("oi", 1.1), ("oi1", 1.05)]) == "oi1"
    assert _lead(engine, "What is osteogenesis imperfecta?", [("oi1", 1.1), ("oi", 1.05)]) == "oi"


def test_a_found_page_the_question_names_more_fully_is_scored_beside_the_cut(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    engine = _engine(tmp_path, fake_embedder, 0.1)
    docs = {d.id: i for i, d in enumerate(engine.data.documents)}
    siblings = engine.answerer.scorer.siblings
    q = "What are the symptoms of myotonic dystrophy type 1?"
    # Search's candidates: the group page first (its chunks), the type's page further down.
    found = [docs["md-symptoms"], docs["md-symptoms"], docs["hp-treat"], docs["md1-symptoms"]]
    assert pages_beside(q, found, siblings, 1) == [docs["md1-symptoms"]]
    # Named no more fully than the first, or the first itself: nothing beside.
    assert pages_beside("What are the symptoms of myotonic dystrophy?", found, siblings, 1) == []
    assert pages_beside(q, [docs["md1-symptoms"], docs["md-symptoms"]], siblings, 1) == []
