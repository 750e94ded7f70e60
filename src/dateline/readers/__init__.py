"""Readers: files, directories, globs and stdin in; Article records and Rejects out."""

from .formats import FIELD_ALIASES, FORMATS, Source, detect_format, outlet_from_url, read_source
from .paths import expand_paths

__all__ = ["FIELD_ALIASES", "FORMATS", "Source", "detect_format", "expand_paths", "outlet_from_url", "read_source"]
