"""Event fusion: the mentions of one happening, across articles, become one event.

Two mentions are the same happening when their types agree (the same CAMEO root, or an
announcement and the act it announces: "will visit on Thursday" and "arrived on Thursday"), their
actors overlap after entity resolution (a shared source or target entity; else the same
countries), their dates are compatible and their places do not contradict. Negated and
hypothetical mentions fuse only among themselves: "Russia denies it will invade" never joins an
invasion. Blocking keeps the cost near-linear however dense the news: a mention is compared only
with the events that share its modality group, announced type root and one of its actor entities,
whose first mention is dated within the few days it could fuse with and does not name another
source (see :class:`EventIndex`).

Every merge keeps its reason; values that differ between mentions (one outlet says Tuesday,
another Wednesday) are kept in ``conflicts`` with the mentions and outlets behind each value.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..ontology import Ontology

__all__ = ["EventIndex", "FusedEvent", "FusionMention", "aggregate", "fuse_events"]

REAL = ("asserted", "historical")
GROUPS = {"asserted": "pos", "historical": "pos", "future": "pos", "negated": "neg", "hypothetical": "hyp"}
ARTICLE_WINDOW = 3  # days: two undated mentions of one happening are reported within this many days
# days: the same for what did not happen (a threat, a denial): repeated for longer, it stays one statement
UNREALIZED_WINDOW = 7
REPORT_LAG = 7  # days: an undated mention may report an explicitly dated event up to this long after
DATE_DISAGREEMENT = 2  # days: outlets that disagree by this much may still report one happening
MIN_SCORE = 0.55
REACH = timedelta(days=REPORT_LAG + 2)  # no two mentions farther apart than this can fuse
ANY = "*"  # the source of a mention that names none: any other fits it


@dataclass(slots=True)
class FusionMention:
    """An event mention with its actors resolved to entities: what fusion compares."""

    mention_id: str
    article_id: str
    article_date: date
    start: int
    cameo_code: str
    modality: str
    sources: tuple[str, ...] = ()  # entity ids
    targets: tuple[str, ...] = ()
    source_codes: tuple[str, ...] = ()  # actor codes (TURGOV, UKR)
    target_codes: tuple[str, ...] = ()
    date: str | None = None
    date_precision: str | None = None
    range_start: date | None = None
    range_end: date | None = None
    location: str | None = None  # entity id of the place
    location_country: str | None = None
    location_is_country: bool = False
    confidence: float = 0.5
    root: str = ""  # the announced CAMEO root (set by fusion; see Ontology.announced_root)
    # Derived from the fields above when made (fusion reads them for every pair it compares).
    explicit_date: bool = field(init=False)
    group: str = field(init=False)
    window: int = field(init=False)  # days around the article's date another undated mention may report it in
    _span: tuple[date, date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.explicit_date = self.date_precision not in (None, "article") and self.range_start is not None
        self.group = GROUPS.get(self.modality, "pos")
        self.window = ARTICLE_WINDOW if self.group == "pos" else UNREALIZED_WINDOW
        if self.explicit_date:
            self._span = (self.range_start, self.range_end or self.range_start)
        else:
            self._span = (self.article_date - timedelta(days=self.window), self.article_date)

    def span(self) -> tuple[date, date]:
        """The days this mention's event may have happened on."""
        return self._span


@dataclass
class FusedEvent:
    """One happening and its mentions (with the reason each joined)."""

    event_id: str
    mentions: list[FusionMention] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # mention id -> why it joined
    latest_start: date = date.min  # of its mentions' spans: a newcomer must be near all of them
    earliest_end: date = date.max

    def add(self, m: FusionMention, reason: str) -> None:
        self.mentions.append(m)
        self.reasons[m.mention_id] = reason
        start, end = m.span()
        self.latest_start = max(self.latest_start, start)
        self.earliest_end = min(self.earliest_end, end)

    def within_reach(self, m: FusionMention) -> bool:
        """False when the mention's dates are too far from one of the event's mentions to fuse."""
        start, end = m.span()
        return end >= self.latest_start - REACH and start <= self.earliest_end + REACH

    def entities(self) -> set[str]:
        return {e for m in self.mentions for e in (*m.sources, *m.targets)}


def event_id_for(m: FusionMention) -> str:
    return "ev" + hashlib.sha256(f"event:{m.mention_id}".encode()).hexdigest()[:16]


def blocking_keys(m: FusionMention, onto: Ontology) -> set[str]:
    """One key per actor entity and one for the place: group, announced root, entity. (The place brings
    together reports whose actors are different entities of one country: "Russian troops" and "Russia".)"""
    if not m.root:
        m.root = onto.announced_root(m.cameo_code)
    root = m.root
    keys = (*m.sources, *m.targets, *((m.location,) if m.location else ()))
    return {f"{m.group}:{root}:{e}" for e in keys}


def _source_tokens(m: FusionMention) -> set[str]:
    """What another mention's sources must share with this one's to fit it: a source entity or a source country;
    ``{ANY}`` when it names no source (any may fit it), ``{""}`` when its sources have neither."""
    if not (m.sources or m.source_codes):
        return {ANY}
    return {f"e:{e}" for e in m.sources} | {f"c:{c}" for c in _countries(m.source_codes)} or {""}


def _filed_under(m: FusionMention) -> tuple[bool, range]:
    """Where an event is filed when this is its first mention: explicitly dated or not, and its days (ordinals):
    the explicit dates, else the article's date."""
    if m.explicit_date:
        a, b = m.range_start.toordinal(), (m.range_end or m.range_start).toordinal()
        return True, range(min(a, b), max(a, b) + 1)
    return False, range(m.article_date.toordinal(), m.article_date.toordinal() + 1)


def _looks_in(m: FusionMention) -> tuple[tuple[bool, range], tuple[bool, range]]:
    """Where the first mentions of the events this mention may fit are filed (a superset; see ``_pair``).

    Explicit dates fit explicit dates at most ``DATE_DISAGREEMENT`` days away, and an undated mention whose article
    is 1 day before to ``REPORT_LAG`` days after them; an undated mention fits explicit dates ``REPORT_LAG`` days
    before to 1 day after its article, and undated mentions ``ARTICLE_WINDOW`` days around it
    (``UNREALIZED_WINDOW`` for what did not happen).
    """
    if m.explicit_date:
        a, b = m.range_start.toordinal(), (m.range_end or m.range_start).toordinal()
        explicit = range(min(a, b) - DATE_DISAGREEMENT, max(a, b) + DATE_DISAGREEMENT + 1)
        return (True, explicit), (False, range(a - 1, a + REPORT_LAG + 1))
    day = m.article_date.toordinal()
    return (True, range(day - REPORT_LAG, day + 2)), (False, range(day - m.window, day + m.window + 1))


class EventIndex:
    """Events by blocking key, date and source: those fused in this run, plus stored ones a loader fetches.

    An event is filed under each key of its mentions, on the days of its first mention (explicit or article
    dates) and under the sources of its first mention (:func:`_source_tokens`). A mention looks only on the days
    it may fit (:func:`_looks_in`) and under its own sources: a newcomer must fit every mention of an event, the
    first one too, so no event it could join is missed, and the events of the same actors on other days or with
    other sources are not compared.
    """

    def __init__(self, onto: Ontology, loader: Callable[[set[str]], list[FusedEvent]] | None = None) -> None:
        self.onto = onto
        self.events: dict[str, FusedEvent] = {}
        self.by_key: dict[tuple[str, bool, int], dict[str, set[str]]] = {}  # (key, dated, day) -> source -> ids
        self._loader = loader
        self._asked: set[str] = set()
        self.touched: set[str] = set()

    def preload(self, keys: set[str]) -> None:
        wanted = keys - self._asked
        self._asked |= wanted
        if self._loader and wanted:
            for event in self._loader(wanted):
                if event.event_id not in self.events:
                    self._index(event)

    def _index(self, event: FusedEvent) -> None:
        self.events[event.event_id] = event
        for m in event.mentions:
            self._file(event, m)

    def _file(self, event: FusedEvent, m: FusionMention) -> None:
        first = event.mentions[0]
        dated, days = _filed_under(first)
        sources = _source_tokens(first)
        for k in blocking_keys(m, self.onto):
            for day in days:
                filed = self.by_key.setdefault((k, dated, day), {})
                for s in sources:
                    filed.setdefault(s, set()).add(event.event_id)

    def candidates(self, m: FusionMention) -> list[FusedEvent]:
        ids: set[str] = set()
        sources = _source_tokens(m)
        anyone = ANY in sources  # no source: any event may fit
        sources.add(ANY)
        for k in blocking_keys(m, self.onto):
            for dated, days in _looks_in(m):
                for day in days:
                    filed = self.by_key.get((k, dated, day))
                    if filed:
                        ids.update(*(filed.values() if anyone else (filed.get(s, ()) for s in sources)))
        return [self.events[i] for i in sorted(ids)]

    def add(self, event: FusedEvent, m: FusionMention, reason: str) -> None:
        event.add(m, reason)
        self.events[event.event_id] = event
        self._file(event, m)
        self.touched.add(event.event_id)


def fuse_events(
    mentions: Iterable[FusionMention],
    onto: Ontology,
    index: EventIndex | None = None,
    names: Mapping[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """Assign each mention to an event: an existing one it is compatible with, or a new one.

    Mentions are taken by (article date, article id, position), so the result does not depend on
    their order; among compatible events the best scoring (then the lowest id) wins. ``names``
    (entity id -> name) makes the reasons readable.

    Returns:
        (mention id, event id, reason) for each mention.
    """
    index = index or EventIndex(onto)
    todo = sorted(mentions, key=lambda m: (m.article_date, m.article_id, m.start, m.mention_id))
    index.preload({k for m in todo for k in blocking_keys(m, onto)})
    out = []
    for m in todo:
        best = None
        for event in index.candidates(m):
            if not event.within_reach(m):
                continue
            found = _compatible(m, event, onto, names or {})
            if found and (best is None or found[0] > best[0]):
                best = (found[0], event, found[1])
        if best is None:
            event, reason = FusedEvent(event_id_for(m)), "first mention of this event"
        else:
            _, event, reason = best
        index.add(event, m, reason)
        out.append((m.mention_id, event.event_id, reason))
    return out


def _countries(codes: Iterable[str]) -> set[str]:
    return {c[:3] for c in codes if c and len(c) >= 3}


def _compatible(
    m: FusionMention, event: FusedEvent, onto: Ontology, names: Mapping[str, str]
) -> tuple[float, str] | None:
    """How well a mention fits an event (score, reason), or None.

    Nothing may contradict any mention of the event (modality group, type, actors, date, place:
    no chaining of A~B~C into one event when A and C disagree), and the newcomer must match at
    least one mention well (shared actor entities, and a named day when an announcement meets
    the act)."""
    best = None
    for other in event.mentions:
        if other.group != m.group or other.root != m.root:
            return None
        found = _pair(m, other, names)
        if found is None:
            return None
        score, reason, good = found
        if good and score >= MIN_SCORE and (best is None or score > best[0]):
            best = (score, reason)
    return best


def _pair(m: FusionMention, o: FusionMention, names: Mapping[str, str]) -> tuple[float, str, bool] | None:
    """None when the two mentions contradict each other; else (score, reason, whether the
    evidence suffices to merge on this pair alone)."""
    # What contradicts, first (most pairs that a blocking key brings together stop here): dates, places, actors.
    (a0, a1), (b0, b1) = m.span(), o.span()
    both_dated = m.explicit_date and o.explicit_date
    gap = 0
    if both_dated:
        gap = max((a0 - b1).days, (b0 - a1).days)
        # Outlets that disagree on the day report one happening only if both actors match (kept as a conflict).
        both = set(m.sources) & set(o.sources) and set(m.targets) & set(o.targets)
        if gap > 0 and (gap > DATE_DISAGREEMENT or not both):
            return None
    elif m.explicit_date or o.explicit_date:
        dated, undated = (m, o) if m.explicit_date else (o, m)
        d0, _ = dated.span()
        if not (undated.article_date - timedelta(days=REPORT_LAG) <= d0 <= undated.article_date + timedelta(days=1)):
            return None
    elif abs((m.article_date - o.article_date).days) > m.window:  # one group, one window
        return None
    other_place = bool(m.location and o.location and m.location != o.location)
    one_country = m.location_country == o.location_country and (m.location_is_country or o.location_is_country)
    if other_place and not one_country:  # a country and a place in it are compatible
        return None
    roles = []
    for role, mine, theirs, mine_codes, their_codes in (
        ("source", m.sources, o.sources, m.source_codes, o.source_codes),
        ("target", m.targets, o.targets, m.target_codes, o.target_codes),
    ):
        if not (mine or mine_codes) or not (theirs or their_codes):
            continue
        shared = set(mine) & set(theirs)
        countries = set() if shared else _countries(mine_codes) & _countries(their_codes)
        if not (shared or countries):
            return None
        roles.append((role, shared, countries))
    # The score and the reasons.
    why = []
    good = True
    score = 0.3
    if m.cameo_code == o.cameo_code:
        score += 0.1
        why.append(f"same CAMEO code {m.cameo_code}")
    else:
        why.append(f"compatible CAMEO codes {o.cameo_code}/{m.cameo_code}")
    # Modality: an announcement joins the act only when it names the day.
    if (m.modality == "future") != (o.modality == "future"):
        announcement = m if m.modality == "future" else o
        if announcement.date_precision != "day":
            good = False
        why.append("an announcement of the act, same day")
    for role, shared, countries in roles:
        if shared:
            score += 0.3 if role == "source" else 0.2
            why.append(f"shared {role} {', '.join(sorted(names.get(e, e) for e in shared))}")
        else:
            score += 0.1
            why.append(f"{role}s in the same country {', '.join(sorted(countries))}")
    same_place = bool(m.location and m.location == o.location)
    if not (set(m.sources) | set(m.targets)) & (set(o.sources) | set(o.targets)) and not same_place:
        good = False  # nothing but codes in common: too weak to merge
    if both_dated and gap > 0:
        score -= 0.1
        why.append(f"dates differ ({o.date} / {m.date}), kept as a conflict")
    elif both_dated:
        score += 0.15
        why.append(f"same date {m.date}" if m.date == o.date else f"overlapping dates {o.date}/{m.date}")
    elif m.explicit_date or o.explicit_date:
        score += 0.05
        why.append(f"date {dated.date} within the report of {undated.article_date}")
    else:
        why.append("reported within a few days")
    # A mention without a source says too little alone: it needs a day named on both sides.
    if (not m.sources or not o.sources) and not both_dated:
        good = False
    if other_place:
        why.append(f"places in one country {m.location_country}")
    elif same_place:
        score += 0.1
        why.append("same place")
    return score, "; ".join(why), good


# -- the event record --------------------------------------------------------------------------


@dataclass
class EventSummary:
    """A fused event's fields, computed from its mentions."""

    cameo_code: str
    modality: str
    date: str
    date_precision: str
    range_start: date | None
    range_end: date | None
    sources: list[str]
    targets: list[str]
    source_code: str | None
    target_code: str | None
    location: str | None
    location_country: str | None
    num_mentions: int
    num_articles: int
    num_sources: int
    conflicts: dict[str, list[dict]]
    story_id: str | None


def aggregate(
    event: FusedEvent, outlet_of: dict[str, str | None], story_of: dict[str, str] | None = None
) -> EventSummary:
    """The event's values from its mentions: the best supported value of each field (by distinct
    articles), with the others kept in ``conflicts`` with their mentions and outlets.

    ``outlet_of`` maps article id -> its original outlet (the first publication's; a wire copy
    republished by others counts once). Articles without an outlet count as their own source.
    """
    ms = event.mentions
    real = [m for m in ms if m.modality in REAL]
    if real:
        modality = "asserted" if any(m.modality == "asserted" for m in real) else "historical"
        core = real
    else:
        modality = Counter(m.modality for m in ms).most_common(1)[0][0]
        core = [m for m in ms if m.modality == modality]
    code = max(Counter(m.cameo_code for m in core).items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
    conflicts: dict[str, list[dict]] = {}

    def vote(values: dict[str, list[FusionMention]], name: str, rank=lambda v: 0) -> str | None:
        if not values:
            return None
        ordered = sorted(values, key=lambda v: (-len({m.article_id for m in values[v]}), rank(v), v))
        if len(ordered) > 1:
            conflicts[name] = [
                {
                    "value": v,
                    "mention_ids": [m.mention_id for m in values[v]],
                    "outlets": sorted({outlet_of.get(m.article_id) or m.article_id for m in values[v]}),
                }
                for v in ordered
            ]
        return ordered[0]

    dated: dict[str, list[FusionMention]] = {}
    for m in ms:  # an announcement's date counts only while the act itself is not reported
        if m.explicit_date and (m.modality != "future" or not real):
            dated.setdefault(m.date, []).append(m)
    precision_rank = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "year": 4}
    by_value = {m.date: m for m in ms if m.date}
    date_value = vote(dated, "date", rank=lambda v: precision_rank.get(by_value[v].date_precision, 5))
    if date_value is None:
        first = min(ms, key=lambda m: m.article_date)
        date_value, precision, r0, r1 = (
            first.article_date.isoformat(),
            "article",
            first.article_date,
            first.article_date,
        )
    else:
        m0 = by_value[date_value]
        precision, r0, r1 = m0.date_precision, m0.range_start, m0.range_end
    places: dict[str, list[FusionMention]] = {}
    # A country is no conflict with a place in it ("Poland" and "Krakow"): the finer place stands.
    finer = {m.location_country for m in ms if m.location and not m.location_is_country}
    for m in ms:
        if m.location and not (m.location_is_country and m.location_country in finer):
            places.setdefault(m.location, []).append(m)
    location = vote(places, "location")
    loc_country = next((m.location_country for m in ms if m.location == location), None) if location else None

    def ranked(attr: str) -> list[str]:
        counts = Counter(e for m in ms for e in getattr(m, attr))
        return sorted(counts, key=lambda e: (-counts[e], e))

    def top_code(attr: str) -> str | None:
        counts = Counter(c for m in ms for c in getattr(m, attr)[:1])
        return max(counts, key=lambda c: (counts[c], len(c), c)) if counts else None

    articles = {m.article_id for m in ms}
    stories = Counter((story_of or {}).get(a) for a in articles if (story_of or {}).get(a))
    return EventSummary(
        cameo_code=code,
        modality=modality,
        date=date_value,
        date_precision=precision,
        range_start=r0,
        range_end=r1,
        sources=ranked("sources"),
        targets=ranked("targets"),
        source_code=top_code("source_codes"),
        target_code=top_code("target_codes"),
        location=location,
        location_country=loc_country,
        num_mentions=len(ms),
        num_articles=len(articles),
        num_sources=len({outlet_of.get(a) or f"article:{a}" for a in articles}),
        conflicts=conflicts,
        story_id=max(stories, key=lambda s: (stories[s], s)) if stories else None,
    )
