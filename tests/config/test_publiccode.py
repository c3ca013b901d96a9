"""publiccode.yml describes this code as the register expects, and agrees with pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]


def test_publiccode_yml_has_what_the_standard_requires_and_matches_the_project():
    publiccode = YAML(typ="safe").load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    for key in ("publiccodeYmlVersion", "name", "url", "platforms", "categories",
                "developmentStatus", "softwareType", "description", "legal", "maintenance",
                "localisation"):  # fmt: skip
        assert key in publiccode, key
    assert publiccode["softwareVersion"] == project["version"]
    assert publiccode["legal"]["license"] == project["license"] == "EUPL-1.2"
    for language in ("nl", "en"):
        description = publiccode["description"][language]
        assert description["shortDescription"].strip()
        assert len(description["shortDescription"]) <= 150
        assert len(description["longDescription"]) >= 150
        assert description["features"]


def test_the_licence_is_the_eupl():
    assert (
        (ROOT / "LICENSE")
        .read_text(encoding="utf-8")
        .startswith("# EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    )
