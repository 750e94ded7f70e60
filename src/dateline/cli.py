"""The ``dateline`` command line: each command parses its arguments, calls one library function and prints the result."""

from __future__ import annotations

import os
import shlex
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from . import __version__
from .config import defaults_toml, load_config
from .errors import ConfigError, DatelineError
from .model import REJECT_REASONS
from .output import console, emit, err_console, safe_text

_LABEL_STYLE = {
    "PERSON": "bold cyan",
    "ORG": "bold green",
    "GPE": "bold yellow",
    "LOC": "bold yellow",
    "NORP": "yellow",
}

app = typer.Typer(
    name="dateline",
    help="Turn dated news articles into a record of who did what to whom, when and where.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class InputFormat(StrEnum):
    text = "text"
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    html = "html"


# Shared options, defined once.
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="DATELINE_DB",
        help="Database: a SQLite file path or a SQLAlchemy URL (postgresql://user@host/db). Default: ./dateline.db.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output: table for people, json (one object a line) or csv.")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only articles dated on or after this day (YYYY-MM-DD).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Only articles dated on or before this day (YYYY-MM-DD).")
]
OutletOption = Annotated[
    str | None, typer.Option("--outlet", help="Only articles published by this outlet (any publication).")
]
SearchOption = Annotated[
    str | None,
    typer.Option("--search", "-s", help="Only articles whose text or title contains this (case-insensitive)."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", envvar="DATELINE_CONFIG", help="A TOML settings file; see `dateline config`.", show_default=False
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override one setting, KEY=VALUE (repeatable), e.g. --set ingest.max_chars=200000."),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help="Annotate with this many processes (setting annotate.jobs).", show_default=False
    ),
]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")]
ArticleOption = Annotated[
    str | None, typer.Option("--article", help="Only this article (an id or a unique prefix).", show_default=False)
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")]
SqlEchoOption = Annotated[
    bool, typer.Option("--sql-trace", help="Log every SQL statement to stderr (debugging).", hidden=True)
]


def _store(db: str | None, echo: bool = False):
    from .store import open_store

    if echo:
        import logging

        logging.basicConfig()
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    return open_store(db, echo=False)


def _article_id(store, given: str | None) -> str | None:
    """The full id of the article a user named by id or prefix (None stays None)."""
    return store.get_article(given)["article_id"] if given is not None else None


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"{option} {value!r} is not a day; write it as YYYY-MM-DD, e.g. {option} 2022-02-01"
        ) from None


def _query(since, until, outlet, search, limit=None, offset=0):
    from .store import ArticleQuery

    return ArticleQuery(
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        outlet=outlet,
        search=search,
        limit=limit,
        offset=offset,
    )


class _RichProgress:
    """A progress bar on stderr: bytes read for ingest, articles done for annotate."""

    def __init__(self, enabled: bool, label: str = "ingest", unit: str = "bytes") -> None:
        columns = [TextColumn(f"[bold]{label}"), BarColumn()]
        if unit == "bytes":
            columns += [DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn()]
            columns.append(TextColumn("{task.fields[sources]} inputs"))
        else:
            columns += [MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn(), TimeRemainingColumn()]
        self.bar = Progress(*columns, console=err_console, transient=True, disable=not enabled)
        self.task = None

    def start(self, total: int | None, sources: int) -> None:
        self.task = self.bar.add_task("work", total=total, sources=sources)

    def advance(self, nbytes: int) -> None:
        self.bar.advance(self.task, nbytes)


@app.command(epilog="Example: dateline ingest articles/ 'dumps/*.jsonl' --db news.db")
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories (read recursively), quoted glob patterns, or - for stdin.", show_default=False
        ),
    ],
    db: DbOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first rejected file or record (it is still recorded).")
    ] = False,
    input_format: Annotated[
        InputFormat | None,
        typer.Option(
            "--input-format", help="Read every input as this format (default: from each file's name, else its content)."
        ),
    ] = None,
    config: ConfigOption = None,
    set_: SetOption = None,
    no_annotate: Annotated[
        bool,
        typer.Option(
            "--no-annotate", help="Only store the articles; annotate and resolve them later with `dateline annotate`."
        ),
    ] = False,
    jobs: JobsOption = None,
    quiet: QuietOption = False,
    sql_trace: SqlEchoOption = False,
) -> None:
    """Read articles, store the new ones, annotate and resolve them; bad files and records are rejected with a reason.

    Formats: dateline text files (' date YYYY-MM-DD ' then the text), JSONL, JSON, CSV
    (text and date columns required; id, url, outlet, title optional) and HTML pages.
    Running it again on the same inputs adds nothing.
    """
    from .pipeline.ingest import ingest as run_ingest

    cfg = _with_jobs(load_config(config, set_ or []), jobs)
    progress = _RichProgress(enabled=not quiet)
    with _store(db, sql_trace) as store:
        command = "dateline " + shlex.join(sys.argv[1:]) if sys.argv[1:] else None
        with progress.bar:
            report = run_ingest(
                paths,
                store,
                cfg,
                strict=strict,
                input_format=input_format.value if input_format else None,
                progress=progress,
                command=command,
            )
        if not quiet:
            _ingest_summary(report)
        if not no_annotate:
            _run_annotate(store, cfg, rerun=False, quiet=quiet, command=(command or "dateline ingest") + " [annotate]")
            _run_resolve(store, cfg, rerun=False, quiet=quiet, command=(command or "dateline ingest") + " [resolve]")


def _ingest_summary(report) -> None:
    c = report.counts
    console.print(
        f"{report.sources:,} input(s), {report.records:,} record(s): "
        f"[bold]{c.new_articles:,}[/] new article(s), {c.new_publications:,} new publication(s) "
        f"({c.republished:,} of a text already seen), {c.duplicates:,} already stored, "
        f"[bold]{len(report.rejects):,}[/] rejected ({c.rejects:,} new)."
    )
    if report.rejects:
        shown = report.rejects[:10]
        emit(
            ({"source": r.source_path, "where": r.location, "reason": r.reason, "message": r.message} for r in shown),
            ["source", "where", "reason", "message"],
            "table",
            title="Rejected",
        )
        more = len(report.rejects) - len(shown)
        console.print(f"{'and ' + str(more) + ' more; ' if more else ''}list them all with: dateline rejects")


def _with_jobs(cfg, jobs: int | None):
    if jobs is None:
        return cfg
    from .config import Config

    return Config({**cfg.to_dict(), "annotate.jobs": jobs})


def _run_annotate(store, cfg, rerun: bool, quiet: bool, command: str) -> None:
    from .pipeline.annotate import annotate as run_annotate

    progress = _RichProgress(enabled=not quiet, label="annotate", unit="articles")
    with progress.bar:
        report = run_annotate(store, cfg, rerun=rerun, progress=progress, command=command)
    if quiet:
        return
    if report.run_id is None:
        console.print("Nothing to annotate: every article is annotated (use `dateline annotate --rerun` to redo them).")
        return
    failed = (
        f"; [bold]{len(report.failed)}[/] with a stage error (dateline rejects --reason stage_error)"
        if report.failed
        else ""
    )
    console.print(
        f"Annotated [bold]{report.articles:,}[/] article(s): {report.mentions:,} entity mention(s), "
        f"{report.times:,} time expression(s), {report.events:,} event mention(s){failed}."
    )


@app.command(epilog="Example: dateline annotate --rerun --jobs 2")
def annotate(
    db: DbOption = None,
    rerun: Annotated[
        bool, typer.Option("--rerun", help="Annotate every article again (after upgrading dateline or the model).")
    ] = False,
    jobs: JobsOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
    quiet: QuietOption = False,
) -> None:
    """Annotate the stored articles that are not annotated yet (entities, times, events, quotes), then resolve them."""
    cfg = _with_jobs(load_config(config, set_ or []), jobs)
    with _store(db) as store:
        command = "dateline " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "dateline annotate"
        _run_annotate(store, cfg, rerun=rerun, quiet=quiet, command=command)
        _run_resolve(store, cfg, rerun=False, quiet=quiet, command=command + " [resolve]")


def _run_resolve(store, cfg, rerun: bool, quiet: bool, command: str) -> None:
    from .resolve.run import resolve as run_resolve

    progress = _RichProgress(enabled=not quiet, label="resolve", unit="articles")
    with progress.bar:
        report = run_resolve(store, cfg, rerun=rerun, progress=progress, command=command)
    if quiet:
        return
    if report.run_id is None:
        console.print(
            "Nothing to resolve: every annotated article is resolved (use `dateline resolve --rerun` to redo)."
        )
        return
    console.print(
        f"Resolved [bold]{report.articles:,}[/] article(s){' (all again)' if report.redone else ''}: "
        f"{report.links:,} in-article entities linked to {report.entities:,} entit(ies) created or updated, "
        f"{report.new_stories:,} new stor(ies), {report.event_mentions:,} event mention(s) fused into "
        f"{report.events:,} event(s) created or updated."
    )


@app.command(epilog="Example: dateline resolve --rerun")
def resolve(
    db: DbOption = None,
    rerun: Annotated[
        bool, typer.Option("--rerun", help="Forget every decision across articles and make them all again.")
    ] = False,
    config: ConfigOption = None,
    set_: SetOption = None,
    quiet: QuietOption = False,
) -> None:
    """Link entities across articles, group articles into stories and fuse event mentions into events."""
    cfg = load_config(config, set_ or [])
    with _store(db) as store:
        command = "dateline " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "dateline resolve"
        _run_resolve(store, cfg, rerun=rerun, quiet=quiet, command=command)


@app.command(epilog="Example: dateline times 80a3 --format json")
def times(
    article_id: Annotated[
        str | None,
        typer.Argument(help="An article id or unique prefix; all articles when left out.", show_default=False),
    ] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List time expressions with their TIMEX3 type, value (resolved against the article date) and granularity."""
    with _store(db) as store:
        article = store.get_article(article_id) if article_id else None
        rows = store.times(article["article_id"] if article else None)[:limit]
    columns = ["text", "type", "value", "mod", "granularity"]
    if article is None:
        columns.insert(0, "article_id")
    if fmt != OutputFormat.table:
        columns = ["article_id", "start", "end", "text", "type", "value", "mod", "granularity", "anchored"]
        columns += ["range_start", "range_end"]
    title = f"Times in {article['article_id']} (article date {article['date_value']})" if article else "Times"
    emit(rows, columns, fmt.value, title=title)


class Modality(StrEnum):
    asserted = "asserted"
    negated = "negated"
    future = "future"
    hypothetical = "hypothetical"
    historical = "historical"


ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor", help="An entity (name, alias or id) or an actor code prefix (TURGOV, TUR), as source or target."
    ),
]


def _actor_entities(store, actor: str | None) -> tuple[str, ...] | None:
    """The entity ids a user means by a name, alias or id (None when it names none: then it is a code)."""
    if not actor:
        return None
    found = store.entity_rows(query=actor, limit=50)
    exact = [r for r in found if actor.casefold() in (r["name"].casefold(), r["entity_id"])]
    chosen = exact or found
    return tuple(r["entity_id"] for r in chosen) or None


def _names(actors: list[dict]) -> str:
    return ", ".join(a.get("name") or a.get("code") or a.get("entity_id") or "?" for a in actors)


@app.command(epilog="Example: dateline events --actor Macron --modality asserted")
def events(
    db: DbOption = None,
    actor: ActorOption = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO3 country of a source or target (RUS).")] = None,
    type_: Annotated[
        str | None, typer.Option("--type", help="PLOVER type (ASSAULT) or CAMEO code prefix (19, 042).")
    ] = None,
    modality: Annotated[
        list[Modality] | None, typer.Option("--modality", help="Only these modalities (repeatable); default all.")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    place: Annotated[
        str | None, typer.Option("--place", help="A place name or ISO3 country where the event happened.")
    ] = None,
    article_id: ArticleOption = None,
    mentions: Annotated[
        bool, typer.Option("--mentions", help="List event mentions (one per report) instead of fused events.")
    ] = False,
    limit: LimitOption = 100,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List events: who did what to whom (CAMEO and PLOVER), when, where, whether it happened, and how many sources say so."""
    from .store import EventQuery

    with _store(db) as store:
        article_id = _article_id(store, article_id)
        entities = None if mentions else _actor_entities(store, actor)
        query = EventQuery(actor=actor if not entities else None, country=country, type=type_,
                           since=_day(since, "--since"), until=_day(until, "--until"),
                           modality=tuple(m.value for m in modality) if modality else None, place=place,
                           article_id=article_id, limit=limit, actor_entities=entities)  # fmt: skip
        if mentions:
            rows = store.event_mentions(query)
        else:
            rows = store.fused_events(query)
            found = store.mentions_of_events([r["event_id"] for r in rows]) if fmt != OutputFormat.table else {}
    headers = {"plover_type": "type", "cameo_code": "cameo", "num_mentions": "mentions", "num_sources": "sources"}
    if mentions:
        for row in rows:
            row["source"] = ", ".join(s["code"] or s["text"] for s in row["sources"])
            row["target"] = ", ".join(t["code"] or t["text"] for t in row["targets"])
            row["place"] = row["location"]["text"] if row["location"] else None
        columns = ["date", "plover_type", "cameo_code", "source", "target", "modality", "trigger", "place"]
        if fmt != OutputFormat.table:
            columns = ["mention_id", "event_id", "article_id", *columns, "plover_mode", "quad_class", "goldstein",
                       "date_precision", "modality_cue", "reported_by", "start", "end", "sentence", "confidence",
                       "sources", "targets", "location", "merge_reason"]  # fmt: skip
        emit(rows, columns, fmt.value, headers=headers)
        return
    if fmt != OutputFormat.table:
        from .export import FIELDS, event_record

        emit([event_record(r, found.get(r["event_id"], [])) for r in rows], FIELDS["events"], fmt.value)
        return
    for row in rows:
        row["source"] = _names(row["sources"])
        row["target"] = _names(row["targets"])
        row["place"] = row["location"]["name"] if row["location"] else None
        if "date" in (row["conflicts"] or {}):
            row["date"] = f"{row['date']} (?)"  # outlets disagree: see --format json
    columns = ["date", "plover_type", "cameo_code", "source", "target", "modality", "place", "num_mentions",
               "num_sources"]  # fmt: skip
    emit(rows, columns, fmt.value, headers=headers)


@app.command(epilog="Example: dateline quotes --speaker TURGOV")
def quotes(
    db: DbOption = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="An actor code prefix (TURGOV) or part of a speaker's name.")
    ] = None,
    article_id: ArticleOption = None,
    limit: LimitOption = 100,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List quotations, direct and indirect, with the speaker, the cue verb and the events inside them."""
    with _store(db) as store:
        article_id = _article_id(store, article_id)
        rows = store.quotes(article_id=article_id, speaker=speaker, limit=limit)
    for row in rows:
        row["events"] = len(row["mention_ids"])
    columns = ["speaker", "speaker_code", "cue", "kind", "text", "events"]
    if fmt != OutputFormat.table:
        columns = ["article_id", "start", "end", *columns[:-1], "sentence", "mention_ids"]
    emit(rows, columns, fmt.value, headers={"speaker_code": "code"})


class EntityType(StrEnum):
    person = "person"
    organization = "organization"
    place = "place"
    group = "group"
    product = "product"


@app.command(epilog="Example: dateline entities --type person --name Macron")
def entities(
    db: DbOption = None,
    type_: Annotated[EntityType | None, typer.Option("--type", help="Only this kind of entity.")] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Only entities whose name or an alias contains this.")
    ] = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List entities across articles (people, organizations, places, groups), most mentioned first."""
    with _store(db) as store:
        rows = store.entity_rows(query=name, type=type_.value if type_ else None, limit=limit)
    for row in rows:
        row["aliases"] = sorted(row["aliases"], key=lambda a: (-row["aliases"][a], a))
        row["also"] = ", ".join(a for a in row["aliases"] if a != row["name"])[:80]
        row["role"] = row["roles"][-1]["role"] if row["roles"] else None
    columns = ["entity_id", "name", "type", "actor_code", "role", "num_mentions", "num_articles", "also"]
    if fmt != OutputFormat.table:
        columns = ["entity_id", "name", "type", "country", "sector", "actor_code", "aliases", "roles", "geonames_id",
                   "lat", "lon", "num_mentions", "num_articles", "first_date", "last_date"]  # fmt: skip
    emit(rows, columns, fmt.value, headers={"num_mentions": "mentions", "num_articles": "articles"})


@app.command(epilog="Example: dateline entity Macron")
def entity(
    name: Annotated[str, typer.Argument(help="An entity id, name or alias.", show_default=False)],
    db: DbOption = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Show at most this many links, latest articles first.")
    ] = 50,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Show one entity: its names, roles over time, and why the latest articles' mentions were linked to it."""
    from .errors import NotFound

    with _store(db) as store:
        ids = _actor_entities(store, name)
        if not ids:
            raise NotFound(f"no entity named {name!r}; list them with `dateline entities --name ...`")
        if len(ids) > 1:
            rows = store.entity_rows(ids)
            listed = "; ".join(f"{r['entity_id']} {r['name']} ({r['type']})" for r in rows[:5])
            raise NotFound(f"{name!r} names {len(ids)} entities ({listed}); give an id")
        [row] = store.entity_rows(ids)
        row["links"], row["num_links"] = store.entity_links_of(row["entity_id"], limit)
    if fmt != OutputFormat.table:
        emit([row], list(row), fmt.value)
        return
    console.print(safe_text(f"{row['name']}", "bold"), safe_text(f"  {row['type']} · {row['entity_id']}", "dim"))
    facts = [("country", row["country"]), ("sector", row["sector"]), ("actor code", row["actor_code"]),
             ("GeoNames id", row["geonames_id"]), ("seen", f"{row['first_date']} to {row['last_date']}"),
             ("mentions", f"{row['num_mentions']} in {row['num_articles']} article(s)"),
             ("names used", ", ".join(f"{a} ({n})" for a, n in row["aliases"].items()))]  # fmt: skip
    for what, value in facts:
        if value not in (None, ""):
            console.print(safe_text(f"{what}: ", "dim") + safe_text(str(value)))
    if row["roles"]:
        emit(row["roles"], ["role", "country", "sector", "first", "last", "count"], "table", title="Roles")
    emit(
        row["links"],
        ["date", "article_id", "name", "score", "reason"],
        "table",
        title="Why each article's mentions are this entity",
    )
    if row["num_links"] > len(row["links"]):
        console.print(safe_text(f"latest {len(row['links'])} of {row['num_links']} links; more with --limit", "dim"))


@app.command(epilog="Example: dateline stories --since 2022-02-01 --limit 20")
def stories(
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only stories that name this entity.")] = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List stories (articles about one happening and its developments), largest first."""
    with _store(db) as store:
        ids = _actor_entities(store, actor) if actor else None
        rows = []
        for entity_id in ids or [None]:
            rows += store.story_rows(since=_day(since, "--since"), until=_day(until, "--until"), entity=entity_id,
                                     limit=limit)  # fmt: skip
    rows = list({r["story_id"]: r for r in rows}.values())[:limit]
    for row in rows:
        row["dates"] = (
            f"{row['start_date']} to {row['end_date']}"
            if row["start_date"] != row["end_date"]
            else str(row["start_date"])
        )
        row["who"] = ", ".join(e["name"] for e in row["entities"][:4])
        row["outlet_list"] = ", ".join(row["outlets"][:4]) + (" …" if len(row["outlets"]) > 4 else "")
    columns = ["story_id", "dates", "num_articles", "num_events", "outlet_list", "who", "title"]
    if fmt != OutputFormat.table:
        columns = ["story_id", "title", "start_date", "end_date", "num_articles", "num_events", "outlets", "entities"]
    emit(
        rows, columns, fmt.value, headers={"num_articles": "articles", "num_events": "events", "outlet_list": "outlets"}
    )


@app.command(epilog="Example: dateline story 5c1e --format json")
def story(
    story_id: Annotated[
        str | None,
        typer.Argument(
            help="A story id or a unique prefix of one; the largest story when left out.", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    modality: Annotated[
        list[Modality] | None, typer.Option("--modality", help="Only events of these modalities (repeatable).")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Show one story: what it is about, its timeline of events with their sources, and key quotes."""
    from .errors import NotFound
    from .export import event_record
    from .store import EventQuery

    with _store(db) as store:
        if story_id is None:
            largest = store.story_rows(limit=1)
            if not largest:
                raise NotFound("no stories yet: ingest articles first (`dateline ingest PATH`)")
            story_id = largest[0]["story_id"]
        found = store.find_story(story_id)
        if found is None:
            raise NotFound(f"no story {story_id!r} (or the prefix matches several); list them with `dateline stories`")
        query = EventQuery(story_id=found["story_id"], limit=None,
                           modality=tuple(m.value for m in modality) if modality else None)  # fmt: skip
        rows = store.fused_events(query)
        event_mentions = store.mentions_of_events([r["event_id"] for r in rows])
        quotes = _key_quotes(store.quotes_of_articles(found["article_ids"]))
        heads = store.article_heads(found["article_ids"]) if fmt == OutputFormat.table else []
    timeline = [event_record(r, event_mentions.get(r["event_id"], [])) for r in rows]
    if fmt != OutputFormat.table:
        emit([{**found, "timeline": timeline, "quotes": quotes}], [*found, "timeline", "quotes"], fmt.value)
        return
    console.print(safe_text(found["title"], "bold"))
    console.print(safe_text(
        f"{found['story_id']} · {found['start_date']} to {found['end_date']} · {found['num_articles']} article(s) · "
        f"{found['num_events']} event(s)", "dim"))  # fmt: skip
    if found["outlets"]:
        console.print(safe_text("outlets: ", "dim") + safe_text(", ".join(found["outlets"])))
    if found["entities"]:
        console.print(safe_text("who and where: ", "dim") + safe_text(", ".join(e["name"] for e in found["entities"])))
    emit(heads, ["article_id", "date", "headline"], "table", title="Articles")
    _print_timeline(timeline)
    if quotes:
        emit(quotes, ["speaker", "text"], "table", title="Key quotes")


def _key_quotes(quotes: list[dict], n: int = 5) -> list[dict]:
    """Direct quotations with a named speaker, those reporting events first, one per text."""
    seen, out = set(), []
    ranked = sorted(
        quotes,
        key=lambda q: (q["kind"] != "direct", not q["speaker"], -len(q["mention_ids"]), q["article_id"], q["start"]),
    )
    for q in ranked:
        key = " ".join(q["text"].split()).casefold()
        if key in seen or not q["speaker"]:
            continue
        seen.add(key)
        out.append({"speaker": q["speaker"], "speaker_code": q["speaker_code"], "text": q["text"],
                    "kind": q["kind"], "article_id": q["article_id"], "start": q["start"], "end": q["end"]})  # fmt: skip
        if len(out) == n:
            break
    return out


def _print_timeline(timeline: list[dict], title: str = "Timeline") -> None:
    rows = []
    for e in timeline:
        outlets = sorted({m["outlet"] or m["article_id"][:8] for m in e["mentions"]})
        rows.append({
            "date": e["date"] + (" (?)" if e["conflicts"] and "date" in e["conflicts"] else ""),
            "what": f"{e['plover_type'] or ''} {e['cameo_code']}".strip(),
            "who": f"{_names(e['sources']) or '?'} → {_names(e['targets']) or '?'}",
            "modality": e["modality"],
            "where": e["location_name"],
            "sources": f"{e['num_sources']} ({', '.join(outlets[:3])}{' …' if len(outlets) > 3 else ''})",
            "evidence": e["mentions"][0]["trigger"] if e["mentions"] else "",
        })  # fmt: skip
    emit(rows, ["date", "what", "who", "modality", "where", "sources", "evidence"], "table", title=title)


@app.command(epilog="Example: dateline timeline --actor Macron --since 2022-01-01")
def timeline(
    db: DbOption = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="An entity name, alias or id (or an actor code).")
    ] = None,
    dyad: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--dyad", help="Two entities: the events where one acts on the other, either way.", show_default=False
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    modality: Annotated[
        list[Modality] | None, typer.Option("--modality", help="Only these modalities (repeatable); default all.")
    ] = None,
    limit: LimitOption = 200,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The events of an actor, or between two actors, in date order with their sources."""
    from .errors import NotFound
    from .export import event_record
    from .store import EventQuery

    if not actor and not dyad:
        raise ConfigError("say whose timeline: --actor NAME or --dyad NAME NAME")
    with _store(db) as store:
        first, second = (dyad[0], dyad[1]) if dyad else (actor, None)
        x = _actor_entities(store, first)
        y = _actor_entities(store, second) if second else None
        if second and (not x or not y):
            missing = first if not x else second
            raise NotFound(f"no entity named {missing!r}; list them with `dateline entities --name ...`")
        query = EventQuery(actor=first if not x else None, actor_entities=x, partner_entities=y,
                           since=_day(since, "--since"), until=_day(until, "--until"), limit=limit,
                           modality=tuple(m.value for m in modality) if modality else None)  # fmt: skip
        rows = store.fused_events(query)
        found = store.mentions_of_events([r["event_id"] for r in rows])
    records = [event_record(r, found.get(r["event_id"], [])) for r in rows]
    if fmt != OutputFormat.table:
        from .export import FIELDS

        emit(records, FIELDS["events"], fmt.value)
        return
    _print_timeline(records, title=f"Timeline of {' and '.join(dyad) if dyad else actor}")


@app.command(epilog="Example: dateline articles --since 2022-02-01 --search ceasefire --format json")
def articles(
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    outlet: OutletOption = None,
    search: SearchOption = None,
    limit: LimitOption = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many first.")] = 0,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List stored articles (one row per distinct text) by date, with filters."""
    query = _query(since, until, outlet, search, limit, offset)
    with _store(db) as store:
        rows = store.articles(query)
        total = store.count_articles(query) if fmt == OutputFormat.table else None
    for row in rows:
        row["preview"] = " ".join(row["preview"].split())
    if fmt == OutputFormat.table:
        for row in rows:
            row["headline"] = row["title"] or row["preview"][:100] + "…"
        columns = ["article_id", "date", "outlets", "num_publications", "headline"]
        emit(rows, columns, fmt.value, headers={"num_publications": "pubs"})
    else:
        columns = ["article_id", "date", "date_value", "date_precision", "outlets"]
        columns += ["num_publications", "title", "n_chars", "preview"]
        emit(rows, columns, fmt.value)
    if total is not None:
        err_console.print(
            f"{len(rows)} of {total} article(s)" + (" (use --limit/--offset for more)" if total > len(rows) else "")
        )


@app.command(epilog="Example: dateline show 3f2a9c1e")
def show(
    article_id: Annotated[str, typer.Argument(help="An article id, or a unique prefix of one.", show_default=False)],
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Show one article: its text with entities and times highlighted, and every publication of it."""
    with _store(db) as store:
        article = store.get_article(article_id)
        found_times = store.times(article["article_id"])
        found_mentions = store.mentions(article["article_id"])
    pubs = article.pop("publications")
    if fmt != OutputFormat.table:
        article["publications"] = pubs
        article["times"] = found_times
        article["mentions"] = found_mentions
        emit([article], list(article), fmt.value)
        return
    console.print(safe_text(article["title"] or "(no title)", "bold"))
    console.print(
        safe_text(
            f"{article['article_id']} · {article['date_value']} ({article['date_precision']}) · {article['n_chars']:,} characters",
            "dim",
        )
    )
    console.print()
    text = safe_text(article["text"])
    for m in found_mentions:
        text.stylize(_LABEL_STYLE.get(m["label"], "underline"), m["start"], m["end"])
    for t in found_times:
        text.stylize("bold magenta", t["start"], t["end"])
    console.print(text)
    if found_times or found_mentions:
        legend = [("times", "bold magenta"), ("people", "bold cyan"), ("organizations", "bold green")]
        legend += [("places", "bold yellow"), ("other entities", "underline")]
        console.print(Text(" · ").join(Text(word, style) for word, style in legend))
    console.print()
    emit(
        pubs,
        ["date_value", "outlet", "url", "source_path", "source_location", "source_id"],
        "table",
        title="Publications",
    )


@app.command(epilog="Example: dateline rejects --reason bad_date --format csv")
def rejects(
    db: DbOption = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help=f"Only this reason: {', '.join(REJECT_REASONS)}.")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Include rejects resolved since (a later run stored the fixed record).")
    ] = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Show at most this many.")] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the files and records that were rejected, with where and why."""
    if reason is not None and reason not in REJECT_REASONS:
        raise ConfigError(f"unknown reason {reason!r}; choose {', '.join(REJECT_REASONS)}")
    with _store(db) as store:
        rows = store.rejects(include_resolved=all_, reason=reason, limit=limit)
    columns = ["source_path", "source_location", "reason", "message", "run_id"]
    if all_:
        columns.append("resolved_run_id")
    if fmt != OutputFormat.table:
        columns.insert(4, "snippet")
    emit(rows, columns, fmt.value)
    if fmt == OutputFormat.table:
        err_console.print(f"{len(rows)} reject(s)")


@app.command(epilog="Example: dateline stats --db news.db")
def stats(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Summarize what the store holds: articles, publications, outlets, dates, rejects, runs."""
    from dataclasses import asdict

    with _store(db) as store:
        s = store.stats()
        annotated = store.annotation_status()
        resolved = store.resolve_status()
        url = store.display_url
    data = {"database": url, **asdict(s), **annotated, **resolved}
    if fmt != OutputFormat.table:
        emit([data], list(data), fmt.value)
        return
    rows = [
        {"what": "database", "value": url},
        {"what": "articles (distinct texts)", "value": s.articles},
        {"what": "publications", "value": s.publications},
        {"what": "articles published more than once", "value": s.republished_articles},
        {"what": "outlets", "value": s.outlets},
        {"what": "dates", "value": f"{s.first_date} to {s.last_date}" if s.first_date else "-"},
        {"what": "articles annotated", "value": annotated["annotated"]},
        {"what": "  entity mentions", "value": annotated["mentions"]},
        {"what": "  time expressions", "value": annotated["times"]},
        {"what": "  event mentions", "value": annotated["event_mentions"]},
        {"what": "  quotations", "value": annotated["quotes"]},
        {"what": "articles resolved", "value": resolved["resolved"]},
        {"what": "  entities", "value": resolved["entities"]},
        {"what": "  stories", "value": resolved["stories"]},
        {"what": "  events (fused)", "value": resolved["events"]},
        {"what": "open rejects", "value": s.open_rejects},
        *({"what": f"  {reason}", "value": n} for reason, n in s.rejects_by_reason.items()),
        {"what": "runs", "value": s.runs},
        {"what": "schema", "value": s.migrations[-1] if s.migrations else "-"},
    ]
    emit(rows, ["what", "value"], "table")


@app.command(epilog="Example: dateline runs --limit 5")
def runs(
    db: DbOption = None,
    limit: LimitOption = 20,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the latest runs: when, which command and version, how they ended, what they did."""
    with _store(db) as store:
        rows = store.runs(limit)
    emit(rows, ["run_id", "started_at", "finished_at", "status", "dateline_version", "command", "counts"], fmt.value)


@app.command(epilog="Example: dateline export articles --format parquet -o articles.parquet")
def export(
    kind: Annotated[
        str, typer.Argument(help="What to export: articles, entities, times or events.", show_default=False)
    ],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl, csv or parquet.")] = ExportFormat.jsonl,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (default: standard output; parquet needs a file)."),
    ] = None,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    outlet: OutletOption = None,
    search: SearchOption = None,
) -> None:
    """Export records in the fields of the output contract (docs/export.md), one per publication for articles."""
    from .export import export as run_export

    query = _query(since, until, outlet, search)
    with _store(db) as store:
        n = run_export(store, kind, fmt.value, output, query)
    if output is not None and str(output) != "-":
        err_console.print(f"wrote {n} {kind} row(s) to {output}")


@app.command(name="config", epilog="Example: dateline config --set ingest.max_chars=200000 > dateline.toml")
def config_cmd(config: ConfigOption = None, set_: SetOption = None) -> None:
    """Print the settings in force as a commented TOML file (defaults, your file, --set)."""
    sys.stdout.write(defaults_toml(load_config(config, set_ or [])))


@app.command(epilog="Example: dateline synth world/ --articles 5000 --seed 1")
def synth(
    folder: Annotated[
        Path, typer.Argument(help="The folder to write the world into (new or empty).", show_default=False)
    ],
    articles: Annotated[int, typer.Option("--articles", "-n", min=1, help="How many articles to write.")] = 5000,
    seed: Annotated[int, typer.Option("--seed", help="The same seed and sizes give the same files.")] = 1,
    people: Annotated[int, typer.Option("--people", min=2, help="Public figures in the world.")] = 400,
    countries: Annotated[int, typer.Option("--countries", min=2, max=200, help="Countries in the world.")] = 12,
    span_days: Annotated[int, typer.Option("--span-days", min=30, help="Days the news covers.")] = 730,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that is not empty.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Write a fictional news world: articles from many outlets about its events, and the exact gold of every stage.

    The folder gets articles.jsonl (the input, wire copies included), kb/ and dateline.toml (the world's
    countries, capitals and cities for the pipeline), gold/ (entities, events, stories, and per article
    every mention, time, event and quote with its span) and world.json. Score a run with `dateline eval`.
    """
    from .synth import SynthSettings, write_world

    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{str(folder)!r} is a file; give a folder to write the world into")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ConfigError(f"{str(folder)!r} is not empty; choose a new folder or pass --force to write into it")
    settings = SynthSettings(seed=seed, people=people, countries=countries, span_days=span_days)
    progress = _RichProgress(enabled=not quiet, label="synth", unit="articles")
    with progress.bar:
        progress.start(articles, 1)
        done = [0]

        def advance(n: int) -> None:
            progress.advance(n - done[0])
            done[0] = n

        summary = write_world(folder, articles, settings, progress=advance)
    if quiet:
        return
    c = summary["counts"]
    console.print(
        f"Wrote [bold]{c['articles']:,}[/] article(s) ({c['publications']:,} publications, {c['wire_copies']:,} wire "
        f"copies, {c['distractors']:,} distractors) about {c['events']:,} event(s) in {c['stories']:,} stor(ies), "
        f"with {c['entity_mentions']:,} entity mention(s), {c['times']:,} time(s) and {c['quotes']:,} quote(s) in the "
        "gold."
    )
    q = shlex.quote(str(folder))
    console.print(
        f"Next: dateline ingest {q}/articles.jsonl --config {q}/dateline.toml --db {q}/world.db\n"
        f"      dateline eval {q} --db {q}/world.db",
        markup=False,
        highlight=False,
    )


@app.command(name="eval", epilog="Example: dateline eval world/ --db world/world.db")
def eval_cmd(
    gold: Annotated[
        Path,
        typer.Argument(
            help="A world from `dateline synth`, or a gold set folder of shared/eval: ecbplus, meantime-en, "
            "te3-platinum.",
            show_default=False,
        ),
    ],
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="The database to score (a synthetic world's run). Built there from the gold set's documents when it "
            "does not exist; a temporary one when not given.",
            show_default=False,
        ),
    ] = None,
    check_floors: Annotated[
        bool, typer.Option("--check-floors", help="Exit with 1 when a score is under its committed floor.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Score a database against a gold set, stage by stage: stories, entities, event fusion, types, modality, times.

    For a synthetic world the floors shown are those committed for the quality gate's world (5,000 articles,
    seed 1, default sizes); for a public gold set, those of the quality gate (docs/quality.md).
    """
    import json
    import tempfile

    from .evaluation import stages
    from .evaluation.quality import floors as committed_floors

    kind = stages.gold_kind(gold)
    with tempfile.TemporaryDirectory(prefix="dateline-eval-") as tmp:
        if kind == "synth":
            target = db or str(Path(tmp) / "world.db")
            world = stages.load_synth_gold(gold)
            with _store(target) as store:
                if store.count_articles() == 0:
                    stages.build_world_store(gold, store, progress=None if quiet else _step_progress)
                results = stages.score_store(store, world)
            prefix = "synth/" if stages.is_gate_world(gold) else None
        else:
            if not quiet:
                err_console.print(f"Running the pipeline on {kind} (a minute or more) ...")
            results = stages.evaluate_public(gold, db)
            prefix = f"{kind}/"
    floors = {
        k[len(prefix) :]: v
        for k, v in committed_floors().items()
        if prefix and k.startswith(prefix) and stages.get(results, k[len(prefix) :]) is not None
    }
    under = [f"{path} = {stages.get(results, path):.4f} is under its floor {floor:.2f}"
             for path, floor in floors.items() if (stages.get(results, path) or 0.0) < floor]  # fmt: skip
    if fmt == OutputFormat.json:
        console.print_json(json.dumps({"gold": str(gold), "kind": kind, "results": results, "floors": floors}))
    else:
        console.print(stages.render(results, kind, floors), markup=False, highlight=False)
    for line in under:
        err_console.print(f"dateline eval: {line}", markup=False)
    if check_floors and under:
        raise typer.Exit(1)


def _step_progress(step: str) -> _RichProgress:
    if step == "ingest":
        return _RichProgress(enabled=True)
    return _RichProgress(enabled=True, label=step, unit="articles")


def _version(value: bool) -> None:
    if value:
        console.print(f"dateline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn dated news articles into a record of who did what to whom, when and where."""


def main() -> None:
    """Entry point: run the app; turn every error a user can cause into one line and an exit code."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=sys.argv[1:], prog_name="dateline", standalone_mode=False)
    except typer.TyperException as exc:  # a usage error: unknown option, bad choice, missing argument
        exit_code = getattr(exc, "exit_code", 2)
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            console.print(ctx.get_help(), markup=False, highlight=False)  # bare `dateline`: the help
            sys.exit(0)
        message = (exc.format_message() if hasattr(exc, "format_message") else str(exc)).rstrip(".")
        hint = f"; see: {ctx.command_path} --help" if ctx is not None else ""
        err_console.print(safe_text(f"dateline: error: {message}{hint}"), soft_wrap=True)
        sys.exit(exit_code)
    except DatelineError as exc:
        err_console.print(safe_text(f"dateline: error: {exc}"), soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print(
            "dateline: interrupted; what was stored is kept: run the same command again to finish", soft_wrap=True
        )
        sys.exit(130)
    except BrokenPipeError:
        # Output piped to a program that stopped reading (| head): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:
        where = f" {exc.filename!r}" if exc.filename else ""
        err_console.print(safe_text(f"dateline: error: cannot use{where}: {exc.strerror or exc}"), soft_wrap=True)
        sys.exit(1)
    except Exception as exc:  # a traceback is a bug: say so, in one line, and show it on request
        if os.environ.get("DATELINE_DEBUG"):
            raise
        err_console.print(
            safe_text(
                f"dateline: internal error: {type(exc).__name__}: {exc}. This is a bug: please report it; "
                "set DATELINE_DEBUG=1 to see the traceback"
            ),
            soft_wrap=True,
        )
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
