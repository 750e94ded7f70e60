"""dateline's spaCy components. Each takes a Doc and returns it, adding to ``doc._.dateline``.

A component's ``predict(doc)`` returns plain records and ``set_annotations(doc, records)``
attaches them, so its logic can be tested on hand-built Docs.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from ..annotations import Mention
from ..errors import PipelineError
from ..timex import Tense, Timex, find_timexes

FUTURE_AUX = {"will", "shall", "'ll", "wo"}
# Verbs whose complement points to the future: "plans to visit", "is expected to sign".
FUTURE_GOVERNORS = {"go", "plan", "expect", "intend", "schedule", "hope", "aim", "prepare", "want", "set", "due"}


def _annotations(doc: Doc):
    ann = doc._.dateline
    if ann is None:
        raise PipelineError(
            "doc._.dateline is not set: give the pipeline Docs made by dateline.pipeline.annotate.make_doc "
            "(they carry the article date)"
        )
    return ann


def _is_verb(tok) -> bool:
    return tok.tag_.startswith("VB") or tok.tag_ == "MD"


def verb_tense(doc: Doc, start: int, end: int) -> Tense:
    """Which way the verb governing the characters ``start:end`` points: past, future, or None.

    Walks from the span's root up its heads to the nearest verb, then reads its
    auxiliaries: "will/shall" is future, a past-tense form (or has/had + participle) is
    past, a complement of "plan/expect/be going" is future. Present and bare forms say nothing.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    tok = span.root
    for _ in range(5):
        if _is_verb(tok):
            break
        if tok.head is tok:
            return None
        tok = tok.head
    if not _is_verb(tok):
        return None
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    if any(_word(a) in FUTURE_AUX for a in auxes) or (tok.tag_ == "MD" and _word(tok) in FUTURE_AUX):
        return "future"
    if tok.dep_ == "xcomp" and _lemma(tok.head) in FUTURE_GOVERNORS:
        head_auxes = [c for c in tok.head.children if c.dep_ in ("aux", "auxpass")]
        if tok.head.tag_ == "VBD" and not any(_word(a) in FUTURE_AUX for a in head_auxes):
            return "past"  # "planned to visit" last week
        return "future"
    if tok.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if tok.tag_ == "VBN" and any(_lemma(a) in ("have", "has", "had") for a in auxes):
        return "past"
    return None


def _word(tok) -> str:
    return tok.text.lower()


def _lemma(tok) -> str:
    """The lemma, or the lowercased word in a Doc made without a lemmatizer."""
    return tok.lemma_ or tok.text.lower()


class Stage:
    """Base of dateline's components: ``predict`` then ``set_annotations``; a failure on one
    article is recorded in ``doc._.dateline.errors`` and the batch goes on."""

    name = "stage"

    def predict(self, doc: Doc):
        raise NotImplementedError

    def set_annotations(self, doc: Doc, records) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        ann = _annotations(doc)
        try:
            self.set_annotations(doc, self.predict(doc))
        except Exception as exc:  # one bad article must not stop a batch: recorded with its stage
            ann.errors.append({"stage": self.name, "error": f"{type(exc).__name__}: {exc}"})
        return doc


@Language.factory("dateline_entities_v1", requires=["doc.ents"], assigns=["doc._.dateline"])
def make_entities(nlp: Language, name: str):
    return EntityMentions()


class EntityMentions(Stage):
    """Named-entity mentions with their character spans (statistical NER for now)."""

    name = "entities"

    def predict(self, doc: Doc) -> list[Mention]:
        starts = [sent.start for sent in doc.sents]
        return [
            Mention(ent.start_char, ent.end_char, ent.text, ent.label_, bisect_right(starts, ent.start) - 1)
            for ent in doc.ents
        ]

    def set_annotations(self, doc: Doc, records: list[Mention]) -> None:
        _annotations(doc).mentions = records


@Language.factory(
    "dateline_time_expressions_v1",
    requires=["token.dep", "token.tag"],
    assigns=["doc._.dateline"],
)
def make_time_expressions(nlp: Language, name: str):
    return TimeExpressions()


class TimeExpressions(Stage):
    """Time expressions normalized to TIMEX3 values against the article date (``doc._.dateline.dct``)."""

    name = "time_expressions"

    def predict(self, doc: Doc) -> list[Timex]:
        dct = _annotations(doc).dct
        return find_timexes(doc.text, dct, tense_of=lambda s, e: verb_tense(doc, s, e))

    def set_annotations(self, doc: Doc, records: list[Timex]) -> None:
        _annotations(doc).times = records
