"""The docs say what the code does: generated references are current, every command and reason is documented."""

import runpy
import subprocess
import sys

from conftest import ROOT

from dateline.cli import app
from dateline.model import REJECT_REASONS


def test_docs_generated_references_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "generate.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_docs_readme_lists_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"dateline {name}" in readme, name
    assert "make demo" in readme and "make test" in readme


def test_docs_every_reject_reason_documented():
    text = (ROOT / "docs" / "input.md").read_text(encoding="utf-8")
    for reason in REJECT_REASONS:
        assert f"`{reason}`" in text, reason


def test_docs_generator_imports_cleanly():
    module = runpy.run_path(str(ROOT / "docs" / "generate.py"))
    assert set(module["GENERATED"]) == {"cli.md", "config.md"}
