"""Resolution at volume: 100,000 generated articles (gold annotations, no parsing) resolved in one run."""

import pytest

from dateline.resolve.run import resolve
from dateline.store import Store
from dateline.synth import Truth, kb_config, load_annotated

N = 100_000


@pytest.mark.slow
def test_resolve_100k_generated_articles(tmp_path):
    store = Store(str(tmp_path / "volume.db"))
    truth = Truth()
    load_annotated(store, N, truth=truth)
    config = kb_config()
    report = resolve(store, config)
    assert report.articles == N
    status = store.resolve_status()
    assert status["resolved"] == N and status["stories"] < len(set(truth.story.values())) * 1.2
    scores = truth.scores(store)
    # People are told apart across 100,000 articles and every spelling; dense news merges some stories
    # that share their actors; fused events stay close to the generator's.
    assert scores["people_b3_f1"] >= 0.99
    assert scores["stories_b3_f1"] >= 0.85
    assert scores["events_b3_f1"] >= 0.90
    again = resolve(store, config)
    assert again.run_id is None  # nothing new: a second run changes nothing
    store.close()
