"""Entity resolution across articles: every mention of one person, organization, place or group,
whatever the spelling, becomes one entity, and each decision keeps its reason.

The unit is the *local entity*: what one article says about one entity (a coreference chain of a
person with its descriptions and pronouns, or the mentions of one place, organization or group).
Local entities are linked to entities through blocking keys (a person's surname skeleton, an
organization's name key or acronym, a place's GeoNames id), so a new article is compared only
with the entities that share a key with it, never with all of them:

- places: the same GeoNames id (Kharkiv and Kharkov geocode to one place), else the same name key;
- groups ("Russian troops"): the same actor code (RUSMIL);
- organizations: the same name key ("the Kremlin" = "Kremlin"), or an acronym and its expansion;
- people: a transliteration-aware surname match, compatible given names (Oleksandr ≈ Aleksandr,
  an initial, or none), and no conflict of country; among several candidates, the one whose
  country, sector and co-occurring entities agree best. A surname alone that fits two different
  people equally well stays apart rather than guess.

Users pin or forbid merges in ``entity_rules.tsv`` in their knowledge-base folder (``kb.path``).
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import ConfigError
from . import names

__all__ = ["Entity", "EntityIndex", "LocalEntity", "Link", "Rules", "load_rules", "local_entities", "resolve_entities"]

PLACE_LABELS = {"GPE", "LOC", "FAC"}
TYPE_ORDER = {"place": 0, "group": 1, "organization": 2, "product": 3, "person": 4, "other": 5}
MAX_NAMES = 12  # distinct full names kept per entity for matching
MAX_CONTEXT = 40  # co-occurring entity keys kept per entity


@dataclass(slots=True)
class LocalEntity:
    """What one article says about one entity."""

    article_id: str
    local_key: str  # unique within the article: "per:c3", "geo:703448", "org:nato", "grp:RUSMIL"
    type: str  # person, organization, place, group, product
    name: str  # the fullest name the article uses
    date: date | None = None
    surface: Counter = field(default_factory=Counter)  # name forms used (not pronouns or descriptions)
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    actor_code: str | None = None
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    mention_ids: list = field(default_factory=list)  # the mentions (row ids, or indexes) it covers
    context: set[str] = field(default_factory=set)  # primary keys of the other entities in the article

    @property
    def primary_key(self) -> str:
        return primary_key(self)


@dataclass(slots=True)
class Link:
    """A local entity resolved to an entity, and why."""

    article_id: str
    local_key: str
    entity_id: str
    name: str
    score: float
    reason: str


@dataclass
class Entity:
    """An entity across articles, with what matching and exports need."""

    entity_id: str
    type: str
    aliases: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    sectors: Counter = field(default_factory=Counter)
    actor_codes: Counter = field(default_factory=Counter)
    roles: dict[tuple, list] = field(default_factory=dict)  # (role, country, sector) -> [first, last, count]
    full_names: list[str] = field(default_factory=list)  # distinct person names with a given name
    context: Counter = field(default_factory=Counter)
    keys: set[str] = field(default_factory=set)
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    num_mentions: int = 0
    num_articles: int = 0  # as stored before this run (the run's links add theirs)
    first_date: date | None = None
    last_date: date | None = None
    pinned: str | None = None  # the user rule group it belongs to

    @property
    def name(self) -> str:
        """The canonical name: the most used full form (for people, a form with a given name)."""
        if not self.aliases:
            return self.entity_id
        full = [a for a in self.aliases if len(a.split()) > 1] if self.type == "person" else []
        pool = full or list(self.aliases)
        return max(pool, key=lambda a: (self.aliases[a], len(a), a))

    @property
    def country(self) -> str | None:
        return _top(self.countries)

    @property
    def sector(self) -> str | None:
        return _top(self.sectors)

    @property
    def actor_code(self) -> str | None:
        return _top(self.actor_codes)

    def role_history(self) -> list[dict]:
        """Roles seen, each with the first and last article date it was seen on."""
        rows = [
            {"role": r, "country": c, "sector": s, "first": v[0], "last": v[1], "count": v[2]}
            for (r, c, s), v in self.roles.items()
        ]
        return sorted(rows, key=lambda x: (x["first"] or date.min, x["role"] or ""))

    def absorb(self, local: LocalEntity) -> None:
        """Add what a local entity says to this entity."""
        self.aliases.update(local.surface)
        if local.country:
            self.countries[local.country] += 1
        if local.sector:
            self.sectors[local.sector] += 1
        if local.actor_code:
            self.actor_codes[local.actor_code] += 1
        if local.role or (self.type == "person" and local.sector):
            key = (local.role, local.country, local.sector)
            seen = self.roles.setdefault(key, [local.date, local.date, 0])
            if local.date:
                seen[0] = min(seen[0] or local.date, local.date)
                seen[1] = max(seen[1] or local.date, local.date)
            seen[2] += 1
        if self.type == "person":
            for form in local.surface:
                parsed = names.parse_person(form)
                if parsed.given and form not in self.full_names and len(self.full_names) < MAX_NAMES:
                    self.full_names.append(form)
        self.context.update(local.context)
        if len(self.context) > MAX_CONTEXT * 2:
            self.context = Counter(dict(self.context.most_common(MAX_CONTEXT)))
        if self.geonames_id is None and local.geonames_id is not None:
            self.geonames_id, self.lat, self.lon = local.geonames_id, local.lat, local.lon
        self.num_mentions += len(local.mention_ids)
        if local.date:
            self.first_date = min(self.first_date or local.date, local.date)
            self.last_date = max(self.last_date or local.date, local.date)
        self.keys |= entity_keys(local)

    def profile(self) -> dict:
        """What matching needs later, as plain data (stored with the entity)."""
        return {
            "countries": dict(self.countries),
            "sectors": dict(self.sectors),
            "actor_codes": dict(self.actor_codes),
            "full_names": self.full_names,
            "context": dict(self.context.most_common(MAX_CONTEXT)),
            "pinned": self.pinned,
        }

    @classmethod
    def from_row(cls, row: dict, keys: Iterable[str]) -> Entity:
        """An entity as stored (see :meth:`profile`)."""
        import json

        profile = json.loads(row["profile"])
        roles = {}
        for r in json.loads(row["roles"]):
            first = date.fromisoformat(r["first"]) if r.get("first") else None
            last = date.fromisoformat(r["last"]) if r.get("last") else None
            roles[(r["role"], r["country"], r["sector"])] = [first, last, r["count"]]
        return cls(
            entity_id=row["entity_id"],
            type=row["type"],
            aliases=Counter(json.loads(row["aliases"])),
            countries=Counter(profile["countries"]),
            sectors=Counter(profile["sectors"]),
            actor_codes=Counter(profile.get("actor_codes", {})),
            roles=roles,
            full_names=list(profile["full_names"]),
            context=Counter(profile["context"]),
            keys=set(keys),
            geonames_id=row["geonames_id"],
            lat=row["lat"],
            lon=row["lon"],
            num_mentions=row["num_mentions"],
            num_articles=row["num_articles"],
            first_date=row["first_date"],
            last_date=row["last_date"],
            pinned=profile.get("pinned"),
        )


def _top(counter: Counter) -> str | None:
    if not counter:
        return None
    return max(counter, key=lambda k: (counter[k], k))


def entity_id_for(local: LocalEntity) -> str:
    """A new entity's id: stable, from the local entity that started it."""
    return hashlib.sha256(f"entity:{local.article_id}:{local.local_key}".encode()).hexdigest()[:16]


# -- keys ------------------------------------------------------------------------------------


def primary_key(local: LocalEntity) -> str:
    """The key that identifies a non-person entity, or blocks a person (surname skeleton)."""
    if local.type == "place":
        return f"geo:{local.geonames_id}" if local.geonames_id is not None else "plc:" + names.place_key(local.name)
    if local.type == "group":
        return "grp:" + (local.actor_code or names.fold(local.name))
    if local.type == "organization":
        return "org:" + names.org_key(local.name)
    if local.type == "product":
        return "prd:" + names.org_key(local.name)
    if local.type == "person":
        return "per:" + names.block_key(names.parse_person(local.name))
    return "oth:" + names.fold(local.name)


def _acronym_like(text: str) -> bool:
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


def entity_keys(local: LocalEntity) -> set[str]:
    """Every blocking key a local entity gives its entity."""
    keys = {primary_key(local)}
    if local.type == "organization":
        for form in local.surface or {local.name: 1}:
            keys.add("org:" + names.org_key(form))
            if _acronym_like(form):
                keys.add("acr:" + form.replace(".", "").upper())
            elif len(form.split()) > 1:
                acr = names.acronym(form)
                if len(acr) >= 2:
                    keys.add("acr:" + acr)
    if local.type == "person":
        for form in local.surface or {local.name: 1}:
            keys.add("per:" + names.block_key(names.parse_person(form)))
    return keys


# -- user rules ------------------------------------------------------------------------------


@dataclass
class Rules:
    """User decisions: names that are one entity (``same``) or never one (``different``)."""

    pins: dict[str, str] = field(default_factory=dict)  # folded name -> pin group
    forbidden: set[frozenset[str]] = field(default_factory=set)  # pairs of folded names
    origin: dict[str, str] = field(default_factory=dict)  # pin group or pair -> "file:line"

    def pin_of(self, name: str) -> str | None:
        return self.pins.get(names.fold(name))

    def forbids(self, local: LocalEntity, entity: Entity) -> str | None:
        """The rule that forbids linking this local entity to this entity, if any."""
        if not self.forbidden:
            return None
        mine = {names.fold(n) for n in (local.name, *local.surface)}
        theirs = {names.fold(n) for n in entity.aliases}
        for a in mine:
            for b in theirs:
                pair = frozenset((a, b))
                if pair in self.forbidden:
                    return self.origin.get(str(sorted(pair)), "entity_rules.tsv")
        return None


RULES_FILE = "entity_rules.tsv"


def load_rules(kb_path: str | Path | None) -> Rules:
    """Read ``entity_rules.tsv`` from a user knowledge-base folder, if there is one.

    One rule a line, tab-separated: ``same<TAB>name<TAB>name[<TAB>name...]`` or
    ``different<TAB>name<TAB>name``; ``#`` starts a comment.

    Raises:
        ConfigError: a line that is not a rule.
    """
    rules = Rules()
    if not kb_path:
        return rules
    path = Path(kb_path) / RULES_FILE
    if not path.is_file():
        return rules
    with path.open(encoding="utf-8", newline="") as f:
        for lineno, row in enumerate(csv.reader(f, delimiter="\t"), 1):
            row = [c.strip() for c in row]
            if not row or not row[0] or row[0].startswith("#"):
                continue
            kind, people = row[0].lower(), [c for c in row[1:] if c]
            where = f"{path}:{lineno}"
            if kind == "same" and len(people) >= 2:
                group = names.fold(people[0])
                for person in people:
                    rules.pins[names.fold(person)] = group
                rules.origin[group] = where
            elif kind == "different" and len(people) == 2:
                pair = frozenset(names.fold(p) for p in people)
                rules.forbidden.add(pair)
                rules.origin[str(sorted(pair))] = where
            else:
                raise ConfigError(
                    f"{where}: a rule is 'same<TAB>name<TAB>name...' or 'different<TAB>name<TAB>name'; "
                    f"fix or remove the line"
                )
    return rules


# -- local entities from an article's mentions -----------------------------------------------


def local_entities(
    article_id: str, day: date | None, mentions: Sequence[dict], country_geonames: dict[str, int] | None = None
) -> tuple[list[LocalEntity], dict[object, str]]:
    """Group one article's mentions into local entities.

    ``mentions`` are mention rows (dicts with the Mention fields and ``mention_id``; without one,
    the position in the list identifies it). A nationality word ("Turkish") refers to its country
    (``country_geonames``: ISO3 -> GeoNames id). Dates, numbers and unchained descriptions are skipped.

    Returns:
        The local entities, and each covered mention's local key (by mention id).
    """
    country_geonames = country_geonames or {}
    by_key: dict[str, LocalEntity] = {}
    of_mention: dict[object, str] = {}
    chain_names: dict[int, str] = {}
    for m in mentions:
        if m["label"] == "PERSON" and m.get("chain") is not None:
            name = m.get("canonical") or m["text"]
            chain_names[m["chain"]] = max((chain_names.get(m["chain"], ""), name), key=len)
    for i, m in enumerate(mentions):
        mid = m.get("mention_id", i)
        label, text = m["label"], m["text"]
        surface = None
        if m.get("chain") is not None and m["chain"] in chain_names:
            key, kind, name = f"per:c{m['chain']}", "person", chain_names[m["chain"]]
            surface = text if label == "PERSON" else None
        elif label == "PERSON":
            key, kind, name, surface = "per:" + names.fold(text), "person", text, text
        elif label in PLACE_LABELS and m.get("geonames_id") is not None:
            key, kind, name, surface = f"geo:{m['geonames_id']}", "place", text, text
        elif label in PLACE_LABELS:
            key, kind, name, surface = "plc:" + names.place_key(text), "place", text, text
        elif label == "NORP" and m.get("country") in country_geonames:
            key, kind, name = f"geo:{country_geonames[m['country']]}", "place", text
        elif label == "GROUP" and m.get("actor_code"):
            key, kind, name, surface = f"grp:{m['actor_code']}", "group", text, text
        elif label == "ORG":
            key, kind, name, surface = "org:" + names.org_key(text), "organization", text, text
        elif label == "PRODUCT":
            key, kind, name, surface = "prd:" + names.org_key(text), "product", text, text
        else:
            continue
        local = by_key.get(key)
        if local is None:
            local = by_key[key] = LocalEntity(article_id, key, kind, name, day)
            if kind == "place" and label == "NORP":
                local.geonames_id = country_geonames[m["country"]]
        if surface:
            local.surface[_clean(surface)] += 1
            if kind != "person" and (local.name == text or not local.surface or label != "NORP"):
                local.name = max(local.surface, key=lambda a: (local.surface[a], len(a)))
        for attr in ("country", "sector", "role", "actor_code"):
            if getattr(local, attr) is None and m.get(attr):
                setattr(local, attr, m[attr])
        if kind == "place" and m.get("geonames_id") is not None and local.lat is None:
            local.geonames_id, local.lat, local.lon = m["geonames_id"], m.get("lat"), m.get("lon")
            local.country = m.get("place_country") or local.country
        local.mention_ids.append(mid)
        of_mention[mid] = key
    _merge_acronyms(by_key, of_mention)
    locals_ = list(by_key.values())
    keys = {x.local_key: x.primary_key for x in locals_}
    for x in locals_:
        x.context = {k for lk, k in keys.items() if lk != x.local_key}
    return locals_, of_mention


def _clean(text: str) -> str:
    return " ".join(text.replace("[", "").replace("]", "").split())


def _merge_acronyms(by_key: dict[str, LocalEntity], of_mention: dict[object, str]) -> None:
    """An organization's acronym and its expansion in one article are one local entity."""
    orgs = [x for x in by_key.values() if x.type == "organization"]
    expansions = {names.acronym(x.name): x for x in orgs if len(x.name.split()) > 1}
    for short in orgs:
        if not _acronym_like(short.name):
            continue
        full = expansions.get(short.name.replace(".", "").upper())
        if full is None or full is short:
            continue
        full.surface.update(short.surface)
        full.mention_ids += short.mention_ids
        for mid in short.mention_ids:
            of_mention[mid] = full.local_key
        del by_key[short.local_key]


# -- resolution ------------------------------------------------------------------------------


class EntityIndex:
    """Entities by blocking key: those resolved in this run, plus those a loader fetches from the
    store on demand (only for the keys the new articles use)."""

    def __init__(self, loader: Callable[[set[str]], list[Entity]] | None = None) -> None:
        self.entities: dict[str, Entity] = {}
        self.by_key: dict[str, set[str]] = {}
        self._loader = loader
        self._asked: set[str] = set()
        self.touched: set[str] = set()
        self.new_keys: dict[str, set[str]] = {}  # entity id -> keys added in this run

    def preload(self, keys: set[str]) -> None:
        """Fetch the stored entities that have any of these keys (one query for a batch)."""
        wanted = keys - self._asked
        self._asked |= wanted
        if self._loader and wanted:
            for entity in self._loader(wanted):
                if entity.entity_id not in self.entities:
                    self._add(entity)

    def candidates(self, key: str) -> list[Entity]:
        self.preload({key})
        return [self.entities[i] for i in sorted(self.by_key.get(key, ()))]

    def _add(self, entity: Entity) -> None:
        self.entities[entity.entity_id] = entity
        for k in entity.keys:
            self.by_key.setdefault(k, set()).add(entity.entity_id)

    def link(self, entity: Entity, local: LocalEntity) -> None:
        before = set(entity.keys)
        entity.absorb(local)
        added = entity.keys - before
        if entity.entity_id not in self.entities:
            self._add(entity)
            added = set(entity.keys)
        for k in added:
            self.by_key.setdefault(k, set()).add(entity.entity_id)
        if added:
            self.new_keys.setdefault(entity.entity_id, set()).update(added)
        self.touched.add(entity.entity_id)


def resolve_entities(
    locals_: Iterable[LocalEntity], index: EntityIndex | None = None, rules: Rules | None = None
) -> list[Link]:
    """Link local entities to entities (existing ones in ``index``, or new ones).

    The result does not depend on the order of ``locals_``: they are processed places first, then
    groups and organizations, then people with a given name before surname-only mentions (so
    that "Ivanov" is placed after every "Sergei Ivanov" and "Igor Ivanov" of the batch), each by
    (date, article id, key).
    """
    index = index or EntityIndex()
    rules = rules or Rules()
    todo = sorted(locals_, key=_order)
    index.preload({k for x in todo for k in _lookup_keys(x, rules)})
    links = []
    for local in todo:
        entity, score, reason = _match(local, index, rules)
        if entity is None:
            entity = Entity(entity_id_for(local), local.type, pinned=rules.pin_of(local.name))
            if entity.pinned:
                entity.keys.add("pin:" + entity.pinned)
            score, reason = 1.0, reason or "first mention of this entity"
        index.link(entity, local)
        links.append(Link(local.article_id, local.local_key, entity.entity_id, local.name, round(score, 3), reason))
    return links


def _order(local: LocalEntity) -> tuple:
    given = 0
    if local.type == "person":
        given = 0 if names.parse_person(local.name).given else 1
    return (TYPE_ORDER.get(local.type, 9), given, local.date or date.min, local.article_id, local.local_key)


def _lookup_keys(local: LocalEntity, rules: Rules) -> set[str]:
    keys = entity_keys(local)
    pin = rules.pin_of(local.name)
    if pin:
        keys.add("pin:" + pin)
    return keys


def _match(local: LocalEntity, index: EntityIndex, rules: Rules) -> tuple[Entity | None, float, str]:
    pin = rules.pin_of(local.name)
    if pin:
        found = index.candidates("pin:" + pin)
        if found:
            return found[0], 1.0, f"pinned by a user rule ({rules.origin.get(pin, RULES_FILE)})"
    if local.type != "person":
        return _match_by_key(local, index, rules)
    return _match_person(local, index, rules)


def _match_by_key(local: LocalEntity, index: EntityIndex, rules: Rules) -> tuple[Entity | None, float, str]:
    key = local.primary_key
    labels = {"geo": "same GeoNames id", "plc": "same place name", "grp": "same group actor code",
              "org": "same organization name", "prd": "same product name", "oth": "same name"}  # fmt: skip
    tried = [key]
    if local.type == "organization":
        tried += sorted(k for k in entity_keys(local) if k.startswith("acr:"))
    for k in tried:
        found = [e for e in index.candidates(k) if e.type == local.type and not rules.forbids(local, e)]
        if len(found) == 1 or (found and k == key):
            what = labels.get(k.split(":", 1)[0], "same acronym")
            if k.startswith("acr:"):
                what = "acronym and expansion"
            return found[0], 1.0, f"{what} ({k.split(':', 1)[1]})"
    return None, 0.0, ""


def _match_person(local: LocalEntity, index: EntityIndex, rules: Rules) -> tuple[Entity | None, float, str]:
    mine = names.parse_person(local.name)
    scored = []
    rejected = []
    seen: set[str] = set()
    for key in sorted(k for k in entity_keys(local) if k.startswith("per:")):
        for entity in index.candidates(key):
            if entity.entity_id in seen or entity.type != "person":
                continue
            seen.add(entity.entity_id)
            best = None
            for form in entity.full_names or list(entity.aliases):
                match = names.compare(mine, names.parse_person(form))
                if match and (best is None or match.score > best.score):
                    best = match
            if best is None:
                continue
            why = [best.reason]
            score = best.score
            if local.country and entity.countries and local.country not in entity.countries:
                rejected.append(f"{entity.name}: country {local.country} vs {entity.country}")
                continue
            forbidden = rules.forbids(local, entity)
            if forbidden:
                rejected.append(f"{entity.name}: forbidden by a user rule ({forbidden})")
                continue
            if local.country and local.country in entity.countries:
                score += 0.1
                why.append(f"same country {local.country}")
            if local.sector and local.sector in entity.sectors:
                score += 0.05
                why.append(f"same sector {local.sector}")
            shared = len(local.context & set(entity.context))
            if shared:
                score += min(0.3, 0.1 * shared)
                why.append(f"{shared} co-occurring entit{'y' if shared == 1 else 'ies'}")
            scored.append((score, entity.entity_id, entity, "; ".join(why)))
    if not scored:
        reason = "no compatible entity" + (f" (rejected: {'; '.join(rejected)})" if rejected else "")
        return None, 0.0, reason if rejected else ""
    scored.sort(key=lambda s: (-s[0], s[1]))
    score, _, entity, why = scored[0]
    if len(scored) > 1 and not mine.given:
        second = scored[1]
        if score - second[0] < 0.075:  # a bare surname that fits two people equally: do not guess
            return None, 0.0, f"ambiguous: fits {entity.name} and {second[2].name} equally"
    return entity, min(score, 1.0), why
