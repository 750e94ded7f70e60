"""The quality gate end to end: the synthetic world's scores, stage by stage, must not fall under the floors."""

import pytest

from dateline.evaluation.quality import check_floors, evaluate_synth, floors


@pytest.mark.slow
def test_quality_synthetic_world_scores_at_or_above_floors(tmp_path):
    fl = floors("synth")
    assert len(fl) >= 8  # every stage has a floor
    results = evaluate_synth(tmp_path)
    failures = check_floors(results, fl)
    assert not failures, "\n".join(failures)
