"""Generated corpora for tests and benchmarks: dated articles with bad files mixed in.

The texts are filler built from a seed (no real news); what matters is volume,
variety of input forms and exact knowledge of which files are good and bad.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

__all__ = ["CorpusManifest", "write_corpus", "BAD_KINDS"]

_WORDS = (
    "government ministry officials talks border agreement minister council city region "
    "statement spokesperson meeting delegation forces protest court election parliament "
    "report summit trade energy sanctions ceasefire visit capital port harbour province "
    "announced said told warned agreed signed rejected demanded visited discussed met "
    "on Monday on Tuesday on Wednesday late Thursday early Friday last week next month "
    "the the a of in to and with after before during according"
).split()

# Bad file kinds, each with the reject reason dateline must give it.
BAD_KINDS: dict[str, str] = {
    "no_date": "no_date",
    "bad_date": "bad_date",
    "empty": "empty_text",
    "binary": "binary",
    "latin1": "undecodable",
    "huge": "too_large",
    "bad_json": "bad_json",
    "csv_missing": "missing_field",
}


@dataclass
class CorpusManifest:
    """What a generated corpus holds: the good articles' texts and each bad file's expected reason."""

    root: Path
    good_texts: list[str] = field(default_factory=list)
    bad: dict[str, str] = field(default_factory=dict)  # relative path -> reason
    files: int = 0


def _text(rng: random.Random, serial: int) -> str:
    sentences = []
    for _ in range(rng.randint(4, 12)):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 24))]
        sentences.append(" ".join(words).capitalize() + ".")
    # The serial makes every text distinct, as real articles are.
    return f"Report {serial}. " + " ".join(sentences)


def write_corpus(
    root: str | Path, n: int, bad_fraction: float = 0.05, seed: int = 0, max_chars: int = 1_000_000
) -> CorpusManifest:
    """Write ``n`` files under ``root``: dateline text files in sub-folders, with bad ones mixed in.

    The good files hold the articles of a synthetic news world (:mod:`dateline.synth`, same seed),
    a news agency's wire copies included (same text, another outlet). About ``bad_fraction`` of
    the files are bad, cycling through :data:`BAD_KINDS`. The same seed writes the same corpus.

    Returns:
        A :class:`CorpusManifest` of what was written.
    """
    from .synth import SynthSettings, iter_articles

    rng = random.Random(seed)
    news = iter(iter_articles(n, SynthSettings(seed=seed)))
    pending: list[dict] = []
    root = Path(root)
    manifest = CorpusManifest(root)
    kinds = list(BAD_KINDS)
    n_bad = round(n * bad_fraction)
    bad_slots = set(rng.sample(range(n), n_bad)) if n_bad else set()
    start = date(2021, 1, 1)
    bad_seen = 0
    for i in range(n):
        folder = root / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        day = start + timedelta(days=rng.randint(0, 700))
        if i in bad_slots:
            kind = kinds[bad_seen % len(kinds)]
            bad_seen += 1
            name = f"bad_{i:06d}_{kind}" + (
                ".jsonl" if kind == "bad_json" else ".csv" if kind == "csv_missing" else ".txt"
            )
            path = folder / name
            body = _text(rng, i)
            if kind == "no_date":
                path.write_text(body, encoding="utf-8")
            elif kind == "bad_date":
                path.write_text(f" date 2021-02-30 {body}", encoding="utf-8")
            elif kind == "empty":
                path.write_text(f" date {day.isoformat()}   \n\n", encoding="utf-8")
            elif kind == "binary":
                path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(200)))
            elif kind == "latin1":
                path.write_bytes(f" date {day.isoformat()} Caf\u00e9 d\u00e9j\u00e0 vu. {body}".encode("latin-1"))
            elif kind == "huge":
                path.write_text(f" date {day.isoformat()} " + ("word " * (max_chars // 5 + 10)), encoding="utf-8")
            elif kind == "bad_json":
                path.write_text('{"date": "2021-03-01", "text": "unterminated\n', encoding="utf-8")
            elif kind == "csv_missing":
                path.write_text("date,title\n2021-03-01,No text column\n", encoding="utf-8")
            manifest.bad[str(path.relative_to(root))] = BAD_KINDS[kind]
        else:
            if not pending:
                pending.extend(next(news)[0].rows)  # an article and its wire copies (same text, other outlets)
            row = pending.pop(0)
            body, day = row["text"], date.fromisoformat(row["date"])
            if "-r" not in row["id"]:
                manifest.good_texts.append(body)
            form = rng.random()
            if form < 0.8:
                (folder / f"a_{i:06d}.txt").write_text(f" date {day.isoformat()} {body}", encoding="utf-8")
            elif form < 0.9:
                record = {
                    "id": f"doc-{i}",
                    "date": f"{day.isoformat()}T{rng.randint(0, 23):02d}:00:00Z",
                    "url": row["url"],
                    "outlet": row["outlet"],
                    "title": row["title"],
                    "text": body,
                }
                (folder / f"a_{i:06d}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
            else:
                data = f"date {day.isoformat()}\n{body}\n".encode()
                (folder / f"a_{i:06d}.txt.gz").write_bytes(gzip.compress(data, mtime=0))
        manifest.files += 1
    return manifest
