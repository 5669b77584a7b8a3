"""The environment files agree: environment.yml, pyproject.toml and requirements.lock."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis.paths import PROJ_ROOT


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^;\s]+)", line.strip())
        if match:
            pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    pip = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    assert _pins(pip) == _pins(project["dependencies"])
    assert "-e ." in pip
    assert any(str(item).startswith("python=3.11") for item in env["dependencies"])


def test_lock_pins_every_direct_dependency_at_the_same_version():
    project = _pins(tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    lock = _pins((PROJ_ROOT / "requirements.lock").read_text().splitlines())
    assert {name: lock.get(name) for name in project} == project


def test_required_packages_are_dependencies():
    project = _pins(tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    assert {"jupyterlab", "pandas", "matplotlib", "nltk", "papermill", "pytest", "nbval"} <= set(project)
