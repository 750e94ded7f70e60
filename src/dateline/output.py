"""Printing records for people (Rich tables) and programs (JSON lines, CSV)."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["FORMATS", "emit", "safe_text", "console", "err_console"]

FORMATS = ("table", "json", "csv")

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

# C0/C1 control characters other than tab and newline: text from articles is untrusted
# and must not move the cursor or change the terminal (ANSI escape injection).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_text(value: Any, style: str | None = None) -> Text:
    """Untrusted text as a Rich Text: never read as markup, control characters shown as '�'."""
    return Text(_CONTROL.sub("\ufffd", _plain(value)), style=style or "")


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def _jsonable(value: Any) -> Any:
    """json.dumps fallback: dates (at any depth) as ISO strings."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Print rows as a table, JSON lines or CSV (only ``columns``, in that order); return how many.

    ``headers`` renames columns in the table only; JSON and CSV keep the field names.
    """
    n = 0
    if fmt == "json":
        for row in rows:
            sys.stdout.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, default=_jsonable) + "\n")
            n += 1
        return n
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_plain(row.get(c)) for c in columns])
            n += 1
        return n
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        # Ids and dates stay on one line; long text folds.
        whole = c.endswith("_id") or c in {"date", "date_value", "started_at", "finished_at", "modality", "plover_type",
                                           "cameo_code", "granularity", "type"}  # fmt: skip
        header = (headers or {}).get(c, c)
        table.add_column(header, overflow="fold", no_wrap=whole, min_width=len(header) if whole else None)
    for row in rows:
        table.add_row(*(safe_text(row.get(c)) for c in columns))
        n += 1
    console.print(table)
    return n
