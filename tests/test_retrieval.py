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
