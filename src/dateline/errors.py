"""Errors dateline raises.

Every error a user can cause is a :class:`DatelineError` whose message says what
was wrong, shows the bad value and suggests what to do. Only the CLI turns these
into one-line messages and exit codes.
"""

from __future__ import annotations

__all__ = ["DatelineError", "ConfigError", "InputError", "PipelineError", "StorageError", "NotFound"]


class DatelineError(Exception):
    """Base class of every error dateline raises on purpose."""

    exit_code = 1


class ConfigError(DatelineError):
    """A setting, option or argument has a bad value."""

    exit_code = 2


class InputError(DatelineError):
    """An input path or stream cannot be used at all (not a bad article: those are rejects)."""

    exit_code = 2


class PipelineError(DatelineError):
    """A pipeline stage failed in a way that is not about one bad article."""


class StorageError(DatelineError):
    """The store cannot be opened, migrated, read or written."""


class NotFound(DatelineError):
    """A requested object (article, run, ...) is not in the store."""

    exit_code = 3
