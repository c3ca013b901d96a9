"""The lock files pin what pyproject.toml asks for: run `make lock` after changing it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return [Requirement(line) for line in names]


def _pinned(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


@pytest.mark.parametrize(("lock", "extra"), [("base.txt", None), ("dev.txt", "dev")])
def test_every_declared_package_is_pinned_within_its_range(lock, extra):
    pinned = _pinned(lock)
    stale = [
        str(requirement)
        for requirement in _declared(extra)
        if pinned.get(canonicalize_name(requirement.name)) is None
        or not requirement.specifier.contains(pinned[canonicalize_name(requirement.name)])
    ]
    assert not stale, f"requirements/{lock} is out of date for {stale}: run `make lock`"


def test_the_image_and_the_developers_install_the_same_versions():
    base, dev = _pinned("base.txt"), _pinned("dev.txt")
    assert base, "requirements/base.txt pins nothing"
    assert {name: dev.get(name) for name in base} == base


@pytest.mark.parametrize("lock", ["base.txt", "dev.txt"])
def test_every_pin_carries_a_hash(lock):
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    unhashed = [entry.split()[0] for entry in entries if "==" in entry and "--hash" not in entry]
    assert not unhashed
