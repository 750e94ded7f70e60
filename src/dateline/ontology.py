"""The event ontologies: CAMEO codes (names, QuadClass, Goldstein), PLOVER types, the crosswalk between
them, and the event patterns, all loaded from data files in ``dateline/data/ontology/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ConfigError
from .kb import _rows

__all__ = ["CameoCode", "Pattern", "Ontology", "load_ontology"]


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code with its QuadClass, Goldstein score and PLOVER type, mode and context."""

    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None


@dataclass(frozen=True, slots=True)
class Pattern:
    """A trigger lemma and part of speech, a condition on its frame, the code it yields, where targets are."""

    lemma: str
    pos: str  # VERB or NOUN
    condition: str | None  # kind, e.g. "obj", "of", "prep", "xcomp", "as", "near", "pair"
    words: frozenset[str]
    code: str
    targets: tuple[str, ...]


@dataclass
class Ontology:
    """CAMEO codes, PLOVER types and the event patterns by (lemma, part of speech)."""

    cameo: dict[str, CameoCode] = field(default_factory=dict)
    plover: dict[str, tuple[str, str]] = field(default_factory=dict)  # type -> (category, definition)
    patterns: dict[tuple[str, str], list[Pattern]] = field(default_factory=dict)
    intents: dict[str, str] = field(default_factory=dict)  # "express intent" code prefix -> announced root

    def announced_root(self, code: str) -> str:
        """The CAMEO root of the act a code is about: 036 (intent to meet) -> 04; 042 -> 04."""
        for size in (4, 3):
            if code[:size] in self.intents:
                return self.intents[code[:size]]
        return code[:2]

    def code(self, code: str) -> CameoCode:
        """A CAMEO code's entry (unknown 4-digit codes fall back to their 3-digit parent)."""
        while code not in self.cameo and len(code) > 2:
            code = code[:-1]
        return self.cameo[code]


def _quad_class(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


def _text(name: str, user_dir: Path | None) -> list[str]:
    texts = []
    if user_dir is not None and (user_dir / name).exists():
        texts.append((user_dir / name).read_text(encoding="utf-8"))
    texts.append(resources.files("dateline").joinpath("data", "ontology", name).read_text(encoding="utf-8"))
    return texts


@lru_cache(maxsize=4)
def load_ontology(user_dir: str | None = None) -> Ontology:
    """Load CAMEO, PLOVER and the event patterns; a user folder's ``event_patterns.tsv`` comes first.

    Raises:
        ConfigError: a pattern names a CAMEO code that does not exist.
    """
    folder = Path(user_dir) if user_dir else None
    onto = Ontology()
    for row in _rows(_text("cameo.tsv", None)[0]):
        code, goldstein, ptype, mode, context, name = (row + [""] * 6)[:6]
        onto.cameo[code] = CameoCode(code, name, float(goldstein), _quad_class(code), ptype or None, mode or None,
                                     context or None)  # fmt: skip
    for row in _rows(_text("plover.tsv", None)[0]):
        onto.plover[row[0]] = (row[1], row[2])
    for row in _rows(_text("intents.tsv", None)[0]):
        onto.intents[row[0]] = row[1]
    for text in _text("event_patterns.tsv", folder):
        for row in _rows(text):
            lemma, pos, condition, code, targets = (row + [""] * 5)[:5]
            if code not in onto.cameo:
                raise ConfigError(f"event pattern {lemma}/{pos} names CAMEO code {code!r}, which does not exist")
            kind, _, words = condition.partition("=")
            pattern = Pattern(lemma.lower(), pos.upper(), kind or None, frozenset(w.lower() for w in words.split("|") if w),
                              code, tuple(t for t in targets.split("|") if t))  # fmt: skip
            onto.patterns.setdefault((pattern.lemma, pattern.pos), []).append(pattern)
    return onto
