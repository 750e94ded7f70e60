"""bench/run.py, the single entry point: its sections run at tiny sizes and render into one page."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run_module():
    sys.path.insert(0, str(ROOT / "bench"))  # bench/run.py imports its siblings by name
    spec = importlib.util.spec_from_file_location("dateline_bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_bench_sections_render():
    bench = _run_module()
    texts = ["Turkey's President spoke with Ukraine's leader in Kyiv on Tuesday."] * 8
    stages = bench.bench_stages(texts)
    assert stages[0]["stage"] == "tokenizer" and abs(sum(r["share"] for r in stages) - 1) < 1e-6
    scaling = bench.bench_scaling([40, 80])
    assert [r["articles"] for r in scaling] == [40, 80]
    assert all(r["total"] > 0 for r in scaling) and scaling[0]["bare_parse"] > 0
    rows, described = bench.bench_annotate(4)
    assert [r["records"] for r in rows] == [4] * 5 and rows[-1]["what"] == bench.WHOLE
    assert all(r["seconds"] > 0 and r["vs_read"] > 0 for r in rows) and rows[0]["vs_read"] == 1
    sections = {"scaling": {"rows": scaling, "measured": "today"}, "command": "cmd",
                "annotate": {"rows": rows, "described": described, "stages": stages, "measured": "today"}}  # fmt: skip
    sections["bars"] = bench._bars(sections)
    text = bench.render(sections)
    assert "## Scaling" in text and "| 80 |" in text and "of its throughput" in text and "Command: `cmd`" in text
    assert "## Throughput" in text and f"| {bench.WHOLE} | 4 |" in text
    assert f"{rows[-1]['vs_read']:.2f} (news texts" in sections["bars"][0]
