"""Story clustering: group articles into stories (one real-world happening and its developments).

:func:`cluster_stories` places new articles into the open stories given to it or into new
stories. It is pure and in memory; the caller loads the members of the stories that are still
open for the new articles' dates and stores the assignments.

Algorithm (chosen by measurement on ECB+ train/dev, see ``dateline.evaluation.stories``):

1. **Vectors.** Each article's title (counted ``title_weight`` times) and text become a TF-IDF
   vector of words and word bigrams hashed by scikit-learn's ``HashingVectorizer`` (no fitted
   vocabulary to store); term frequencies are sublinear and the idf is computed from the
   articles of the call (new + existing), so a call should carry enough articles for the idf
   to mean something (the open stories' members usually do). A :class:`TermCounts` passed from
   one call to the next keeps the hashed counts, so an open story's member is hashed once, not
   in every batch that holds it. Entity keys become a second vector, binary and idf-weighted
   (rare entities count more; a key seen in one article only is dropped). Similarity =
   ``(1 - entity_weight) * text cosine + entity_weight * entity cosine``, or the text cosine
   alone when either article has no entity key shared with another article.
2. **Blocking.** Each article's blocking keys are its entity keys and its ``block_terms``
   heaviest terms. A new article is compared only with articles that share a key *and* lie
   within ``window_days`` of its date; a key held by more than ``max_postings`` articles in
   that window is skipped as too common, and only the ``max_candidates`` articles sharing the
   most keys are compared. The shared keys are counted by one sparse product (new articles'
   keys x keys' holders) and the similarities of all candidate pairs computed at once. The
   cost per new article is bounded, so the whole step grows linearly with the corpus (for a
   steady flow of articles per day).
3. **Neighbour graph.** Each new article keeps an edge to its ``neighbors`` most similar
   candidates and to every candidate at least ``strong_similarity`` similar (at most
   ``max_neighbors``). Keeping only near neighbours is what separates two similar happenings of
   the same kind (two earthquakes, two signings by one team): their articles are each other's
   candidates but rarely each other's nearest neighbours. The open stories' members are placed
   already: they are candidates of the new articles and do not look for neighbours themselves,
   so the work of a call grows with its new articles, not with the open stories.
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

__all__ = [
    "StoryDoc",
    "Assignment",
    "StorySettings",
    "TermCounts",
    "cluster_stories",
    "decode_terms",
    "encode_terms",
    "hashing_name",
    "story_id_for",
]

# Words that start with a letter (numbers, dates and times are left out: they differ between
# reports of one happening more than they identify it).
_TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b|\b[^\W\d_]\b"
_UNDATED = np.iinfo(np.int64).max
_PAIRS = 1 << 21  # key holders counted at once when looking for candidates
_CELLS = 1 << 22  # values of padded rows partitioned at once
_DOT_CHUNK = 1 << 13  # pairs whose rows are gathered at once for their dot products


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


class TermCounts:
    """The hashed term counts of the articles of the last :func:`cluster_stories` call, by article id.

    Give the same one to every call of a run (with the same settings): an article of the last call (new then,
    an open story's member now) is not hashed again, so the caller need not even load its text. An article's
    title and text must be the same in every call (they are not read again). Counts kept elsewhere (a store)
    are handed over with :meth:`add`; :meth:`unsaved` gives those of the last call's articles that were not,
    as ``(feature indices, counts)``, for the caller to keep.
    """

    def __init__(self) -> None:
        self._rows: dict[str, int] = {}
        self._raw = sp.csr_matrix((0, 0))  # raw counts of the last call's articles, a row each
        self._hashing: tuple = ()
        self._added: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._stored: set[str] = set()  # articles of the last call whose counts were handed over

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._rows or article_id in self._added

    def add(self, terms: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Raw counts of articles hashed earlier (with the same settings): they are not hashed again."""
        self._added.update(terms)

    def unsaved(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Raw counts of the last call's articles that were hashed here (in that call or an earlier one), not
        handed over with :meth:`add`, by article id."""
        return {aid: _row(self._raw, i) for aid, i in self._rows.items() if aid not in self._stored}

    def counts(self, docs: Sequence[StoryDoc], settings: StorySettings) -> sp.csr_matrix:
        """Sublinear hashed term counts of ``docs`` (a row each, in order), kept for the next call."""
        hashing = (settings.n_features, settings.ngram_max, settings.title_weight)
        if self._rows and hashing != self._hashing:
            raise ValueError("these term counts were hashed with other settings")
        known, added, fresh = [], [], []
        for i, d in enumerate(docs):
            (known if d.article_id in self._rows else added if d.article_id in self._added else fresh).append(i)
        parts = [self._raw[[self._rows[docs[i].article_id] for i in known]]] if known else []
        if added:
            parts.append(_rows_matrix([self._added[docs[i].article_id] for i in added], settings))
        if fresh:
            parts.append(_hash([docs[i] for i in fresh], settings))
        self._raw = sp.vstack(parts, format="csr")[np.argsort(known + added + fresh)]
        self._stored = {docs[i].article_id for i in known if docs[i].article_id in self._stored}
        self._stored.update(docs[i].article_id for i in added)
        self._rows = {d.article_id: i for i, d in enumerate(docs)}
        self._hashing = hashing
        self._added = {}
        return _sublinear(self._raw)


def hashing_name(settings: StorySettings) -> str:
    """What a story vector's raw counts depend on: the settings, the tokenization and this version."""
    return f"hash-v1:{settings.n_features}:{settings.ngram_max}:{settings.title_weight}"


def encode_terms(terms: tuple[np.ndarray, np.ndarray]) -> bytes:
    """Raw counts ``(feature indices, counts)`` as bytes: int32 indices, then uint32 counts (little-endian)."""
    indices, counts = terms
    return indices.astype("<i4").tobytes() + counts.astype("<u4").tobytes()


def decode_terms(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of :func:`encode_terms`."""
    values = np.frombuffer(blob, dtype="<i4")
    n = len(values) // 2
    return values[:n].astype(np.int32), values[n:].view("<u4").astype(np.float64)


def _row(matrix: sp.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[lo:hi].copy(), matrix.data[lo:hi].copy()


def _rows_matrix(rows: list[tuple[np.ndarray, np.ndarray]], settings: StorySettings) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(ix) for ix, _ in rows])
    indices = np.concatenate([ix for ix, _ in rows]) if rows else np.zeros(0, dtype=np.int32)
    data = np.concatenate([c for _, c in rows]) if rows else np.zeros(0)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), settings.n_features))


def _sublinear(raw: sp.csr_matrix) -> sp.csr_matrix:
    """Sublinear counts: 1 + log(count)."""
    out = raw.copy()
    out.data = 1.0 + np.log(out.data)
    return out


def _hash(docs: Sequence[StoryDoc], settings: StorySettings) -> sp.csr_matrix:
    """Raw counts of the hashed words and word n-grams of title (``title_weight`` times) and text, sorted indices."""
    from sklearn.feature_extraction.text import HashingVectorizer

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
    counts.sort_indices()
    return counts


def story_id_for(seed_article_id: str) -> str:
    """The id of a new story seeded by this article."""
    return hashlib.sha1(b"story:" + seed_article_id.encode("utf-8")).hexdigest()[:16]


def cluster_stories(
    new: Sequence[StoryDoc],
    existing: Sequence[tuple[str, StoryDoc]] = (),
    *,
    settings: StorySettings | None = None,
    on_compare: Callable[[str, str, float], None] | None = None,
    cache: TermCounts | None = None,
) -> list[Assignment]:
    """Place ``new`` articles into the ``existing`` open stories or into new stories.

    Args:
        new: articles to place (any order; an id already in ``existing`` keeps its story).
        existing: ``(story_id, doc)`` members of the stories still open for the new dates.
        settings: thresholds and window (default :class:`StorySettings`).
        on_compare: called as ``(article_id, article_id, similarity)`` for every pair whose
            similarity is computed (a hook for tests and cost measurements).
        cache: the term counts of the previous call (see :class:`TermCounts`), updated with this one's.

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
    text, ents = _vectors(docs, settings, cache)
    days = np.array([_day_of(d) for d in docs], dtype=np.int64)
    placing = np.array([sid is None for _, sid in members])
    edges, best_other = _neighbour_graph(docs, text, ents, days, placing, settings, on_compare)
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
        if not placing[idx].any():
            continue
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


def _vectors(
    docs: list[StoryDoc], settings: StorySettings, cache: TermCounts | None = None
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """L2-normalized TF-IDF text vectors (idf from ``docs``) and idf-weighted entity vectors (sorted indices)."""
    from sklearn.preprocessing import normalize

    counts = (cache if cache is not None else TermCounts()).counts(docs, settings)
    n = len(docs)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    text = counts.copy()
    text.data *= idf[text.indices]  # column scaling, without a product by an n_features-square diagonal
    text = normalize(text)

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, d in enumerate(docs):
        for key in set(d.entities):
            rows.append(i)
            cols.append(vocab.setdefault(key, len(vocab)))
    ents = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(1, len(vocab))))
    edf = np.bincount(ents.indices, minlength=ents.shape[1])
    eidf = np.where(edf > 1, np.log((1.0 + n) / (1.0 + edf)) + 1.0, 0.0)  # one article: no evidence
    ents.data *= eidf[ents.indices]
    ents = normalize(ents).tocsr()
    ents.eliminate_zeros()
    text.sort_indices()
    ents.sort_indices()
    return text, ents


def _neighbour_graph(docs, text, ents, days, placing, settings, on_compare):
    """Blocked candidate search for the articles ``placing``, then their kNN + strong-similarity edges:
    ({(i, j): sim}, best sim per doc)."""
    n = len(docs)
    first, other = _candidates(text, ents, days, placing, settings)
    # Similarities are symmetric: each pair is computed once, whichever article found the other.
    pairs, back = np.unique(np.minimum(first, other) * n + np.maximum(first, other), return_inverse=True)
    a, b = np.divmod(pairs, n)
    sims = _pair_dots(text, a, b)
    w_ent = settings.entity_weight
    if w_ent:  # when either article has no entity evidence, the text alone decides
        has_ents = np.diff(ents.indptr) > 0
        both = has_ents[a] & has_ents[b]
        sims[both] = (1.0 - w_ent) * sims[both] + w_ent * _pair_dots(ents, a[both], b[both])
    sims = sims[back.ravel()]
    if on_compare is not None:
        for i, j, s in zip(first.tolist(), other.tolist(), sims.tolist(), strict=True):
            on_compare(docs[i].article_id, docs[j].article_id, s)
    # Each article's candidates, most similar first (then by index): the first is its best; it links to the
    # first ``neighbors`` and to the next ones while they are at least ``strong_similarity`` similar.
    order = np.lexsort((other, -sims, first))
    first, other, sims = first[order], other[order], sims[order]
    rank = np.arange(len(first)) - np.searchsorted(first, first, "left")
    best_other = np.zeros(n)
    best_other[first[rank == 0]] = sims[rank == 0]
    keep = (rank < settings.max_neighbors) & (sims > 0.0)
    keep &= (rank < settings.neighbors) | (sims >= settings.strong_similarity)
    low, high = np.minimum(first[keep], other[keep]), np.maximum(first[keep], other[keep])
    edges = dict(zip(zip(low.tolist(), high.tolist(), strict=True), sims[keep].tolist(), strict=True))
    return edges, best_other


def _candidates(
    text: sp.csr_matrix, ents: sp.csr_matrix, days: np.ndarray, placing: np.ndarray, settings: StorySettings
) -> tuple[np.ndarray, np.ndarray]:
    """The blocked candidate pairs ``(i, j)``, ``i != j``, sorted: for each article ``i`` to place, the articles that
    share a blocking key with it within its window (a key held by more than ``max_postings`` of them is skipped), at
    most the ``max_candidates`` sharing the most keys (then the lowest indexes).

    Blocking keys are an article's ``block_terms`` heaviest terms (then the lowest feature) and its entity keys held
    by another article too (the only ones left in ``ents``). The keys shared by two articles are counted by one
    sparse product (articles' usable keys x keys' holders), in chunks of about ``_PAIRS`` key holders.
    """
    n = text.shape[0]
    rows = np.repeat(np.arange(n), np.diff(text.indptr))
    heavy = _heaviest(text, settings.block_terms)
    doc = np.concatenate((rows[heavy], np.repeat(np.arange(n), np.diff(ents.indptr))))
    key = np.concatenate((text.indices[heavy].astype(np.int64), ents.indices.astype(np.int64) + text.shape[1]))
    n_keys = text.shape[1] + ents.shape[1]
    # Postings: one entry per (key, article), by key then article (articles are in date order, undated last),
    # coded key * span + day, undated articles on a day (``never``) beyond every window.
    order = np.lexsort((doc, key))
    doc, key = doc[order], key[order]
    window = settings.window_days
    undated = days[doc] == _UNDATED
    dated = days[doc][~undated]
    day0 = int(dated.min()) if len(dated) else 0
    never = (int(dated.max()) - day0 if len(dated) else 0) + (window or 0) + 1
    span = never + (window or 0) + 1
    code = key * span + np.where(undated, never, days[doc] - day0)
    start, end = np.searchsorted(key, key, "left"), np.searchsorted(key, key, "right")
    first_undated = np.searchsorted(code, key * span + never, "left")
    # How many holders of its key each entry's article sees: the dated ones within its window and the undated ones
    # (an undated article, or no window: all). A key seen with too many is not used by that article.
    seen = end - start
    if window is not None:
        lo = np.searchsorted(code, code - window, "left")
        hi = np.searchsorted(code, code + window, "right")
        seen = np.where(undated, seen, (hi - lo) + (end - first_undated))
    used = (end - start > 1) & (seen <= settings.max_postings) & placing[doc]
    queries = sp.csr_matrix((np.ones(used.sum(), dtype=np.int32), (doc[used], key[used])), shape=(n, n_keys))
    holders = sp.csr_matrix((np.ones(len(doc), dtype=np.int32), (key, doc)), shape=(n_keys, n))
    work = queries @ np.diff(holders.indptr)
    chunks = np.flatnonzero(np.diff((np.cumsum(work) - work) // _PAIRS)) + 1
    pairs = [np.zeros(0, dtype=np.int64)]
    for r0, r1 in zip(np.r_[0, chunks], np.r_[chunks, n], strict=True):
        shared = (queries[r0:r1] @ holders).tocsr()
        i = np.repeat(np.arange(r0, r1), np.diff(shared.indptr))
        j, count = shared.indices.astype(np.int64), shared.data
        keep = i != j
        if window is not None:  # the keys were counted whatever the dates: keep the pairs within the window
            keep &= (days[i] == _UNDATED) | (days[j] == _UNDATED) | (np.abs(days[i] - days[j]) <= window)
        i, j, count = i[keep], j[keep], count[keep]
        keep = _most_shared(i - r0, j, count, r1 - r0, settings.max_candidates)
        pairs.append(np.sort(i[keep] * n + j[keep]))
    return np.divmod(np.concatenate(pairs), n)


def _heaviest(matrix: sp.csr_matrix, k: int) -> np.ndarray:
    """Which entries of a CSR matrix (sorted indices) are among the ``k`` largest of their row, then the lowest
    columns (by a partition of the longer rows, padded, rather than a sort)."""
    lengths = np.diff(matrix.indptr)
    row = np.repeat(np.arange(matrix.shape[0]), lengths)
    cut = np.full(matrix.shape[0], -np.inf)  # the k-th largest value of each row longer than k
    long = np.flatnonzero(lengths > k)
    if len(long):
        width = int(lengths[long].max())
        for part in np.array_split(long, -(-len(long) * width // _CELLS)):
            sizes = lengths[part]
            owner = np.repeat(np.arange(len(part)), sizes)
            column = np.arange(len(owner)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            padded = np.full((len(part), width), -np.inf)
            padded[owner, column] = matrix.data[matrix.indptr[part][owner] + column]
            cut[part] = np.partition(padded, width - k, axis=1)[:, width - k]
    above = matrix.data > cut[row]
    tie = matrix.data == cut[row]
    fit = k - np.bincount(row[above], minlength=matrix.shape[0])
    before = np.cumsum(tie) - tie
    rank = before - before[matrix.indptr[row]]  # among the row's entries equal to the cut, by column
    return above | (tie & (rank < fit[row]))


def _most_shared(row: np.ndarray, col: np.ndarray, count: np.ndarray, n_rows: int, k: int) -> np.ndarray:
    """Which entries (grouped by row) are among the ``k`` of their row with the highest count, then the lowest
    column: by a histogram of the counts per row, then a sort of the entries at each row's cut only."""
    if not len(row):
        return np.zeros(0, dtype=bool)
    top = int(count.max()) + 2
    at_least = np.bincount(row * top + count, minlength=n_rows * top).reshape(n_rows, top)[:, ::-1].cumsum(axis=1)
    at_least = at_least[:, ::-1]  # [r, c]: entries of row r with a count of at least c
    # Per row, the lowest count to keep (0: the row has at most k entries) and how many entries of it fit.
    cut = np.where(at_least[:, 1:] >= k, np.arange(1, top), 0).max(axis=1)
    fit = k - at_least[np.arange(n_rows), cut + 1]
    keep = count > cut[row]
    tie = np.flatnonzero(count == cut[row])
    tie = tie[np.argsort(row[tie] * (int(col.max()) + 1) + col[tie])]  # by row, then column
    rank = np.arange(len(tie)) - np.searchsorted(row[tie], row[tie], "left")
    keep[tie[rank < fit[row[tie]]]] = True
    return keep


def _pair_dots(matrix: sp.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot products of rows ``a[k]`` and ``b[k]`` of a CSR matrix with sorted indices, in chunks."""
    out = np.zeros(len(a))
    for s in range(0, len(a), _DOT_CHUNK):
        rows = slice(s, s + _DOT_CHUNK)
        out[rows] = np.asarray(matrix[a[rows]].multiply(matrix[b[rows]]).sum(axis=1)).ravel()
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
