"""The install is conventional: SPDX license metadata, a build backend that reads it, a module
entry point."""

from __future__ import annotations

import tomllib
from importlib.metadata import metadata

from tests.conftest import ROOT


def test_license_is_an_spdx_expression_read_by_the_build_backend():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"  # a string, not the deprecated table
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert project["project"]["license-files"] == ["LICENSE"]
    # setuptools reads PEP 639 license expressions from version 77 on
    assert "setuptools>=77" in project["build-system"]["requires"]


def test_installed_metadata_carries_the_expression():
    meta = metadata("brainwaste")
    assert meta["License-Expression"] == "MIT"
    assert meta["Version"] == __import__("brainwaste").__version__
