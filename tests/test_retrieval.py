import pytest


def test_search_returns_ranked_hits_with_offsets(engine):
    hits = engine.search("betacel hepatotoxicity", k=3)
    assert hits and hits[0].doc_id == "drugs"
    assert "Betacel may cause hepatotoxicity" in hits[0].text
    doc = engine.data.documents[engine.data.doc_pos[hits[0].doc_id]]
    for h in hits:
        assert engine.data.documents[engine.data.doc_pos[h.doc_id]].text[h.start : h.end] == h.text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].title == "Fixture drugs" and hits[0].date == "2024-01-15"
    assert doc.id == "drugs"


def test_metadata_of_jsonl_documents_reaches_hits(engine):
    hit = engine.search("painless swelling testis", k=1)[0]
    assert hit.doc_id == "extra-1"
    assert hit.url == "https://example.org/testis"
    assert hit.metadata["section"] == "treatment"


def test_brand_name_and_typo_find_the_passage(engine):
    assert "Alphamab" in engine.search("alphazza", k=1)[0].text  # brand name from the glossary
    assert "Betacel" in engine.search("betacell liver", k=1)[0].text  # misspelling


def test_modes_differ_and_fuse(engine):
    q = "sibling donor transplant"
    dense = engine.search(q, k=5, mode="dense")
    bm25 = engine.search(q, k=5, mode="bm25")
    fused = engine.search(q, k=5)
    assert dense and bm25 and fused
    assert fused[0].chunk_id in {dense[0].chunk_id, bm25[0].chunk_id}


@pytest.mark.parametrize("query", ["", "   ", "<b></b>"])
def test_empty_queries_find_nothing(engine, query: str):
    assert engine.search(query, k=3) == []


def test_bad_arguments_are_named(engine):
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        engine.search("alphamab", k=0)
    with pytest.raises(ValueError, match="mode must be"):
        engine.search("alphamab", k=1, mode="magic")


def test_bad_fusion_settings_are_named(engine):
    from bot.retrieval import HybridRetriever

    with pytest.raises(ValueError, match="fusion must be rrf or convex, got 'max'"):
        HybridRetriever(engine.data, engine.embedder, fusion="max")
    with pytest.raises(ValueError, match="alpha must be between 0 and 1, got 1.5"):
        HybridRetriever(engine.data, engine.embedder, fusion="convex", alpha=1.5)
    with pytest.raises(ValueError, match="fusion must be rrf or convex"):
        engine.retriever.search("alphamab", k=1, fusion="max")


def test_convex_fusion_weighs_true_scores_of_both_methods(engine):
    import numpy as np

    from bot.retrieval import HybridRetriever

    q = "sibling donor transplant"
    qvec = engine.embedder.encode([q])[0]
    rrf = engine.retriever.search(q, k=10, qvec=qvec, fusion="rrf")
    convex = HybridRetriever(engine.data, engine.embedder, fusion="convex", alpha=0.5)
    hits = convex.search(q, k=10, qvec=qvec)
    assert {h.chunk_id for h in hits} == {h.chunk_id for h in rrf}  # same candidates, own order
    assert 0.0 <= hits[-1].score <= hits[0].score <= 1.0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # Every hit carries its true cosine (not a stand-in for chunks only BM25 found).
    for h in hits:
        vec = engine.data.dense.reconstruct(int(h.metadata["row"]))
        assert h.metadata["dense_score"] == pytest.approx(float(vec @ qvec), abs=1e-5)
    # alpha 1: the dense order; alpha 0: the BM25 order.
    dense_only = HybridRetriever(engine.data, engine.embedder, fusion="convex", alpha=1.0).search(q, k=3, qvec=qvec)
    assert [h.chunk_id for h in dense_only] == [h.chunk_id for h in engine.search(q, k=3, mode="dense")]
    bm25_only = HybridRetriever(engine.data, engine.embedder, fusion="convex", alpha=0.0).search(q, k=1, qvec=qvec)
    assert bm25_only[0].chunk_id == engine.search(q, k=1, mode="bm25")[0].chunk_id
    assert np.isfinite([h.score for h in hits]).all()


def test_answers_do_not_depend_on_the_search_fusion(corpus_dir, tmp_path, fake_embedder):
    import bot
    from bot.settings import Settings

    index = tmp_path / "index"
    answers = {}
    for fusion in ("rrf", "convex"):
        e = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, settings=Settings(fusion=fusion))
        answers[fusion] = [e.ask(q).answer for q in ("What is alphamab?", "side effects of betacel")]
    assert answers["rrf"] == answers["convex"]


def test_keep_firsts_puts_the_rows_to_keep_inside_the_window() -> None:
    from bot.retrieval import _keep_firsts

    order = [5, 6, 7, 8, 9, 3]
    # Row 3 is to be kept but fused last: it takes the window's lowest place not to be kept.
    assert _keep_firsts(order, [5, 3], within=4) == [5, 6, 7, 3, 8, 9]
    assert _keep_firsts(order, [5, 6], within=4) == order  # already inside: unchanged
    assert sorted(_keep_firsts(order, [9, 3], within=2)) == sorted(order)  # nothing lost


def test_rank_keeps_the_keyword_lists_top_chunk_among_the_first(engine):
    q = "betacel hepatotoxicity"
    qvec = engine.embedder.encode([q])[0]
    bm25_top = engine.retriever.rank(q, k=1, mode="bm25")[0].row
    plain = engine.retriever.rank(q, k=4, qvec=qvec, fusion="rrf")
    for within in (1, 2):
        kept = engine.retriever.rank(q, k=4, qvec=qvec, fusion="rrf", keep_top=1, keep_within=within)
        assert bm25_top in {c.row for c in kept[:within]}
        assert len(kept) == len(plain)
        assert {c.row for c in kept} <= {c.row for c in engine.retriever.rank(q, k=50, qvec=qvec, fusion="rrf")}


def test_rank_fusion_gives_each_chunk_the_sum_of_its_reciprocal_ranks(engine, monkeypatch):
    import bot.retrieval as retrieval

    monkeypatch.setattr(retrieval, "_RRF", [])  # a table too short for this depth is made anew, longer
    r = engine.retriever
    q = engine.process("sibling donor transplant").expanded
    qvec = engine.embedder.encode([q])[0]
    depth = r.depth
    fused: dict[int, float] = {}
    for rows, _ in (r.dense_scores(qvec, depth), r.bm25_scores(q, depth)):
        for rank, row in enumerate(rows.tolist()):
            fused[row] = fused.get(row, 0.0) + 1.0 / (retrieval.RRF_K + rank + 1)
    want = sorted(fused, key=lambda row: (-fused[row], row))
    got = r.rank(q, k=len(fused), qvec=qvec, fusion="rrf")
    assert [c.row for c in got] == want and len(want) > 3
    assert [c.score for c in got] == [round(fused[row] / (2.0 / (retrieval.RRF_K + 1)), 6) for row in want]


def test_rank_within_orders_a_documents_chunks_as_a_corpus_of_them_alone(engine):
    import numpy as np

    r = engine.retriever
    docs = engine.data.chunk_doc
    main = int(np.bincount(docs).argmax())
    rows = r.document_chunks(main)
    assert len(rows) >= 2 and {int(docs[i]) for i in rows} == {main}
    assert list(rows) == [i for i in range(len(docs)) if docs[i] == main]
    text = "CNS relapse treatment with intrathecal methotrexate"
    qvec = engine.embedder.encode([text])[0]
    within = r.rank_within(text, rows, qvec, k=len(rows))
    assert {c.row for c in within} == set(rows.tolist())
    # Over every chunk of the corpus it is the rank fusion search makes (scores to the float's rounding).
    whole = r.rank(text, k=len(docs), qvec=qvec, fusion="rrf")
    every = r.rank_within(text, np.arange(len(docs)), qvec, k=len(docs))
    assert [c.row for c in every] == [c.row for c in whole]
    assert [c.score for c in every] == pytest.approx([c.score for c in whole])
    assert r.rank_within(text, rows[:0], qvec, k=3) == [] and r.rank_within(" ", rows, qvec, k=3) == []


def test_the_last_keyword_scores_are_kept_read_only_and_found_again_for_their_text(engine):
    retriever = engine.retriever
    calls = []
    real = engine.data.bm25.get_scores

    def counted(tokens):
        calls.append(tokens)
        return real(tokens)

    engine.data.bm25.get_scores = counted
    try:
        first = retriever.bm25_all("alphamab headache")
        assert first is not None and not first.flags.writeable
        with pytest.raises(ValueError):
            first[0] = 1.0  # shared by every call that finds it kept
        assert retriever.bm25_all("alphamab headache") is first and len(calls) == 1
        other = retriever.bm25_all("betacel hepatotoxicity")
        assert other is not first and len(calls) == 2
        assert retriever.bm25_all("qqqzzz") is None  # no word of the index: nothing scored
        # Ranking with the kept scores gives what ranking from scratch gives.
        kept = retriever.rank("alphamab headache", k=3)
        retriever.forget()  # (the kept scores, their keyword list and the dense scan)
        assert [(c.row, c.score) for c in retriever.rank("alphamab headache", k=3)] == [(c.row, c.score) for c in kept]
        # The keyword list is kept too: read before the wait for the vector, ranked with after.
        rows, scores = retriever.bm25_scores("alphamab headache", 50)
        assert retriever.bm25_scores("alphamab headache", 50)[0] is rows and len(calls) == 4
        with pytest.raises(ValueError):
            rows[0] = 0  # shared by every call that finds it kept
        assert retriever.bm25_scores("alphamab headache", 2)[0].tolist() == rows[:2].tolist()
    finally:
        engine.data.bm25.get_scores = real
