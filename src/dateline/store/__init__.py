"""Storage: one :class:`Store` interface over SQLAlchemy Core (SQLite by default, PostgreSQL)."""

from .store import DEFAULT_DB, ArticleQuery, BatchResult, EventQuery, Store, open_store, resolve_url

__all__ = ["Store", "open_store", "resolve_url", "ArticleQuery", "EventQuery", "BatchResult", "DEFAULT_DB"]
