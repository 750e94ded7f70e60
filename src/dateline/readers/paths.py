"""Expand the paths a user gives (files, directories, globs, ``-``) into Sources."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError
from .formats import FORMATS, Source

__all__ = ["expand_paths"]


def _walk(directory: str) -> Iterable[str]:
    """Files under a directory, recursively, in a stable (sorted) order; hidden entries skipped."""
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def expand_paths(paths: Iterable[str], input_format: str | None = None) -> list[Source]:
    """Turn command-line paths into the list of inputs to read, in a stable order.

    Args:
        paths: files, directories (read recursively, hidden entries skipped), glob
            patterns (``'data/**/*.jsonl'``; quote them so the shell leaves them), or
            ``-`` for standard input.
        input_format: force one format for every input (``text``, ``jsonl``, ``json``,
            ``csv``, ``html``); None picks it from each file's name, else its content.

    Returns:
        The sources, each file once, in the order given (directory contents sorted).

    Raises:
        InputError: a path does not exist, a glob matches nothing, or the format is unknown.
    """
    if input_format is not None and input_format not in FORMATS:
        raise InputError(f"unknown input format {input_format!r}; choose {', '.join(FORMATS)}")
    sources: list[Source] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)
        try:
            size = os.path.getsize(path)
        except OSError:
            size = None
        sources.append(Source(path, input_format, size))

    for given in paths:
        if given == "-":
            sources.append(Source("-", input_format, None, sys.stdin.buffer))
        elif os.path.isdir(given):
            for path in _walk(given):
                add(path)
        elif os.path.exists(given):
            add(given)
        elif glob.has_magic(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                raise InputError(f"no files match {given!r}; check the pattern")
            for match in matches:
                if os.path.isdir(match):
                    for path in _walk(match):
                        add(path)
                else:
                    add(match)
        else:
            hint = ""
            parent = Path(given).parent
            if not parent.exists():
                hint = f" (directory {str(parent)!r} does not exist either)"
            raise InputError(f"no such file or directory: {given!r}{hint}; check the path")
    return sources
