"""dateline: dated news articles in, a trustworthy record of who did what to whom, when and where, out."""

import logging

__version__ = "0.1.0"

from .config import Config, load_config  # noqa: E402
from .errors import ConfigError, DatelineError, InputError, NotFound, PipelineError, StorageError  # noqa: E402
from .model import Article, PublicationDate, Reject  # noqa: E402
from .pipeline.ingest import IngestReport, ingest  # noqa: E402
from .store import ArticleQuery, Store, open_store  # noqa: E402

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "__version__",
    "Article",
    "ArticleQuery",
    "Config",
    "ConfigError",
    "DatelineError",
    "IngestReport",
    "InputError",
    "NotFound",
    "PipelineError",
    "PublicationDate",
    "Reject",
    "StorageError",
    "Store",
    "ingest",
    "load_config",
    "open_store",
]
