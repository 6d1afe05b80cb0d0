"""Typed records passed between the stages of the pipeline and returned by the public API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Document(BaseModel):
    id: str
    title: str = ""
    text: str
    date: str | None = None
    url: str | None = None
    source_path: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)


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
