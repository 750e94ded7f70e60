"""Story clustering: group articles into stories (one real-world happening and its developments).

:func:`cluster_stories` places new articles into the open stories given to it or into new
stories. It is pure and in memory; the caller loads the members of the stories that are still
open for the new articles' dates and stores the assignments.

Algorithm (chosen by measurement on ECB+ train/dev, see ``dateline.evaluation.stories``):

1. **Vectors.** Each article's title (counted ``title_weight`` times) and text become a TF-IDF
   vector of words and word bigrams hashed by scikit-learn's ``HashingVectorizer`` (no fitted
   vocabulary to store); term frequencies are sublinear and the idf is computed from the
   articles of the call (new + existing), so a call should carry enough articles for the idf
   to mean something (the open stories' members usually do). Entity keys become a second
   vector, binary and idf-weighted (rare entities count more; a key seen in one article only is
   dropped). Similarity = ``(1 - entity_weight) * text cosine + entity_weight * entity cosine``,
   or the text cosine alone when either article has no entity key shared with another article.
2. **Blocking.** An inverted index maps each blocking key (the entity keys and the article's
   ``block_terms`` heaviest terms) to the articles holding it. An article is compared only with
   articles that share a key *and* lie within ``window_days`` of its date; a key held by more
   than ``max_postings`` articles in that window is skipped as too common, and only the
   ``max_candidates`` articles sharing the most keys are compared. The cost per article is
   bounded, so the whole step grows linearly with the corpus (for a steady flow of articles
   per day).
3. **Neighbour graph.** Each article keeps an edge to its ``neighbors`` most similar candidates
   and to every candidate at least ``strong_similarity`` similar (at most ``max_neighbors``).
   Keeping only near neighbours is what separates two similar happenings of the same kind (two
   earthquakes, two signings by one team): their articles are each other's candidates but
   rarely each other's nearest neighbours.
4. **Average linkage on the graph.** Each open story starts as one cluster, each new article
   as its own; clusters are merged best first while their average similarity (the sum of the
   edge weights between them over the product of their sizes; no edge counts as 0) is at
   least ``link_threshold``. Two existing stories are never merged, so existing assignments
   and story ids never change. The number of stories is not given.

Determinism: articles are sorted by ``(date is None, date, article_id)`` (unknown dates last),
ties are broken by that order, and idf is a function of the set of articles, so the result
does not depend on the order of ``new``. A new story's id is derived from its first article in
that order (its seed): ``sha1("story:" + article_id)[:16]``.

A date of ``None`` means unknown: that article has no time constraint.
"""

from __future__ import annotations

import datetime
import hashlib
import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["StoryDoc", "Assignment", "StorySettings", "cluster_stories", "story_id_for"]

# Words that start with a letter (numbers, dates and times are left out: they differ between
# reports of one happening more than they identify it).
_TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b|\b[^\W\d_]\b"
_UNDATED = np.iinfo(np.int64).max


@dataclass(slots=True)
class StoryDoc:
    """An article to place: its id, date (None = unknown), title, text and entity keys."""

    article_id: str
    date: datetime.date | None  # None = unknown (ECB+ has no dates): no time constraint
    title: str | None
    text: str
    entities: tuple[str, ...] = ()  # opaque keys of the people, organizations and places named


@dataclass(slots=True)
class Assignment:
    """Where an article went: its story, the similarity that put it there and why."""

    article_id: str
    story_id: str
    score: float  # combined similarity to its closest article in the story (0.0 for a story of one)
    reason: str


@dataclass(slots=True)
class StorySettings:
    """Thresholds and window of story clustering (defaults tuned on ECB+ train/dev)."""

    window_days: int | None = 10  # max days between linked articles; None: no time constraint
    entity_weight: float = 0.1  # share of the entity cosine in the similarity
    title_weight: int = 2  # times the title is counted in the text vector
    neighbors: int = 5  # nearest candidates each article links to
    strong_similarity: float = 0.25  # candidates at least this similar are linked too ...
    max_neighbors: int = 30  # ... up to this many links per article
    link_threshold: float = 0.015  # average similarity for two clusters to merge
    block_terms: int = 30  # heaviest terms of an article used as blocking keys
    max_postings: int = 300  # a blocking key held by more articles in the window is skipped
    max_candidates: int = 100  # articles compared per article (those sharing the most keys)
    ngram_max: int = 2  # words and word bigrams
    n_features: int = 2**20  # hashing space


def story_id_for(seed_article_id: str) -> str:
    """The id of a new story seeded by this article."""
    return hashlib.sha1(b"story:" + seed_article_id.encode("utf-8")).hexdigest()[:16]


def cluster_stories(
    new: Sequence[StoryDoc],
    existing: Sequence[tuple[str, StoryDoc]] = (),
    *,
    settings: StorySettings | None = None,
    on_compare: Callable[[str, str, float], None] | None = None,
) -> list[Assignment]:
    """Place ``new`` articles into the ``existing`` open stories or into new stories.

    Args:
        new: articles to place (any order; an id already in ``existing`` keeps its story).
        existing: ``(story_id, doc)`` members of the stories still open for the new dates.
        settings: thresholds and window (default :class:`StorySettings`).
        on_compare: called as ``(article_id, article_id, similarity)`` for every pair whose
            similarity is computed (a hook for tests and cost measurements).

    Returns:
        One :class:`Assignment` per new article, sorted by ``(date is None, date, article_id)``.
    """
    settings = settings or StorySettings()
    known = {doc.article_id: (sid, doc) for sid, doc in existing}
    fresh: dict[str, StoryDoc] = {}
    for doc in new:
        if doc.article_id not in known:
            fresh.setdefault(doc.article_id, doc)
    members: list[tuple[StoryDoc, str | None]] = [(doc, sid) for sid, doc in existing]
    members += [(doc, None) for doc in fresh.values()]
    members.sort(key=lambda m: _order(m[0]))
    docs = [m[0] for m in members]
    if not docs:
        return []
    text, ents = _vectors(docs, settings)
    days = np.array([_day_of(d) for d in docs], dtype=np.int64)
    edges, best_other = _neighbour_graph(docs, text, ents, days, settings, on_compare)
    labels = _link(members, edges, settings.link_threshold)

    adjacency: dict[int, list[tuple[float, int]]] = {}
    for (i, j), w in edges.items():
        adjacency.setdefault(i, []).append((w, j))
        adjacency.setdefault(j, []).append((w, i))
    clusters: dict[int, list[int]] = {}
    for i, root in enumerate(labels):
        clusters.setdefault(root, []).append(i)
    out = []
    for idx in clusters.values():
        # Story id of a cluster: its existing story, else the id of its seed (first member).
        story = next((members[i][1] for i in idx if members[i][1] is not None), None)
        seed = None if story else idx[0]
        story = story or story_id_for(docs[idx[0]].article_id)
        evidence = _ClusterEvidence(docs, idx, days)
        for i in idx:
            if members[i][1] is None:
                out.append(_explain(i, docs, story, i == seed, adjacency, labels, evidence, text, best_other))
    placed = {a.article_id for a in out}
    for doc in new:
        if doc.article_id in known and doc.article_id not in placed:
            placed.add(doc.article_id)
            out.append(Assignment(doc.article_id, known[doc.article_id][0], 1.0, "already in the story"))
    order = {aid: _order(doc) for aid, doc in fresh.items()} | {aid: _order(doc) for aid, (_, doc) in known.items()}
    out.sort(key=lambda a: order[a.article_id])
    return out


def _order(doc: StoryDoc) -> tuple:
    return (doc.date is None, doc.date or datetime.date.min, doc.article_id)


def _vectors(docs: list[StoryDoc], settings: StorySettings) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """L2-normalized TF-IDF text vectors (idf from ``docs``) and idf-weighted entity vectors."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    hasher = HashingVectorizer(
        n_features=settings.n_features,
        alternate_sign=False,
        norm=None,
        ngram_range=(1, settings.ngram_max),
        stop_words="english",
        token_pattern=_TOKEN_PATTERN,
    )
    texts = [((d.title + "\n") * settings.title_weight if d.title else "") + d.text for d in docs]
    counts = hasher.transform(texts).tocsr().astype(np.float64)
    counts.data = 1.0 + np.log(counts.data)
    n = len(docs)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    text = normalize(counts @ sp.diags(idf))

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, d in enumerate(docs):
        for key in set(d.entities):
            rows.append(i)
            cols.append(vocab.setdefault(key, len(vocab)))
    ents = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(1, len(vocab))))
    edf = np.bincount(ents.indices, minlength=ents.shape[1])
    eidf = np.where(edf > 1, np.log((1.0 + n) / (1.0 + edf)) + 1.0, 0.0)  # one article: no evidence
    ents = normalize(ents @ sp.diags(eidf)).tocsr()
    ents.eliminate_zeros()
    return text.tocsr(), ents


def _blocking_keys(i: int, doc: StoryDoc, text: sp.csr_matrix, settings: StorySettings) -> list:
    start, end = text.indptr[i], text.indptr[i + 1]
    weights, features = text.data[start:end], text.indices[start:end]
    top = features[np.lexsort((features, -weights))[: settings.block_terms]]
    return [int(f) for f in top] + [("e", key) for key in set(doc.entities)]


def _neighbour_graph(docs, text, ents, days, settings, on_compare):
    """Blocked candidate search, then the kNN + strong-similarity edges: ({(i, j): sim}, best sim per doc)."""
    n = len(docs)
    keys = [_blocking_keys(i, d, text, settings) for i, d in enumerate(docs)]
    postings: dict = {}
    for i, ks in enumerate(keys):  # docs are in date order (undated last): postings are sorted by date
        for k in ks:
            postings.setdefault(k, []).append(i)
    arrays = {k: (np.array(v, dtype=np.int64), days[v]) for k, v in postings.items() if len(v) > 1}
    window = settings.window_days
    w_ent = settings.entity_weight
    edges: dict[tuple[int, int], float] = {}
    best_other = np.zeros(n)
    text_scratch = np.zeros(text.shape[1])
    ent_scratch = np.zeros(ents.shape[1])
    has_ents = np.diff(ents.indptr) > 0
    for i in range(n):
        found = []
        for k in keys[i]:
            entry = arrays.get(k)
            if entry is None:
                continue
            ids, ds = entry
            if window is not None and days[i] != _UNDATED:
                lo = np.searchsorted(ds, days[i] - window, "left")
                hi = np.searchsorted(ds, days[i] + window, "right")
                undated = np.searchsorted(ds, _UNDATED, "left")
                part = ids[lo:hi] if undated == len(ds) else np.concatenate((ids[lo:hi], ids[undated:]))
            else:
                part = ids
            if len(part) <= settings.max_postings:
                found.append(part)
        if not found:
            continue
        cand, shared = np.unique(np.concatenate(found), return_counts=True)
        keep = cand != i
        cand, shared = cand[keep], shared[keep]
        if len(cand) > settings.max_candidates:
            cand = cand[np.lexsort((cand, -shared))[: settings.max_candidates]]
            cand.sort()
        if not len(cand):
            continue
        sims = _row_dots(text, i, cand, text_scratch)
        if w_ent and has_ents[i]:  # when either article has no entity evidence, the text alone decides
            both = has_ents[cand]
            sims[both] = (1.0 - w_ent) * sims[both] + w_ent * _row_dots(ents, i, cand[both], ent_scratch)
        if on_compare is not None:
            for j, s in zip(cand, sims, strict=True):
                on_compare(docs[i].article_id, docs[int(j)].article_id, float(s))
        order = np.lexsort((cand, -sims))
        best_other[i] = sims[order[0]]
        for rank, o in enumerate(order[: settings.max_neighbors]):
            s = float(sims[o])
            if s <= 0.0 or (rank >= settings.neighbors and s < settings.strong_similarity):
                break
            j = int(cand[o])
            edges[(min(i, j), max(i, j))] = s
    return edges, best_other


def _row_dots(matrix: sp.csr_matrix, i: int, rows: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Dot products of row ``i`` with ``rows`` in O(their non-zeros); ``scratch`` is a zeroed dense row, left zeroed."""
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    cols = matrix.indices[start:end]
    scratch[cols] = matrix.data[start:end]
    sub = matrix[rows]
    owner = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
    out = np.bincount(owner, weights=sub.data * scratch[sub.indices], minlength=len(rows))
    scratch[cols] = 0.0
    return out


def _pair_dot(matrix: sp.csr_matrix, i: int, j: int) -> float:
    """Dot product of rows ``i`` and ``j`` of a CSR matrix with sorted indices."""
    a, b = slice(matrix.indptr[i], matrix.indptr[i + 1]), slice(matrix.indptr[j], matrix.indptr[j + 1])
    _, ia, ib = np.intersect1d(matrix.indices[a], matrix.indices[b], assume_unique=True, return_indices=True)
    return float(matrix.data[a][ia] @ matrix.data[b][ib])


def _link(members: list[tuple[StoryDoc, str | None]], edges: dict[tuple[int, int], float], threshold: float) -> list:
    """Average linkage on the sparse graph; clusters holding an existing story never merge with each other.

    Returns the cluster (its lowest member index) of every member.
    """
    n = len(members)
    parent = list(range(n))
    first_of: dict[str, int] = {}
    for i, (_, sid) in enumerate(members):  # each existing story starts as one cluster
        if sid is not None:
            parent[i] = first_of.setdefault(sid, i)
    size = np.bincount(parent, minlength=n).astype(np.float64)
    fixed = np.zeros(n, dtype=bool)
    for i in first_of.values():
        fixed[i] = True
    neighbours: list[dict[int, float]] = [{} for _ in range(n)]
    for (i, j), w in sorted(edges.items()):
        a, b = parent[i], parent[j]
        if a != b:
            neighbours[a][b] = neighbours[a].get(b, 0.0) + w
            neighbours[b][a] = neighbours[a][b]
    version = [0] * n
    alive = [True] * n
    heap: list = []

    def push(a: int, b: int) -> None:
        if not (fixed[a] and fixed[b]):
            score = neighbours[a][b] / (size[a] * size[b])
            lo, hi = min(a, b), max(a, b)
            heapq.heappush(heap, (-score, lo, hi, version[lo], version[hi]))

    for a in range(n):
        for b in neighbours[a]:
            if a < b:
                push(a, b)
    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if -neg < threshold:
            break
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        keep, gone = (a, b) if a < b else (b, a)  # the lower index names the cluster
        del neighbours[keep][gone], neighbours[gone][keep]
        for o, w in neighbours[gone].items():
            del neighbours[o][gone]
            total = neighbours[keep].get(o, 0.0) + w
            neighbours[keep][o] = total
            neighbours[o][keep] = total
        neighbours[gone] = {}
        size[keep] += size[gone]
        fixed[keep] = fixed[keep] or fixed[gone]
        alive[gone] = False
        parent[gone] = keep
        version[keep] += 1
        for o in sorted(neighbours[keep]):
            push(keep, o)

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    return [root(i) for i in range(n)]


class _ClusterEvidence:
    """What the members of one cluster share: entity keys and dates (for the reasons)."""

    def __init__(self, docs: list[StoryDoc], idx: list[int], days: np.ndarray) -> None:
        self.size = len(idx)
        self.held = Counter(k for i in idx for k in set(docs[i].entities))
        dated = days[idx]
        self.dates = np.sort(dated[dated != _UNDATED])

    def shared_entities(self, doc: StoryDoc) -> int:
        """The article's entity keys that another member holds too."""
        return sum(1 for k in set(doc.entities) if self.held[k] > 1)

    def nearest_gap(self, day: int) -> int | None:
        """Days from a dated member's date to the nearest other dated member (None: none to compare)."""
        if day == _UNDATED:
            return None
        lo, hi = np.searchsorted(self.dates, day, "left"), np.searchsorted(self.dates, day, "right")
        if hi - lo > 1:
            return 0
        gaps = [day - int(self.dates[lo - 1])] if lo > 0 else []
        gaps += [int(self.dates[hi]) - day] if hi < len(self.dates) else []
        return min(gaps) if gaps else None


def _explain(i, docs, story, seed, adjacency, labels, evidence, text, best_other) -> Assignment:
    """The assignment of member ``i`` with its evidence."""
    doc = docs[i]
    if evidence.size == 1:
        detail = f" (closest candidate similarity {best_other[i]:.2f})" if best_other[i] > 0 else " (no candidate)"
        return Assignment(doc.article_id, story, 0.0, "new story" + detail)
    linked = [(w, j) for w, j in adjacency.get(i, ()) if labels[j] == labels[i]]
    score, j = max(linked, key=lambda x: (x[0], -x[1])) if linked else (0.0, i)
    cosine = _pair_dot(text, i, j)
    gap = evidence.nearest_gap(_day_of(doc))
    when = "no date to compare" if gap is None else f"{gap} day{'' if gap == 1 else 's'} from its nearest article"
    detail = (
        f"text cosine {cosine:.2f} with {docs[j].article_id}, shared entities: {evidence.shared_entities(doc)}, {when}"
    )
    if seed:
        return Assignment(doc.article_id, story, score, f"new story, joined by {evidence.size - 1} more ({detail})")
    return Assignment(doc.article_id, story, score, f"joined story {story} ({detail})")


def _day_of(doc: StoryDoc) -> int:
    return doc.date.toordinal() if doc.date else _UNDATED
