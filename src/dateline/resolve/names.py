"""Name matching for cross-article entity resolution: folding, transliteration skeletons, person names.

Everything here is per-name work done once (keys are precomputed); the resolver groups names by
:func:`block_key` and only compares names inside a block, so the cost grows with the number of mentions,
never with pairs across the corpus.

- :func:`fold`: Unidecode, casefold, apostrophes deleted, every other non-alphanumeric character (hyphens
  included) a space: "Çavuşoğlu" → "cavusoglu", "O'Brien" → "obrien", "Kim Jong-un" → "kim jong un".
- :func:`skeleton`: a transliteration-tolerant key for one folded token, made by the ordered rewrite rules
  of :data:`SKELETON_RULES` (the table is the documentation).
- :func:`parse_person` → :class:`PersonName`; :func:`compare` → :class:`Match` (score and a readable reason)
  or None; :func:`block_key`.
- Given names: equivalence classes from ``data/kb/given_names.tsv`` (:func:`given_name_classes`).
- Organizations and places: :func:`org_key`, :func:`acronym`, :func:`match_org`, :func:`place_key`.

Decisions (see also the rule table):

- Lukin ≠ Lakin: vowels are never stripped. Only o/u are merged everywhere (Mohammed/Muhammad, Omar/Umar,
  Moon/Mun) and e/a after the first syllable except a final letter (Ahmed/Ahmad, Hussein/Husain). So a/u
  stay apart (Lukin ≠ Lakin, Obama ≠ Osama) while Lukin = Lokin.
- Gendered surnames stay apart: a final -a is never touched (Ivanov ≠ Ivanova); the fuzzy fallback also
  demands the same last two letters (Aleksandrov ≠ Aleksandrova).
- Kolomoisky/Kolomoyskyy/Kolomoyskiy/Kolomoiskii share a key; a German form with an initial S for Z
  (Sacharow for Zakharov) does not (the -yj ending is handled, initial S/Z is not merged: that would conflate
  too much).
- Gaddafi/Gadhafi share a key, and Qaddafi/Qadhafi/Kadhafi/Kaddafi share another: the Libyan g for Arabic q
  is dialect, not a transliteration rule, and merging g with k or q would conflate far too much.
- Lee ≠ Li, Kim ≠ Kin, Merkel ≠ Markel (first-syllable vowels are kept); Bush = Busch (German sch = sh).
- Arabic articles (al-, el-, ad-, …) and European particles (von, van, de, di, da, …) are kept in
  :attr:`PersonName.surname` but left out of the key, because outlets drop them on second reference
  ("al-Assad"/"Assad", "de Guindos"/"Guindos"); a match then says so and scores a little lower. Particles that
  make a different name are kept in the key: patronymics ("bin Salman" is not King Salman) and French
  le/la ("Le Pen", never "Pen").
- East Asian order: the family name is first only on a reliable sign, a final hyphenated given name with a
  lowercase second syllable ("Kim Jong-un", "Moon Jae-in", "Mao Tse-tung"), or when the caller says so
  (``family_first=True``, e.g. from the actor's country). "Kim Jong Un" and "Xi Jinping" written without
  the sign parse Western-style (surname "un", "jinping"): no simple rule tells them from "Mary Ann Lee".
- Mehmet is not a spelling of Muhammad (see the header of the data file).
- Not merged: kh/h (Khan ≠ Han), th/t (Smith ≠ Smit), s/z, initial g/h (Hall ≠ Gall). Accepted collisions
  of the rules: Logan = Lohan (g/h between vowels), Lewis = Levis (w = v), Rubin = Robin, Song = Sung (o = u).
  They only make two names share a block: given names must still agree before anything merges.
- Secondary similarity: Jaro-Winkler (rapidfuzz) on the skeletons, not on the raw spellings, so that what the
  rules already absorb does not count against a pair; only for skeletons of 7+ letters with the same last two
  letters, at ≥ 0.95 (Saakashvili ≈ Saakachvili, Berdymukhamedov ≈ Berdimuhamedow), and said in the reason.
  It needs a pair of names to look at: blocking is by exact key, so the resolver uses it on candidates it
  already has (e.g. names of one story), never as a corpus-wide search.

Known limitations: Gaddafi ≠ Qaddafi and German initial S for Z (above); French -ine endings (Prigojine) and Belarusian forms (Lukashenka) are not rewritten; Wade-Giles vs pinyin (Mao Tse-tung / Mao
Zedong) is not systematic and not covered; Spanish double surnames key on the last one; middle initials on one
side only are accepted, so "George W. Bush" is compatible with "George H. W. Bush"; a leading Al/Van with one
more word is a given name ("Al Gore"), so a surname-only "Al Thani" or "Van Rompuy" parses as given name +
surname and then needs the given names to agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from rapidfuzz.distance import JaroWinkler
from unidecode import unidecode

__all__ = [
    "SKELETON_RULES",
    "GivenNames",
    "Match",
    "PersonName",
    "acronym",
    "block_key",
    "compare",
    "fold",
    "given_name_classes",
    "match_org",
    "org_key",
    "parse_person",
    "place_key",
    "read_name_classes",
    "skeleton",
]

# ---------------------------------------------------------------------------------------------- folding

_APOSTROPHES = re.compile("['`\"\u2018\u2019\u201b\u02bc\u02bb\u02bf\u02be\u00b4\u2032]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Unidecode, casefold, delete apostrophes, turn any other punctuation (hyphens too) into one space."""
    s = unidecode(_APOSTROPHES.sub("", text)).casefold()
    return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", s)).strip()


# ---------------------------------------------------------------------------------------------- skeleton


def _reduce_unstressed_e(m: re.Match[str]) -> str:
    return m[1] + re.sub(r"e(?=.)", "a", m[2])


# Ordered rewrite rules on one folded token: (pattern, replacement, why and examples). Applied top to bottom.
SKELETON_RULES: tuple[tuple[str, str | Callable[[re.Match[str]], str], str], ...] = (
    (r"^abd[aeiou]?l", "abdal", "Arabic Abd al- compounds: Abdullah = Abdallah = Abdellah, Abdulaziz = Abdelaziz"),
    (r"tsch", "ch", "German tsch: Tschaikowsky = Chaikovsky"),
    (r"tch", "ch", "French/English tch: Tchaikovsky = Chaikovsky"),
    (r"sch", "sh", "German sch: Busch = Bush, Schroeder = Shroeder"),
    (r"dzh|dj", "j", "Russian dzh, French dj: Dzhokhar = Jokhar, Djamel = Jamel"),
    (r"ph", "f", "ph: Philip = Filip"),
    (r"gh", "g", "Arabic ghayn: Baghdad = Bagdad"),
    (r"dh", "d", "Arabic dhal: Kadhafi = Kaddafi"),
    (r"tz", "ts", "German tz: Schwartz = Schwarts"),
    (r"w", "v", "German/Polish w: Wolga = Volga, Lwow = Lvov"),
    (r"q(?!i)", "k", "Arabic q: Qaddafi = Kaddafi, Iraq = Irak (pinyin qi is kept)"),
    (r"c(?![eihy])", "k", "hard c: Nicolas = Nikolas, Victor = Viktor, Cavusoglu = Kavusoglu"),
    (r"(?<=.)x", "ks", "x: Alexei = Aleksei (initial x kept: pinyin Xi)"),
    (r"(.)\1+", r"\1", "double letters: Hussein = Husein, Mohammed = Mohamed, Gaddafi = Gadafi"),
    (r"[iy]j$", "i", "German/Czech -yj, -ij: Kovalskyj = Kovalsky"),
    (r"^i(?=[aeou])", "y", "initial i before a vowel: Iurii = Yurii, Iakov = Yakov"),
    (r"^ye", "e", "initial ye: Yevgeny = Evgeny, Yerevan = Erevan"),
    (r"(?<=.)y", "i", "y as a vowel: Kolomoyskyy = Kolomoiskii, Yanukovych = Yanukovich, Shoygu = Shoigu, Husayn"),
    (r"(?<=[^aeiou])[aeiou]+v$", "ov", "final -iv/-ev/-iev/-ov: Kharkiv = Kharkov, Lviv = Lvov, Chernihiv = Chernigov"),
    (r"(?<=[aeiou])g(?=[aeiou])", "h", "g/h between vowels (Ukrainian h = Russian g): Luhansk = Lugansk"),
    (r"o", "u", "o/u: Mohammed = Muhammad, Omar = Umar, Mevlut; French ou = u: Moussa = Musa"),
    (
        r"^([^aeiou]*[aeiou]+)(.+)$",
        _reduce_unstressed_e,
        "e = a after the first syllable, not as the last letter: Ahmed = Ahmad, Hussein = Husain",
    ),
    (r"(.)\1+", r"\1", "double letters again: Kolomoiskii = Kolomoiski, Kiiv, Huseyin -> husaiin -> husain"),
)
_COMPILED_RULES = tuple((re.compile(p), r) for p, r, _ in SKELETON_RULES)


@lru_cache(maxsize=1 << 18)
def skeleton(token: str) -> str:
    """Transliteration-tolerant key of one name token (folded first): see :data:`SKELETON_RULES`.

    Same key: Kolomoisky/Kolomoyskyy/Kolomoyskiy, Luhansk/Lugansk, Kharkiv/Kharkov,
    Cavusoglu/Çavuşoğlu, Tchaikovsky/Chaikovsky, Yanukovych/Yanukovich, Shoigu/Shoygu, Hussein/Husain,
    Muhammad/Mohammed/Mohamed, Qaddafi/Kadhafi. Different: Lukin/Lakin, Ivanov/Ivanova, Kim/Kin, Obama/Osama.
    """
    s = fold(token).replace(" ", "")
    for pattern, repl in _COMPILED_RULES:
        s = pattern.sub(repl, s)
    return s


# ---------------------------------------------------------------------------------------------- given names

GIVEN_NAMES_FILE = "given_names.tsv"


def read_name_classes(text: str) -> list[tuple[str, ...]]:
    """The classes of a given_names.tsv text: one tuple of folded spellings (first = class id) a line."""
    classes: list[tuple[str, ...]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        spellings = dict.fromkeys(f for f in (fold(x).replace(" ", "") for x in line.split("\t")) if f)
        if spellings:
            classes.append(tuple(spellings))
    return classes


@dataclass(frozen=True, slots=True)
class GivenNames:
    """Given-name classes: folded spelling → class id, and a skeleton index for unlisted spellings."""

    by_spelling: Mapping[str, str]
    by_skeleton: Mapping[str, str]
    classes: Mapping[str, tuple[str, ...]]
    initials: Mapping[str, frozenset[str]]

    def class_of(self, name: str) -> str | None:
        """The class id of a folded given name, by spelling or else by an unambiguous skeleton."""
        return self.by_spelling.get(name) or self.by_skeleton.get(skeleton(name))

    def __len__(self) -> int:
        return len(self.classes)


def _build(sources: list[tuple[str, str, bool]]) -> GivenNames:
    by_spelling: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for origin, text, strict in sources:
        for spellings in read_name_classes(text):
            known = {by_spelling[s] for s in spellings if s in by_spelling}
            if known and strict:
                raise ValueError(
                    f"{origin}: {', '.join(sorted(s for s in spellings if s in by_spelling))} already in a class"
                )
            if len(known) > 1:
                raise ValueError(f"{origin}: the line {' '.join(spellings)!r} joins two classes: {sorted(known)}")
            cid = known.pop() if known else spellings[0]
            group = members.setdefault(cid, [])
            for s in spellings:
                if s not in by_spelling:
                    by_spelling[s] = cid
                    group.append(s)
    by_skeleton: dict[str, str | None] = {}
    for s, cid in by_spelling.items():
        k = skeleton(s)
        by_skeleton[k] = cid if by_skeleton.get(k, cid) == cid else None  # ambiguous skeletons are dropped
    return GivenNames(
        by_spelling=MappingProxyType(by_spelling),
        by_skeleton=MappingProxyType({k: v for k, v in by_skeleton.items() if v}),
        classes=MappingProxyType({c: tuple(m) for c, m in members.items()}),
        initials=MappingProxyType({c: frozenset(s[0] for s in m) for c, m in members.items()}),
    )


@lru_cache(maxsize=8)
def _load(extra: tuple[Path, ...]) -> GivenNames:
    shipped = resources.files("dateline").joinpath("data", "kb", GIVEN_NAMES_FILE).read_text(encoding="utf-8")
    sources = [(GIVEN_NAMES_FILE, shipped, True)]
    for path in extra:
        file = path / GIVEN_NAMES_FILE if path.is_dir() else path
        if file.is_file():
            sources.append((str(file), file.read_text(encoding="utf-8"), False))
    return _build(sources)


def given_name_classes(extra: Iterable[Path] | None = None) -> GivenNames:
    """The shipped given-name classes, extended by ``extra`` files or KB folders holding a given_names.tsv (cached).

    A shipped spelling in two classes is an error; an extra line sharing a spelling with a class extends it.
    """
    return _load(tuple(Path(p).resolve() for p in extra or ()))


# ---------------------------------------------------------------------------------------------- person names

# Small and general: the pipeline already strips role titles. Folded; multi-word ones tried first.
_HONORIFICS = tuple(
    sorted(
        (
            tuple(h.split())
            for h in (
                "mr|mrs|ms|mx|miss|dr|prof|professor|sir|dame|lord|lady|rev|reverend|fr|father|hon|"
                "president|pres|prime minister|crown prince|prince|princess|king|queen|emir|sultan|pope|"
                "sheikh|sheik|shaikh|imam|ayatollah|mullah|rabbi|gen|general|lt|col|colonel|maj|major|"
                "capt|captain|adm|admiral|sgt|sen|senator|rep|gov|governor|mme|mlle|herr|frau"
            ).split("|")
        ),
        key=len,
        reverse=True,
    )
)
_HONORIFIC_HEADS: dict[str, tuple[tuple[str, ...], ...]] = {}
for _h in _HONORIFICS:
    _HONORIFIC_HEADS[_h[0]] = (*_HONORIFIC_HEADS.get(_h[0], ()), _h)
_SUFFIXES = frozenset({"jr", "jnr", "sr", "snr", "ii", "iii", "iv"})
# Left out of the surname key: outlets drop them on second reference.
_DROPPED_PARTICLES = frozenset(
    "al el ad ar as ash at az van von der den de del della dello degli dei di da das dos do du des zu ten ter".split()
)
# Kept in the surname key: they make a different name ("bin Salman" is not Salman; "Le Pen" is never "Pen").
_KEPT_PARTICLES = frozenset("bin ibn bint ben ould abu le la mac mc st".split())
_PARTICLES = _DROPPED_PARTICLES | _KEPT_PARTICLES
_GIVEN_LIKE_PARTICLES = frozenset({"al", "van"})  # "Al Gore", "Van Jones": a given name when first and unhyphenated
_ABD = re.compile(r"^abd[aeiou]?l?$")  # Abd / Abdul / Abdel / Abdol + the next name make one name
_TOKEN = re.compile(r"[^\W_]+")
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_CAMEL_ARTICLE = re.compile(r"\b([AaEe]l)(?=[A-Z][a-z])")  # ElBaradei -> El-Baradei


@dataclass(frozen=True, slots=True)
class PersonName:
    """A parsed person name. Folded fields compare; ``*_display`` fields keep the original spelling for reasons."""

    display: str  # the text as given
    surname: str  # folded, with particles: "al assad", "von der leyen", "bin salman"
    surname_key: str  # skeleton of the surname without dropped particles: block and compare on this
    given: tuple[str, ...]  # given names written in full, folded, in order
    initials: tuple[str, ...]  # given names written as initials, in order ("J. Smith" -> ("j",))
    given_keys: tuple[str, ...]  # aligned with ``given``: a class id, or "~" + skeleton for names outside the table
    forenames: tuple[str, ...]  # given names and initials in written order
    forename_keys: tuple[str, ...]  # aligned with ``forenames`` (an initial keys as itself)
    particles: tuple[str, ...]  # folded particles before the surname ("al",), ("von", "der"), ("bin",)
    suffix: str  # "jr", "sr", "ii", … or ""
    family_first: bool  # parsed in East Asian order
    surname_display: str
    forenames_display: tuple[str, ...]


def _given_key(name: str, table: GivenNames) -> str:
    if len(name) == 1:
        return name
    return table.class_of(name) or "~" + skeleton(name)


class _Tok(NamedTuple):
    folded: str
    shown: str  # as written
    joined: bool  # hyphen-joined to the previous token
    start: int  # offsets in the (normalized) text
    end: int


def _normalize(text: str) -> str:
    return _CAMEL_ARTICLE.sub(r"\1-", unicodedata.normalize("NFC", _APOSTROPHES.sub("", text)))


def _tokens(text: str) -> list[_Tok]:
    """The tokens of a normalized name text."""
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        joined = bool(out) and text[m.start() - 1] in _HYPHENS
        pieces = fold(m[0]).split()  # CJK: one character may fold to several syllables
        for i, piece in enumerate(pieces):
            out.append(_Tok(piece, m[0] if len(pieces) == 1 else piece.title(), joined and i == 0, m.start(), m.end()))
    return out


def _east_asian(tokens: list[_Tok]) -> bool:
    """Family name first: "Kim Jong-un" (a name, then a hyphenated given name whose second part is lowercase)."""
    if len(tokens) != 3 or tokens[1].joined or not tokens[2].joined:
        return False
    if tokens[0].folded in _PARTICLES or tokens[1].folded in _PARTICLES or any(len(t.folded) > 6 for t in tokens):
        return False
    return tokens[2].shown[:1].islower()


def parse_person(text: str, *, family_first: bool | None = None, names: GivenNames | None = None) -> PersonName:
    """Parse a person's name: honorifics stripped, forenames, initials, particles, surname and suffix.

    Args:
        text: the name as written ("Mevlüt Çavuşoğlu", "J. Smith", "Kuleba, Dmytro").
        family_first: force (True) or forbid (False) East Asian order; None detects "Kim Jong-un".
        names: given-name classes (default: :func:`given_name_classes`; results are then cached, names repeat).
    """
    if names is None:
        return _parse_default(text, family_first)
    return _parse(text, family_first, names)


@lru_cache(maxsize=1 << 16)
def _parse_default(text: str, family_first: bool | None) -> PersonName:
    return _parse(text, family_first, given_name_classes())


def _parse(text: str, family_first: bool | None, table: GivenNames) -> PersonName:
    raw = _normalize(text)
    if raw.count(",") == 1:  # "Kuleba, Dmytro"; not "King, Jr."
        head, tail = raw.split(",")
        if tail.strip() and not all(t.folded in _SUFFIXES for t in _tokens(tail)):
            raw = f"{tail.strip()} {head.strip()}"
    tokens = _tokens(raw)
    stripped = True
    while stripped and len(tokens) > 1:  # honorifics at the start
        stripped = False
        for h in _HONORIFIC_HEADS.get(tokens[0].folded, ()):
            if len(tokens) > len(h) and tuple(t.folded for t in tokens[: len(h)]) == h:
                tokens = [tokens[len(h)]._replace(joined=False), *tokens[len(h) + 1 :]]
                stripped = True
                break
    suffix = ""
    while len(tokens) > 1 and tokens[-1].folded in _SUFFIXES:
        suffix = tokens[-1].folded
        tokens = tokens[:-1]
    if not tokens:
        return PersonName(text, "", "", (), (), (), (), (), (), suffix, False, "", ())
    if len(tokens) > 1 and tokens[0].start == tokens[-1].start:  # one CJK word, "習近平": family name, given name
        tokens = [
            tokens[0],
            _Tok("".join(t.folded for t in tokens[1:]), "".join(t.folded for t in tokens[1:]).title(), False, 0, 0),
        ]
        family_first = True
    elif family_first is None:
        family_first = _east_asian(tokens)

    if family_first:
        sur, rest = tokens[:1], tokens[1:]
    else:
        start = len(tokens) - 1
        while start > 0 and tokens[start - 1].folded in _PARTICLES:
            if start == 1 and len(tokens) == 2 and tokens[0].folded in _GIVEN_LIKE_PARTICLES and not tokens[1].joined:
                break  # "Al Gore", "Van Jones"
            start -= 1
        sur, rest = tokens[start:], tokens[:start]

    forenames: list[tuple[str, str]] = []  # (folded, shown); "Abd al-Aziz", "Abdel Fattah" make one name
    i = 0
    while i < len(rest):
        j = i
        if _ABD.match(rest[i].folded) and i + 1 < len(rest):
            j = i + 2 if rest[i + 1].folded in _DROPPED_PARTICLES and i + 2 < len(rest) else i + 1
        forenames.append(
            ("".join(t.folded for t in rest[i : j + 1]), rest[i].shown if i == j else raw[rest[i].start : rest[j].end])
        )
        i = j + 1

    core = "".join(t.folded for t in sur[:-1] if t.folded not in _DROPPED_PARTICLES) + sur[-1].folded
    folded = tuple(f for f, _ in forenames)
    keys = tuple(_given_key(f, table) for f in folded)
    return PersonName(
        display=text,
        surname=" ".join(t.folded for t in sur),
        surname_key=skeleton(core),
        given=tuple(f for f in folded if len(f) > 1),
        initials=tuple(f for f in folded if len(f) == 1),
        given_keys=tuple(k for f, k in zip(folded, keys, strict=True) if len(f) > 1),
        forenames=folded,
        forename_keys=keys,
        particles=tuple(t.folded for t in sur[:-1]),
        suffix=suffix,
        family_first=family_first,
        surname_display=raw[sur[0].start : sur[-1].end] if len(sur) > 1 else sur[0].shown,
        forenames_display=tuple(shown for _, shown in forenames),
    )


def block_key(name: PersonName) -> str:
    """The blocking key: the surname skeleton. The resolver compares only names that share it."""
    return name.surname_key


# ---------------------------------------------------------------------------------------------- compare


@dataclass(frozen=True, slots=True)
class Match:
    """A compatible pair of names: ``score`` in 0..1 and the evidence in words."""

    score: float
    reason: str


_FUZZY_MIN_LEN = 7
_FUZZY_MIN_JW = 0.95


def _compare_surnames(a: PersonName, b: PersonName) -> tuple[float, str] | None:
    da, db = a.surname_display, b.surname_display
    if a.surname == b.surname:
        if da == db:
            return 1.0, f"surname {da}"
        return 0.99, f"surname {da}≈{db} (same letters after folding)"
    if a.surname_key == b.surname_key:
        if set(a.particles) != set(b.particles) and _core(a) == _core(b):
            dropped = "/".join(sorted(set(a.particles) ^ set(b.particles)))
            return 0.95, f"surname {da}≈{db} (particle {dropped} ignored)"
        return 0.95, f"surname {da}≈{db} (transliteration)"
    ka, kb = a.surname_key, b.surname_key
    if min(len(ka), len(kb)) >= _FUZZY_MIN_LEN and ka[-2:] == kb[-2:]:
        sim = JaroWinkler.similarity(ka, kb)
        if sim >= _FUZZY_MIN_JW:
            return 0.85, f"surname {da}≈{db} (similar skeletons {ka}/{kb}, Jaro-Winkler {sim:.2f})"
    return None


def _core(p: PersonName) -> str:
    return "".join(t for t in p.surname.split() if t not in _DROPPED_PARTICLES)


def _pair(x: str, kx: str, y: str, ky: str, table: GivenNames) -> tuple[float, str] | None:
    """How two forenames match: (factor, kind) or None."""
    if x == y:
        return (1.0, "same") if len(x) > 1 else (0.8, "same initial")
    if len(x) == 1 or len(y) == 1:
        initial, full, key = (x, y, ky) if len(x) == 1 else (y, x, kx)
        if len(full) == 1:
            return None
        letters = {full[0], skeleton(full)[0]} | set(table.initials.get(key, ()))
        return (0.85, "initial") if initial in letters else None
    if kx == ky:
        return (0.93, "transliteration") if kx.startswith("~") else (0.95, "same name class")
    if (kx.startswith("~") or ky.startswith("~")) and skeleton(x) == skeleton(y):  # the table did not decide
        return 0.93, "transliteration"
    return None


def _show(name: str) -> str:
    return f"{name}." if len(name) == 1 else name


def _compare_forenames(a: PersonName, b: PersonName, table: GivenNames) -> tuple[float, str] | None:
    if not a.forenames or not b.forenames:
        if not a.forenames and not b.forenames:
            return 0.75, "no given name on either side"
        short = a if not a.forenames else b
        return 0.7, f"no given name in {short.display!r} (surname-only mention)"
    s, lg = (a, b) if len(a.forenames) <= len(b.forenames) else (b, a)
    pairs: list[tuple[int, int, float, str]] = []
    j = 0
    for i, (x, kx) in enumerate(zip(s.forenames, s.forename_keys, strict=True)):
        while j < len(lg.forenames):
            hit = _pair(x, kx, lg.forenames[j], lg.forename_keys[j], table)
            j += 1
            if hit:
                pairs.append((i, j - 1, *hit))
                break
        else:
            break
    if len(pairs) != len(s.forenames):
        return _joined(a, b)
    factor = min(p[2] for p in pairs)
    parts = []
    for i, k, _, kind in pairs:
        x, y = _show(s.forenames_display[i]), _show(lg.forenames_display[k])
        if kind == "same":
            parts.append(f"given name {x}" if x == y else f"given name {x}≈{y} (same letters after folding)")
        elif kind in ("initial", "same initial"):
            parts.append(f"initial {x}≈{y}" if len(s.forenames[i]) == 1 else f"initial {y}≈{x}")
        else:
            parts.append(f"given name {x}≈{y} ({kind})")
    extra = [lg.forenames_display[k] for k in range(len(lg.forenames)) if k not in {p[1] for p in pairs}]
    if extra:
        factor *= 0.97
        parts.append(f"{', '.join(_show(e) for e in extra)} only in {lg.display!r}")
    return factor, "; ".join(parts)


def _joined(a: PersonName, b: PersonName) -> tuple[float, str] | None:
    """ "Jong Un" ≈ "Jongun": the given names written as one word or several."""
    if a.initials or b.initials or len(a.forenames) == len(b.forenames):
        return None
    ja, jb = "".join(a.forenames), "".join(b.forenames)
    if ja == jb or skeleton(ja) == skeleton(jb):
        x, y = " ".join(a.forenames_display), " ".join(b.forenames_display)
        return 0.93, f"given name {x}≈{y} (written as one word or several)"
    return None


def compare(a: PersonName, b: PersonName, *, names: GivenNames | None = None) -> Match | None:
    """Whether two names can be the same person: a :class:`Match` with score and reason, or None.

    The surname keys must be equal (or, for skeletons of 7+ letters with the same last two, Jaro-Winkler ≥ 0.95);
    the given names must then be compatible: the shorter list of forenames matches, in order, a subsequence of
    the longer (same spelling, same name class, same skeleton, or an initial), or one side has none (surname-only
    mention, lower score). Different suffixes (Jr./Sr.) never match.
    """
    if not a.surname_key or not b.surname_key:
        return None
    if a.suffix and b.suffix and a.suffix != b.suffix:
        return None
    sur = _compare_surnames(a, b)
    if sur is None:
        return None
    given = _compare_forenames(a, b, given_name_classes() if names is None else names)
    if given is None:
        return None
    return Match(round(sur[0] * given[0], 3), f"{sur[1]}; {given[1]}")


# ---------------------------------------------------------------------------------------------- orgs and places

_ABBREV_DOT = re.compile(r"(?<=\b\w)\.")  # N.A.T.O. -> NATO, S.A. -> SA, U.S. -> US
_CORPORATE = frozenset(
    "inc incorporated ltd limited corp corporation llc llp lp plc ag sa gmbh co company nv bv spa srl sarl "
    "ab oy oyj asa pty se kg jsc pjsc".split()
)
_ACRONYM_SKIP = frozenset("of the and for in on at to a an de des du la le et".split())


def org_key(text: str) -> str:
    """Organization key: folded, "&" = "and", no leading "the", no trailing corporate suffix (Inc, Ltd, GmbH, …)."""
    words = fold(_ABBREV_DOT.sub("", text.replace("&", " and "))).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _CORPORATE:
        words = words[:-1]
        if len(words) > 1 and words[-1] == "and":  # "Smith & Co"
            words = words[:-1]
    return " ".join(words)


def acronym(text: str) -> str:
    """Initials of the content words, uppercase: "North Atlantic Treaty Organization" → "NATO".

    Stopwords (of, the, and, for, …) are skipped; hyphenated words count once ("Co-operation" → C).
    """
    words = fold(re.sub(rf"(?<=\w)[{_HYPHENS}](?=\w)", "", text)).split()
    return "".join(w[0] for w in words if w not in _ACRONYM_SKIP).upper()


def match_org(a: str, b: str) -> Match | None:
    """Same organization by key ("Apple Inc." = "Apple") or acronym ("NATO" = "North Atlantic Treaty Organization")."""
    ka, kb = org_key(a), org_key(b)
    if not ka or not kb:
        return None
    if ka == kb:
        return Match(1.0, f"organization {a!r}≈{b!r} (same key {ka!r})")
    for short, long_, text_short, text_long in ((ka, kb, a, b), (kb, ka, b, a)):
        if " " not in short and " " in long_ and short.upper() == acronym(org_key(text_long)):
            return Match(0.9, f"{text_short!r} is the acronym of {text_long!r}")
    return None


def place_key(text: str) -> str:
    """Place key: the skeleton of each folded token, leading "the" dropped ("Kharkiv" = "Kharkov", "The Hague" = "Hague")."""
    words = fold(text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(skeleton(w) for w in words)
