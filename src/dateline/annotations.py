"""What the per-article stages produce: small records under one ``Doc._.dateline`` namespace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .timex import Timex

__all__ = ["DocAnnotations", "EventMention", "Mention", "Quote", "Timex"]


@dataclass(slots=True)
class Mention:
    """A mention of an entity: a name (label from NER), a group ("Russian troops"), a description
    ("the Turkish leader") or a pronoun, with what the stages learn about it."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, ... for names; GROUP, NOMINAL, PRONOUN otherwise
    sentence: int
    root: int = -1  # index of the head token in the Doc (for later stages; not stored)
    # Actor (the actors stage): CAMEO-style code = country or organization + sector.
    actor_code: str | None = None
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    # In-document coreference (the coref stage): chain number and its canonical (full-name) mention text.
    chain: int | None = None
    canonical: str | None = None
    # Places (the places stage): how the mention is used and where it is.
    usage: str | None = None  # actor, location, other
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    place_country: str | None = None


@dataclass(slots=True)
class EventMention:
    """One report of an event in one sentence: who did what to whom, when and where, and how surely.

    Sources and targets are actor codes with the character spans of the mentions they come
    from. ``modality`` is asserted, negated, future, hypothetical or historical; ``reported_by``
    is the actor whose words report it, when it is reported speech.
    """

    start: int  # trigger span
    end: int
    trigger: str
    sentence: int
    sentence_start: int
    sentence_end: int
    cameo_code: str
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None
    quad_class: int
    goldstein: float
    sources: list[dict] = field(default_factory=list)  # {code, text, start, end, chain}
    targets: list[dict] = field(default_factory=list)
    modality: str = "asserted"
    modality_cue: str | None = None  # the words that set the modality ("denies", "will", "in the event of")
    reported_by: str | None = None  # actor code of the speaker, for reported speech
    date: str | None = None  # TIMEX3 value of the event's own date, else the article date
    date_precision: str | None = None  # day, month, year, ..., or "article" when it is the article date
    date_text: str | None = None
    location: dict | None = None  # {text, start, end, geonames_id, lat, lon, country}
    confidence: float = 0.5


@dataclass(slots=True)
class Quote:
    """A quotation: direct ("...", he said) or indirect (X said that ...), its speaker, cue verb and
    the indexes of the event mentions (in ``DocAnnotations.events``) coded inside it."""

    start: int
    end: int
    text: str
    kind: str  # direct, indirect
    sentence: int
    speaker_code: str | None = None
    speaker: str | None = None
    speaker_start: int | None = None
    cue: str | None = None
    cue_start: int | None = None
    events: list[int] = field(default_factory=list)


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
    events: list[EventMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)  # {"stage", "error"} per failed stage


# -- serialization -------------------------------------------------------------------------
# spaCy sends Docs between processes (``annotate.jobs`` > 1) as msgpack, user data included:
# these hooks turn DocAnnotations into plain data and back.

_MARK = "__dateline_annotations__"


def to_plain(ann: DocAnnotations) -> dict:
    """DocAnnotations as plain data (what msgpack can carry)."""
    from dataclasses import asdict

    data = asdict(ann)
    data["dct"] = ann.dct.isoformat()
    return {_MARK: data}


def from_plain(obj: dict) -> DocAnnotations:
    """The inverse of :func:`to_plain`."""
    data = dict(obj[_MARK])
    data["dct"] = date.fromisoformat(data["dct"])
    data["mentions"] = [Mention(**m) for m in data["mentions"]]
    data["times"] = [Timex(**t) for t in data["times"]]
    data["events"] = [EventMention(**e) for e in data["events"]]
    data["quotes"] = [Quote(**q) for q in data["quotes"]]
    return DocAnnotations(**data)


def _register_msgpack() -> None:
    import srsly

    @srsly.msgpack_encoders("dateline_annotations")
    def encode(obj, chain=None):
        if isinstance(obj, DocAnnotations):
            return to_plain(obj)
        return obj if chain is None else chain(obj)

    @srsly.msgpack_decoders("dateline_annotations")
    def decode(obj, chain=None):
        if isinstance(obj, dict) and _MARK in obj:
            return from_plain(obj)
        return obj if chain is None else chain(obj)


_register_msgpack()
