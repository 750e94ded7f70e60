"""PETRARCH/TABARI dictionaries: actors (with date-restricted codes), agents and verbs with their patterns.

Users bring the dictionaries they have. Two forms are read:

- the PETRARCH text format (``*.actors.txt``, ``*.agents.txt``, ``*.verbs.txt``): one entry a line,
  ``+`` synonyms, ``[CODE]`` blocks with ``<DATE``, ``>DATE`` or ``DATE-DATE`` restrictions,
  ``FRO/BIL/SAM`` compound codes, ``&SYNSET`` lists, ``--- VERB [CODE] ---`` blocks with ``- ... * ...
  [CODE]`` pattern lines, ``#`` and ``<!-- -->`` comments;
- the same dictionaries converted to JSON lines (one entry an object), as in the validation data.

Phrases are upper case token lists; ``_`` joins words that must be consecutive.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import InputError

__all__ = ["ActorCode", "Actor", "Agent", "VerbPattern", "Verb", "Dictionaries", "load_dictionaries", "parse_date"]


def parse_date(text: str) -> date:
    """A PETRARCH dictionary date: YYMMDD (years 00-30 are 20xx) or YYYYMMDD."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 6:
        yy = int(digits[:2])
        return date(2000 + yy if yy <= 30 else 1900 + yy, int(digits[2:4]), int(digits[4:6]))
    if len(digits) == 8:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    raise ValueError(f"not a PETRARCH date: {text!r}")


@dataclass(frozen=True)
class ActorCode:
    """An actor code, valid before, after or between dates (inclusive start, exclusive end)."""

    code: str
    before: date | None = None
    after: date | None = None
    start: date | None = None
    end: date | None = None

    @property
    def restricted(self) -> bool:
        return any((self.before, self.after, self.start, self.end))

    def applies(self, day: date) -> bool:
        if self.before and not day < self.before:
            return False
        if self.after and not day > self.after:
            return False
        if self.start and not (self.start <= day <= (self.end or date.max)):
            return False
        return True


@dataclass
class Actor:
    """An actor entry: its phrases (the first is the primary one) and codes."""

    phrases: list[tuple[str, ...]]
    codes: list[ActorCode]

    def codes_on(self, day: date) -> list[str]:
        """The codes that hold on a day: a date-restricted code that applies wins over plain ones;
        a compound code (``FRO/BIL/SAM``) gives each of its actors."""
        restricted = [c for c in self.codes if c.restricted and c.applies(day)]
        chosen = restricted[:1] or [c for c in self.codes if not c.restricted]
        return [part for c in chosen for part in c.code.split("/") if part]


@dataclass
class Agent:
    """An agent entry ("AMBASSADOR" -> ~GOV): a code to add to the actor it qualifies."""

    phrases: list[tuple[str, ...]]
    code: str


@dataclass
class VerbPattern:
    """A pattern line: words before and after the verb (``*``), the code, and target/source markers."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    code: str


@dataclass
class Verb:
    """A verb block: its forms (one or more words), its default code and its pattern lines."""

    forms: list[tuple[str, ...]]
    code: str
    patterns: list[VerbPattern] = field(default_factory=list)


@dataclass
class Dictionaries:
    """Loaded dictionaries, indexed by the first word of each phrase."""

    actors: list[Actor] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    verbs: list[Verb] = field(default_factory=list)
    synsets: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    macros: dict[str, list[str]] = field(default_factory=dict)

    def actor_index(self) -> dict[str, list[tuple[tuple[str, ...], Actor]]]:
        """First word -> (phrase, actor), longest phrases first."""
        return _index((phrase, actor) for actor in self.actors for phrase in actor.phrases)

    def verb_index(self) -> dict[str, list[tuple[tuple[str, ...], Verb]]]:
        """First word -> (form, verb), longest forms first."""
        return _index((form, verb) for verb in self.verbs for form in verb.forms)


def _phrase_end(phrase: tuple[str, ...], words: list[str], i: int, max_gap: int = 4) -> int | None:
    """Where a phrase starting at word i ends, or None; a GAP lets up to ``max_gap`` words in."""
    k = i
    gap = False
    for word in phrase:
        if word == GAP:
            gap = True
            continue
        if gap:
            hit = next((j for j in range(k, min(len(words), k + max_gap + 1)) if words[j] == word), None)
            if hit is None:
                return None
            k, gap = hit + 1, False
        elif k < len(words) and words[k] == word:
            k += 1
        else:
            return None
    return k


def _index(pairs) -> dict:
    index: dict = {}
    for phrase, entry in pairs:
        index.setdefault(phrase[0], []).append((phrase, entry))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


_COMMENT = re.compile(r"<!--.*?-->|#.*$")
_CODE_BLOCK = re.compile(r"\[([^\]]*)\]")


def _phrase(text: str) -> tuple[str, ...]:
    """Dictionary phrase -> upper-case tokens; ``_`` and blanks both separate words."""
    return tuple(w for w in re.split(r"[_\s]+", text.strip().upper()) if w)


GAP = "…"  # in an actor phrase: other words may stand here (a blank in the dictionary, not "_")


def _actor_phrase(text: str) -> tuple[str, ...]:
    """An actor name: "_" joins consecutive words; a blank lets a few other words come between
    ("ITHILEN TELEVISION" matches "Ithilen state-run television")."""
    out: list[str] = []
    for group in text.strip().upper().split():
        words = [w for w in group.split("_") if w]
        if words:
            if out:
                out.append(GAP)
            out += words
    return tuple(out)


def _code(raw: str) -> ActorCode:
    raw = raw.strip()
    if m := re.fullmatch(r"(\S+)\s*<\s*(\d+)", raw):
        return ActorCode(m[1], before=parse_date(m[2]))
    if m := re.fullmatch(r"(\S+)\s*>\s*(\d+)", raw):
        return ActorCode(m[1], after=parse_date(m[2]))
    if m := re.fullmatch(r"(\S+)\s+(\d+)\s*-\s*(\d+)", raw):
        return ActorCode(m[1], start=parse_date(m[2]), end=parse_date(m[3]))
    return ActorCode(raw.split()[0] if raw else "---")


def _lines(text: str) -> list[str]:
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return [_COMMENT.sub("", line).rstrip() for line in text.splitlines()]


def parse_actors(text: str) -> list[Actor]:
    """Actors from the PETRARCH text format."""
    actors: list[Actor] = []
    current: Actor | None = None
    for line in _lines(text):
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped.startswith("+"):
            if current is not None:
                current.phrases.append(_actor_phrase(_CODE_BLOCK.sub("", stripped[1:])))
            continue
        codes = [_code(c) for c in _CODE_BLOCK.findall(stripped)]
        if line[0].isspace() or stripped.startswith("["):
            if current is not None:
                current.codes += codes
            continue
        name = _CODE_BLOCK.sub("", stripped)
        current = Actor([_actor_phrase(name)], codes)
        actors.append(current)
    return [a for a in actors if a.phrases[0]]


def parse_agents(text: str) -> tuple[list[Agent], dict[str, list[str]]]:
    """Agents (and substitution macros such as ``!PERSON!``) from the PETRARCH text format."""
    agents: list[Agent] = []
    macros: dict[str, list[str]] = {}
    for line in _lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        if m := re.match(r"<?(!\w+!)>?\s*=\s*(.+)", stripped):
            macros[m[1]] = m[2].split()
            continue
        codes = _CODE_BLOCK.findall(stripped)
        plural = re.search(r"\{([^}]*)\}", stripped)
        name = re.sub(r"\{[^}]*\}", "", _CODE_BLOCK.sub("", stripped)).strip()
        if not name or not codes:
            continue
        phrases = [_phrase(name)]
        if plural is not None:
            forms = plural[1].split()
            phrases += [_phrase(f) for f in forms] if forms else [_phrase(name + "S")]
        agents.append(Agent(phrases, codes[0].strip()))
    return agents, macros


def _form_line(line: str) -> list[tuple[str, ...]]:
    """A verb form line: "BREAK { BROKE BROKEN }", "+BREAK_DOWN {+BREAKS_DOWN ...}", "DOWNPLAY [014]"."""
    line = _CODE_BLOCK.sub("", line)
    forms = [_phrase(line.split("{")[0].replace("+", ""))]
    for extra in re.findall(r"\{([^}]*)\}", line):
        forms += [_phrase(f.replace("+", "")) for f in extra.split() if f]
    return [f for f in forms if f]


def _pattern(text: str) -> tuple[str, ...]:
    """Pattern items: blanks separate items (other words may come between them); ``_`` joins words
    that must be consecutive, kept inside one item ("NEW_&TIETYPES_RELATIONS")."""
    return tuple(g.upper() for g in text.split() if g.strip("_"))


def parse_verbs(text: str) -> tuple[list[Verb], dict[str, list[tuple[str, ...]]]]:
    """Verbs and synsets from the PETRARCH text format."""
    verbs: list[Verb] = []
    synsets: dict[str, list[tuple[str, ...]]] = {}
    current_verb: Verb | None = None
    current_set: str | None = None
    for line in _lines(text):
        stripped = line.strip()
        if not stripped:
            current_set = None
            continue
        if m := re.match(r"---\s*(.+?)\s*\[([^\]]*)\].*---", stripped):
            current_verb = Verb([], m[2].strip())
            verbs.append(current_verb)
            current_set = None
            continue
        if stripped.startswith("&") and not stripped.startswith("- "):
            current_set = stripped.split()[0][1:].rstrip("_")
            synsets[current_set] = []
            current_verb = None
            continue
        if current_set is not None and stripped.startswith("+"):
            synsets[current_set].append(_phrase(stripped[1:]))
            continue
        if current_verb is None:
            continue
        if stripped.startswith("-"):
            codes = _CODE_BLOCK.findall(stripped)
            body = _CODE_BLOCK.sub("", stripped[1:]).strip()
            before, _, after = body.partition("*")
            current_verb.patterns.append(
                VerbPattern(_pattern(before), _pattern(after), codes[0].strip() if codes else current_verb.code)
            )
            continue
        current_verb.forms += _form_line(stripped)  # "BREAK { BROKE BROKEN }", "+BREAK_DOWN {...}"
    return [v for v in verbs if v.forms], synsets


# -- the JSON-lines conversions ---------------------------------------------------------


def _actors_jsonl(text: str) -> list[Actor]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        codes = []
        for c in d["codes"]:
            codes.append(ActorCode(
                c["code"],
                before=parse_date(c["before"]) if c.get("before") else None,
                after=parse_date(c["after"]) if c.get("after") else None,
                start=parse_date(c["from"]) if c.get("from") else None,
                end=parse_date(c["to"]) if c.get("to") else None,
            ))  # fmt: skip
        out.append(Actor([_actor_phrase(n) for n in d["names"]], codes))
    return out


def _agents_jsonl(text: str) -> tuple[list[Agent], dict[str, list[str]]]:
    agents, macros = [], {}
    for line in text.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        if "macros" in d:
            macros.update(d["macros"])
            continue
        phrases = [_phrase(d["name"]), _phrase(d["name"] + "S")]  # regular plural
        if d.get("plural"):
            phrases.append(_phrase(d["plural"]))
        agents.append(Agent(phrases, d["codes"][0]))
    return agents, macros


def _verbs_jsonl(text: str) -> tuple[list[Verb], dict[str, list[tuple[str, ...]]]]:
    verbs, synsets = [], {}
    for line in text.splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        if d["type"] == "synset":
            synsets[d["name"].rstrip("_")] = [_phrase(m) for m in d["members"]]
            continue
        verb = Verb([], d["code"])
        for item in d["lines"]:
            pattern = item["pattern"]
            if pattern.startswith("-"):
                before, _, after = pattern[1:].partition("*")
                verb.patterns.append(VerbPattern(_pattern(before), _pattern(after), item["code"] or verb.code))
            else:
                verb.forms += _form_line(pattern)
        verbs.append(verb)
    return verbs, synsets


def _read(path: Path) -> tuple[str, bool]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read dictionary {str(path)!r}: {exc.strerror or exc}") from None
    return text, text.lstrip().startswith("{")


def load_dictionaries(actors: str | Path | None = None, agents: str | Path | None = None,
                      verbs: str | Path | None = None) -> Dictionaries:  # fmt: skip
    """Load PETRARCH/TABARI actor, agent and verb dictionaries (text format or JSON lines).

    Raises:
        InputError: a file cannot be read.
    """
    d = Dictionaries()
    if actors:
        text, is_json = _read(Path(actors))
        d.actors = _actors_jsonl(text) if is_json else parse_actors(text)
    if agents:
        text, is_json = _read(Path(agents))
        d.agents, d.macros = _agents_jsonl(text) if is_json else parse_agents(text)
    if verbs:
        text, is_json = _read(Path(verbs))
        d.verbs, d.synsets = _verbs_jsonl(text) if is_json else parse_verbs(text)
    return d


# -- coding with the dictionaries ----------------------------------------------------------

_NEGATIONS = {"NOT", "N'T", "NEVER"}
_CLAUSE_BREAKS = {";", ".", "BUT", "WHILE", "WHEREAS", "ALTHOUGH", "AFTER", "BEFORE", "WHEN", "BECAUSE"}


# Words that may stand between an actor and its agent: "Dagolath's first Deputy Prime Minister".
_MODIFIERS = {
    "'S",
    "’S",
    "FIRST",
    "SECOND",
    "DEPUTY",
    "SENIOR",
    "TOP",
    "CHIEF",
    "NEW",
    "FORMER",
    "ACTING",
    "THE",
    "A",
    "AN",
}


@dataclass
class _Found:
    start: int
    end: int
    codes: list[str]
    agent: bool = False
    pending: str | None = None  # an agent with no actor yet


class PetrarchCoder:
    """Codes (source, target, event code) triples from a sentence with PETRARCH/TABARI dictionaries.

    A deliberately plain reading of the dictionaries' semantics: the verb is a dictionary verb form
    (or its lemma); the source is the nearest actor before it in its clause ("X and Y" gives
    both), the target the first actor after it; an agent next to an actor adds its code
    ("Arnor cleric" = ARN + REL), alone it stands for an unknown actor (``---``); the pattern with
    the most words found around the verb (synsets expanded) sets the code; ``A:B`` codes give the
    event both ways; ``---`` codes nothing; a verb conjoined to a coded one shares its sources. Like
    PETRARCH's ``require_dyad`` (the default), an event needs both a source and a target actor;
    targets are looked for up to the end of the verb's clause; a passive's ``by`` actor is the
    source; a compound subject with a ``%`` pattern acts on each of its members; a pattern's
    ``+`` names the target; a blank in an actor name lets a few words come between.
    """

    def __init__(self, dictionaries: Dictionaries, nlp=None, require_dyad: bool = True) -> None:
        self.d = dictionaries
        self.require_dyad = require_dyad
        self.actors = dictionaries.actor_index()
        self.verbs = dictionaries.verb_index()
        self.agents = _index((phrase, agent) for agent in dictionaries.agents for phrase in agent.phrases)
        if nlp is None:
            from .pipeline.nlp import load_model

            nlp = load_model()
        self.nlp = nlp

    def _match(self, words: list[str], i: int, index: dict) -> tuple[int, object] | None:
        """The longest entry whose phrase starts at word i: (words spanned, entry)."""
        for phrase, entry in index.get(words[i], ()):
            end = _phrase_end(phrase, words, i)
            if end is not None:
                return end - i, entry
        return None

    def _actors(self, words: list[str], day: date) -> list[_Found]:
        found: list[_Found] = []
        i = 0
        while i < len(words):
            hit = self._match(words, i, self.actors)
            if hit is not None:
                size, actor = hit
                found.append(_Found(i, i + size, actor.codes_on(day)))
                i += size
                continue
            agent = self._match(words, i, self.agents)
            if agent is not None:
                size, entry = agent
                suffix = entry.code.replace("~", "").replace(" ", "")
                gap = words[found[-1].end : i] if found else None
                if found and len(gap) <= 3 and all(w in _MODIFIERS or w.endswith("LY") for w in gap):
                    # "Arnor cleric", "Dagolath's first Deputy Prime Minister": the actor just before.
                    found[-1].codes = [c + suffix if suffix not in c[3:] else c for c in found[-1].codes]
                    found[-1].end = i + size
                    found[-1].agent = True
                else:
                    found.append(_Found(i, i + size, ["---" + suffix], agent=True, pending=suffix))
                i += size
                continue
            i += 1
        # "the ambassadors of Arnor, Osgiliath and Gondor": an agent alone takes the actors after "of".
        out: list[_Found] = []
        k = 0
        while k < len(found):
            f = found[k]
            if (
                f.pending
                and k + 1 < len(found)
                and words[f.end : found[k + 1].start]
                in (["OF"], ["IN"], ["FROM"], ["OF", "THE"], ["IN", "THE"], ["FROM", "THE"])
            ):
                group = [found[k + 1]]
                j = k + 2
                while j < len(found) and all(w in ("AND", ",") for w in words[group[-1].end : found[j].start]):
                    group.append(found[j])
                    j += 1
                for g in group:
                    g.codes = [c + f.pending if f.pending not in c[3:] else c for c in g.codes]
                    out.append(g)
                k = j
                continue
            # "Bree Prime Minister Romendacil": a name right after a titled actor is that actor.
            if out and out[-1].agent and f.start == out[-1].end and not f.pending:
                out[-1].end = f.end
                k += 1
                continue
            out.append(f)
            k += 1
        return out

    def _pattern_code(self, verb: Verb, words: list[str], v_start: int, v_end: int) -> tuple[str, VerbPattern | None]:
        best, best_score, best_pattern = verb.code, -1, None
        for p in verb.patterns:
            score = self._words_match(p.before, words[:v_start], backwards=True)
            if score < 0:
                continue
            after = self._words_match(p.after, words[v_end:], backwards=False)
            if after < 0:
                continue
            if score + after > best_score:
                best, best_score, best_pattern = p.code, score + after, p
        return best, best_pattern

    def _words_match(self, pattern: tuple[str, ...], words: list[str], backwards: bool) -> int:
        """How many pattern items are found in order (markers skipped); -1 if one is missing.

        An item's ``_``-joined words ("NEW_&TIETYPES_RELATIONS") must be consecutive; items may have
        other words between them.
        """
        items = [w.strip("_") for w in pattern if w.strip("_") not in ("+", "$", "%", "^", "")]
        seq = list(reversed(words)) if backwards else list(words)
        items = list(reversed(items)) if backwards else items
        pos, count = 0, 0
        for item in items:
            options = self._alternatives(item)
            hit = next(
                (k for k in range(pos, len(seq)) for opt in options if self._starts(seq, k, opt, backwards)), None
            )
            if hit is None:
                return -1
            pos, count = hit + 1, count + 1
        return count

    def _alternatives(self, item: str) -> list[tuple[str, ...]]:
        """The word sequences a pattern item stands for: its ``_``-joined words in order, each synset
        (``&NAME``) expanded to its members; marker words inside an item are skipped."""
        sequences: list[tuple[str, ...]] = [()]
        for word in (w for w in item.split("_") if w and w not in ("+", "$", "%", "^")):
            if word.startswith("&"):
                members: list[tuple[str, ...]] = []
                for member in self.d.synsets.get(word[1:].rstrip("_"), []):
                    members += [member] if not member[0].startswith("&") else self._alternatives(member[0])
                options = members or [(word,)]
            else:
                options = [(word.lstrip("+$%^"),)]
            sequences = [s + o for s in sequences for o in options if o != ("",)]
        return sequences

    @staticmethod
    def _starts(seq: list[str], k: int, option: tuple[str, ...], backwards: bool) -> bool:
        option = tuple(reversed(option)) if backwards else option
        return tuple(seq[k : k + len(option)]) == option

    def code(self, text: str, day: date) -> list[tuple[str, str, str]]:
        """(source, target, code) triples for one sentence dated ``day``."""
        doc = self.nlp(text)
        words = [t.text.upper() for t in doc]
        lemmas = [t.lemma_.upper() for t in doc]
        tags = [t.tag_ for t in doc]
        actors = self._actors(words, day)
        events: list[tuple[str, str, str]] = []
        coded: dict[int, list[_Found]] = {}  # verb token -> its sources
        for i, tok in enumerate(doc):
            if not tok.tag_.startswith("VB") and not (tok.tag_.startswith("NN") and i > 0):
                continue
            # After the first coded verb, only a verb conjoined to it is coded ("condemned ... and promised").
            shared = coded.get(tok.head.i) if coded and tok.dep_ == "conj" else None
            if coded and shared is None:
                continue
            hit = self._match(words, i, self.verbs) or (
                self._match(lemmas, i, self.verbs) if tok.tag_.startswith("VB") else None
            )
            if hit is None or any(a.start <= i < a.end for a in actors):
                continue
            size, verb = hit
            clause_start = max((k + 1 for k in range(i) if words[k] in _CLAUSE_BREAKS), default=0)
            before = [a for a in actors if clause_start <= a.start and a.end <= i]
            clause_end = next((k for k in range(i + size, len(words)) if words[k] in _CLAUSE_BREAKS), len(words))
            after = [a for a in actors if i + size <= a.start < clause_end]
            if shared is not None:
                sources = shared
                after = [a for a in after if a.start > i]
            elif not before:
                continue
            else:
                sources = self._compound(before, words, tags, last=True)
            targets = self._compound(after, words, tags, last=False) if after else []
            code, pattern = self._pattern_code(verb, words, i, i + size)
            if code in ("---", "+++", "", None):
                continue  # an auxiliary-like verb ("has") with no code of its own: the next verb may have one
            marked = self._marked_target(pattern, words, i + size, actors) if pattern is not None else None
            if marked is not None:
                targets = [marked]  # "- * EID AT ^ WITH +": the actor after "WITH" is the target
            if (
                tok.tag_ == "VBN"
                and any(c.dep_ == "auxpass" for c in tok.children)
                and targets
                and words[targets[0].start - 1] == "BY"
            ):
                sources, targets = targets[:1], sources  # "Eriador was opposed by Osgiliath"
            forward, _, backward = code.partition(":")
            if (
                not targets
                and len(sources) >= 2
                and pattern is not None
                and "%" in " ".join(pattern.before + pattern.after)
            ):
                # "% *": the members of a compound subject act on each other ("X and Y agree").
                for a in sources:
                    for b in sources:
                        for s in a.codes if a is not b else ():
                            for t in b.codes:
                                events.append((s, t, forward))
                coded[i] = sources
                continue
            for s in (c for a in sources for c in a.codes):
                for t in (c for a in targets for c in a.codes) if targets else ["---"]:
                    if s == t or (self.require_dyad and "---" in (s, t)):
                        continue  # PETRARCH's require_dyad: both a source and a target, or no event
                    events.append((s, t, forward))
                    if backward:
                        events.append((t, s, backward))
            coded[i] = sources
        return events

    @staticmethod
    def _marked_target(pattern: VerbPattern, words: list[str], after_verb: int, actors: list[_Found]) -> _Found | None:
        """The target a pattern marks with ``+``: the first actor after the pattern word before the mark."""
        items = list(pattern.after)
        mark = next((k for k, item in enumerate(items) if item == "+" or item.startswith("+")), None)
        if mark is None or mark == 0:
            return None
        anchor = items[mark - 1].split("_")[-1]
        if anchor in ("^", "$", "%") or anchor.startswith("&"):
            return None
        at = next((k for k in range(after_verb, len(words)) if words[k] == anchor), None)
        if at is None:
            return None
        return next((a for a in actors if a.start > at), None)

    @staticmethod
    def _compound(found: list[_Found], words: list[str], tags: list[str], last: bool) -> list[_Found]:
        """The actor nearest the verb and those joined to it by "and", "nor" or commas (adjectives
        and articles may stand between: "Fornost and the evil awful Gondor")."""
        group = [found[-1] if last else found[0]]
        ordered = list(reversed(found[:-1])) if last else found[1:]
        for a in ordered:
            edge = group[-1]
            lo, hi = (a.end, edge.start) if last else (edge.end, a.start)
            gap = list(range(lo, hi))
            joined = any(words[k] in ("AND", ",", "NOR") for k in gap)
            if (
                gap
                and joined
                and all(words[k] in ("AND", ",", "NOR") or tags[k][:2] in ("JJ", "DT", "RB", "NN") for k in gap)
            ):
                group.append(a)
            else:
                break
        return group
