"""Whatever is stored and then exported reads back unchanged (hypothesis round trips)."""

import json
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline import Store, ingest
from dateline.export import FIELDS, export
from dateline.model import normalize_text
from dateline.readers import outlet_from_url

# Any Unicode but lone surrogates and NUL (which readers reject, with a reason).
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_text = st.text(_chars, min_size=1, max_size=300).filter(lambda t: t.strip())
_field = st.one_of(st.none(), st.text(_chars, min_size=1, max_size=40).map(str.strip).filter(bool))
_day = st.dates().map(lambda d: d.isoformat()).filter(lambda s: s[:4] >= "1000")
_stamp = (
    st.datetimes(timezones=st.sampled_from([None]))
    .map(lambda d: d.replace(microsecond=0).isoformat())
    .filter(lambda s: s[:4] >= "1000")
)

records = st.lists(
    st.fixed_dictionaries(
        {
            "text": _text,
            "date": st.one_of(_day, _stamp),
            "id": _field,
            "url": st.one_of(st.none(), st.sampled_from(["https://www.example.com/a?b=1", "http://news.example/x"])),
            "outlet": _field,
            "title": _field,
        }
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda r: normalize_text(r["text"]),
)

COMPARED = ["text", "source_id", "date", "url", "outlet", "title"]


def _exported(store: Store, fmt: str, tmp: Path) -> list[dict]:
    out = tmp / f"out.{fmt}"
    export(store, "articles", fmt, out)
    if fmt == "jsonl":
        return [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
    return pq.read_table(out).to_pylist()


def _key(rows: list[dict]) -> list[tuple]:
    return sorted(tuple(str(r.get(f)) for f in COMPARED) for r in rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_export_round_trip_jsonl_csv_parquet(recs):
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src = tmp / "in.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
        store = Store(":memory:")
        report = ingest([str(src)], store)
        assert report.rejects == [], report.rejects
        expected = [{**r, "source_id": r["id"], "outlet": r["outlet"] or outlet_from_url(r["url"])} for r in recs]
        rows = _exported(store, "jsonl", tmp)
        assert list(rows[0]) == FIELDS["articles"]
        assert _key(rows) == _key(expected)
        assert _key(_exported(store, "parquet", tmp)) == _key(expected)

        # CSV out, then back in through the CSV reader: the same records again.
        csv_path = tmp / "round.csv"
        export(store, "articles", "csv", csv_path)
        again = Store(":memory:")
        report = ingest([str(csv_path)], again)
        assert report.rejects == [], report.rejects
        assert _key(_exported(again, "jsonl", tmp)) == _key(expected)
        store.close()
        again.close()
