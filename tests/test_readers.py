import gzip
import io
import json
from pathlib import Path

import pytest

from dateline import Article, Config, InputError, Reject
from dateline.readers import Source, expand_paths, read_source


def read(path: Path, config: Config | None = None, fmt: str | None = None) -> list[Article | Reject]:
    return list(read_source(Source(str(path), fmt, path.stat().st_size), config or Config()))


def one(path: Path, config: Config | None = None) -> Article | Reject:
    records = read(path, config)
    assert len(records) == 1, records
    return records[0]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


# -- dateline text files --------------------------------------------------------


def test_readers_text_sample_file(sample_articles):
    article = one(sample_articles[0])
    assert isinstance(article, Article)
    assert article.date.value == "2022-02-02" and article.date.precision == "day"
    assert article.text.startswith("Turkey does not want a war")
    assert not article.text.endswith("\n")
    assert article.outlet is None and article.source_path == str(sample_articles[0])


@pytest.mark.parametrize(
    "content",
    [
        " date 2022-02-02 Body text here.",
        "date 2022-02-02 Body text here.",
        "date 2022-02-02\nBody text here.\n",
        "\ufeff date 2022-02-02 Body text here.",
        "date: 2022-02-02\r\nBody text here.",
        "Date 2 February 2022\n\nBody text here.",
        " date 2022-02-02T08:00:00Z Body text here.",
    ],
)
def test_readers_text_header_variants(tmp_path, content):
    article = one(write(tmp_path, "a.txt", content))
    assert isinstance(article, Article), article
    assert article.date.day.isoformat() == "2022-02-02"
    assert article.text == "Body text here."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Body text without a header.", "no_date"),
        ("date\nBody", "no_date"),
        (" date 2022-02-30 Body", "bad_date"),
        ("date soon\nBody", "bad_date"),
        (" date 2022-02-02   \n\n ", "empty_text"),
        ("", "no_date"),
    ],
)
def test_readers_text_rejects(tmp_path, content, reason):
    record = one(write(tmp_path, "a.txt", content))
    assert isinstance(record, Reject) and record.reason == reason, record
    assert record.message


def test_readers_rejects_binary_undecodable_and_huge(tmp_path):
    assert one(write(tmp_path, "b.txt", b" date 2022-02-02 \x00\x01\x02")).reason == "binary"
    latin = one(write(tmp_path, "l.txt", " date 2022-02-02 Caf\u00e9".encode("latin-1")))
    assert latin.reason == "undecodable" and "ingest.encoding" in latin.message
    cfg = Config({"ingest.max_chars": 10})
    assert one(write(tmp_path, "h.txt", " date 2022-02-02 " + "x" * 11), cfg).reason == "too_large"
    assert one(write(tmp_path, "ok.txt", " date 2022-02-02 " + "x" * 10), cfg).text == "x" * 10
    cfg = Config({"ingest.max_file_bytes": 100})
    assert one(write(tmp_path, "f.txt", " date 2022-02-02 " + "x" * 200), cfg).reason == "too_large"


def test_readers_encoding_setting_and_bom(tmp_path):
    path = write(tmp_path, "l.txt", " date 2022-02-02 Caf\u00e9".encode("cp1252"))
    assert one(path, Config({"ingest.encoding": "cp1252"})).text == "Caf\u00e9"
    utf16 = write(tmp_path, "u.txt", " date 2022-02-02 Caf\u00e9".encode("utf-16"))
    assert one(utf16).text == "Caf\u00e9"


def test_readers_gzip_whatever_the_name(tmp_path):
    data = gzip.compress(b" date 2022-02-02 Compressed body.")
    assert one(write(tmp_path, "a.txt.gz", data)).text == "Compressed body."
    assert one(write(tmp_path, "a.txt", data)).text == "Compressed body."


# -- JSONL / JSON ---------------------------------------------------------------


def test_readers_jsonl_records_and_rejects(tmp_path):
    lines = [
        json.dumps(
            {"id": 7, "date": "2022-02-02", "url": "https://www.example.com/a", "title": "T", "text": "  Exact text.\n"}
        ),
        "",
        "{not json",
        "[1, 2]",
        json.dumps({"date": "2022-02-02"}),
        json.dumps({"text": "No date"}),
        json.dumps({"text": "Bad date", "date": "someday"}),
        json.dumps({"text": "   ", "date": "2022-02-02"}),
        json.dumps({"text": 5, "date": "2022-02-02"}),
        json.dumps({"text": "Bad title", "date": "2022-02-02", "title": {"a": 1}}),
        json.dumps({"text": "nul \u0000 inside", "date": "2022-02-02"}),
        '{"text": "lone \\ud800 surrogate", "date": "2022-02-02"}',
        json.dumps({"Body": "Aliased fields", "Published": "2022-02-03T10:00:00+02:00", "source": "Wire"}),
    ]
    records = read(write(tmp_path, "a.jsonl", "\n".join(lines) + "\n"))
    first = records[0]
    assert isinstance(first, Article)
    assert first.text == "  Exact text.\n", "JSONL text is stored exactly as given"
    assert (first.source_id, first.outlet, first.title, first.location) == ("7", "example.com", "T", "line 1")
    reasons = [(r.location, r.reason) for r in records[1:-1]]
    assert reasons == [
        ("line 3", "bad_json"),
        ("line 4", "bad_json"),
        ("line 5", "missing_field"),
        ("line 6", "no_date"),
        ("line 7", "bad_date"),
        ("line 8", "empty_text"),
        ("line 9", "bad_field"),
        ("line 10", "bad_field"),
        ("line 11", "binary"),
        ("line 12", "undecodable"),
    ]
    last = records[-1]
    assert (last.text, last.outlet, last.date.value) == ("Aliased fields", "Wire", "2022-02-03T10:00:00+02:00")


def test_readers_jsonl_bad_bytes_reject_one_line(tmp_path):
    good = json.dumps({"text": "fine", "date": "2022-02-02"}).encode()
    bad = '{"text": "caf\u00e9", "date": "2022-02-02"}'.encode("latin-1")
    records = read(write(tmp_path, "a.jsonl", good + b"\n" + bad + b"\n" + good.replace(b"fine", b"also") + b"\n"))
    assert [type(r).__name__ for r in records] == ["Article", "Reject", "Article"]
    assert records[1].reason == "undecodable" and records[1].location == "line 2"


def test_readers_json_array_and_object(tmp_path):
    arr = [{"text": "One", "date": "2022-02-02"}, 3, {"text": "Two", "date": "2022-02-03"}]
    records = read(write(tmp_path, "a.json", json.dumps(arr)))
    assert [getattr(r, "text", r.reason if isinstance(r, Reject) else None) for r in records] == [
        "One",
        "bad_json",
        "Two",
    ]
    assert one(write(tmp_path, "b.json", json.dumps({"text": "Solo", "date": "2022"}))).date.precision == "year"
    assert one(write(tmp_path, "c.json", "[{oops")).reason == "bad_json"


# -- CSV ------------------------------------------------------------------------


def test_readers_csv_rows_quoting_and_rejects(tmp_path):
    content = (
        "id,date,outlet,title,text\r\n"
        '1,2022-02-02,Agency,"Title, with comma","Line one\nline two ""quoted"""\r\n'
        "2,,Agency,No date,Some text\r\n"
        "3,2022-02-02,Agency,Short\r\n"
        "\r\n"
        "4,2022-02-04,,,Plain\r\n"
    )
    records = read(write(tmp_path, "a.csv", content))
    first = records[0]
    assert first.text == 'Line one\nline two "quoted"' and first.title == "Title, with comma"
    assert (first.source_id, first.outlet, first.location) == ("1", "Agency", "row 1")
    assert (records[1].reason, records[1].location) == ("no_date", "row 2")
    assert (records[2].reason, records[2].location) == ("missing_field", "row 3")
    assert records[3].text == "Plain" and records[3].outlet is None


def test_readers_csv_header_without_required_column(tmp_path):
    record = one(write(tmp_path, "a.csv", "date,title\n2022-02-02,x\n"))
    assert record.reason == "missing_field" and "text" in record.message


@pytest.mark.parametrize(("name", "sep"), [("a.tsv", "\t"), ("a.csv", ";")])
def test_readers_csv_delimiters(tmp_path, name, sep):
    record = one(write(tmp_path, name, f"text{sep}date\nHello{sep}2022-02-02\n"))
    assert record.text == "Hello"


def test_readers_csv_bad_bytes_reject_one_row(tmp_path):
    data = b"text,date\nfine,2022-02-02\ncaf\xe9,2022-02-02\nalso fine,2022-02-03\n"
    records = read(write(tmp_path, "a.csv", data))
    assert [type(r).__name__ for r in records] == ["Article", "Reject", "Article"]
    assert records[1].reason == "undecodable"


# -- HTML -----------------------------------------------------------------------

PAGE = """<html><head><title>Talks in the capital - Example Times</title>
<meta property="article:published_time" content="2022-02-03T09:00:00+00:00">
<meta property="og:site_name" content="Example Times">
<link rel="canonical" href="https://www.example.com/news/talks"></head>
<body><nav>Home | World | Sport</nav><article><h1>Talks in the capital</h1>
<p>The foreign minister arrived in the capital on Thursday to discuss tensions along the border,
officials said, in the first such visit this year.</p>
<p>Delegations met for three hours and agreed to meet again next month, according to a statement
released after the talks ended late in the evening.</p></article><footer>Copyright</footer></body></html>"""


def test_readers_html_main_text_and_metadata(tmp_path):
    article = one(write(tmp_path, "page.html", PAGE))
    assert isinstance(article, Article), article
    assert "foreign minister arrived" in article.text and "Copyright" not in article.text
    assert article.date.value == "2022-02-03"
    assert article.url == "https://www.example.com/news/talks"
    assert article.outlet == "Example Times"
    assert article.title == "Talks in the capital"


def test_readers_html_without_date_or_text(tmp_path):
    undated = PAGE.replace('<meta property="article:published_time" content="2022-02-03T09:00:00+00:00">', "")
    assert one(write(tmp_path, "a.html", undated)).reason == "no_date"
    assert one(write(tmp_path, "b.html", "<html><body></body></html>")).reason == "no_text"


# -- paths, detection -----------------------------------------------------------


def test_readers_unknown_files_are_sniffed_or_rejected(tmp_path):
    assert one(write(tmp_path, "noext", " date 2022-02-02 Sniffed.")).text == "Sniffed."
    assert one(write(tmp_path, "data.dump", '{"text": "J", "date": "2022-02-02"}\n')).text == "J"
    assert one(write(tmp_path, "photo.png", b"\x89PNG\r\n\x1a\n\x00")).reason == "unsupported"
    assert one(write(tmp_path, "notes.md", "# Notes\nNothing dated.")).reason == "unsupported"
    assert one(write(tmp_path, "blob", b"\x00\x01binary")).reason in {"binary", "unsupported"}


def test_readers_forced_format(tmp_path):
    path = write(tmp_path, "a.data", "text,date\nHello,2022-02-02\n")
    assert read(path, fmt="csv")[0].text == "Hello"


def test_paths_expand_dirs_globs_and_order(tmp_path):
    for name in ["b/2.txt", "a/1.txt", "a/.hidden.txt", ".git/x.txt", "c.jsonl"]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(" date 2022-02-02 x")
    got = [Path(s.path).relative_to(tmp_path).as_posix() for s in expand_paths([str(tmp_path)])]
    assert got == ["c.jsonl", "a/1.txt", "b/2.txt"]
    got = [Path(s.path).name for s in expand_paths([str(tmp_path / "**" / "*.txt"), str(tmp_path / "a" / "1.txt")])]
    assert got == ["1.txt", "2.txt"], "a file named twice is read once"


@pytest.mark.parametrize("given", ["does/not/exist.txt", "nowhere/*.jsonl"])
def test_paths_missing_is_an_input_error(given):
    with pytest.raises(InputError, match="check the"):
        expand_paths([given])


def test_paths_unknown_forced_format():
    with pytest.raises(InputError, match="choose"):
        expand_paths(["-"], "xml")


def test_readers_stdin(monkeypatch):
    data = b'{"text": "From stdin", "date": "2022-02-02"}\n'
    stream = io.BufferedReader(io.BytesIO(data))
    records = list(read_source(Source("-", None, None, stream), Config()))
    assert records[0].text == "From stdin" and records[0].source_path == "-"
