"""Event coding: who did what to whom, when and where, from the dependency parse and the patterns file.

Each rule names the case it handles. The patterns (trigger lemma + frame -> CAMEO code) live in
``data/ontology/event_patterns.tsv``; this module only reads frames, actors, modality, dates and places.
"""

from __future__ import annotations

from datetime import timedelta

from spacy.tokens import Doc, Token

from ..annotations import DocAnnotations, EventMention, Mention
from ..ontology import Ontology, Pattern
from ..timex import value_range

# Verbs whose complement did not happen: "Russia denies that it is preparing to invade".
NEGATING = {"deny", "refute", "dismiss", "reject", "rule"}
# Verbs whose complement is planned: "plans to visit", "is preparing to invade" (not yet done).
PLANNING = {"plan", "intend", "prepare", "expect", "aim", "hope", "want", "seek", "go", "schedule", "set", "agree", "promise", "vow", "pledge", "threaten", "try", "decide", "offer", "propose", "ready"}  # fmt: skip
# Auxiliaries and particles.
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
HYPOTHETICAL_AUX = {"could", "would", "might", "may", "should", "can"}
CONDITIONAL_MARKS = {"if", "unless", "whether", "lest"}
# Nouns that make an event they govern hypothetical: "fears of an invasion", "in the event of a war".
HYPOTHETICAL_NOUNS = {"event", "fear", "fears", "threat", "threats", "risk", "possibility", "prospect", "danger", "case", "scenario", "warning"}  # fmt: skip
FUTURE_WORDS = {"ahead", "upcoming", "planned", "proposed", "scheduled", "expected", "forthcoming", "next"}
# Verbs whose object has not happened and is to be prevented: "deter further aggression", "avert an offensive".
PREVENTING = {"deter", "prevent", "avert", "avoid", "stop", "thwart", "forestall", "preclude", "discourage", "fear"}
# Nouns whose "to" clause is planned: "a decision to invade", "the intention to visit" (and PLANNING's lemmas).
PLANNING_NOUNS = {"intention", "intent", "decision", "bid", "attempt", "readiness", "proposal"}
# Adjectives that plan like verbs: "ready to act as a mediator".
PLANNING_ADJ = {"ready", "willing", "prepared", "due", "eager", "poised", "set"}
PRONOUNS = {"it", "they", "we", "he", "she"}
# Quantity nouns whose "of" object is the real object: "sign a number of agreements".
QUANTITY = {"number", "series", "set", "pair", "couple", "host", "range", "package", "raft", "string"}
# Edges a modality does not cross going up: another clause begins there.
CLAUSE_EDGES = {"relcl", "advcl", "conj", "parataxis", "acl", "ccomp", "csubj", "appos"}
# Future cooperation is an intent (CAMEO 03): the intent code for each root of 04-08.
INTENT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
SPEECH = {"say", "tell", "state", "announce", "add", "note", "claim", "report", "warn", "stress", "insist", "declare", "confirm", "write", "argue", "explain", "accuse", "allege"}  # fmt: skip
# Years before the article after which an asserted event is historical context, not news.
HISTORICAL_DAYS = 365


def _lemma(tok: Token) -> str:
    return (tok.lemma_ or tok.text).lower()


def _is_verb(tok: Token) -> bool:
    return tok.tag_.startswith("VB") or tok.tag_ == "MD"


def _conjuncts(tok: Token) -> list[Token]:
    return [
        tok,
        *[c for c in tok.children if c.dep_ == "conj"],
        *[g for c in tok.children if c.dep_ == "conj" for g in c.children if g.dep_ == "conj"],
    ]


class _Actors:
    """Token -> actor mention lookups for one Doc."""

    def __init__(self, doc: Doc, mentions: list[Mention]) -> None:
        self.by_token: dict[int, Mention] = {}
        # Longer mentions first so that a group ("Russian troops") wins over its nationality word.
        for m in sorted(mentions, key=lambda m: m.start - m.end):
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or not (m.actor_code or m.country):
                continue
            for tok in span:
                self.by_token.setdefault(tok.i, m)

    def last_person_before(self, tok: Token, sentences: int = 3) -> list[Mention]:
        """The person named last before ``tok``, in its sentence or the few before it."""
        sents = list(tok.doc.sents)
        index = next(i for i, s in enumerate(sents) if s.start <= tok.i < s.end)
        floor = sents[max(0, index - sentences)].start_char
        people = [m for i, m in self.by_token.items() if m.label == "PERSON" and floor <= m.start < tok.idx]
        return [max(people, key=lambda m: m.start)] if people else []

    def of(self, tok: Token, depth: int = 1) -> list[Mention]:
        """The actors a noun phrase headed by ``tok`` names (and its conjuncts), looking one level
        into its own prepositional objects when the head is not an actor ("the border with Ukraine")."""
        out: list[Mention] = []
        for t in _conjuncts(tok):
            m = self.by_token.get(t.i)
            if m is None and t.dep_ != "relcl":
                m = next(
                    (
                        self.by_token[c.i]
                        for c in t.children
                        if c.dep_ in ("compound", "amod", "nmod") and c.i in self.by_token
                    ),
                    None,
                )
            if m is not None:
                out.append(m)
            elif depth > 0:
                for prep in (c for c in t.children if c.dep_ == "prep" and c.text.lower() in ("with", "of", "from")):
                    for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                        out += self.of(pobj, depth - 1)
        return out


def _record(m: Mention) -> dict:
    code = m.actor_code or m.country
    if m.label in ("GPE", "LOC") and m.usage == "location" and m.country:
        code = m.country  # a place as a target: the country, not its government
    return {
        "code": code,
        "text": m.canonical or m.text,
        "label": m.label,
        "start": m.start,
        "end": m.end,
        "chain": m.chain,
    }


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _prep_objects(tok: Token, words: set[str] | frozenset[str]) -> list[Token]:
    return [p for prep in tok.children if prep.dep_ in ("prep", "agent") and prep.text.lower() in words
            for p in prep.children if p.dep_ == "pobj"]  # fmt: skip


def _condition(doc: Doc, tok: Token, p: Pattern, subjects: list[Mention]) -> bool:
    if p.condition is None:
        return True
    if p.condition == "obj":
        objs = _children(tok, "dobj", "obj", "nsubjpass", "attr")
        objs += [o for q in objs if _lemma(q) in QUANTITY for o in _prep_objects(q, {"of"})]
        return any(_lemma(o) in p.words or o.text.lower() in p.words for o in objs)
    if p.condition == "of":
        return any(_lemma(o) in p.words or o.text.lower() in p.words for o in _prep_objects(tok, {"of"}))
    if p.condition == "prep":
        return any(c.dep_ == "prep" and c.text.lower() in p.words for c in tok.children)
    if p.condition == "xcomp":  # "offered to mediate" (an xcomp, or a purpose clause)
        return any(_lemma(c) in p.words for c in _children(tok, "xcomp", "advcl"))
    if p.condition == "as":  # "offered (its assistance) as a mediator": on the verb or on its object
        holders = [tok, *_children(tok, "dobj", "obj")]
        return any(_lemma(o) in p.words for h in holders for o in _prep_objects(h, {"as"}))
    if p.condition == "near":  # within the trigger's own phrase, not anywhere in the sentence
        return any(t.text.lower() in p.words or _lemma(t) in p.words for t in [*tok.subtree, tok.head])
    if p.condition == "pair":
        return len(subjects) >= 2
    return False


def _verb_subjects(tok: Token, actors: _Actors) -> list[Mention]:
    """Subjects of a verb; a relative clause's "which/who" is the noun it describes; an xcomp shares its
    governor's; "it" in "Russia denies that it ..." / "Turkey stated that it ..." is the speaker."""
    for _ in range(3):
        subj = _children(tok, "nsubj", "csubj")
        if subj:
            s = subj[0]
            if s.text.lower() in ("which", "who", "that") and tok.dep_ == "relcl":
                return actors.of(tok.head)
            found = [m for t in subj for m in actors.of(t)]
            if not found and s.text.lower() in PRONOUNS and s.i not in actors.by_token:
                found = _speaker_of_clause(tok, actors)
            if not found and s.text.lower() in ("he", "she") and _lemma(tok) in SPEECH:
                found = actors.last_person_before(s)  # '"...," he said': the person last named
            return found
        if tok.dep_ in ("xcomp", "conj", "advcl", "acomp") and tok.head.i != tok.i:  # "is due to visit"
            tok = tok.head
            continue
        if (tok.dep_ == "acl" and tok.head.dep_ in ("dobj", "attr") and tok.head.head.i != tok.head.i
                and any(c.dep_ == "aux" and c.tag_ == "TO" for c in tok.children)):  # fmt: skip
            tok = tok.head.head  # "Russia has no plans to invade": who has the plan would act
            continue
        break
    return []


def _speaker_of_clause(tok: Token, actors: _Actors) -> list[Mention]:
    """The subject of the speech or denial verb whose complement clause holds ``tok``."""
    t = tok
    for _ in range(4):
        if t.dep_ == "ccomp" and t.head.i != t.i:
            head = t.head
            if _lemma(head) in SPEECH | NEGATING | {"state", "believe", "think", "hope", "fear"}:
                subj = [m for s in _children(head, "nsubj") for m in actors.of(s)]
                return [m for m in subj if m.label in ("GPE", "ORG", "NORP", "GROUP") or m.sector in ("GOV", "IGO")]
            return []
        if t.head.i == t.i:
            return []
        t = t.head
    return []


def _sources_targets(tok: Token, p: Pattern, actors: _Actors) -> tuple[list[Mention], list[Mention]]:
    sources: list[Mention] = []
    targets: list[Mention] = []
    if p.pos == "VERB":
        agents = _prep_objects(tok, {"by"}) if tok.tag_ == "VBN" else []
        if agents and _children(tok, "nsubjpass"):  # passive: "Kyiv was visited by the minister"
            sources = [m for a in agents for m in actors.of(a)]
            targets = [m for t in _children(tok, "nsubjpass") for m in actors.of(t)]
        else:
            sources = _verb_subjects(tok, actors)
    else:
        # "Russia's invasion", "a Russian invasion", "the attack by rebels", "concentration of Russian troops"
        for c in tok.children:
            if c.dep_ in ("poss", "amod", "compound", "nmod") and c.i in actors.by_token:
                sources.append(actors.by_token[c.i])
        sources += [m for a in _prep_objects(tok, {"by"}) for m in actors.of(a)]
        if not sources and p.condition == "of":  # "the concentration of Russian troops": they do it
            sources = [m for o in _prep_objects(tok, {"of"}) for m in actors.of(o)]
        if not sources:  # "the sanctions that NATO countries promised to impose"
            for rel in _children(tok, "relcl"):
                sources = _verb_subjects(rel, actors)
        between = [m for o in _prep_objects(tok, {"between"}) for m in actors.of(o)]
        if not sources and len(between) >= 2:  # "talks between Turkey and Armenia": they talk
            sources, between = between[:1], between[1:]
        if not sources:  # "ahead of his visit": the subject of the verb the noun hangs from
            head = tok
            for _ in range(4):
                if head.head.i == head.i:
                    break
                head = head.head
                if _is_verb(head):
                    subjects = _children(head, "nsubj", "nsubjpass")
                    if not any(s.i <= tok.i <= s.right_edge.i and s.left_edge.i <= tok.i for s in subjects):
                        sources = _verb_subjects(head, actors)
                    break
        targets += [m for m in between if m not in sources]
    for slot in p.targets:
        if slot == "obj":
            found = [m for o in _children(tok, "dobj", "obj") for m in actors.of(o)]
        elif slot == "dative":
            found = [m for o in _children(tok, "dative", "iobj") for m in actors.of(o)]
        elif slot == "poss":
            found = [actors.by_token[c.i] for c in _children(tok, "poss") if c.i in actors.by_token]
        elif slot == "of":
            found = [m for o in _prep_objects(tok, {"of"}) for m in actors.of(o)]
        elif slot.startswith("prep:"):
            found = [m for o in _prep_objects(tok, {slot[5:]}) for m in actors.of(o)]
            if not found and p.condition == "obj":  # "held talks with X": "with" may hang from "talks"
                phrase = [o for o in _children(tok, "dobj", "obj") if _lemma(o) in p.words or o.text.lower() in p.words]
                found = [m for q in phrase for o in _prep_objects(q, {slot[5:]}) for m in actors.of(o)]
        else:
            found = []
        targets += [m for m in found if m not in sources and m not in targets]
    if p.condition == "pair" and len(sources) >= 2:  # "X and Y spoke": X with Y
        sources, targets = sources[:1], sources[1:] + targets
    # An actor is never its own target ("the Turkish president arrived in Turkey"): drop targets of a source's country.
    source_countries = {m.country or m.actor_code for m in sources}
    targets = [m for m in targets if (m.country or m.actor_code) not in source_countries]
    return sources, targets


def _ancestors(tok: Token, limit: int = 6) -> list[Token]:
    out = []
    while tok.head.i != tok.i and len(out) < limit:
        tok = tok.head
        out.append(tok)
    return out


def _clause_chain(tok: Token) -> list[Token]:
    """The trigger and the words above it up to the start of its clause (a relative clause, a
    conjunct, a complement clause begins another clause)."""
    chain = [tok]
    t = tok
    while t.head.i != t.i and t.dep_ not in CLAUSE_EDGES and len(chain) < 8:
        t = t.head
        chain.append(t)
    return chain


def _governors(tok: Token) -> list[Token]:
    """Verbs governing the trigger's clause through complements ("denies that ...", "deter ..."),
    never across conjuncts or relative clauses."""
    out = []
    t = _clause_chain(tok)[-1]
    while t.dep_ in ("ccomp", "xcomp", "dobj", "pobj", "prep") and t.head.i != t.i and len(out) < 4:
        t = t.head
        out.append(t)
    return out


def _complement_noun(top: Token) -> Token | None:
    """The noun whose content the clause ``top`` heads: "claims [that Russia attacked]", "plans [to
    invade]"; None for a clause that only describes a noun ("troops [stationed near Kyiv]")."""
    if top.dep_ != "acl" or not top.head.tag_.startswith("NN"):
        return None
    opens = any((c.dep_ == "mark" and c.text.lower() == "that") or (c.dep_ == "aux" and c.tag_ == "TO")
                for c in top.children)  # fmt: skip
    return top.head if opens else None


def _noun_modality(noun: Token | None) -> tuple[str, str | None] | None:
    """The modality a complement noun gives its clause: "no plans to" (negated), "rejected claims that"
    (negated), "the threat to invade" (hypothetical), "plans to invade" (future); None: none."""
    if noun is None:
        return None
    for c in noun.children:
        if c.dep_ == "neg" or (c.dep_ == "det" and c.text.lower() == "no"):
            return "negated", c.text
    head = noun.head
    if noun.dep_ == "dobj" and _is_verb(head) and _lemma(head) in NEGATING:
        return "negated", head.text
    if noun.text.lower() in HYPOTHETICAL_NOUNS:
        return "hypothetical", noun.text
    if _lemma(noun) in PLANNING or _lemma(noun) in PLANNING_NOUNS:
        return "future", noun.text
    return None


def _modality(tok: Token, p: Pattern) -> tuple[str, str | None]:
    """asserted / negated / hypothetical / future, with the cue word."""
    clause = _clause_chain(tok)
    for rel in _children(tok, "relcl"):  # "the sanctions that NATO promised to impose"
        clause += [rel, *_children(rel, "xcomp")]
    above = _governors(tok)
    for t in clause:
        for c in t.children:
            if c.dep_ == "neg" or c.text.lower() == "never" or (c.dep_ == "det" and c.text.lower() == "no"):
                return "negated", c.text
    for t in clause[1:] + above:
        if _is_verb(t) and _lemma(t) in NEGATING and not any(c.dep_ == "neg" for c in t.children):
            return "negated", t.text  # "Russia denies that it is preparing to invade"
    by_noun = _noun_modality(_complement_noun(clause[-1]))
    if by_noun and by_noun[0] == "negated":
        return by_noun
    for t in clause + above:
        if _is_verb(t) and _lemma(t) in PREVENTING and t is not tok:
            return "hypothetical", t.text  # "to deter further aggression"
        for c in t.children:
            if c.dep_ == "mark" and c.text.lower() in CONDITIONAL_MARKS:
                return "hypothetical", c.text
            if c.dep_ in ("aux", "auxpass") and c.text.lower() in HYPOTHETICAL_AUX:
                return "hypothetical", c.text
    for t in clause[1:4]:
        if t.text.lower() in HYPOTHETICAL_NOUNS and not _is_verb(t):
            return "hypothetical", t.text  # "in the event of a Russian invasion"
    for t in clause:  # "(to impose sanctions) in the event of an invasion"
        for o in _prep_objects(t, {"in"}):
            if o.text.lower() in ("event", "case"):
                return "hypothetical", "in the " + o.text
    for t in clause + above:
        for c in t.children:
            if c.dep_ in ("aux", "auxpass") and c.text.lower() in FUTURE_AUX:
                return "future", c.text
    for t in clause[1:] + above:
        # A planned act has not happened, whatever the tense of the planning ("promised to impose").
        if (_is_verb(t) and _lemma(t) in PLANNING) or t.text.lower() in PLANNING_ADJ:
            return "future", t.text
        if t.text.lower() in FUTURE_WORDS:
            return "future", t.text
    for c in tok.children:
        if c.text.lower() in FUTURE_WORDS:
            return "future", c.text
    return by_noun or ("asserted", None)


def _reported_by(tok: Token, actors: _Actors) -> str | None:
    """The speaker when the event is reported speech: "X said (that) ...", "according to X"."""
    for t in _ancestors(tok):
        if _is_verb(t) and _lemma(t) in SPEECH:
            speakers = _verb_subjects(t, actors)
            if speakers:
                return speakers[0].actor_code or speakers[0].country
            break
    for t in tok.sent:
        if t.text.lower() == "according" and t.i + 1 < len(tok.doc) and tok.doc[t.i + 1].text.lower() == "to":
            for pobj in (c for c in tok.doc[t.i + 1].children if c.dep_ == "pobj"):
                found = actors.of(pobj)
                if found:
                    return found[0].actor_code or found[0].country
    return None


def _date(tok: Token, ann: DocAnnotations) -> tuple[str, str, str | None]:
    """The event's own date: a time expression in the trigger's clause, else the article's date."""
    scope = tok
    if not _is_verb(tok):
        for t in _ancestors(tok, 3):
            if _is_verb(t):
                scope = t
                break
    lo, hi = scope.left_edge.idx, scope.right_edge.idx + len(scope.right_edge)
    sent = tok.sent
    candidates = [t for t in ann.times if lo <= t.start and t.end <= hi and sent.start_char <= t.start < sent.end_char
                  and t.type in ("DATE", "TIME") and not t.value.endswith("_REF")]  # fmt: skip
    if candidates:
        best = min(candidates, key=lambda t: abs(t.start - tok.idx))
        return best.value, best.granularity, best.text
    return ann.dct.isoformat(), "article", None


def _location(tok: Token, mentions: list[Mention]) -> dict | None:
    """A place where the event happens: a location phrase on the trigger ("arrived in Kyiv",
    "the visit to Kyiv") or on the verb a noun trigger hangs from."""
    holders = [tok] if _is_verb(tok) else [tok, *[t for t in _ancestors(tok, 2) if _is_verb(t)][:1]]
    spans = [(o.left_edge.idx, o.right_edge.idx + len(o.right_edge)) for h in holders
             for prep in h.children if prep.dep_ == "prep" for o in prep.children if o.dep_ == "pobj"]  # fmt: skip
    places = [m for m in mentions if m.usage == "location" and (m.geonames_id or m.lat is not None)
              and any(lo <= m.start < hi for lo, hi in spans)]  # fmt: skip
    if not places:
        return None
    m = min(places, key=lambda m: abs(m.start - tok.idx))
    return {"text": m.text, "label": m.label, "start": m.start, "end": m.end, "geonames_id": m.geonames_id,
            "lat": m.lat, "lon": m.lon, "country": m.place_country or m.country}  # fmt: skip


def _only_self_targets(tok: Token, p: Pattern, actors: _Actors, sources: list[Mention]) -> bool:
    countries = {m.country for m in sources}
    found = [
        m
        for slot in p.targets
        if slot.startswith("prep:")
        for o in _prep_objects(tok, {slot[5:]})
        for m in actors.of(o)
    ]
    return bool(found) and all(m.country in countries for m in found)


def extract_events(doc: Doc, ann: DocAnnotations, onto: Ontology) -> list[EventMention]:
    """Every event mention in the article, with actors, modality, date, place and evidence."""
    actors = _Actors(doc, ann.mentions)
    sentences = list(doc.sents)
    index = {s.start: i for i, s in enumerate(sentences)}
    out: list[EventMention] = []
    coded_verbs: set[int] = set()
    consult_verbs: set[int] = set()
    consumed: set[int] = set()
    for tok in doc:
        if tok.i in consumed:
            continue
        # "sign an agreement", "hold talks": the verb's event is the noun's; code it once.
        if (
            tok.tag_.startswith("NN")
            and (tok.head.i in coded_verbs or tok.head.head.i in coded_verbs)
            and tok.dep_ in ("dobj", "pobj", "attr", "nsubjpass", "obj")
        ):
            continue
        pos = "VERB" if tok.tag_.startswith("VB") else "NOUN" if tok.tag_.startswith("NN") else None
        if pos is None:
            continue
        patterns = onto.patterns.get((tok.text.lower(), pos)) or onto.patterns.get((_lemma(tok), pos)) or []
        if not patterns:
            continue
        subjects = _verb_subjects(tok, actors) if pos == "VERB" else []
        pattern = next((p for p in patterns if _condition(doc, tok, p, subjects)), None)
        if pattern is None:
            continue
        if tok.dep_ == "conj" and tok.head.i in consult_verbs and pattern.code.startswith("04"):
            continue  # "spoke on Tuesday and discussed ...": one conversation, coded once
        sources, targets = _sources_targets(tok, pattern, actors)
        if not sources and not targets and pattern.condition is None:
            continue  # a bare trigger with nobody named: too weak to code
        if pattern.targets and not targets and pattern.code.startswith("04") and sources:
            if any(m.country for m in sources) and _only_self_targets(tok, pattern, actors, sources):
                continue  # "the Turkish president arrived in Turkey": coming home is no visit
        modality, cue = _modality(tok, pattern)
        code_str = pattern.code
        if modality == "future" and code_str[:2] in INTENT:
            code_str = INTENT[code_str[:2]]  # "will sign agreements" is an intent to cooperate (CAMEO 03)
        code = onto.code(code_str)
        when, precision, when_text = _date(tok, ann)
        if modality == "asserted" and precision != "article":
            span = value_range(when)
            if span and span[1] < ann.dct - timedelta(days=HISTORICAL_DAYS):
                modality, cue = "historical", when_text  # "the annexation of Crimea in 2014"
            elif span and span[0] > ann.dct:
                modality, cue = "future", when_text  # "when he visits Kyiv on Thursday" (a Wednesday article)
                if code_str[:2] in INTENT:
                    code = onto.code(INTENT[code_str[:2]])
        sent = tok.sent
        confidence = 0.3 + (0.3 if sources else 0) + (0.2 if targets else 0) + (0.2 if pattern.condition else 0)
        if pos == "VERB":
            coded_verbs.add(tok.i)
            if pattern.code.startswith("04"):
                consult_verbs.add(tok.i)
            if pattern.condition == "xcomp":  # "offered to mediate" is one event: the offer
                consumed.update(c.i for c in _children(tok, "xcomp", "advcl") if _lemma(c) in pattern.words)
        out.append(
            EventMention(
                start=tok.idx,
                end=tok.idx + len(tok),
                trigger=tok.text,
                sentence=index.get(sent.start, 0),
                sentence_start=sent.start_char,
                sentence_end=sent.end_char,
                cameo_code=code.code,
                plover_type=code.plover_type,
                plover_mode=code.plover_mode,
                plover_context=code.plover_context,
                quad_class=code.quad_class,
                goldstein=code.goldstein,
                sources=[_record(m) for m in sources],
                targets=[_record(m) for m in targets],
                modality=modality,
                modality_cue=cue,
                reported_by=_reported_by(tok, actors),
                date=when,
                date_precision=precision,
                date_text=when_text,
                location=_location(tok, ann.mentions),
                confidence=round(min(confidence, 1.0), 2),
            )
        )
    return out
