"""Scoring dateline against annotated data (the gold sets in ``../shared/eval/``).

The data stays where it is; loaders read it from a folder given at run time and check
its hash, so that a changed file cannot silently move a score.
"""
