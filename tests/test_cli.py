import json
import sys

import pytest

from dateline.cli import app


def _one_line_error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) >= 1 and lines[0].startswith("dateline: error:"), err
    assert "Traceback" not in err
    return " ".join(lines)


def test_cli_demo_flow(run, sample_articles):
    code, out, _ = run("ingest", str(sample_articles[0].parent))
    assert code == 0 and "2 new article(s)" in out
    code, out, _ = run("ingest", str(sample_articles[0].parent))
    assert code == 0 and "0 new article(s)" in out and "2 already stored" in out
    code, out, _ = run("articles", "--format", "json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["date"] for r in rows] == ["2022-02-02", "2022-02-03"]
    code, out, _ = run("show", rows[1]["article_id"][:8])
    assert code == 0 and "Kyiv" in out and "2022-02-03" in out
    code, out, _ = run("stats", "--format", "json")
    assert json.loads(out)["articles"] == 2
    code, out, _ = run("articles", "--search", "trabzon", "--format", "csv")
    assert code == 0 and out.count("\n") == 2  # header + one article


def test_cli_rejects_listed_and_reported(run, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("no header here")
    (tmp_path / "in" / "b.jsonl").write_text('{"text": "x", "date": "2022-02-02"}\n{bad\n')
    code, out, _ = run("ingest", "in")
    assert code == 0 and "2 rejected" in out and "no_date" in out and "dateline rejects" in out
    code, out, _ = run("rejects", "--format", "json")
    got = sorted((json.loads(line)["reason"], json.loads(line)["source_location"]) for line in out.splitlines())
    assert got == [("bad_json", "line 2"), ("no_date", "")]
    code, out, _ = run("rejects", "--reason", "bad_json", "--format", "csv")
    assert code == 0 and out.count("\n") == 2


def test_cli_strict_exits_nonzero(run, tmp_path):
    (tmp_path / "a.txt").write_text("no header")
    code, _, err = run("ingest", "a.txt", "--strict")
    assert code == 1 and "stopped at the first reject" in _one_line_error(err)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["ingest"], 2, "Missing argument 'paths'; see: dateline ingest --help"),
        (["articles", "--format", "xml"], 2, "not one of"),
        (["articles", "--nope"], 2, "No such option"),
        (["articles", "--limit", "0"], 2, "greater than or equal to 1"),
        (["ingest", "missing.txt"], 2, "no such file"),
        (["ingest", "nothing/*.txt"], 2, "no files match"),
        (["ingest", "x", "--set", "ingest.max_chars=lots"], 2, "not an integer"),
        (["ingest", "x", "--set", "ingest.max_char=5"], 2, "did you mean ingest.max_chars"),
        (["ingest", "x", "--set", "novalue"], 2, "KEY=VALUE"),
        (["ingest", "x", "--config", "nope.toml"], 2, "not found"),
        (["articles", "--since", "yesterday"], 2, "YYYY-MM-DD"),
        (["articles", "--db", "no/such/dir/x.db"], 1, "does not exist"),
        (["articles", "--db", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2"], 1, "cannot open the database"),
        (["articles", "--db", "mysql+nosuchdriver://x/y"], 2, "unsupported database URL"),
        (["show", "abcdef"], 3, "no article"),
        (["show", "not-hex"], 3, "hexadecimal"),
        (["rejects", "--reason", "whatever"], 2, "choose"),
        (["export", "storylines"], 2, "unknown export kind"),
        (["export", "articles", "--format", "parquet"], 2, "-o FILE"),
        (["export", "articles", "-o", "no/dir/out.jsonl"], 2, "does not exist"),
    ],
)
def test_cli_user_errors_are_one_line(run, args, code, needle):
    got, _, err = run(*args)
    assert got == code, err
    assert needle in _one_line_error(err)
    assert len([ln for ln in err.splitlines() if ln.strip()]) == 1, err


def test_cli_bad_config_file_and_options(run, tmp_path):
    (tmp_path / "bad.toml").write_text("[ingest\n")
    code, _, err = run("ingest", "x", "--config", "bad.toml")
    assert code == 2 and "not valid TOML" in _one_line_error(err)
    (tmp_path / "ok.toml").write_text("[ingest]\nmax_chars = 12\n")
    code, out, _ = run("config", "--config", "ok.toml", "--set", "ingest.batch_size=9")
    assert code == 0 and "max_chars = 12" in out and "batch_size = 9" in out
    code, _, err = run("articles", "--format", "xml")
    assert code == 2 and "Traceback" not in err


def test_cli_every_command_help_ends_with_example(run):
    for name in [c.name or c.callback.__name__ for c in app.registered_commands]:
        code, out, _ = run(name, "--help")
        assert code == 0
        tail = [ln.strip() for ln in out.splitlines() if ln.strip()][-1]
        assert tail.startswith("Example: dateline " + name), (name, tail)


def test_cli_show_escapes_untrusted_text(run, tmp_path):
    evil = {"text": "[bold red]markup[/] and \x1b[31mANSI\x1b[0m", "date": "2022-02-02", "title": "[link=x]t[/link]"}
    (tmp_path / "e.jsonl").write_text(json.dumps(evil) + "\n")
    run("ingest", "e.jsonl")
    _, out, _ = run("articles", "--format", "json")
    article_id = json.loads(out)["article_id"]
    code, out, _ = run("show", article_id)
    assert code == 0
    assert "[bold red]markup[/]" in out and "[link=x]t[/link]" in out, "markup is shown literally"
    assert "\x1b" not in out, "control characters never reach the terminal"


def test_cli_export_formats(run, sample_articles, tmp_path):
    run("ingest", str(sample_articles[0].parent))
    code, out, _ = run("export", "articles")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2
    assert set(rows[0]) >= {"article_id", "source_id", "date", "url", "outlet", "title", "source_path", "story_id"}
    code, out, _ = run("export", "articles", "--format", "csv", "--since", "2022-02-03")
    assert code == 0 and out.count("\n") >= 2 and out.startswith("article_id,")
    code, _, err = run("export", "articles", "--format", "parquet", "-o", "a.parquet")
    assert code == 0 and "wrote 2" in err and (tmp_path / "a.parquet").exists()


def test_cli_version(run):
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("dateline ")


def test_cli_ingest_from_stdin(run, monkeypatch):
    import io

    data = b'{"text": "Piped in.", "date": "2022-02-02", "url": "https://www.example.org/p"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    code, out, _ = run("ingest", "-")
    assert code == 0 and "1 new article(s)" in out
    code, out, _ = run("export", "articles")
    row = json.loads(out)
    assert (row["source_path"], row["outlet"], row["text"]) == ("-", "example.org", "Piped in.")


def test_cli_show_json_has_publications(run, sample_articles):
    run("ingest", str(sample_articles[0]))
    _, out, _ = run("articles", "--format", "json")
    code, out, _ = run("show", json.loads(out)["article_id"], "--format", "json")
    shown = json.loads(out)
    assert code == 0 and shown["date"] == "2022-02-02"
    assert [p["source_path"] for p in shown["publications"]] == [str(sample_articles[0])]


def test_cli_times_entities_and_their_exports(run, sample_articles):
    run("ingest", str(sample_articles[0].parent))
    _, out, _ = run("articles", "--format", "json")
    first = next(json.loads(line) for line in out.splitlines() if json.loads(line)["date"] == "2022-02-02")
    code, out, _ = run("times", first["article_id"][:6], "--format", "json")
    times = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {"text": "late Tuesday", "value": "2022-02-01"}.items() <= times[0].items()
    code, out, _ = run("entities", "--type", "person", "--format", "json")
    people = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and all(p["type"] == "person" for p in people)
    assert any(p["actor_code"] == "TURGOV" and [r["role"] for r in p["roles"]] == ["President"] for p in people)
    code, out, _ = run("export", "entities")
    entities = [json.loads(line) for line in out.splitlines()]
    assert set(entities[0]) >= {
        "entity_id",
        "name",
        "type",
        "country",
        "sector",
        "aliases",
        "mentions",
        "geonames_id",
        "lat",
        "lon",
    }
    kyiv = next(e for e in entities if e["name"] == "Kyiv")
    assert kyiv["geonames_id"] and kyiv["country"] == "UKR"
    code, out, _ = run("export", "times", "--format", "csv")
    assert code == 0 and out.startswith("article_id,text,start,end,type,value")
    code, out, _ = run("show", first["article_id"])
    assert code == 0 and "late Tuesday" in out


def test_cli_annotate_rerun_and_nothing_to_do(run, sample_articles):
    run("ingest", str(sample_articles[0]), "--no-annotate")
    code, out, _ = run("annotate")
    assert code == 0 and "Annotated 1 article" in out
    code, out, _ = run("annotate")
    assert code == 0 and "Nothing to annotate" in out
    code, out, _ = run("annotate", "--rerun")
    assert code == 0 and "Annotated 1 article" in out


def test_cli_export_events_and_entities_in_every_format(run, sample_articles, tmp_path):
    import csv

    import pyarrow.parquet as pq

    run("ingest", str(sample_articles[0].parent))
    for kind in ("events", "entities", "times"):
        code, out, _ = run("export", kind)
        jsonl = [json.loads(line) for line in out.splitlines()]
        assert code == 0 and jsonl
        run("export", kind, "--format", "csv", "-o", f"{kind}.csv")
        with open(tmp_path / f"{kind}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        run("export", kind, "--format", "parquet", "-o", f"{kind}.parquet")
        table = pq.read_table(tmp_path / f"{kind}.parquet")
        assert len(rows) == table.num_rows == len(jsonl), kind
    with open(tmp_path / "entities.csv", newline="", encoding="utf-8") as f:
        entity = next(csv.DictReader(f))
    assert json.loads(entity["mentions"])[0]["article_id"], "nested fields are JSON text in CSV"
    events = pq.read_table(tmp_path / "events.parquet").to_pylist()
    assert all(json.loads(e["mentions"])[0]["article_id"] for e in events), "nested fields are JSON text"


def test_cli_resolve_stories_timeline_and_contract_exports(run, sample_articles):
    code, out, _ = run("ingest", str(sample_articles[0].parent))
    assert code == 0 and "Resolved 2 article(s)" in out
    code, out, _ = run("resolve")
    assert code == 0 and "Nothing to resolve" in out
    code, out, _ = run("stories", "--format", "json")
    [story] = [json.loads(line) for line in out.splitlines()]
    assert story["num_articles"] == 2 and story["start_date"] == "2022-02-02" and story["end_date"] == "2022-02-03"
    code, out, _ = run("story", story["story_id"][:6], "--format", "json")
    [shown] = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(shown["article_ids"]) == 2 and shown["timeline"] and shown["quotes"]
    dates = [e["range_start"] for e in shown["timeline"] if e["range_start"]]
    assert dates == sorted(dates)
    code, out, _ = run("story")  # the largest story, for people
    assert code == 0 and "Timeline" in out and "Key quotes" in out
    code, out, _ = run("entity", "Erdogan")
    assert code == 0 and "Erdoğan" in out and "Why each article" in out
    code, out, _ = run("entity", "Erdogan", "--limit", "1", "--format", "json")
    [shown] = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(shown["links"]) == 1 and shown["num_links"] == 2
    assert shown["links"][0]["date"] == "2022-02-03", "the latest article's link first"
    code, out, _ = run("entity", "Erdogan", "--limit", "1")
    assert code == 0 and "latest 1 of 2 links" in out
    code, out, _ = run("timeline", "--actor", "Erdogan", "--format", "json")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and events and all(e["mentions"] for e in events)
    visit = [e for e in events if e["cameo_code"] == "042" and e["location_name"] == "Kyiv"]
    assert visit and visit[0]["num_sources"] == 2
    code, out, _ = run("timeline", "--dyad", "Erdogan", "Zelensky", "--format", "json")
    dyad = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and dyad and {e["event_id"] for e in dyad} <= {e["event_id"] for e in events}
    code, out, err = run("timeline", "--dyad", "Erdogan", "Nobody Atall")
    assert code == 3 and "no entity named 'Nobody Atall'" in err
    code, out, err = run("timeline")
    assert code == 2 and "--actor" in err
    # The output contract (DESIGN.md), after resolution.
    contract = {
        "articles": {"article_id", "source_id", "date", "url", "outlet", "title", "source_path", "story_id"},
        "entities": {"entity_id", "name", "type", "country", "sector", "aliases", "mentions"},
        "times": {"article_id", "text", "start", "end", "type", "value"},
        "events": {"event_id", "plover_type", "plover_mode", "cameo_code", "quad_class", "goldstein", "source",
                   "target", "source_code", "target_code", "date", "date_precision", "location", "modality",
                   "num_mentions", "num_sources", "num_articles", "mentions"},
        "stories": {"story_id", "title", "start_date", "end_date", "article_ids", "event_ids"},
    }  # fmt: skip
    exported = {}
    for kind, fields in contract.items():
        code, out, _ = run("export", kind, "--format", "jsonl")
        exported[kind] = [json.loads(line) for line in out.splitlines()]
        assert code == 0 and exported[kind] and all(fields <= set(row) for row in exported[kind]), kind
    entity_ids = {e["entity_id"] for e in exported["entities"]}
    for e in exported["events"]:
        assert set(e["source"]) | set(e["target"]) <= entity_ids
        assert e["location"] is None or e["location"] in entity_ids
        assert len(e["mentions"]) == e["num_mentions"]
        assert all({"article_id", "sentence", "start", "end", "confidence"} <= set(m) for m in e["mentions"])
    assert {a["story_id"] for a in exported["articles"]} == {story["story_id"]}
    assert {e["event_id"] for e in exported["events"]} == set(exported["stories"][0]["event_ids"])
    places = [e for e in exported["entities"] if e["type"] == "place" and e["geonames_id"]]
    assert places and all(p["lat"] is not None or p["name"] for p in places)
