"""Pipeline stages, one module each: ingest now; annotate and resolve come next."""
