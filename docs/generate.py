"""Generate docs/cli.md (from each command's --help) and docs/config.md (from the settings declarations).

.venv/bin/python docs/generate.py          # rewrite both
.venv/bin/python docs/generate.py --check  # exit 1 if either is out of date (run by the tests)
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def _help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from dateline.cli import app

    result = CliRunner().invoke(app, args, env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}, terminal_width=100)
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n")


def cli_reference() -> str:
    from dateline.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    parts = [
        "# Command-line reference",
        "",
        "Generated from `--help` by `docs/generate.py`; do not edit by hand.",
        "",
        "Every command takes `--db` (or `$DATELINE_DB`): a SQLite file path (default `./dateline.db`) or a",
        "SQLAlchemy URL such as `postgresql://user@host/dbname`. Errors are one line on stderr; exit codes:",
        "0 success, 1 failure (including `--strict` stopping at a reject), 2 bad usage, option, setting or",
        "path, 3 not found, 130 interrupted.",
        "",
        "## dateline",
        "",
        "```",
        _help(["--help"]),
        "```",
    ]
    for name in names:
        parts += ["", f"## dateline {name}", "", "```", _help([name, "--help"]), "```"]
    return "\n".join(parts) + "\n"


def config_reference() -> str:
    from dateline.config import SETTINGS, defaults_toml

    parts = [
        "# Settings",
        "",
        "Generated from the declarations in `src/dateline/config.py` by `docs/generate.py`; do not edit by hand.",
        "",
        "Settings come from the defaults below, then a TOML file of yours (`--config FILE` or",
        "`$DATELINE_CONFIG`) that names only what it changes, then `--set KEY=VALUE` on the command line.",
        "`dateline config` prints the settings in force. Each run records them.",
        "",
        "| setting | type | default | what it does |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        allowed = f" One of: {', '.join(map(str, s.choices))}." if s.choices else ""
        parts.append(f"| `{s.name}` | {s.type.__name__} | `{s.default!r}` | {s.help}{allowed} |")
    parts += ["", "As a file (`dateline config > dateline.toml`):", "", "```toml", defaults_toml().rstrip(), "```"]
    return "\n".join(parts) + "\n"


GENERATED = {"cli.md": cli_reference, "config.md": config_reference}


def main() -> int:
    check = "--check" in sys.argv
    stale = []
    for name, make in GENERATED.items():
        text = make()
        path = DOCS / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)}; run: .venv/bin/python docs/generate.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
