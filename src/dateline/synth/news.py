"""The news of a fictional world: stories of events, and the articles that report them, with their gold.

A story is a cast (two or three public figures, maybe an organization), a place and a topic, and a short
history of events (a visit announced and made, talks, an agreement, accusations, shelling and its
denial, arrests, sanctions threatened and imposed, protests, aid). Articles from several outlets
report overlapping subsets of the events known on their date, each in one of several wordings, with
the names spelled the outlet's way, dates written relative to the article's date, quotes with their
speakers, background and filler sentences; a news agency's article is republished verbatim by other
outlets (wire copies); distractor articles (sport, culture, markets, weather) belong to no story and
report no political event.

Every article comes with its gold: each entity mention (span, entity, kind), each time expression
(span, TIMEX3 value), each event mention (trigger span, gold event, CAMEO code, modality, date, actors,
place) and each quote (span, speaker). :func:`annotations` turns that gold into the
:class:`~dateline.annotations.DocAnnotations` a perfect annotator would give, for benchmarks of the
resolve step that skip parsing.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from .world import HEADS, NOMINALS, SPAN_START, City, Country, Org, Person, World

__all__ = ["Happening", "Story", "SynthArticle", "stories", "articles", "annotations"]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip

# Topic words: none of them is an event word dateline or an analyst would code ("talks", "sanctions", "attack").
TOPICS = """grain corridor export quota harbour tariff pipeline refinery gas reactor dam drought reservoir wheat
fertilizer shipping insurance convoy prisoner border checkpoint camp asylum visa customs smuggling fraud bribery
audit budget deficit loan bond inflation currency wage pension election ballot recount referendum constitution
amendment coalition cabinet reshuffle curfew espionage satellite vaccine outbreak hospital earthquake flood
wildfire reconstruction railway tunnel bridge highway airport airline merger bankruptcy mine copper lithium cobalt
oilfield tanker peacekeeper mandate delegation embassy consulate hostage garrison conscription veteran monument
museum broadcaster newspaper licence frequency spectrum telecom subsidy electricity blackout grid turbine solar
uranium enrichment inspector watchdog regulator fishery forestry dairy textile tourism""".split()

FILLER = [
    "Analysts said the {X} would weigh on the {Y} market",
    "Prices of {X} rose sharply as the dispute over the {Y} dragged on",
    "Local businesses have complained about the {X} {Y}",
    "The {X} {Y} remains a sensitive issue in {COUNTRY}",
    "Residents of {CITY} said the {X} had affected their livelihoods",
    "Critics say the {X} {Y} benefits only a few companies",
    "The {X} {Y} was first proposed by the {ORG}",
    "Officials in {COUNTRY} have not commented on the {X} {Y}",
    "The {ORG} has published several reports on the {X}",
    "Opposition figures called the handling of the {X} a failure",
    "Supporters of the {X} {Y} say it will create jobs",
    "The cost of the {X} has doubled, according to the {ORG}",
    "Independent monitors described the {X} situation as tense but stable",
    "Shipping companies have rerouted cargo away from the {X} {Y}",
    "Several lawmakers questioned the legality of the {X} {Y}",
    "The {X} {Y} is expected to dominate the agenda in {CITY}",
]
TIMED_FILLER = [  # a time expression of another kind than a day
    ("The {X} {Y} was first discussed {TIME}", "past"),
    ("Trade in {X} fell sharply {TIME}", "past"),
    ("Spending on the {X} will rise {TIME}, the {ORG} said", "future"),
]
QUOTES = [
    "We will not accept any arrangement on the {X} that ignores our {Y}",
    "The {X} is a matter for our people alone",
    "We remain open to dialogue on the {X} and the {Y}",
    "There can be no progress on the {X} while the {Y} question is unresolved",
    "Our position on the {X} has not changed",
    "This is a difficult moment for the {X} {Y}, but we are confident",
]

# Event wordings, by (kind, modality): "{S}" source, "{T}" target, "{P}" place, "{C}" country as actor,
# "{K}" second country, "{D}" demonym of the source group's country, "{W}" when (" on Tuesday"),
# "{WL}" when leading the sentence ("On Tuesday, "), "{V:...}" the trigger, "{Q:...}" the modality cue,
# "{X}"/"{Y}" topic words. A kind's actors: see Happening.
TEMPLATES: dict[tuple[str, str], list[str]] = {
    ("visit", "asserted"): [
        "{S} {V:arrived} in {P}{W} for a two-day stay",
        "{S} {V:visited} {P}{W}",
        "{WL}{S} {V:arrived} in {P}",
        "{S} {V:travelled} to {P}{W}, accompanied by a large delegation",
    ],
    ("visit", "future"): [
        "{S} {Q:will} {V:travel} to {P}{W}",
        "{S} {Q:is due to} {V:visit} {P}{W}",
        "{WL}{S} {Q:will} {V:visit} {P}, officials said",
    ],
    ("meet", "asserted"): [
        "{S} {V:met} {T} in {P}{W}",
        "{S} {V:held talks} with {T}{W}",
        "{WL}{S} and {T} {V:discussed} the {X} {Y}",
        "{S} {V:met} with {T}{W} to discuss the {X}",
    ],
    ("phone", "asserted"): [
        "{S} {V:spoke by phone} with {T}{W}",
        "{S} and {T} {V:spoke by telephone}{W}",
        "{S} {V:phoned} {T}{W} to discuss the {X}",
    ],
    ("sign", "asserted"): [
        "{S} and {T} {V:signed} an agreement on the {X} {Y}{W}",
        "{S} {V:signed} a {X} accord with {T}{W}",
        "{WL}{S} and {T} {V:signed} a memorandum on the {X}",
    ],
    ("sign", "future"): [
        "{S} and {T} {Q:will} {V:sign} an agreement on the {X}{W}",
        "{S} {Q:is expected to} {V:sign} a {X} deal with {T}{W}",
    ],
    ("accuse", "asserted"): [
        "{S} {V:accused} {T} of blocking the {X} {Y}{W}",
        "{S} {V:blamed} {T} for the {X} {Y} crisis{W}",
        "{WL}{S} {V:accused} {T} of sabotaging the {X}",
        "{S} {V:criticized} {T} over the {X} {Y}{W}",
    ],
    ("strike", "asserted"): [
        "{S} {V:shelled} {P}{W}",
        "{S} {V:attacked} positions near {P}{W}",
        "{WL}{S} {V:shelled} villages outside {P}",
        "{S} {V:bombed} a depot near {P}{W}",
    ],
    ("strike", "negated"): [
        "{R} {Q:denied} that {S} had {V:shelled} {P}",
        "{R} {Q:rejected claims} that {S} {V:attacked} {P}",
        "{R} {Q:denied} that {S} were {V:bombing} {P}",
    ],
    ("invade", "negated"): [
        "{R} {Q:denied} that {S} is preparing to {V:invade} {T}",
        "{S} has {Q:no plans} to {V:invade} {T}, {R} said",
    ],
    ("arrest", "asserted"): [
        "{S} {V:detained} {T} in {P}{W}",
        "{S} {V:arrested} {T}{W}",
        "{WL}{S} {V:detained} {T} at an airport in {P}",
    ],
    ("sanction", "asserted"): [
        "{S} {V:imposed sanctions} on {T}{W}",
        "{WL}{S} {V:imposed sanctions} on {T} over the {X}",
        "{S} {V:announced sanctions} against {T}{W}",
    ],
    ("sanction", "hypothetical"): [
        "{S} {Q:could} {V:impose sanctions} on {T} if the {X} dispute is not settled, {R} said",
        "{R} said that {S} {Q:would} {V:impose sanctions} on {T} if the {X} {Y} went ahead",
    ],
    ("protest", "asserted"): [
        "{S} {V:protested} against the {X} {Y} in {P}{W}",
        "{WL}{S} {V:rallied} in {P} against the {X}",
    ],
    ("aid", "asserted"): [
        "{S} {V:sent} humanitarian aid to {T}{W}",
        "{S} {V:delivered} aid to {T}{W}",
    ],
}
# CAMEO code of each kind (what a careful analyst codes for the wordings above).
CAMEO = {"visit": "042", "meet": "040", "phone": "041", "sign": "057", "accuse": "112", "strike": "190",
         "invade": "190", "arrest": "173", "sanction": "163", "protest": "141", "aid": "070"}  # fmt: skip
TRIGGER_CAMEO = {"shelled": "194", "bombed": "195", "bombing": "195", "criticized": "111"}
# A planned act is coded as CAMEO's "express intent" (03) for the act's family: 036 to meet or negotiate
# (a visit, talks), 032 to cooperate diplomatically (an agreement).
INTENT_CAMEO = {"visit": "036", "meet": "036", "sign": "032"}

DISTRACTORS = {
    "sport": [
        "{TEAM} beat {TEAM2} 2-1 in {CITY}{W}",
        "{PERSON} scored twice as {TEAM} won the cup final",
        "{PERSON} has been named coach of {TEAM}",
        "Fans of {TEAM} celebrated in the streets of {CITY}",
        "The match drew a record crowd of 40,000",
    ],
    "culture": [
        "{PERSON} will perform in {CITY}{W}",
        "The new novel by {PERSON} has topped the bestseller lists",
        "A film festival in {CITY} opened with a drama about fishermen",
        "Critics praised the restored theatre in {CITY}",
        "Tickets for the concert sold out within hours",
    ],
    "markets": [
        "Shares of the {ORG} rose 3 percent in early trading",
        "The currency of {COUNTRY} gained against the dollar",
        "Traders in {CITY} expect prices of {X} to stabilise",
        "Bond yields edged higher as investors weighed the outlook",
    ],
    "weather": [
        "Heavy rain is expected in {CITY}{W}",
        "Temperatures in {CITY} climbed to 38 degrees",
        "Forecasters warned of strong winds along the coast of {COUNTRY}",
        "Flights from {CITY} were delayed by fog",
    ],
}


@dataclass
class Happening:
    """One event of the world's history. Actors are specs: ("person", Person), ("country", Country),
    ("group", Country, sector) or ("place", City)."""

    event_id: str
    kind: str
    modality: str  # asserted, negated, hypothetical; a planned act is an asserted one announced before its day
    day: date
    source: tuple
    target: tuple | None
    place: City | None
    speaker: Person | None = None  # who denies or warns (negated and hypothetical wordings)
    announced: bool = False  # articles before the day report it as planned (future)


@dataclass
class Story:
    story_id: str
    start: date
    days: int
    place: City
    cast: list[Person]
    org: Org | None
    topic: list[str]
    happenings: list[Happening]
    n_articles: int


@dataclass
class SynthArticle:
    """One generated article: its input rows (the original and its wire copies) and its gold."""

    rows: list[dict]  # {id, date, url, outlet, title, text}: the first is the original
    gold: dict  # {id, story, date, outlet, copies, mentions, times, events, quotes}
    kind: str = "news"  # news or distractor


# -- the history ----------------------------------------------------------------------------------


def _pick_person(world: World, rng: random.Random, avoid: list[Person]) -> Person:
    public = world.public
    while True:
        p = rng.choices(public, world.weights)[0]
        if p not in avoid:
            return p


def stories(world: World, seed: int) -> Iterator[Story]:
    """The world's stories, endlessly, in a seeded order."""
    rng = random.Random(f"stories:{seed}")
    by_code = world.by_code
    k = 0
    while True:
        start = SPAN_START + timedelta(days=rng.randrange(world.span_days))
        a = _pick_person(world, rng, [])
        b = _pick_person(world, rng, [a])
        cast = [a, b]
        if rng.random() < 0.3:
            cast.append(_pick_person(world, rng, cast))
        ca, cb = by_code[a.country], by_code[b.country]
        host = cb if rng.random() < 0.7 else ca
        place = rng.choice(host.cities)
        org = rng.choice(world.orgs) if rng.random() < 0.4 else None
        sid = f"s{k}"
        day = start + timedelta(days=rng.randint(1, 4))
        hs: list[Happening] = []

        def add(kind, modality, when, source, target, where=None, speaker=None, announced=False, hs=hs, sid=sid):
            hs.append(Happening(f"{sid}e{len(hs)}", kind, modality, when, source, target, where, speaker, announced))

        pa, pb = ("person", a), ("person", b)
        plot = rng.choices(["visit", "talks", "accuse", "clash", "arrest", "sanctions", "protest", "aid"],
                           [0.22, 0.16, 0.14, 0.14, 0.09, 0.1, 0.07, 0.08])[0]  # fmt: skip
        if plot == "visit":
            add("visit", "asserted", day, pa, ("country", host), place, announced=rng.random() < 0.7)
            if rng.random() < 0.6:
                add("meet", "asserted", day, pa, pb, place)
            if rng.random() < 0.4:
                add("sign", "asserted", day, pa, pb, place, announced=rng.random() < 0.5)
        elif plot == "talks":
            add(rng.choice(["meet", "phone"]), "asserted", day, pa, pb, place)
            if rng.random() < 0.4:
                add("accuse", "asserted", day + timedelta(days=1), pb, pa)
        elif plot == "accuse":
            add("accuse", "asserted", day, pa, pb if rng.random() < 0.6 else ("country", cb))
            if ca is not cb and rng.random() < 0.6:
                add("invade", "negated", day + timedelta(days=1), ("country", ca), ("country", cb), None, a)
            add("accuse", "asserted", day + timedelta(days=2), pb, pa)
        elif plot == "clash":
            add("strike", "asserted", day, ("group", ca, "MIL"), ("place", place), place)
            add("strike", "negated", day + timedelta(days=1), ("group", ca, "MIL"), ("place", place), place, a)
            add("accuse", "asserted", day + timedelta(days=1), pb, ("country", ca))
        elif plot == "arrest":
            host_c = by_code[place.country]
            add("arrest", "asserted", day, ("group", host_c, "COP"), pb, place)
            if rng.random() < 0.6:
                add("accuse", "asserted", day + timedelta(days=1), pa, ("country", host_c))
        elif plot == "sanctions":
            add("sanction", "hypothetical", day, ("country", ca), ("country", cb), None, a)
            if ca is not cb:
                add("sanction", "asserted", day + timedelta(days=rng.randint(2, 3)), ("country", ca), ("country", cb))
        elif plot == "protest":
            host_c = by_code[place.country]
            add("protest", "asserted", day, ("group", host_c, "CVL"), None, place)
            if rng.random() < 0.5:
                add("accuse", "asserted", day + timedelta(days=1), pa, pb)
        else:
            add("aid", "asserted", day, ("country", ca), ("country", cb), None)
            if rng.random() < 0.5:
                add("meet", "asserted", day + timedelta(days=1), pa, pb, place)
        n = min(25, 1 + int(rng.expovariate(1 / 5)))
        yield Story(sid, start, (hs[-1].day - start).days + 2, place, cast, org, rng.sample(TOPICS, 6), hs, n)
        k += 1


# -- one article ----------------------------------------------------------------------------------

_SLOT = re.compile(r"\{(\w+)(?::([^}]*))?\}")


class _Writer:
    """Writes one article left to right and records the gold of every span it writes."""

    def __init__(self, world: World, rng: random.Random, day: date, outlet: int, key: str) -> None:
        # ``rng`` draws what the article says (structure); ``say`` how a sentence says it (wording), seeded per
        # sentence, so that a change to one wording changes that sentence only, never the gold of others.
        self.world, self.rng, self.day, self.outlet, self.key = world, rng, day, outlet, key
        self.say = random.Random(f"{key}:s0")
        self.by_code = world.by_code
        self.parts: list[str] = []
        self.pos = 0
        self.sentence_start = 0
        self.sentence = 0
        self.sentences: list[list[int]] = []
        self.mentions: list[dict] = []
        self.times: list[dict] = []
        self.events: list[dict] = []
        self.quotes: list[dict] = []
        self.forms: dict[int, dict] = {}  # person index -> how this article writes them
        self.orgs_seen: set[int] = set()
        self.used_templates: set[str] = set()
        self.variants: dict[str, set[str]] = {}  # entity -> spellings used here

    # -- text

    def put(self, text: str) -> tuple[int, int]:
        if self.pos == self.sentence_start and text:
            text = text[0].upper() + text[1:]
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)

    def end_sentence(self, paragraph: bool = False) -> None:
        self.put(".")
        self.sentences.append([self.sentence_start, self.pos])
        for e in self.events:
            if e["sentence_index"] == self.sentence:
                e["sentence"] = [self.sentence_start, self.pos]
        self.put("\n\n" if paragraph else " ")
        self.sentence += 1
        self.sentence_start = self.pos
        self.say = random.Random(f"{self.key}:s{self.sentence}")

    def mention(self, text: str, entity: str, kind: str, etype: str, **extra) -> dict:
        start, end = self.put(text)
        m = {"start": start, "end": end, "text": self.text()[start:end], "entity": entity, "kind": kind,
             "type": etype, **extra}  # fmt: skip
        self.mentions.append(m)
        if kind in ("NAM", "ACR"):
            self.variants.setdefault(entity, set()).add(m["text"])
        return m

    # -- entities

    def person(self, p: Person) -> dict:
        if p.idx not in self.forms:
            rng = random.Random(f"{self.key}:p{p.idx}")
            # An outlet keeps its spelling of a person; some articles spell otherwise.
            pick = (self.outlet * 7 + p.idx) if rng.random() < 0.8 else rng.randrange(1000)
            surname = p.surnames[pick % len(p.surnames)]
            given = p.givens[(pick // 3) % len(p.givens)]
            r = rng.random()
            first = f"{given} {surname}" if r < 0.75 else f"{given[0]}. {surname}" if r < 0.85 else surname
            second = surname.split("-", 1)[1] if surname[:3] in ("al-", "el-") else surname
            self.forms[p.idx] = {"chain": len(self.forms), "first": first, "second": second, "used": False}
        f = self.forms[p.idx]
        title, sector = p.role_on(self.day)
        extra = {"country": p.country, "sector": sector or None, "role": title, "chain": f["chain"],
                 "canonical": f["first"], "code": p.country + sector if sector else None}  # fmt: skip
        if not f["used"]:
            f["used"] = True
            if p.public and self.say.random() < 0.6:
                self.mention(self.by_code[p.country].demonym, self.by_code[p.country].entity, "DEM", "place",
                             country=p.country)  # fmt: skip
                self.put(" ")
                self.put(title + " ")
            elif p.public:
                self.put(title + " ")
            return self.mention(f["first"], p.entity, "NAM", "person", **extra)
        if p.public and sector and self.say.random() < 0.12:
            nominal = self.say.choice(HEADS.get(title) or NOMINALS[sector])
            return self.mention(nominal, p.entity, "NOM", "person", **extra)
        return self.mention(f["second"], p.entity, "NAM", "person", **extra)

    def country(self, c: Country, usage: str = "location") -> dict:
        return self.mention(c.name, c.entity, "NAM", "place", country=c.code, code=c.code if usage == "actor" else None,
                            usage=usage, geonames_id=c.geonames_id)  # fmt: skip

    def city(self, c: City, usage: str = "location") -> dict:
        return self.mention(c.name, c.entity, "NAM", "place", country=c.country, usage=usage,
                            geonames_id=c.geonames_id, lat=c.lat, lon=c.lon)  # fmt: skip

    def group(self, c: Country, sector: str, plural: bool = True) -> dict:
        nouns = {"MIL": ["troops", "forces", "artillery units"], "COP": ["police", "security services"],
                 "CVL": ["protesters", "demonstrators"]}[sector]  # fmt: skip
        noun = self.say.choice(nouns)
        return self.mention(f"{c.demonym} {noun}", f"group:{c.code}{sector}", "GRP", "group", country=c.code,
                            sector=sector, code=c.code + sector)  # fmt: skip

    def org(self, o: Org) -> dict:
        extra = {"country": o.country, "code": o.code}
        if o.idx in self.orgs_seen or self.say.random() < 0.25:
            self.orgs_seen.add(o.idx)
            return self.mention(o.acronym, o.entity, "ACR", "organization", **extra)
        self.orgs_seen.add(o.idx)
        m = self.mention(o.name, o.entity, "NAM", "organization", **extra)
        self.put(" (")
        self.mention(o.acronym, o.entity, "ACR", "organization", **extra)
        self.put(")")
        return m

    def actor(self, spec: tuple) -> dict:
        kind = spec[0]
        if kind == "person":
            return self.person(spec[1])
        if kind == "country":
            return self.country(spec[1], usage="actor")
        if kind == "group":
            return self.group(spec[1], spec[2])
        return self.city(spec[1])

    # -- times

    def when(self, day: date, leading: bool) -> dict:
        """A phrase for ``day`` relative to the article's date; the gold time is the phrase less "on"."""
        delta = (day - self.day).days
        weekday = WEEKDAYS[day.weekday()]
        if delta == 0:
            options = [("", "today"), ("on ", weekday)]
        elif delta == -1:
            options = [("", "yesterday"), ("on ", weekday)]
        elif delta == 1:
            options = [("", "tomorrow"), ("on ", weekday)]
        elif -6 <= delta <= 6:
            options = [("on ", weekday)]
        else:
            options = [("on ", f"{MONTHS[day.month - 1]} {day.day}")]
        prep, words = self.say.choice(options)
        if leading:
            self.put(prep)
            start, end = self.put(words)
            self.put(", ")
        else:
            self.put(" " + prep)
            start, end = self.put(words)
        t = {"start": start, "end": end, "text": self.text()[start:end], "type": "DATE", "value": day.isoformat()}
        self.times.append(t)
        return t

    def other_time(self, tense: str) -> None:
        """A time expression of a week, month or year, relative to the article's date."""
        d = self.day
        if tense == "past":
            last_month = (d.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
            options = [("last year", str(d.year - 1)), ("last month", last_month), ("this year", str(d.year))]
        else:
            next_month = (d.replace(day=28) + timedelta(days=4)).strftime("%Y-%m")
            options = [("next year", str(d.year + 1)), ("next month", next_month)]
        words, value = self.say.choice(options)
        start, end = self.put(words)
        self.times.append({"start": start, "end": end, "text": words, "type": "DATE", "value": value})

    # -- sentences

    def fill(self, template: str, slots: dict) -> dict:
        """Write a template; return what its slots produced ({"S": mention, "V": (start, end), ...})."""
        out: dict = {}
        pos = 0
        for m in _SLOT.finditer(template):
            if m.start() > pos:
                self.put(template[pos : m.start()])
            name, arg = m.group(1), m.group(2)
            if name in ("V", "Q"):
                out[name] = self.put(arg)
            elif name in ("W", "WL"):
                out["W"] = self.when(slots["W"], name == "WL") if slots.get("W") else None
            else:
                value = slots[name]
                out[name] = value() if callable(value) else self.put(value)
            pos = m.end()
        if pos < len(template):
            self.put(template[pos:])
        return out

    def happening(self, h: Happening, story: Story) -> None:
        rng, say = self.rng, self.say
        modality = "future" if h.announced and h.day > self.day else h.modality
        # Reports a day or more after the event say when it happened; same-day reports often do not.
        dated = modality == "future" or abs((self.day - h.day).days) > 1 or rng.random() < 0.6
        template = say.choice(TEMPLATES[(h.kind, modality)])
        if not dated:
            template = template.replace("{WL}", "").replace("{W}", "")
        tgt = h.target
        slots = {
            "S": lambda: self.actor(h.source),
            "T": (lambda: self.actor(tgt)) if tgt else "",
            "P": lambda: self.city(h.place or story.place),
            "R": lambda: self.person(h.speaker) if h.speaker else self.country(self.by_code[story.place.country]),
            "W": h.day,
            "X": story.topic[0],
            "Y": story.topic[1],
        }
        if h.kind == "strike" and h.modality == "negated":
            slots["S"] = lambda: self.group(h.source[1], "MIL")
        got = self.fill(template, slots)
        trigger = got["V"]
        text = self.text()
        sources = [got["S"]["entity"]]
        targets = [got["T"]["entity"]] if "T" in got and isinstance(got["T"], dict) else []
        if h.kind == "strike" and "T" not in got:
            targets = [got["P"]["entity"]] if "P" in got else []
        if h.kind == "visit" and "P" in got:
            targets = [got["P"]["entity"]]
        self.events.append({
            "event": h.event_id, "start": trigger[0], "end": trigger[1], "trigger": text[trigger[0]:trigger[1]],
            "sentence_index": self.sentence, "cameo": INTENT_CAMEO[h.kind] if modality == "future" else
            TRIGGER_CAMEO.get(text[trigger[0]:trigger[1]], CAMEO[h.kind]),
            "modality": modality, "cue": text[got["Q"][0]:got["Q"][1]] if "Q" in got else None,
            "date": h.day.isoformat(), "dated": got.get("W") is not None, "sources": sources, "targets": targets,
            "place": (h.place.entity if h.place else None),
            "source_spans": [[got["S"]["start"], got["S"]["end"]]],
            "target_spans": [[got["T"]["start"], got["T"]["end"]]] if targets and "T" in got else [],
        })  # fmt: skip
        self.end_sentence(say.random() < 0.3)

    def filler(self, story: Story | None, pool: list[str] | None = None) -> None:
        rng = self.say
        topic = story.topic if story else rng.sample(TOPICS, 4)
        pool = pool or FILLER
        fresh = [t for t in pool if t not in self.used_templates] or pool
        template = rng.choice(fresh)
        self.used_templates.add(template)
        org = story.org if story and story.org else None
        country = self.by_code[story.place.country] if story else rng.choice(self.world.countries)
        x, y = rng.sample(topic, 2)
        self.fill(template, {
            "X": x, "Y": y,
            "COUNTRY": lambda: self.country(country),
            "CITY": lambda: self.city(story.place if story and rng.random() < 0.7 else rng.choice(self.world.cities)),
            "ORG": (lambda: self.org(org)) if org else (lambda: self.org(rng.choice(self.world.orgs))),
        })  # fmt: skip
        self.end_sentence(rng.random() < 0.25)

    def timed_filler(self, story: Story) -> None:
        template, tense = self.say.choice(TIMED_FILLER)
        org = story.org or self.say.choice(self.world.orgs)
        self.fill(template, {"X": story.topic[2], "Y": story.topic[3], "TIME": lambda: self.other_time(tense),
                             "ORG": lambda: self.org(org)})  # fmt: skip
        self.end_sentence()

    def quote(self, speaker: Person, story: Story) -> None:
        rng = self.say
        words = rng.choice(QUOTES).format(X=story.topic[rng.randrange(3)], Y=story.topic[3 + rng.randrange(3)])
        form = rng.randrange(3)
        if form == 0:
            self.put("\u201c")
            span = self.put(words + ",")
            self.put("\u201d ")
            m = self.person(speaker)
            self.put(" said")
        elif form == 1:
            m = self.person(speaker)
            self.put(" said: \u201c")
            span = self.put(words)
            self.put("\u201d")
        else:
            self.put("\u201c")
            span = self.put(words + ",")
            self.put("\u201d said ")
            m = self.person(speaker)
        self.quotes.append({"start": span[0], "end": span[1], "speaker": m["entity"], "speaker_start": m["start"]})
        self.end_sentence(rng.random() < 0.3)

    def gold(self) -> dict:
        for e in self.events:
            e.pop("sentence_index", None)
        return {
            "sentences": self.sentences,
            "mentions": self.mentions,
            "times": self.times,
            "events": self.events,
            "quotes": self.quotes,
        }


def _title(w: _Writer, story: Story, told: list[Happening]) -> str:
    rng = random.Random(f"{w.key}:title")
    lead = story.cast[0]
    surname = w.forms[lead.idx]["second"] if lead.idx in w.forms else lead.surname
    options = [
        f"{surname} and the {story.topic[0]} {story.topic[1]}: what {story.place.name} expects",
        f"{story.place.name}: {story.topic[0]} {story.topic[1]} in focus",
        f"{surname} under pressure over {story.topic[0]}",
    ]
    if told:
        h = told[0]
        options.append(f"{surname}, {story.place.name} and the {story.topic[1]}: {h.kind} latest")
    return rng.choice(options)


def _article(world: World, story: Story, rng: random.Random, serial: int, seed: int) -> SynthArticle:
    day = story.start + timedelta(days=rng.randint(0, story.days))
    outlet = world.outlets[rng.randrange(len(world.outlets))]
    w = _Writer(world, rng, day, outlet.idx, f"{seed}:{serial}")
    # What it reports: the events up to its date, and the announced ones still to come.
    known = [h for h in story.happenings if h.day <= day or h.announced]
    told = rng.sample(known, rng.randint(1, len(known))) if known else []
    told.sort(key=lambda h: h.day)
    specs: list[tuple] = [("event", h) for h in told]
    if told and rng.random() < 0.4:  # the lead event told again further down
        specs.append(("event", rng.choice(told)))
    specs += [("quote",)] * rng.choices([0, 1, 2], [0.3, 0.5, 0.2])[0]
    specs += [("timed",)] * (rng.random() < 0.3)
    specs += [("filler",)] * rng.randint(3, 9)
    head, rest = specs[:1], specs[1:]
    rng.shuffle(rest)
    for spec in head + rest:
        if spec[0] == "event":
            w.happening(spec[1], story)
        elif spec[0] == "quote":
            w.quote(rng.choice(story.cast), story)
        elif spec[0] == "timed":
            w.timed_filler(story)
        else:
            w.filler(story)
    return _finish(world, w, rng, serial, day, outlet, _title(w, story, told), story.story_id, "news")


def _distractor(world: World, rng: random.Random, serial: int, seed: int) -> SynthArticle:
    day = SPAN_START + timedelta(days=rng.randrange(world.span_days))
    wires = sum(o.wire for o in world.outlets)
    outlet = world.outlets[wires + rng.randrange(len(world.outlets) - wires)]
    w = _Writer(world, rng, day, outlet.idx, f"{seed}:{serial}")
    section = rng.choice(sorted(DISTRACTORS))
    city = rng.choice(world.cities)
    teams = rng.sample(world.cities, 2)
    person = rng.choice(world.private)
    org = rng.choice(world.orgs)

    def team(c: City) -> dict:
        return w.mention(f"{c.name} United", f"team:{c.idx}", "NAM", "organization", country=c.country)

    for k in range(rng.randint(4, 8)):
        pool = DISTRACTORS[section]
        template = pool[k % len(pool)] if k < 2 else w.say.choice(pool)
        w.fill(template, {
            "TEAM": lambda: team(teams[0]), "TEAM2": lambda: team(teams[1]), "CITY": lambda: w.city(city),
            "PERSON": lambda: w.person(person), "ORG": lambda: w.org(org),
            "COUNTRY": lambda: w.country(world.by_code[city.country]), "X": w.say.choice(TOPICS),
            "W": day + timedelta(days=w.say.choice([-1, 1, 2])),
        })  # fmt: skip
        w.end_sentence(k % 3 == 2)
    title = f"{city.name}: {section} roundup"
    return _finish(world, w, rng, serial, day, outlet, title, f"d{serial}", "distractor")


def _finish(world, w: _Writer, rng, serial: int, day: date, outlet, title: str, story: str, kind: str) -> SynthArticle:
    aid = f"a{serial:07d}"
    text = w.text().rstrip()
    rows = [{"id": aid, "date": day.isoformat(), "url": f"https://{outlet.domain}/{day:%Y/%m/%d}/{serial}",
             "outlet": outlet.name, "title": title, "text": text}]  # fmt: skip
    if outlet.wire and kind == "news":  # republished verbatim by other outlets, under their own titles
        others = rng.sample([o for o in world.outlets if not o.wire], rng.randint(1, 3))
        for k, o in enumerate(others, 1):
            rows.append({"id": f"{aid}-r{k}", "date": day.isoformat(), "url": f"https://{o.domain}/{day:%Y/%m/%d}/{serial}",
                         "outlet": o.name, "title": title if rng.random() < 0.5 else f"{title} ({outlet.name})",
                         "text": text})  # fmt: skip
    gold = {"id": aid, "story": story, "date": day.isoformat(), "outlet": outlet.name,
            "copies": [r["id"] for r in rows[1:]], **w.gold()}  # fmt: skip
    return SynthArticle(rows, gold, kind)


def articles(world: World, n: int, seed: int, *, distractors: float = 0.08,
             on_story=None) -> Iterator[tuple[SynthArticle, Story | None]]:  # fmt: skip
    """``n`` articles, story by story (a story's articles together), distractors mixed in.

    ``on_story(story, articles)`` is called after a story's last article with its articles' gold.
    """
    rng = random.Random(f"articles:{seed}")
    source = stories(world, seed)
    made = 0
    while made < n:
        if rng.random() < distractors:
            yield _distractor(world, rng, made, seed), None
            made += 1
            continue
        story = next(source)
        written = []
        for _ in range(min(story.n_articles, n - made)):
            a = _article(world, story, rng, made, seed)
            written.append(a)
            yield a, story
            made += 1
        if on_story is not None:
            on_story(story, written)


# -- annotations a perfect annotator would give -------------------------------------------------

LABELS = {"person": "PERSON", "organization": "ORG", "place": "GPE", "group": "GROUP"}


def annotations(article: SynthArticle, onto):
    """The gold of an article as :class:`~dateline.annotations.DocAnnotations` (no parsing)."""
    from ..annotations import DocAnnotations, EventMention, Mention
    from ..model import Article, PublicationDate
    from ..timex import Timex

    row, gold = article.rows[0], article.gold
    day = date.fromisoformat(row["date"])
    text = row["text"]
    sentences = gold["sentences"]

    def sentence_of(offset: int) -> int:
        for i, (s, e) in enumerate(sentences):
            if s <= offset < e:
                return i
        return 0

    mentions = []
    for m in gold["mentions"]:
        label = "NORP" if m["kind"] == "DEM" else "NOMINAL" if m["kind"] == "NOM" else LABELS[m["type"]]
        usage = m.get("usage") or ("actor" if m.get("code") else None)
        mentions.append(Mention(
            m["start"], m["end"], m["text"], label, sentence_of(m["start"]), actor_code=m.get("code"),
            country=m.get("country"), sector=m.get("sector"), role=(m.get("role") or "").lower() or None,
            chain=m.get("chain"), canonical=m.get("canonical"), usage=usage, geonames_id=m.get("geonames_id"),
            lat=m.get("lat"), lon=m.get("lon"), place_country=m.get("country") if m["type"] == "place" else None,
        ))  # fmt: skip
    by_span = {(m["start"], m["end"]): m for m in gold["mentions"]}
    times = [Timex(t["start"], t["end"], t["text"], t["type"], t["value"], anchored=True, rule="synth")
             for t in gold["times"]]  # fmt: skip
    events = []
    for e in gold["events"]:
        code = onto.code(e["cameo"])

        def record(span):
            m = by_span[tuple(span)]
            return {"code": m.get("code") or m.get("country"), "text": m.get("canonical") or m["text"],
                    "label": LABELS[m["type"]], "start": m["start"], "end": m["end"], "chain": m.get("chain")}  # fmt: skip

        loc = None
        place = next((m for m in gold["mentions"] if m["entity"] == e["place"] and m["start"] >= e["sentence"][0]
                      and m["end"] <= e["sentence"][1]), None) if e["place"] else None  # fmt: skip
        if place is not None:
            loc = {"text": place["text"], "start": place["start"], "end": place["end"],
                   "geonames_id": place.get("geonames_id"), "lat": place.get("lat"), "lon": place.get("lon"),
                   "country": place.get("country")}  # fmt: skip
        events.append(EventMention(
            start=e["start"], end=e["end"], trigger=e["trigger"], sentence=sentence_of(e["start"]),
            sentence_start=e["sentence"][0], sentence_end=e["sentence"][1], cameo_code=e["cameo"],
            plover_type=code.plover_type, plover_mode=code.plover_mode, plover_context=code.plover_context,
            quad_class=code.quad_class, goldstein=code.goldstein, sources=[record(s) for s in e["source_spans"]],
            targets=[record(s) for s in e["target_spans"]], modality=e["modality"], modality_cue=e["cue"],
            date=e["date"] if e["dated"] else day.isoformat(), date_precision="day" if e["dated"] else "article",
            location=loc, confidence=0.9,
        ))  # fmt: skip
    art = Article(text=text, date=PublicationDate(day, "day", row["date"]), source_path=f"synth/{row['id']}", source_id=row["id"],
                  url=row["url"], outlet=row["outlet"], title=row["title"])  # fmt: skip
    ann = DocAnnotations(dct=day, article_id=art.article_id, mentions=mentions, times=times, events=events)
    return art, ann
