"""What the per-article stages produce: small records under one ``Doc._.dateline`` namespace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .timex import Timex

__all__ = ["DocAnnotations", "Mention", "Timex"]


@dataclass(slots=True)
class Mention:
    """A named-entity mention: character span, label, sentence index."""

    start: int
    end: int
    text: str
    label: str
    sentence: int


@dataclass(slots=True)
class DocAnnotations:
    """Everything dateline's stages attach to one Doc (``doc._.dateline``).

    ``dct`` (the article's date, its document creation time) is set before the
    pipeline runs; each stage fills its own field.
    """

    dct: date
    article_id: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    times: list[Timex] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)  # {"stage", "error"} per failed stage
