"""What an index folder holds: its fixed file names, its manifest, and the row layout of its tables.

Layout of ``index/``::

    manifest.json          format version, model, vector method, chunker, corpus hash, per-document hashes, counts
    documents.jsonl        the documents (text and metadata), so quotes and offsets need no corpus
    sentences.npy          int32 rows: doc, start, end, block, kind         (SENTENCE_COLUMNS)
    chunks.npy             int32 rows: doc, number, start, end, first sentence, end sentence  (CHUNK_COLUMNS)
    chunk_hashes.npy       content hash per chunk
    sentence_hashes.npy    content hash per sentence (the embedding cache key)
    dense.faiss            chunk vectors (flat inner product, or HNSW above a size threshold)
    sentence_vectors.npy   sentence vectors
    bm25/                  the bm25s keyword index of the chunks
    vocab.json             corpus words and their document frequencies (spelling correction)
    zipf.json              English word frequencies of the corpus words (wordfreq's, precomputed)
    stems.json             the stem of each corpus word (PyStemmer's, precomputed)
    conditions.jsonl       each sentence's conditions (age, lineage, Ph, line, donor, states; and whether
                           the text qualifies it), one JSON object per sentence that has any, with its row
    title_vectors.npy      (pooled vectors only) one title vector per document, and its
    title_hashes.npy       content hash (the cache key)

No pickles: numpy arrays are saved and loaded with ``allow_pickle=False``.
"""

from __future__ import annotations

FORMAT_VERSION = 1
# How chunk and sentence vectors are made (``vectors``); here so that loading need not import that module.
METHODS = ("pooled", "separate", "token_states")
DEFAULT_METHOD = "token_states"
KINDS = ("prose", "lead_in", "item")
SENTENCE_COLUMNS = ("doc", "start", "end", "block", "kind")
CHUNK_COLUMNS = ("doc", "number", "start", "end", "first_sentence", "end_sentence")
REQUIRED_FILES = (
    "manifest.json",
    "documents.jsonl",
    "sentences.npy",
    "chunks.npy",
    "chunk_hashes.npy",
    "sentence_hashes.npy",
    "dense.faiss",
    "sentence_vectors.npy",
    "bm25/params.index.json",
    "vocab.json",
)
# Not needed to load: the title vectors (``pooled`` vector method only: the cache of title vectors,
# one row per document) and the precomputed word frequencies and stems (a speed-up only).
OPTIONAL_FILES = ("title_vectors.npy", "title_hashes.npy", "zipf.json", "stems.json", "conditions.jsonl")
# Top-level names a folder built by this bot may hold: only such a folder is ever replaced by a build.
OWN_NAMES = frozenset(name.split("/")[0] for name in REQUIRED_FILES + OPTIONAL_FILES)

# bench/backends.py hnsw, MedQuAD's 41k chunk vectors: recall@10 against flat 0.978 at efSearch 128,
# 0.985 at 256 (0.6 ms a query, still far below the query encode).
HNSW_M = 32
HNSW_EF_SEARCH = 256
