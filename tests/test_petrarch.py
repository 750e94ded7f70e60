"""PETRARCH/TABARI dictionaries: the text format, the JSON-lines form, date-restricted codes, and coding."""

from datetime import date

import pytest

from dateline.petrarch import PetrarchCoder, load_dictionaries, parse_actors, parse_agents, parse_date, parse_verbs

ACTORS = """<!-- a small actor dictionary in PETRARCH's format -->
NORLAND [NRL]
+NORLANDIC
SOUTHMARK [SMK]  # comment
CAPE_ISLES [CPI]
THE_LEAGUE [AAA/BBB]
OLD_GENERAL  # a code that changes with time
    [NRLMIL <900101]
    [NRLGOV 19900101 - 19991231]
    [NRLREB > 991231]
"""
AGENTS = """!PERSON! = MAN MEN WOMAN WOMEN
MINISTER [~GOV]
SOLDIER {SOLDIERS} [~MIL]
"""
VERBS = """&TIES
+DIPLOMATIC
+TRADE

--- RESTORE [064] ---
RESTORE
- * &TIES RELATIONS [065]

--- ATTACK [190] ---
ATTACK {ATTACKS ATTACKED}

--- HAS [---] ---
HAS
"""


def test_petrarch_dates():
    assert parse_date("950601") == date(1995, 6, 1)
    assert parse_date("080120") == date(2008, 1, 20)
    assert parse_date("19950601") == date(1995, 6, 1)
    with pytest.raises(ValueError):
        parse_date("1995")


def test_petrarch_actor_text_format():
    actors = {a.phrases[0]: a for a in parse_actors(ACTORS)}
    assert actors[("NORLAND",)].phrases == [("NORLAND",), ("NORLANDIC",)]
    assert actors[("CAPE", "ISLES")].codes_on(date(2000, 1, 1)) == ["CPI"]
    assert actors[("THE", "LEAGUE")].codes_on(date(2000, 1, 1)) == ["AAA", "BBB"], "compound codes"
    general = actors[("OLD", "GENERAL")]
    assert general.codes_on(date(1985, 5, 5)) == ["NRLMIL"]
    assert general.codes_on(date(1995, 5, 5)) == ["NRLGOV"]
    assert general.codes_on(date(2005, 5, 5)) == ["NRLREB"]


def test_petrarch_agent_and_verb_text_format():
    agents, macros = parse_agents(AGENTS)
    assert macros["!PERSON!"] == ["MAN", "MEN", "WOMAN", "WOMEN"]
    soldier = next(a for a in agents if a.phrases[0] == ("SOLDIER",))
    assert soldier.code == "~MIL" and ("SOLDIERS",) in soldier.phrases
    verbs, synsets = parse_verbs(VERBS)
    assert synsets["TIES"] == [("DIPLOMATIC",), ("TRADE",)]
    restore = next(v for v in verbs if ("RESTORE",) in v.forms)
    assert (
        restore.code == "064"
        and restore.patterns[0].after == ("&TIES", "RELATIONS")
        and restore.patterns[0].code == "065"
    )
    attack = next(v for v in verbs if ("ATTACK",) in v.forms)
    assert ("ATTACKED",) in attack.forms


@pytest.fixture
def dictionaries(tmp_path):
    for name, text in (("d.actors.txt", ACTORS), ("d.agents.txt", AGENTS), ("d.verbs.txt", VERBS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load_dictionaries(tmp_path / "d.actors.txt", tmp_path / "d.agents.txt", tmp_path / "d.verbs.txt")


@pytest.mark.slow
def test_petrarch_coder_codes_with_the_dictionaries(dictionaries):
    coder = PetrarchCoder(dictionaries)
    day = date(2000, 6, 1)
    assert coder.code("Norland will restore trade relations with Southmark.", day) == [("NRL", "SMK", "065")]
    assert coder.code("Norland restored ties with Southmark.", day) == [("NRL", "SMK", "064")]
    assert sorted(coder.code("Norland and the old Cape Isles attacked Southmark soldiers.", day)) == [
        ("CPI", "SMKMIL", "190"),
        ("NRL", "SMKMIL", "190"),
    ]
    assert coder.code("The Old General has attacked Southmark.", date(1995, 1, 1)) == [("NRLGOV", "SMK", "190")]
    assert coder.code("It rained in Norland.", day) == []


def test_petrarch_missing_file_is_an_input_error(tmp_path):
    from dateline.errors import InputError

    with pytest.raises(InputError, match="cannot read dictionary"):
        load_dictionaries(actors=tmp_path / "nope.txt")


@pytest.mark.slow
def test_petrarch_coder_frames(tmp_path):
    """Passives, compound subjects acting on each other, clause-bounded targets, blank-gapped names."""
    (tmp_path / "a.txt").write_text("NORLAND [NRL]\nSOUTHMARK [SMK]\nNORLAND TELEVISION [NRLTV]\nEASTWARD [EST]\n")
    (tmp_path / "v.txt").write_text("--- OPPOSE [112] ---\nOPPOSE\n\n--- DELAY [120] ---\nDELAY\n- % HAVE * [191]\n")
    coder = PetrarchCoder(load_dictionaries(tmp_path / "a.txt", None, tmp_path / "v.txt"))
    day = date(2000, 1, 1)
    assert coder.code("Southmark was opposed by Norland.", day) == [("NRL", "SMK", "112")]
    assert sorted(coder.code("Norland and Southmark have delayed their meeting after Eastward protested.", day)) == [
        ("NRL", "SMK", "191"),
        ("SMK", "NRL", "191"),
    ]
    assert coder.code("Eastward opposed Norland state-run television.", day) == [("EST", "NRLTV", "112")]
