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
from ..kb import load_kb
from ..timex import Tense, Timex, find_timexes
from .actors import code_actors, geocode_places, resolve_coreference

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


@Language.factory("dateline_gazetteer_v1", default_config={"kb_path": None}, assigns=["doc.ents"])
def make_gazetteer(nlp: Language, name: str, kb_path: str | None):
    """Knowledge-base names as entities before the statistical NER (which calls Kyiv a PERSON):
    countries and capitals, nationalities, organizations and seats of power, regions and seas."""
    ruler = nlp.create_pipe("entity_ruler", name=name, config={"phrase_matcher_attr": "ORTH", "validate": False})
    ruler.add_patterns(load_kb(kb_path).ruler_patterns())
    return ruler


@Language.factory(
    "dateline_entities_v1", default_config={"kb_path": None}, requires=["doc.ents"], assigns=["doc._.dateline"]
)
def make_entities(nlp: Language, name: str, kb_path: str | None):
    return EntityMentions(kb_path)


class EntityMentions(Stage):
    """Named-entity mentions with their character spans, from the gazetteer and the statistical NER.

    A name the gazetteer forced can be the start or end of a longer organization name that the
    NER would have found whole ("[Singapore] Airlines", "Bank of [America]"): those are merged
    back into one ORG mention.
    """

    name = "entities"

    def __init__(self, kb_path: str | None = None) -> None:
        self.kb = load_kb(kb_path)

    def predict(self, doc: Doc) -> list[Mention]:
        starts = [sent.start for sent in doc.sents]
        spans = [(ent.start, ent.end, ent.label_) for ent in _merge_place_prefixed_names(doc, self.kb)]
        return [
            Mention(
                doc[s].idx,
                doc[e - 1].idx + len(doc[e - 1]),
                doc[s:e].text,
                label,
                bisect_right(starts, s) - 1,
                root=doc[s:e].root.i,
            )
            for s, e, label in spans
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


def _is_name_word(tok) -> bool:
    return tok.tag_ in ("NNP", "NNPS") and (tok.is_title or tok.is_upper) and not tok.is_punct


def _name_run_end(doc: Doc, j: int) -> int:
    """End of a run of name words from token j, across "of", "and" and "&" inside names ("Department of Labor")."""
    while j < len(doc):
        if _is_name_word(doc[j]) and doc[j].ent_type_ not in ("PERSON", "DATE", "GPE", "NORP", "LOC"):
            j += 1
        elif doc[j].lower_ in ("of", "and", "&") and j + 1 < len(doc) and _is_name_word(doc[j + 1]) and j > 0:
            j += 1
        else:
            break
    return j


def _merge_place_prefixed_names(doc: Doc, kb) -> list:
    """Entities, with gazetteer places merged into the organization names they are part of:
    "Singapore Airlines", "the Swiss National Bank", "Air Canada", "the Bank of England"."""
    from spacy.tokens import Span

    ents = list(doc.ents)
    out = []
    i = 0
    while i < len(ents):
        ent = ents[i]
        start, end = ent.start, ent.end
        if ent.ent_id_ and ent.label_ in ("GPE", "NORP") and not ent.text.lower().startswith("the "):
            j = _name_run_end(doc, end)
            words = [t.text for t in doc[end:j]]
            if j > end and not kb.role(words) and doc[j - 1].lower_ not in ("of", "and", "&"):
                end = j  # forward: "Singapore Airlines", "U.S. Department of Labor"
                while i + 1 < len(ents) and ents[i + 1].start < end:
                    i += 1
                    end = max(end, ents[i].end)
            else:
                k = start
                if k >= 2 and doc[k - 1].lower_ == "of" and _is_name_word(doc[k - 2]):
                    k -= 1  # backward across "of": "Bank of America"
                while k > 0 and _is_name_word(doc[k - 1]) and doc[k - 1].ent_type_ not in ("PERSON", "GPE", "NORP"):
                    k -= 1  # backward: "Air Canada", "GM Europe"
                names = [t.text for t in doc[k:start] if t.lower_ != "of"]
                if k < start and names and not kb.role(names) and doc[k].lower_ != "of":
                    while out and out[-1].end > k:
                        out.pop()
                    start = k
            if (start, end) != (ent.start, ent.end) and start > 0 and doc[start - 1].lower_ == "the":
                start -= 1  # "the Bank of England"
        out.append(ent if (start, end) == (ent.start, ent.end) else Span(doc, start, end, label="ORG"))
        i += 1
    return out


class _MentionRule(Stage):
    """A stage that applies one rule of ``actors.py`` to the article's mentions."""

    rule = staticmethod(lambda doc, mentions, kb: mentions)

    def __init__(self, kb_path: str | None = None) -> None:
        self.kb = load_kb(kb_path)

    def predict(self, doc: Doc) -> list[Mention]:
        return self.rule(doc, list(_annotations(doc).mentions), self.kb)

    def set_annotations(self, doc: Doc, records: list[Mention]) -> None:
        _annotations(doc).mentions = records


_MENTION_STAGE = {
    "default_config": {"kb_path": None},
    "requires": ["doc._.dateline", "token.dep"],
    "assigns": ["doc._.dateline"],
}


class Actors(_MentionRule):
    """Actor codes (country + sector), roles from titles and appositions, metonymy, group actors."""

    name = "actors"
    rule = staticmethod(code_actors)


class Coreference(_MentionRule):
    """In-document coreference of names, descriptions and subject pronouns (rule-based)."""

    name = "coref"
    rule = staticmethod(resolve_coreference)


class Places(_MentionRule):
    """Places geocoded offline (GeoNames id, coordinates, country) and how each is used."""

    name = "places"
    rule = staticmethod(geocode_places)


@Language.factory("dateline_actors_v1", **_MENTION_STAGE)
def make_actors(nlp: Language, name: str, kb_path: str | None):
    return Actors(kb_path)


@Language.factory("dateline_coref_v1", **_MENTION_STAGE)
def make_coref(nlp: Language, name: str, kb_path: str | None):
    return Coreference(kb_path)


@Language.factory("dateline_places_v1", **_MENTION_STAGE)
def make_places(nlp: Language, name: str, kb_path: str | None):
    return Places(kb_path)


@Language.factory(
    "dateline_events_v1",
    default_config={"kb_path": None},
    requires=["doc._.dateline", "token.dep", "token.tag"],
    assigns=["doc._.dateline"],
)
def make_events(nlp: Language, name: str, kb_path: str | None):
    return Events(kb_path)


class Events(Stage):
    """Event mentions: trigger, CAMEO and PLOVER codes, sources and targets, modality, date, place."""

    name = "events"

    def __init__(self, kb_path: str | None = None) -> None:
        from ..ontology import load_ontology

        self.ontology = load_ontology(kb_path)

    def predict(self, doc: Doc):
        from .events import extract_events

        return extract_events(doc, _annotations(doc), self.ontology)

    def set_annotations(self, doc: Doc, records) -> None:
        _annotations(doc).events = records


@Language.factory("dateline_quotes_v1", requires=["doc._.dateline", "token.dep"], assigns=["doc._.dateline"])
def make_quotes(nlp: Language, name: str):
    return Quotes()


class Quotes(Stage):
    """Direct and indirect quotations with their speakers, cue verbs and inner events."""

    name = "quotes"

    def predict(self, doc: Doc):
        from .quotes import find_quotes

        return find_quotes(doc, _annotations(doc))

    def set_annotations(self, doc: Doc, records) -> None:
        _annotations(doc).quotes = records
