"""``make mutation``: how many deliberate mistakes in the modules that decide do the tests catch?

Runs mutmut (pinned in the dev dependencies, configured by ``[tool.mutmut]`` in
pyproject.toml) over the modules in its ``only_mutate`` list, on SQLite with no other
services, and prints one line per module and one total::

    mutation: governance/calendar.py 250/263
    mutation score: 93.1% (812/872)

It exits 1 when a module scores below 90%, and 2 when the run itself failed.

How mutmut's verdicts count (``mutmut results --all true``):

- killed: "killed", "timeout" (a mutant that makes the tests run far past their usual
  time, such as an endless loop, is caught; as in mutmut's own score) and "caught by type
  check";
- not killed: "survived", "no tests" (no selected test reaches the mutated function),
  "suspicious" and "segfault" (the tests did not demonstrably fail; rerun it alone with
  ``mutmut run NAME`` to see);
- left out of the total: "skipped";
- "not checked" or "check was interrupted by user" mean the run is incomplete: exit 2.

Each run starts from an empty ``mutants/``: mutmut keeps the verdicts of unchanged
functions between runs even when the tests changed, so a kept directory can report
survivors that the tests now kill. ``--no-run`` only reads the verdicts already there
(after ``mutmut run NAME`` reran some mutants, for instance).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 90  # percent, for each module
LOG = Path("mutants") / "mutmut-run.log"

KILLED = frozenset({"killed", "timeout", "caught by type check"})
NOT_KILLED = frozenset({"survived", "no tests", "suspicious", "segfault"})
LEFT_OUT = frozenset({"skipped"})
INCOMPLETE = frozenset({"not checked", "check was interrupted by user"})


class MutationError(Exception):
    """The run or its results cannot be trusted; the message says why."""


@dataclass
class ModuleScore:
    path: str
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def killed(self) -> int:
        return sum(self.statuses[status] for status in KILLED)

    @property
    def total(self) -> int:
        return sum(n for status, n in self.statuses.items() if status not in LEFT_OUT)

    def passes(self, threshold: int = THRESHOLD) -> bool:
        # Integers only: 89.96% must not pass as a rounded 90.0%.
        return self.killed * 100 >= threshold * self.total


def module_name(path: str) -> str:
    """The dotted module name mutmut uses in a mutant's name, for a ``.py`` path."""
    if not path.endswith(".py") or any(char in path for char in "*?["):
        raise MutationError(f"only_mutate must list plain .py files, not {path!r}")
    parts = Path(path).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def read_modules(pyproject: Path) -> list[str]:
    """The modules to mutate, from ``[tool.mutmut] only_mutate``."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    modules = config.get("tool", {}).get("mutmut", {}).get("only_mutate", [])
    if not modules:
        raise MutationError(f"{pyproject.name} has no [tool.mutmut] only_mutate list")
    for path in modules:
        module_name(path)
    return list(modules)


def parse_results(text: str) -> dict[str, str]:
    """Mutant name to status, from the output of ``mutmut results --all true``
    (lines of the form ``    governance.calendar.x_name__mutmut_1: killed``)."""
    verdicts = {}
    for line in text.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if not sep or "__mutmut_" not in name:
            continue
        verdicts[name] = status
    return verdicts


def score_modules(modules: list[str], verdicts: dict[str, str]) -> list[ModuleScore]:
    """The verdicts counted per module, in the order of ``modules``."""
    scores = {module_name(path): ModuleScore(path) for path in modules}
    for name, status in verdicts.items():
        known = KILLED | NOT_KILLED | LEFT_OUT
        if status in INCOMPLETE:
            raise MutationError(f"the run is incomplete: {name} is {status!r}")
        if status not in known:
            raise MutationError(f"unknown mutmut status {status!r} of {name}")
        # A mutant's name is the module's dotted name, a dot, and the mangled function.
        module = name.rpartition(".")[0]
        if module in scores:
            scores[module].statuses[status] += 1
    for score in scores.values():
        if score.total == 0:
            raise MutationError(f"no mutants of {score.path}: is it in only_mutate?")
    return list(scores.values())


def report(scores: list[ModuleScore]) -> list[str]:
    """The lines ``make mutation`` prints: one per module, then the total."""
    lines = [f"mutation: {s.path} {s.killed}/{s.total}" for s in scores]
    killed, total = sum(s.killed for s in scores), sum(s.total for s in scores)
    lines.append(f"mutation score: {100 * killed / total:.1f}% ({killed}/{total})")
    return lines


def details(scores: list[ModuleScore]) -> list[str]:
    """The verdicts other than a plain kill, per module (printed on stderr)."""
    lines = []
    for s in scores:
        counts = ", ".join(
            f"{n} {status}" + (" (counted as killed)" if status in KILLED else "")
            for status, n in sorted(s.statuses.items())
            if status != "killed"
        )
        below = "" if s.passes() else f"; below {THRESHOLD}%"
        if counts or below:
            lines.append(f"  {s.path}: {counts or 'all killed'}{below}")
    return lines


def mutmut(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args], cwd=ROOT, env=env, text=True, **kwargs
    )


def run_mutmut(jobs: int) -> None:
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    (ROOT / LOG).parent.mkdir(parents=True)
    with open(ROOT / LOG, "w", encoding="utf-8") as log:
        done = mutmut("run", "--max-children", str(jobs), stdout=log, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = (ROOT / LOG).read_text(encoding="utf-8", errors="replace")[-2000:]
        raise MutationError(f"mutmut run failed (exit {done.returncode}); {LOG} ends:\n{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (2)")
    parser.add_argument(
        "--no-run", action="store_true", help="only count the verdicts already in mutants/"
    )
    options = parser.parse_args(argv)
    started = time.monotonic()
    try:
        modules = read_modules(ROOT / "pyproject.toml")
        if not options.no_run:
            run_mutmut(options.jobs)
        results = mutmut("results", "--all", "true", capture_output=True)
        if results.returncode != 0:
            raise MutationError(f"mutmut results failed:\n{results.stderr}")
        scores = score_modules(modules, parse_results(results.stdout))
    except MutationError as error:
        print(f"mutation: {error}", file=sys.stderr)
        return 2
    print("\n".join(report(scores)), flush=True)
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    notes = details(scores)
    print(f"mutation: {minutes}m{seconds:02d}s; log in {LOG}", file=sys.stderr)
    if notes:
        header = "besides killed (list: mutmut results; a diff: mutmut show NAME):"
        print("\n".join([header, *notes]), file=sys.stderr)
    return 0 if all(s.passes() for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
