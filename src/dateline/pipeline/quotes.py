"""Quotes and claims: direct quotations ("...", he said) and indirect ones (X said that ...), with the
speaker linked to an actor, the cue verb, and the events coded inside the quotation."""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc, Token

from ..annotations import DocAnnotations, Quote
from .events import SPEECH, _Actors, _lemma, _verb_subjects

# Opening and closing quotation marks: straight double quotes, curly double quotes, guillemets.
_DIRECT = re.compile(r'"([^"\n]{3,}?)"|“([^”\n]{3,}?)”|«([^»\n]{3,}?)»')
QUOTE_CUES = SPEECH | {
    "ask",
    "reply",
    "tweet",
    "suggest",
    "predict",
    "urge",
    "vow",
    "promise",
    "deny",
    "admit",
    "acknowledge",
}


def _cue_near(doc: Doc, start: int, end: int) -> Token | None:
    """The speech verb introducing or closing a direct quote: in the sentences it touches, outside it,
    nearest to it; else at the start of the sentence that follows it ("'...' He said.")."""
    sents = [s for s in doc.sents if s.start_char < end and start < s.end_char]
    if sents:
        after = doc.char_span(end, sents[-1].end_char, alignment_mode="contract")
        if after is not None and len(after) <= 3:  # '"...," he said.' split after the closing mark
            following = next((s for s in doc.sents if s.start == sents[-1].end), None)
            if following is not None:
                sents.append(following)
    best = None
    for sent in sents:
        for tok in sent:
            if start <= tok.idx < end or _lemma(tok) not in QUOTE_CUES or not tok.tag_.startswith("VB"):
                continue
            distance = start - tok.idx if tok.idx < start else tok.idx - end
            if best is None or distance < best[0]:
                best = (distance, tok)
    return best[1] if best else None


def find_quotes(doc: Doc, ann: DocAnnotations) -> list[Quote]:
    """Direct and indirect quotations in the article, each with its speaker, cue and inner events."""
    actors = _Actors(doc, ann.mentions)
    quotes: list[Quote] = []
    covered: list[tuple[int, int]] = []
    text = doc.text  # built from the tokens at every call: once
    starts = [s.start_char for s in doc.sents]
    for m in _DIRECT.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        start, end = m.start(), m.end()
        cue = _cue_near(doc, start, end)
        speakers = _verb_subjects(cue, actors) if cue is not None else []
        if (
            not speakers
            and cue is not None
            and any(c.text.lower() in ("he", "she") for c in cue.children if c.dep_ == "nsubj")
        ):
            # '"...," he said': the person last named before the quotation.
            before = [x for x in ann.mentions if x.label == "PERSON" and x.end <= start and (x.actor_code or x.country)]
            speakers = before[-1:]
        speaker_token = (
            next(iter(c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")), None) if cue is not None else None
        )
        quotes.append(
            _quote(text, starts, ann, start, end, m.start(group), m.end(group), "direct", cue, speakers, speaker_token)
        )
        covered.append((start, end))
    for tok in doc:
        if _lemma(tok) not in SPEECH or not tok.tag_.startswith("VB"):
            continue
        for comp in (c for c in tok.children if c.dep_ == "ccomp"):
            lo, hi = comp.left_edge.idx, comp.right_edge.idx + len(comp.right_edge)
            if any(s <= lo < e for s, e in covered):
                continue  # part of a direct quotation already
            speakers = _verb_subjects(tok, actors)
            speaker_token = next(iter(c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            quotes.append(_quote(text, starts, ann, lo, hi, lo, hi, "indirect", tok, speakers, speaker_token))
    return sorted(quotes, key=lambda q: q.start)


def _quote(text, starts, ann, start, end, text_start, text_end, kind, cue, speakers, speaker_token) -> Quote:
    """``text``: the article's; ``starts``: where its sentences start (characters)."""
    speaker = speakers[0] if speakers else None
    inner = [i for i, e in enumerate(ann.events) if text_start <= e.start < text_end]
    sentence = max(bisect_right(starts, start) - 1, 0)
    return Quote(
        start=start,
        end=end,
        text=text[text_start:text_end],
        kind=kind,
        sentence=sentence,
        speaker_code=(speaker.actor_code or speaker.country) if speaker else None,
        speaker=(speaker.canonical or speaker.text)
        if speaker
        else (speaker_token.text if speaker_token is not None else None),
        speaker_start=speaker.start if speaker else (speaker_token.idx if speaker_token is not None else None),
        cue=_lemma(cue) if cue is not None else None,
        cue_start=cue.idx if cue is not None else None,
        events=inner,
    )
