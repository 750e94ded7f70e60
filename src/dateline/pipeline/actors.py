"""Actors, in-document coreference and places: the rules behind three pipeline stages.

Kept apart from the spaCy component wrappers (``stages.py``) so that each rule can be tested
on hand-built Docs. Every rule names the case it handles.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token
from unidecode import unidecode

from ..annotations import Mention
from ..kb import KB

# Prepositions after which a place is where something happens ("arrived in Kyiv").
# "over" is left out: "concerns over Ukraine" is about a place, not in it.
LOCATIVE = {"in", "at", "to", "from", "near", "into", "inside", "outside", "across", "toward", "towards", "via",
            "through", "around", "within", "off", "along", "throughout"}  # fmt: skip
SUBJECT_DEPS = {"nsubj", "nsubjpass", "agent", "csubj"}
PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "his": "m"}


def usage(doc: Doc, span: Span | Mention) -> str:
    """How a place name is used: ``actor`` ("Kyiv rejected", "Moscow's demands", "by Ankara"),
    ``location`` ("arrived in Kyiv") or ``other`` ("tensions between Kyiv and Moscow")."""
    root = doc[span.root] if isinstance(span, Mention) else span.root
    # Coordinated names share their first conjunct's role: "Turkey and Ukraine signed".
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    if root.dep_ in SUBJECT_DEPS or root.dep_ == "poss":
        return "actor"
    if root.dep_ == "pobj" and root.head.text.lower() == "by" and root.head.head.tag_ == "VBN":
        return "actor"  # passive agent
    if root.dep_ == "pobj" and root.head.text.lower() in LOCATIVE:
        return "location"
    return "other"


def _words_country(kb: KB, words: list[str]) -> str | None:
    """The country named by a demonym or a country name among words (n-grams up to 3)."""
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            if phrase in kb.demonyms:
                return kb.demonyms[phrase]
            if phrase in kb.countries:
                return kb.countries[phrase]
            if phrase in kb.seats:
                return kb.seats[phrase][0]
    return None


def _left_modifiers(doc: Doc, start: int, root: Token) -> list[Token]:
    """The contiguous tokens just left of a name that modify it: "Turkish President [Anna Maria Novak]"."""
    subtree = {t.i for t in root.subtree}
    out: list[Token] = []
    i = start - 1
    while i >= 0 and i in subtree and not doc[i].is_punct and len(out) < 8:
        if doc[i].dep_ in ("det", "case", "prep", "cc") or doc[i].tag_ == "POS":
            break
        out.append(doc[i])
        i -= 1
    return list(reversed(out))


def _apposition_words(mention_root: Token, inside: Iterable[int], kb: KB) -> list[str]:
    """Words of an apposition to a name, on either side: "X, the Turkish president" / "the president, X".

    Only an apposition headed by a role noun counts: a misparsed list ("X ...: Great Britain,
    Poland") must not give X a country.
    """
    inside = set(inside)
    words: list[str] = []
    for child in mention_root.children:
        if child.dep_ == "appos" and kb.role([child.text]):
            words += [t.text for t in child.subtree if t.i not in inside]
    if mention_root.dep_ == "appos" and kb.role([mention_root.head.text]):
        head = mention_root.head
        sub = {t.i for t in mention_root.subtree}
        words += [t.text for t in head.subtree if t.i not in sub and t.i not in inside]
    return words


def _titled_names(doc: Doc, mentions: list[Mention], kb: KB) -> list[Mention]:
    """Proper names right after a title that the NER missed: "Presidential Spokesperson [Jan Kowal]"."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    starts = [sent.start for sent in doc.sents]
    out: list[Mention] = []
    i = 0
    while i < len(doc):
        if doc[i].tag_ != "NNP" or doc[i].idx in taken or doc[i].ent_type_:
            i += 1
            continue
        j = i
        while j < len(doc) and doc[j].tag_ == "NNP" and doc[j].idx not in taken and not doc[j].ent_type_:
            j += 1
        words = [t.text for t in doc[i:j]]
        # A capitalized title inside the run ("Presidential Spokesperson ...") or just before it.
        found = kb.role(words)
        name_start = i + found[3] if found and found[3] < len(words) else None
        if name_start is None:
            before = [t.text for t in doc[max(0, i - 4) : i]]
            found = kb.role(before)
            name_start = i if found and found[3] == len(before) else None
        if name_start is not None and j - name_start >= 1:
            span = doc[name_start:j]
            names = [t.text for t in span]
            if not kb.role(names) and span.text not in kb.countries and span.text not in kb.demonyms:
                sentence = max(k for k in range(len(starts)) if starts[k] <= name_start)
                out.append(Mention(span.start_char, span.end_char, span.text, "PERSON", sentence, root=span.root.i))
        i = j
    return out


def code_actors(doc: Doc, mentions: list[Mention], kb: KB) -> list[Mention]:
    """Give each name its actor code, country, sector and role, and add group actors ("Russian troops").

    Returns:
        The mentions, with group mentions added, in text order.
    """
    groups: list[Mention] = []
    mentions = sorted(mentions + _titled_names(doc, mentions, kb), key=lambda x: x.start)
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        m.root = span.root.i
        text = m.text[4:] if m.text[:4].lower() == "the " else m.text
        if m.label == "PERSON":
            left = _left_modifiers(doc, span.start, span.root)
            words = [t.text for t in left]
            found = kb.role(words)
            country = _words_country(kb, words)
            if not found or not country:  # "X, the Turkish president" / "President of Turkey X"
                appos = _apposition_words(span.root, range(span.start, span.end), kb)
                found = found or kb.role(appos)
                country = country or _words_country(kb, appos)
            if found:
                m.sector, m.role = found[0], found[1]
            m.country = country
        elif m.label in ("ORG", "FAC"):
            if text in kb.organizations:
                m.actor_code, kind = kb.organizations[text]
                m.sector = kind
            elif text in kb.seats:
                m.country, m.sector = kb.seats[text]
            else:
                words = text.split()
                m.country = _words_country(kb, words)
                found = kb.role(words)
                if found and m.country:
                    m.sector, m.role = found[0], found[1] or None
        elif m.label == "GPE":
            m.usage = usage(doc, span)
            if text in kb.countries:
                m.country = kb.countries[text]
            elif text in kb.seats:
                m.country = kb.seats[text][0]
                if m.usage == "actor":  # metonymy: "Ankara said" is the Turkish government
                    m.sector = kb.seats[text][1]
        elif m.label == "NORP":
            m.country = kb.demonyms.get(text) or kb.countries.get(text)
            group = _group(doc, span, m, kb)
            if group is not None:
                groups.append(group)
        elif m.label == "LOC":
            code = kb.region_codes.get(text)
            if code:
                m.actor_code = code
    groups = _titles_before_names(doc, mentions, groups)
    _default_country(mentions)
    for m in mentions:
        if m.actor_code is None and m.country:
            m.actor_code = m.country + (m.sector or "")
    return sorted(mentions + groups, key=lambda x: (x.start, -x.end))


def _titles_before_names(doc: Doc, mentions: list[Mention], groups: list[Mention]) -> list[Mention]:
    """A group actor right before a name is the name's title: "[Ukrainian President] Anna Novak"
    (whatever the parse made of it). The title goes to the person; the groups left are returned."""
    by_end = {g.end: g for g in groups}
    titles: set[int] = set()
    text = doc.text  # built from the tokens at every call: once
    for m in mentions:
        if m.label != "PERSON":
            continue
        before = text[: m.start].rstrip()
        g = by_end.get(len(before))
        if g is not None and m.start - len(before) <= 2:
            m.country = m.country or g.country
            m.sector = m.sector or g.sector
            m.role = m.role or g.role
            titles.add(id(g))
    return [g for g in groups if id(g) not in titles]


def _default_country(mentions: list[Mention]) -> None:
    """A title without a nationality ("President X", "Presidential Spokesperson X") takes the country
    acting earlier in the same sentence ("Turkey does not want a war ..., President X said"), else
    the article's leading country: the one its acting names and government actors belong to most."""
    acting = [
        m for m in mentions if m.country and (m.usage == "actor" or (m.label in ("GROUP", "ORG") and m.sector == "GOV"))
    ]
    counts: dict[str, int] = {}
    for m in acting:
        counts[m.country] = counts.get(m.country, 0) + 1
    leading = (
        max(counts, key=lambda c: (counts[c], -min(x.start for x in acting if x.country == c))) if counts else None
    )
    for m in mentions:
        if m.label != "PERSON" or m.sector != "GOV" or m.country:
            continue
        same_sentence = [a for a in acting if a.sentence == m.sentence and a.end <= m.start]
        m.country = same_sentence[-1].country if same_sentence else leading


def _group(doc: Doc, span: Span, norp: Mention, kb: KB) -> Mention | None:
    """A nationality and a role noun make a group actor: "Russian troops" (RUSMIL), "Turkish authorities"."""
    head = span.root.head
    if head.i == span.root.i or head.i < span.end or head.pos_ == "VERB":
        return None
    tokens = [doc[i] for i in range(span.end, head.i + 1)]
    if any(t.is_punct for t in tokens) or len(tokens) > 4:
        return None
    found = kb.role([t.text for t in tokens])
    if not found or not norp.country:
        return None
    start, end = span.start_char, head.idx + len(head)
    text = doc[span.start : head.i + 1].text
    return Mention(
        start,
        end,
        text,
        "GROUP",
        norp.sentence,
        root=head.i,
        actor_code=norp.country + found[0],
        country=norp.country,
        sector=found[0],
        role=found[1] or None,
    )


# -- coreference -------------------------------------------------------------------------


def _name_key(text: str) -> str:
    return unidecode(text).casefold().strip(" .,'’")


# NER labels a lone surname may wrongly get.
NAME_LABELS = {"ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"}
# Particles joined to an Arabic surname by a hyphen: "al-Sabari" is also written "Sabari".
SURNAME_PARTICLES = ("al-", "el-", "ad-", "ar-", "as-", "ash-", "at-", "an-", "az-", "ul-")


def _surname_keys(name: str) -> set[str]:
    """The keys under which a full name's surname may appear alone: "Tashad al-Sabari" -> al-sabari, sabari."""
    last = _name_key(name.replace("]", "").replace("[", "").split()[-1])
    keys = {last}
    for particle in SURNAME_PARTICLES:
        if last.startswith(particle) and len(last) > len(particle) + 1:
            keys.add(last[len(particle) :])
    return keys


def _surnames_as_people(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Surnames the NER missed or mislabeled: a capitalized word that is the surname of a full PERSON
    name (or of a titled one: "Minister Novak") in the same article ("Tashad al-Sabari met ... Sabari
    held talks") is a PERSON mention, whatever label NER gave it, unless the actors stage knew it as
    something else (it has an actor code: "Michael Jordan visited Jordan")."""
    named = [m for m in mentions if m.label == "PERSON" and (" " in m.text or m.sector)]  # "Minister Novak" too
    surnames = set().union(*(_surname_keys(m.text) for m in named))
    if not surnames:
        return mentions
    for m in mentions:
        if m.label in NAME_LABELS and not m.actor_code and " " not in m.text and _name_key(m.text) in surnames:
            m.label = "PERSON"
    covered = sorted((m.start, m.end) for m in mentions)
    added = []
    for tok in doc:
        if not tok.tag_.startswith("NN") or not tok.text[:1].isupper() or _name_key(tok.text) not in surnames:
            continue
        at = bisect_right(covered, (tok.idx, float("inf")))
        if at and covered[at - 1][1] > tok.idx:
            continue  # inside a mention
        added.append(Mention(tok.idx, tok.idx + len(tok), tok.text, "PERSON", _sentence(doc, tok.i), root=tok.i))
    return sorted(mentions + added, key=lambda x: (x.start, -x.end)) if added else mentions


def resolve_coreference(doc: Doc, mentions: list[Mention], kb: KB, chunks: list[Span] | None = None) -> list[Mention]:
    """Link mentions of the same person within one article into chains.

    - A surname alone is a person when a full or titled name of the article ends with it ("Tashad
      al-Sabari" ... "Sabari"), though NER missed it or called it an organization.
    - A surname alone ("Novak") joins the chain of the full name that ends with it
      ("Anna Maria Novak"), the nearest before it, else the first after it.
    - A description ("the Turkish leader", "the president") joins the latest person chain whose
      country and sector agree.
    - A subject pronoun ("he said") joins the latest person chain when only one person was
      named in that sentence and the one before (the subject chain is then unambiguous).
    Every member takes the chain's country, sector and role, and the canonical (longest) name.
    ``chunks`` are the noun phrases to read descriptions from (default: the parse's noun chunks).

    Returns:
        The mentions, with description and pronoun mentions added, in text order.
    """
    mentions = _surnames_as_people(doc, mentions)
    people = [m for m in mentions if m.label == "PERSON"]
    chains: list[list[Mention]] = []
    by_surname: dict[str, list[int]] = {}
    for m in people:
        parts = m.text.replace("]", "").replace("[", "").split()
        if len(parts) >= 2:
            chain = next((i for i, c in enumerate(chains) if _name_key(c[0].text) == _name_key(m.text)), None)
            if chain is None:
                chains.append([m])
                chain = len(chains) - 1
            else:
                chains[chain].append(m)
            m.chain = chain
            for key in _surname_keys(m.text):
                by_surname.setdefault(key, []).append(chain)
    for m in people:
        if m.chain is not None:
            continue
        key = _name_key(m.text)
        candidates = by_surname.get(key, [])
        if candidates:
            before = [c for c in candidates if chains[c][0].start < m.start]
            m.chain = before[-1] if before else candidates[0]
        else:  # a single-word name seen first: it starts its own chain
            chains.append([])
            m.chain = len(chains) - 1
            by_surname.setdefault(key, []).append(m.chain)
        chains[m.chain].append(m)

    def profile(chain: list[Mention]) -> tuple[str | None, str | None, str | None]:
        country = next((x.country for x in chain if x.country), None)
        sector = next((x.sector for x in chain if x.sector), None)
        role = next((x.role for x in chain if x.role), None)
        return country, sector, role

    added: list[Mention] = []
    chunks = list(doc.noun_chunks) if chunks is None else chunks
    added += _descriptions(doc, chunks, mentions, chains, profile, kb)
    # A description replaces the group actor inside it ("the [Turkish leader]" is one person).
    mentions = [
        m for m in mentions if not (m.label == "GROUP" and any(d.start <= m.start and m.end <= d.end for d in added))
    ]
    added += _pronouns(doc, mentions + added, chains)
    for i in range(len(chains)):
        members = [m for m in mentions + added if m.chain == i]
        if not members:
            continue
        country, sector, role = profile(members)
        canonical = max((m for m in members if m.label == "PERSON"), key=lambda x: len(x.text.split()), default=None)
        for m in members:
            m.canonical = canonical.text if canonical else None
            m.country = m.country or country
            m.sector = m.sector or sector
            m.role = m.role or role
            if m.country or m.sector:
                m.actor_code = (m.country or "") + (m.sector or "")
    return sorted(mentions + added, key=lambda x: (x.start, -x.end))


def _descriptions(doc, chunks, mentions, chains, profile, kb) -> list[Mention]:
    covered = {t for m in mentions for t in range(m.start, m.end)}
    out: list[Mention] = []
    for chunk in chunks:
        if chunk[0].text.lower() != "the" or chunk.start_char in covered or chunk.root.ent_type_:
            continue
        words = [t.text for t in chunk[1:]]
        found = kb.role(words)
        if not found or found[0] != "GOV" or found[3] != len(words) or chunk.root.tag_ == "NNS":
            continue
        if any(child.dep_ == "appos" for child in chunk.root.children):
            continue  # "the president, X": the apposition rule already coded X
        country = _words_country(kb, words[: found[2]])
        # "the official" has no title of its own: it may describe any official, whatever the chain's role
        generic = not kb.roles.get(" ".join(w.lower() for w in words[found[2] : found[3]]), ("", ""))[1]
        best = None
        for i, chain in enumerate(chains):
            before = [m for m in chain if m.start < chunk.start_char]
            if not before:
                continue
            c_country, c_sector, c_role = profile(chain)
            if c_sector != "GOV" or (country and c_country and country != c_country):
                continue
            if not generic and found[1] != "Leader" and c_role and c_role.lower() != found[1].lower():
                continue
            last = before[-1].start
            if best is None or last > best[1]:
                best = (i, last)
        if best is None:
            continue
        sent = _sentence(doc, chunk.start)
        m = Mention(chunk.start_char, chunk.end_char, chunk.text, "NOMINAL", sent, root=chunk.root.i,
                    country=country, sector="GOV", role=found[1] or None, chain=best[0])  # fmt: skip
        out.append(m)
    return out


def _pronouns(doc, mentions, chains) -> list[Mention]:
    out: list[Mention] = []
    people = sorted((m for m in mentions if m.chain is not None), key=lambda m: m.start)
    for tok in doc:
        if tok.text.lower() not in ("he", "she") or tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        sent = _sentence(doc, tok.i)
        window = [m for m in people if m.start < tok.idx and m.sentence >= sent - 1]
        distinct = {m.chain for m in window}
        if len(distinct) != 1:
            continue
        out.append(Mention(tok.idx, tok.idx + len(tok), tok.text, "PRONOUN", sent, root=tok.i, chain=distinct.pop()))
    return out


def _sentence(doc: Doc, token_index: int) -> int:
    for i, sent in enumerate(doc.sents):
        if sent.start <= token_index < sent.end:
            return i
    return 0


# -- places ------------------------------------------------------------------------------


def geocode_places(doc: Doc, mentions: list[Mention], kb: KB) -> list[Mention]:
    """Geocode place names (GPE, LOC, FAC) and say how each is used (actor, location, other).

    A name with several candidate places (Moscow, Russia and Moscow, Idaho) goes to the one in a
    country the article mentions, else to the most populous.
    """
    context = {m.country for m in mentions if m.country and m.label in ("GPE", "NORP", "GROUP")}
    for m in mentions:
        if m.label not in ("GPE", "LOC", "FAC"):
            continue
        if m.usage is None and m.root >= 0:
            m.usage = usage(doc, m)
        place = kb.geocode(m.text.removeprefix("the "), frozenset(context))
        if place is None:
            continue
        m.geonames_id, m.lat, m.lon, m.place_country = place.geonames_id, place.lat, place.lon, place.country
        if m.country is None and place.kind in ("country", "city", "region", "strait") and place.country:
            m.country = place.country
    return mentions
