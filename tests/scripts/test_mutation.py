"""scripts/mutation.py: reading mutmut's verdicts and the score arithmetic (no mutmut run)."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from scripts import mutation
from scripts.mutation import (
    ModuleScore,
    MutationError,
    module_name,
    parse_results,
    read_modules,
    report,
    score_modules,
)

REPO = Path(__file__).resolve().parents[2]
MODULES = ["governance/calendar.py", "projects/permissions.py"]

# As ``mutmut results --all true`` prints them (mutmut 3.8.1).
RESULTS = """\
    governance.calendar.x_dutch_public_holidays__mutmut_1: killed
    governance.calendar.x_dutch_public_holidays__mutmut_7: survived
    governance.calendar.xǁWorkingCalendarǁ__init____mutmut_1: killed
    governance.calendar.xǁWorkingCalendarǁ_working_at__mutmut_5: timeout
    governance.calendar.xǁWorkingCalendarǁ_build__mutmut_3: suspicious
    projects.permissions.x_can_see__mutmut_1: killed
    projects.permissions.x_can_see__mutmut_2: no tests
    projects.permissions.x_can_see__mutmut_3: skipped
    projects.permissions.x_can_see__mutmut_4: segfault
    projects.permissions.x_can_see__mutmut_5: caught by type check
    projects.selectors.x_other__mutmut_1: survived
"""


def _score(path: str, **statuses: int) -> ModuleScore:
    score = ModuleScore(path)
    score.statuses.update({status.replace("_", " "): n for status, n in statuses.items()})
    return score


class TestReadingVerdicts:
    def test_each_mutant_and_its_status(self):
        verdicts = parse_results("\n" + RESULTS + "\nsome other line\n")
        assert len(verdicts) == 11
        assert verdicts["governance.calendar.xǁWorkingCalendarǁ__init____mutmut_1"] == "killed"
        assert verdicts["projects.permissions.x_can_see__mutmut_5"] == "caught by type check"

    def test_module_names_as_mutmut_writes_them(self):
        assert module_name("governance/calendar.py") == "governance.calendar"
        assert (
            module_name("projects/services/scan/planning.py") == "projects.services.scan.planning"
        )
        assert module_name("projects/services/scan/__init__.py") == "projects.services.scan"

    @pytest.mark.parametrize("path", ["projects/services/scan/*", "governance/calendar"])
    def test_only_plain_python_files_can_be_scored(self, path):
        with pytest.raises(MutationError, match="plain .py files"):
            module_name(path)


class TestCounting:
    def test_per_module(self):
        calendar, permissions = score_modules(MODULES, parse_results(RESULTS))
        # killed and timeout count as killed; survived and suspicious do not.
        assert (calendar.path, calendar.killed, calendar.total) == (MODULES[0], 3, 5)
        # killed and caught by type check; no tests and segfault not; skipped left out;
        # projects.selectors is not one of the modules.
        assert (permissions.path, permissions.killed, permissions.total) == (MODULES[1], 2, 4)

    def test_the_order_of_the_modules_is_kept(self):
        scores = score_modules(list(reversed(MODULES)), parse_results(RESULTS))
        assert [s.path for s in scores] == list(reversed(MODULES))

    def test_a_module_without_mutants_is_an_error(self):
        with pytest.raises(MutationError, match="no mutants of projects/typo.py"):
            score_modules([*MODULES, "projects/typo.py"], parse_results(RESULTS))

    @pytest.mark.parametrize("status", ["not checked", "check was interrupted by user"])
    def test_an_incomplete_run_is_an_error(self, status):
        verdicts = {**parse_results(RESULTS), "projects.permissions.x_f__mutmut_9": status}
        with pytest.raises(MutationError, match="incomplete"):
            score_modules(MODULES, verdicts)

    def test_an_unknown_status_is_an_error(self):
        verdicts = {**parse_results(RESULTS), "projects.permissions.x_f__mutmut_9": "new"}
        with pytest.raises(MutationError, match="unknown mutmut status 'new'"):
            score_modules(MODULES, verdicts)


class TestScore:
    @pytest.mark.parametrize(
        ("killed", "survived", "passes"),
        [(9, 1, True), (90, 10, True), (89, 11, False), (8999, 1001, False), (10, 0, True)],
    )
    def test_each_module_needs_ninety_percent(self, killed, survived, passes):
        score = _score("m.py", killed=killed, survived=survived)
        assert score.passes() is passes

    def test_the_lines_printed(self):
        scores = [
            _score("governance/calendar.py", killed=248, timeout=2, survived=13),
            _score("projects/permissions.py", killed=180, survived=18, skipped=3),
        ]
        assert report(scores) == [
            "mutation: governance/calendar.py 250/263",
            "mutation: projects/permissions.py 180/198",
            "mutation score: 93.3% (430/461)",
        ]

    def test_the_total_is_rounded_to_one_decimal(self):
        assert report([_score("m.py", killed=2, survived=1)])[-1] == ("mutation score: 66.7% (2/3)")


class TestMain:
    """The whole script over recorded verdicts (``--no-run``: mutmut is not started)."""

    @pytest.fixture
    def repo(self, tmp_path, monkeypatch):
        (tmp_path / "pyproject.toml").write_text(
            '[tool.mutmut]\nonly_mutate = ["governance/calendar.py", "projects/permissions.py"]\n'
        )
        monkeypatch.setattr(mutation, "ROOT", tmp_path)
        return tmp_path

    def _verdicts(self, monkeypatch, text: str) -> None:
        def fake_mutmut(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
            assert args == ("results", "--all", "true")
            return subprocess.CompletedProcess(args, 0, stdout=text, stderr="")

        monkeypatch.setattr(mutation, "mutmut", fake_mutmut)

    def test_below_ninety_percent_on_a_module_exits_1(self, repo, monkeypatch, capsys):
        self._verdicts(monkeypatch, RESULTS)
        assert mutation.main(["--no-run"]) == 1
        out, err = capsys.readouterr()
        assert out.splitlines() == [
            "mutation: governance/calendar.py 3/5",
            "mutation: projects/permissions.py 2/4",
            "mutation score: 55.6% (5/9)",
        ]
        assert "governance/calendar.py: 1 survived, 1 suspicious" in err

    def test_every_module_at_ninety_percent_exits_0(self, repo, monkeypatch, capsys):
        lines = [f"    governance.calendar.x_f__mutmut_{i}: killed" for i in range(9)]
        lines += ["    governance.calendar.x_f__mutmut_9: survived"]
        lines += ["    projects.permissions.x_g__mutmut_1: timeout"]
        self._verdicts(monkeypatch, "\n".join(lines))
        assert mutation.main(["--no-run"]) == 0
        assert capsys.readouterr().out.splitlines() == [
            "mutation: governance/calendar.py 9/10",
            "mutation: projects/permissions.py 1/1",
            "mutation score: 90.9% (10/11)",
        ]

    def test_a_failed_run_exits_2_without_a_score(self, repo, monkeypatch, capsys):
        self._verdicts(monkeypatch, "    governance.calendar.x_f__mutmut_1: not checked\n")
        assert mutation.main(["--no-run"]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert "incomplete" in err


class TestConfiguration:
    """The ``[tool.mutmut]`` table ``make mutation`` runs with."""

    def test_the_modules_and_test_files_exist(self):
        table = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mutmut"]
        modules = read_modules(REPO / "pyproject.toml")
        assert modules == [
            "governance/calendar.py",
            "projects/services/scan/planning.py",
            "projects/services/scan/flags.py",
            "projects/permissions.py",
        ]
        for path in [*modules, *table["pytest_add_cli_args_test_selection"]]:
            assert (REPO / path).is_file(), path
        for path in table["source_paths"]:
            assert (REPO / path / "__init__.py").is_file(), path
        # Every app (and config, which the settings are) goes along into mutants/.
        apps = {p.parent.name for p in REPO.glob("*/apps.py")}
        assert apps | {"config"} <= set(table["source_paths"])

    def test_a_pyproject_without_modules_is_an_error(self, tmp_path):
        (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
        with pytest.raises(MutationError, match="no \\[tool.mutmut\\] only_mutate"):
            read_modules(tmp_path / "pyproject.toml")
