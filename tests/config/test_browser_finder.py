"""Finding a browser for the browser tests: BB_CHROMIUM, system paths, Playwright's own."""

from __future__ import annotations

import stat

import pytest

from tests.browser import finder


def _program(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bare_machine(monkeypatch, tmp_path):
    """No browser anywhere: nothing on PATH, no system path, an empty Playwright folder."""
    monkeypatch.delenv("BB_CHROMIUM", raising=False)
    monkeypatch.setattr(finder.shutil, "which", lambda name: None)
    monkeypatch.setattr(finder, "SYSTEM_PATHS", (str(tmp_path / "usr" / "bin" / "chromium"),))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    return tmp_path


def test_a_bare_machine_has_none(bare_machine):
    assert finder.find_chromium() is None


def test_bb_chromium_comes_first(bare_machine, monkeypatch):
    system = _program(bare_machine / "usr" / "bin" / "chromium")
    chosen = _program(bare_machine / "opt" / "my-chromium")
    monkeypatch.setenv("BB_CHROMIUM", str(chosen))

    assert finder.find_chromium() == str(chosen)
    monkeypatch.delenv("BB_CHROMIUM")
    assert finder.find_chromium() == str(system)


def test_a_bb_chromium_that_points_nowhere_is_not_replaced_by_another(bare_machine, monkeypatch):
    _program(bare_machine / "usr" / "bin" / "chromium")
    monkeypatch.setenv("BB_CHROMIUM", str(bare_machine / "typo"))

    assert finder.find_chromium() is None


def test_a_file_that_cannot_be_run_is_no_browser(bare_machine):
    (bare_machine / "usr" / "bin").mkdir(parents=True)
    (bare_machine / "usr" / "bin" / "chromium").write_text("not a program")

    assert finder.find_chromium() is None


def test_a_browser_on_the_path_comes_before_the_fixed_paths(bare_machine, monkeypatch):
    _program(bare_machine / "usr" / "bin" / "chromium")
    on_path = _program(bare_machine / "bin" / "chromium-browser")
    monkeypatch.setattr(
        finder.shutil, "which", lambda name: str(on_path) if name == "chromium-browser" else None
    )

    assert finder.find_chromium() == str(on_path)


def test_playwrights_own_download_comes_last_newest_first(bare_machine):
    folder = bare_machine / "ms-playwright"
    _program(folder / "chromium-1100" / "chrome-linux" / "chrome")
    newest = _program(folder / "chromium-1200" / "chrome-linux64" / "chrome")

    assert finder.find_chromium() == str(newest)

    system = _program(bare_machine / "usr" / "bin" / "chromium")
    assert finder.find_chromium() == str(system)


@pytest.mark.parametrize(
    ("value", "required"),
    [("1", True), ("true", True), ("yes", True), ("", False), ("0", False), ("no", False)],
)
def test_the_ci_switch(monkeypatch, value, required):
    monkeypatch.setenv("BB_REQUIRE_BROWSER", value)
    assert finder.browser_required() is required
