"""`dateline eval`: a store scored against a gold set, stage by stage."""

import json

import pytest

from dateline import Config
from dateline.evaluation.stages import GoldSet, load_synth_gold, render, score_store
from dateline.resolve.run import resolve
from dateline.store import Store
from dateline.synth import SynthSettings, load_annotated, write_world

SMALL = SynthSettings(seed=5, people=80, countries=6)
N = 300


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("world")
    write_world(folder, N, SMALL)
    return folder


def _load_gold_annotations(store, world, n, settings, spoil=None):
    """The generator's gold as annotations (a perfect annotator), stored and resolved."""
    load_annotated(store, n, settings, transform=spoil)
    resolve(store, Config({"kb.path": str(world / "kb")}))


def test_eval_perfect_annotations_score_perfect_per_mention(world, tmp_path):
    """With the gold as annotations, every per-mention stage scores 1.0; the cross-article ones are measured."""
    store = Store(str(tmp_path / "perfect.db"))
    _load_gold_annotations(store, world, N, SMALL)
    r = score_store(store, load_synth_gold(world))
    store.close()
    assert r["documents"] == {"gold": N, "stored": N, "missing": 0, "wire_copies": r["documents"]["wire_copies"],
                              "wire_copies_joined": r["documents"]["wire_copies"]}  # fmt: skip
    assert r["events"]["mentions"]["f1"] == 1.0
    assert r["events"]["types"]["cameo_accuracy"] == 1.0 and r["events"]["modality"]["accuracy"] == 1.0
    assert r["events"]["dates"]["accuracy"] == 1.0
    assert r["times"]["value"]["f1"] == 1.0
    assert r["entities"]["strict"]["all"]["mentions"]["f1"] == 1.0
    assert r["entities"]["strict"]["named"]["b3"]["f1"] > 0.95  # resolution across articles of perfect mentions
    assert r["stories"]["b3"]["f1"] > 0.85
    counts = r["events"]["counts"]
    assert counts["found"] == counts["gold_events"] and counts["missed"] == 0
    assert counts["split"] + counts["wrongly_merged"] < counts["gold_events"] / 3
    assert "| stories |" in render(r)


def test_eval_counts_an_error(world, tmp_path):
    """Spoiled annotations (every negated mention called asserted, one CAMEO code wrong) lower exactly those scores."""

    def spoil(ann):
        for e in ann.events:
            if e.modality == "negated":
                e.modality = "asserted"
        ann.times = ann.times[1:]

    store = Store(str(tmp_path / "spoiled.db"))
    _load_gold_annotations(store, world, N, SMALL, spoil)
    r = score_store(store, load_synth_gold(world))
    store.close()
    confusion = r["events"]["modality"]["confusion"]
    assert confusion.get("negated->asserted", 0) > 0 and "negated->negated" not in confusion
    assert r["events"]["modality"]["accuracy"] < 1.0 and r["events"]["types"]["cameo_accuracy"] == 1.0
    assert r["times"]["value"]["recall"] < 1.0 and r["times"]["value"]["precision"] == 1.0


def test_eval_pairwise_and_counts_on_a_toy_gold():
    from dateline.evaluation.crossdoc import GoldMention
    from dateline.evaluation.stages import _pairs, _prf

    gold = {"a": 1, "b": 1, "c": 2}
    pred = {"a": "x", "b": "y", "c": "y"}
    assert _pairs(gold) == {frozenset(("a", "b"))}
    assert _pairs(pred) == {frozenset(("b", "c"))}
    assert _prf(0, 1, 1)["f1"] == 0.0
    assert GoldSet("toy", docs={"d": "s"}, entities=[GoldMention("d", 1, 0, 1, "e")]).entities


def test_eval_command_builds_and_scores_a_world(world, tmp_path, run):
    db = tmp_path / "world.db"
    code, stdout, err = run("eval", str(world), "--db", str(db), "--quiet", "--format", "json")
    assert code == 0, err
    out = json.loads(stdout)
    assert out["kind"] == "synth" and out["floors"] == {}  # floors are for the gate's world only
    r = out["results"]
    assert r["documents"]["missing"] == 0
    for path in ("stories", "entities", "events", "times"):
        assert path in r
    assert r["stories"]["b3"]["f1"] > 0.8 and r["times"]["value"]["f1"] > 0.8  # the real pipeline, 300 articles
    assert r["events"]["mentions"]["f1"] > 0.7
    code, stdout, _ = run("eval", str(world), "--db", str(db), "--quiet")  # scores the stored run
    assert code == 0 and "| event fusion (B³) |" in stdout


def test_eval_and_synth_refuse_bad_folders(tmp_path, run):
    (tmp_path / "x").mkdir()
    code, _, err = run("eval", str(tmp_path / "x"))
    assert code == 2 and "holds no gold set" in err and "Traceback" not in err
    code, _, err = run("eval", str(tmp_path / "nowhere"))
    assert code == 2 and "is not a folder" in err
    (tmp_path / "x" / "f").write_text("1")
    code, _, err = run("synth", str(tmp_path / "x"), "-n", "10")
    assert code == 2 and "not empty" in err
    code, out, err = run("synth", str(tmp_path / "w"), "-n", "10", "--seed", "2")
    assert code == 0 and "Wrote 10 article(s)" in out and (tmp_path / "w" / "gold" / "events.jsonl").exists()


def test_eval_public_gold_set_through_the_store(eval_dir, run):
    """A public gold set through the same command: TempEval-3's documents into a store, scored, floors checked."""
    code, stdout, err = run("eval", str(eval_dir / "te3-platinum"), "--check-floors", "--quiet", "--format", "json")
    assert code == 0, err
    out = json.loads(stdout)
    assert out["kind"] == "te3-platinum" and set(out["floors"]) == {"times.value.f1", "times.strict.f1",
                                                                     "times.relaxed.f1"}  # fmt: skip
    assert out["results"]["times"]["value"]["f1"] >= out["floors"]["times.value.f1"]
