"""Typed records passed between the stages of the pipeline and returned by the public API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Section(BaseModel):
    """A heading of a document: its title, its level (1 = top) and the offset of its text."""

    start: int
    level: int = 1
    title: str


class Document(BaseModel):
    id: str
    title: str = ""
    text: str
    date: str | None = None
    url: str | None = None
    source_path: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
    format: str = Field(default="text", description="what the file was: text, jsonl, pdf or html")
    pages: list[int] = Field(default_factory=list, description="PDF: offset in text where page n+1 starts")
    sections: list[Section] = Field(default_factory=list, description="headings kept from a PDF or web page")
    extractor: str = Field(default="", description="extractor name and version (PDF, HTML); empty for text")
    source_hash: str = Field(default="", description="hash of the file's bytes, to reuse an earlier extraction")


class Sentence(BaseModel):
    start: int
    end: int
    text: str
    kind: str = "prose"  # prose | lead_in (introduces a list) | item (a list item)
    block: int = 0  # paragraph number in the document; a list and its lead-in share one


class Chunk(BaseModel):
    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str
    sentences: list[Sentence]


class Hit(BaseModel):
    doc_id: str
    chunk_id: str
    text: str
    start: int
    end: int
    score: float
    title: str = ""
    date: str | None = None
    url: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Citation(BaseModel):
    doc_id: str
    quote: str
    start: int
    end: int
    score: float
    marker: int = 0
    chunk_id: str = ""
    title: str = ""
    date: str | None = None
    url: str | None = None
    context: str = Field(default="", description="the passage around the quote, for display")
    context_start: int = 0
    page: int | None = Field(default=None, description="PDF page (1-based) the quote starts on")
    section: str | None = Field(default=None, description="the heading(s) the quote sits under, if any")


class Part(BaseModel):
    """One block of an answer in reading order, for renderers (CLI, web page) that must not parse markdown.

    ``text`` is template wording only (a lead such as "The text describes these options:", a note);
    medical facts live in the citations that ``cites`` points to by marker (1-based, as in ``[1]``).
    """

    kind: Literal["lead", "quote", "items", "related", "compare", "note"]
    text: str = ""
    cites: list[int] = Field(default_factory=list, description="citation markers shown in this block, in order")
    labels: list[str] = Field(default_factory=list, description="compare: the column names, one per cite")


class Answer(BaseModel):
    answer: str
    abstained: bool
    confidence: float = Field(ge=0.0, le=1.0)
    citations: list[Citation] = Field(default_factory=list)
    question: str = ""
    searched_for: str = ""
    question_type: str = ""
    focus: list[str] = Field(default_factory=list)
    related: list[Citation] = Field(default_factory=list, description="nearest passages shown on abstention")
    notes: list[str] = Field(default_factory=list)
    status: Literal["answer", "partial", "abstain", "advice", "language", "empty"] = Field(
        default="answer",
        description="answer; partial (quotes what the text says and names what it does not); abstain; advice "
        "(a request for personal medical advice); language (not an English question); empty (no question)",
    )
    reason: str = Field(default="", description="why the bot abstained or answered in part, in plain words")
    missing: list[str] = Field(default_factory=list, description="concepts of the question the text does not cover")
    parts: list[Part] = Field(default_factory=list, description="the answer's blocks in reading order")
