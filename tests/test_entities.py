"""Entity resolution across articles: one entity per person, place or organization, whatever the spelling."""

import random
from datetime import date

import pytest

from dateline.errors import ConfigError
from dateline.resolve.entities import EntityIndex, load_rules, local_entities, resolve_entities


def person(text, chain, country=None, sector=None, role=None, canonical=None):
    return {"label": "PERSON", "text": text, "chain": chain, "canonical": canonical or text, "country": country,
            "sector": sector, "role": role, "actor_code": (country or "") + (sector or "") or None}  # fmt: skip


def place(text, geonames_id, country, **kw):
    return {"label": "GPE", "text": text, "geonames_id": geonames_id, "place_country": country, "country": country,
            "lat": 1.0, "lon": 2.0, **kw}  # fmt: skip


def org(text, **kw):
    return {"label": "ORG", "text": text, **kw}


def resolve(articles, rules=None, index=None):
    """articles: {article_id: (date, [mention dicts])} -> ({(article_id, text): entity_id}, links)."""
    locals_, where = [], {}
    for aid, (day, mentions) in articles.items():
        rows = [dict(m, mention_id=f"{aid}:{i}") for i, m in enumerate(mentions)]
        found, of_mention = local_entities(aid, day, rows, {"TUR": 298795, "UKR": 690791})
        locals_ += found
        for row in rows:
            if row["mention_id"] in of_mention:
                where[(aid, row["text"])] = (aid, of_mention[row["mention_id"]])
    links = resolve_entities(locals_, index, rules)
    entity_of = {(x.article_id, x.local_key): x.entity_id for x in links}
    return {k: entity_of[v] for k, v in where.items()}, links


D1, D2 = date(2022, 2, 2), date(2022, 2, 3)


def test_spellings_of_one_person_are_one_entity_and_the_capital_stays_a_place():
    found, links = resolve({
        "a1": (D1, [person("Recep Tayyip Erdoğan", 0, "TUR", "GOV", "President"), person("Erdoğan", 0, "TUR", "GOV"),
                    person("Volodymyr Zelenskyy", 1, "UKR", "GOV"), place("Ankara", 323786, "TUR", actor_code="TURGOV")]),
        "a2": (D2, [person("Recep Tayyip Erdogan", 0, "TUR", "GOV"), person("Erdogan", 0, "TUR", "GOV"),
                    person("Vladimir Zelensky", 1, "UKR", "GOV"), person("Zelensky", 1, "UKR", "GOV"),
                    place("Kyiv", 703448, "UKR"), place("Ankara", 323786, "TUR")]),
        "a3": (D2, [place("Kiev", 703448, "UKR"), person("Zelenskiy", 0)]),
    })  # fmt: skip
    erdogan = {found[("a1", "Erdoğan")], found[("a2", "Recep Tayyip Erdogan")], found[("a2", "Erdogan")]}
    assert erdogan == {found[("a1", "Recep Tayyip Erdoğan")]}
    zelensky = {found[("a1", "Volodymyr Zelenskyy")], found[("a2", "Vladimir Zelensky")], found[("a3", "Zelenskiy")]}
    assert len(zelensky) == 1 and zelensky != erdogan
    assert found[("a1", "Ankara")] == found[("a2", "Ankara")] not in erdogan
    assert found[("a2", "Kyiv")] == found[("a3", "Kiev")]
    reasons = {x.reason for x in links if x.article_id == "a2" and x.name.startswith("Vladimir")}
    assert any("Volodymyr" in r and "Vladimir" in r for r in reasons), reasons


def test_two_people_with_one_surname_stay_apart_and_a_bare_surname_does_not_guess():
    found, links = resolve({
        "a1": (D1, [person("Sergei Ivanov", 0, "RUS", "GOV")]),
        "a2": (D1, [person("Igor Ivanov", 0, "RUS", "GOV")]),
        "a3": (D2, [person("Ivanov", 0, "RUS", "GOV")]),
        "a4": (D2, [person("Sergei B. Ivanov", 0, "RUS", "GOV")]),
    })  # fmt: skip
    assert found[("a1", "Sergei Ivanov")] != found[("a2", "Igor Ivanov")]
    assert found[("a4", "Sergei B. Ivanov")] == found[("a1", "Sergei Ivanov")]
    assert found[("a3", "Ivanov")] not in {found[("a1", "Sergei Ivanov")], found[("a2", "Igor Ivanov")]}
    assert any(x.reason.startswith("ambiguous") for x in links if x.article_id == "a3")


def test_co_occurring_entities_pick_the_right_namesake_for_a_bare_surname():
    found, _ = resolve({
        "a1": (D1, [person("Sergei Ivanov", 0, "RUS", "GOV"), place("Moscow", 524901, "RUS")]),
        "a2": (D1, [person("Igor Ivanov", 0, "RUS", "GOV"), place("Sochi", 491422, "RUS")]),
        "a3": (D2, [person("Ivanov", 0, "RUS", "GOV"), place("Moscow", 524901, "RUS"), org("Gazprom")]),
    })  # fmt: skip
    assert found[("a3", "Ivanov")] == found[("a1", "Sergei Ivanov")]


def test_a_different_country_keeps_namesakes_apart():
    found, links = resolve({"a1": (D1, [person("John Smith", 0, "USA", "GOV")]),
                            "a2": (D2, [person("John Smith", 0, "GBR", "BUS")])})  # fmt: skip
    assert found[("a1", "John Smith")] != found[("a2", "John Smith")]
    assert "country GBR vs USA" in links[-1].reason


def test_role_history_keeps_each_role_with_its_dates():
    index = EntityIndex()
    resolve({
        "a1": (date(2009, 5, 1), [person("Anton Velikov", 0, "RUS", "GOV", "Prime Minister")]),
        "a2": (date(2009, 9, 1), [person("Anton Velikov", 0, "RUS", "GOV", "Prime Minister")]),
        "a3": (date(2022, 2, 1), [person("Anton Velikov", 0, "RUS", "GOV", "President")]),
    }, index=index)  # fmt: skip
    [entity] = index.entities.values()
    assert [(r["role"], r["first"], r["last"], r["count"]) for r in entity.role_history()] == [
        ("Prime Minister", date(2009, 5, 1), date(2009, 9, 1), 2),
        ("President", date(2022, 2, 1), date(2022, 2, 1), 1),
    ]


def test_an_acronym_and_its_expansion_are_one_organization():
    found, _ = resolve({"a1": (D1, [org("North Atlantic Treaty Organization")]), "a2": (D2, [org("NATO")]),
                        "a3": (D2, [org("the Kremlin")]), "a4": (D2, [org("Kremlin")])})  # fmt: skip
    assert found[("a1", "North Atlantic Treaty Organization")] == found[("a2", "NATO")]
    assert found[("a3", "the Kremlin")] == found[("a4", "Kremlin")]


def test_user_rules_pin_and_forbid(tmp_path):
    (tmp_path / "entity_rules.tsv").write_text(
        "# my decisions\nsame\tMohammed bin Salman\tMBS\ndifferent\tJohn Smith\tJ. Smith\n", encoding="utf-8"
    )
    rules = load_rules(str(tmp_path))
    found, links = resolve({
        "a1": (D1, [person("Mohammed bin Salman", 0, "SAU", "GOV")]), "a2": (D2, [person("MBS", 0, "SAU", "GOV")]),
        "a3": (D1, [person("John Smith", 0, "USA")]), "a4": (D2, [person("J. Smith", 0, "USA")]),
    }, rules=rules)  # fmt: skip
    assert found[("a1", "Mohammed bin Salman")] == found[("a2", "MBS")]
    assert found[("a3", "John Smith")] != found[("a4", "J. Smith")]
    assert any("user rule" in x.reason and "entity_rules.tsv:2" in x.reason for x in links)
    (tmp_path / "entity_rules.tsv").write_text("merge\tA\tB\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="entity_rules.tsv:1"):
        load_rules(str(tmp_path))


def test_the_result_does_not_depend_on_the_order():
    names = ["Anna Kowalska", "A. Kowalska", "Kowalska", "Piotr Nowak", "Nowak", "Petr Novak", "Jan Nowak"]
    articles = {f"a{i}": (date(2022, 1, 1 + i % 5), [person(names[i % len(names)], 0, "POL")]) for i in range(21)}
    expected, _ = resolve(articles)
    for seed in range(3):
        keys = list(articles)
        random.Random(seed).shuffle(keys)
        assert resolve({k: articles[k] for k in keys})[0] == expected


def test_incremental_resolution_reuses_stored_entities():
    index = EntityIndex()
    first, _ = resolve({"a1": (D1, [person("Volodymyr Zelenskyy", 0, "UKR", "GOV")])}, index=index)
    later, links = resolve({"a2": (D2, [person("Vladimir Zelensky", 0, "UKR", "GOV")])}, index=index)
    assert later[("a2", "Vladimir Zelensky")] == first[("a1", "Volodymyr Zelenskyy")]
