"""Decisions across articles: entity resolution, story clustering, event fusion."""
