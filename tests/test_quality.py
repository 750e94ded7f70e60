"""The quality gate: scores on the public gold sets in ../shared/eval must not fall under the committed floors."""

import shutil

import pytest

from dateline.evaluation.quality import check_floors, evaluate, floors
from dateline.evaluation.timex import GoldDoc, GoldTimex, load_te3, score


@pytest.fixture(scope="module")
def results(eval_dir):
    return evaluate(eval_dir)


@pytest.mark.slow
def test_quality_scores_at_or_above_floors(results):
    failures = check_floors(results, floors("public"))
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_quality_te3_value_f1_beats_heideltime(results):
    assert results["te3-platinum/times"]["value"]["f1"] >= 0.80  # the bar (HeidelTime: 0.776)


def test_quality_changed_gold_file_is_refused(eval_dir, tmp_path):
    copy = tmp_path / "te3-platinum"
    copy.mkdir()
    data = (eval_dir / "te3-platinum" / "documents.jsonl").read_bytes()
    (copy / "documents.jsonl").write_bytes(data.replace(b"2013-03-22", b"2013-03-23", 1))
    with pytest.raises(ValueError, match="has changed"):
        load_te3(tmp_path)
    shutil.rmtree(copy)


def _span(start, end, value, type_="DATE"):
    return GoldTimex(start, end, type_, value)


def test_quality_score_counts_strict_relaxed_and_value():
    doc = GoldDoc("d", "x" * 100, None, [_span(0, 10, "2022"), _span(20, 30, "2021-01"), _span(50, 60, "P1D")])
    predicted = [_span(0, 10, "2022"), _span(22, 30, "2021-02"), _span(70, 80, "PRESENT_REF")]
    s = score([doc], lambda d: predicted)
    assert (s.gold, s.predicted) == (3, 3)
    assert s.strict["precision"] == pytest.approx(1 / 3, abs=1e-3) and s.relaxed["recall"] == pytest.approx(
        2 / 3, abs=1e-3
    )
    assert s.value["precision"] == pytest.approx(1 / 3, abs=1e-3) and s.value["recall"] == pytest.approx(
        1 / 3, abs=1e-3
    )
    kinds = sorted(e["kind"] for e in s.errors)
    assert kinds == ["missed", "spurious", "wrong value"]


def test_quality_floors_flag_a_drop():
    results = {"a/times": {"value": {"f1": 0.70}}}
    assert check_floors(results, {"a/times.value.f1": 0.75}) == ["a/times.value.f1 = 0.7000 is under its floor 0.7500"]
    assert check_floors(results, {"a/times.value.f1": 0.70}) == []
