"""Pipeline stages: tense on hand-built Docs (no model), the built pipeline and annotate on real articles (slow)."""

from datetime import date

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dateline import Store, ingest
from dateline.errors import PipelineError
from dateline.pipeline.stages import verb_tense

LEMMAS = {"plans": "plan", "planned": "plan", "has": "have", "arrived": "arrive", "visits": "visit"}


def built(words, tags, heads, deps):
    lemmas = [LEMMAS.get(w, w.lower()) for w in words]
    return Doc(Vocab(), words=words, tags=tags, heads=heads, deps=deps, lemmas=lemmas)


def span_of(doc, word):
    tok = next(t for t in doc if t.text == word)
    return tok.idx, tok.idx + len(tok)


@pytest.mark.parametrize(
    ("words", "tags", "heads", "deps", "tense"),
    [
        (["He", "will", "arrive", "on", "Friday"], ["PRP", "MD", "VB", "IN", "NNP"], [2, 2, 2, 2, 3], ["nsubj", "aux", "ROOT", "prep", "pobj"], "future"),
        (["He", "arrived", "on", "Friday"], ["PRP", "VBD", "IN", "NNP"], [1, 1, 1, 2], ["nsubj", "ROOT", "prep", "pobj"], "past"),
        (["He", "has", "arrived", "on", "Friday"], ["PRP", "VBZ", "VBN", "IN", "NNP"], [2, 2, 2, 2, 3], ["nsubj", "aux", "ROOT", "prep", "pobj"], "past"),
        (["He", "plans", "to", "visit", "on", "Friday"], ["PRP", "VBZ", "TO", "VB", "IN", "NNP"], [1, 1, 3, 1, 3, 4], ["nsubj", "ROOT", "aux", "xcomp", "prep", "pobj"], "future"),
        (["He", "planned", "to", "visit", "on", "Friday"], ["PRP", "VBD", "TO", "VB", "IN", "NNP"], [1, 1, 3, 1, 3, 4], ["nsubj", "ROOT", "aux", "xcomp", "prep", "pobj"], "past"),
        (["He", "visits", "on", "Friday"], ["PRP", "VBZ", "IN", "NNP"], [1, 1, 1, 2], ["nsubj", "ROOT", "prep", "pobj"], None),
        (["Talks", "on", "Friday"], ["NNS", "IN", "NNP"], [0, 0, 1], ["ROOT", "prep", "pobj"], None),
    ],
)  # fmt: skip
def test_pipeline_verb_tense_on_hand_built_docs(words, tags, heads, deps, tense):
    doc = built(words, tags, heads, deps)
    assert verb_tense(doc, *span_of(doc, "Friday")) == tense


def test_pipeline_stage_needs_article_date():
    from dateline.pipeline.stages import TimeExpressions

    Doc.set_extension("dateline", default=None, force=True)
    doc = built(["Friday"], ["NNP"], [0], ["ROOT"])
    with pytest.raises(PipelineError, match="article date"):
        TimeExpressions()(doc)


def test_pipeline_stage_error_is_recorded_and_run_goes_on(monkeypatch):
    from dateline.annotations import DocAnnotations
    from dateline.pipeline import stages

    Doc.set_extension("dateline", default=None, force=True)
    doc = built(["Friday"], ["NNP"], [0], ["ROOT"])
    doc._.dateline = DocAnnotations(dct=date(2022, 2, 2))

    def boom(*args, **kwargs):
        raise RuntimeError("rule exploded")

    monkeypatch.setattr(stages, "find_timexes", boom)
    stages.TimeExpressions()(doc)
    assert doc._.dateline.errors == [{"stage": "time_expressions", "error": "RuntimeError: rule exploded"}]


@pytest.mark.slow
def test_pipeline_built_in_order_with_versions():
    from dateline.pipeline.nlp import build_pipeline, stage_versions

    nlp = build_pipeline()
    names = nlp.pipe_names
    assert names.index("gazetteer") < names.index("ner"), "the gazetteer must come before the statistical NER"
    assert names[-7:] == ["entities", "actors", "coref", "places", "time_expressions", "events", "quotes"]
    versions = stage_versions(nlp)
    assert versions["time_expressions"] == "dateline_time_expressions_v1"
    assert versions["model"].startswith("core_web_sm")


@pytest.mark.slow
def test_pipeline_annotate_samples_resolves_the_issue_dates(sample_articles):
    """The relative dates of the sample article dated Wednesday 2022-02-02 (checks, not code paths)."""
    from dateline.pipeline.annotate import annotate

    store = Store(":memory:")
    ingest([str(p) for p in sample_articles], store)
    report = annotate(store)
    assert report.articles == 2 and not report.failed
    first = next(a for a in store.articles() if a["date"] == date(2022, 2, 2))
    values = {(t["text"], t["value"]) for t in store.times(first["article_id"])}
    for expected in [
        ("late Tuesday", "2022-02-01"),
        ("Thursday", "2022-02-03"),
        ("November", "2021-11"),
        ("last month", "2022-01"),
        ("mid-February", "2022-02"),
        ("recent weeks", "PXW"),
        ("this month", "2022-02"),
    ]:
        assert expected in values, (expected, sorted(values))
    second = next(a for a in store.articles() if a["date"] == date(2022, 2, 3))
    values = {(t["text"], t["value"]) for t in store.times(second["article_id"])}
    assert ("2014", "2014") in values and ("Thursday", "2022-02-03") in values
    # Re-annotating replaces, never duplicates.
    before = store.annotation_status()
    assert annotate(store).run_id is None, "nothing new to annotate"
    annotate(store, rerun=True)
    assert store.annotation_status() == before
    store.close()


def test_pipeline_annotations_survive_msgpack():
    """Docs cross process boundaries as msgpack (annotate.jobs > 1): annotations must read back equal."""
    import srsly

    from dateline.annotations import DocAnnotations, Mention
    from dateline.timex import Timex

    ann = DocAnnotations(
        dct=date(2022, 2, 2),
        article_id="abc",
        mentions=[Mention(0, 6, "Ankara", "GPE", 0, root=0, actor_code="TURGOV", lat=39.9, usage="actor")],
        times=[Timex(10, 22, "late Tuesday", "DATE", "2022-02-01", "END", "day", True, "weekday")],
        errors=[{"stage": "x", "error": "y"}],
    )
    assert srsly.msgpack_loads(srsly.msgpack_dumps({"a": ann}))["a"] == ann


@pytest.mark.slow
def test_pipeline_two_processes_store_the_same_annotations(sample_articles):
    from dateline.config import Config
    from dateline.pipeline.annotate import annotate

    results = []
    for jobs in (1, 2):
        store = Store(":memory:")
        ingest([str(p) for p in sample_articles], store)
        annotate(store, Config({"annotate.jobs": jobs}))
        results.append(([(t["article_id"], t["start"], t["value"]) for t in store.times()], store.mentions()))
        store.close()
    (times1, mentions1), (times2, mentions2) = results
    assert times1 == times2
    strip = [{k: v for k, v in m.items() if k not in ("mention_id", "run_id")} for m in mentions1]
    assert strip == [{k: v for k, v in m.items() if k not in ("mention_id", "run_id")} for m in mentions2]
