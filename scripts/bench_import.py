"""The organisation import on large files: how long the check and the import take.

Generates the files in memory and runs them in a throwaway database (SQLite in a
temporary file, or ``test_<name>_bench_import`` on PostgreSQL when DATABASE_URL names
one), so the data of the database you point it at is never touched. Prints:

- the check (reading + validation, nothing written) of one ~5 MB file of 50,000
  procedure rows against 200 departments in the database;
- the proefrun (dry run: everything written, then rolled back) and the full import of
  that file;
- the check of a departments file whose rows all share one name (every row an error):
  the case that was quadratic.

Usage: [DATABASE_URL=postgres://...] .venv/bin/python scripts/bench_import.py [--rows N]
       [--same-name-rows N] [--checks-only]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.disable(logging.INFO)

from django.conf import settings  # noqa: E402

# As in production: no list of every query kept in memory for the debug toolbar.
settings.DEBUG = False

from django.db import connection, transaction  # noqa: E402

from governance.importing import SourceFile, organisation_import  # noqa: E402
from governance.importing.planning import _plan  # noqa: E402
from governance.importing.reading import ParsedFiles, _parse_file  # noqa: E402
from governance.importing.report import ImportProblem  # noqa: E402
from governance.models import Department, MeetingCalendar, Procedure, Sector  # noqa: E402

DEPARTMENTS = 200
KINDS = ("collegebesluit", "Raadsbesluit", "juridische_toets", "inkoop", "vergunning", "overig")
PURPOSES = (
    "Zorgvuldig besluiten, met advies.",
    "De raad stelt kaders; eerst commissie.",
    'Vooraf toetsen of het "rechtsgeldig" is.',
    "Inwoners op tijd informeren.",
)


def procedures_csv(rows: int) -> bytes:
    """A semicolon file as Dutch Excel writes it, with a BOM and every optional column."""
    pick = random.Random(11)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ("afdeling", "naam", "soort", "doorlooptijd_werkdagen", "vergaderkalender", "bedoeling")
        + ("actief",)
    )
    for index in range(rows):
        writer.writerow(
            (
                f"afd-{index % DEPARTMENTS:03d}",
                f"Procedure {index:05d} in de uitvoering",
                pick.choice(KINDS),
                pick.randint(1, 120),
                "Collegevergadering" if index % 3 == 0 else "",
                pick.choice(PURPOSES),
                "ja" if index % 7 else "nee",
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def same_name_departments_csv(rows: int) -> bytes:
    lines = ["code,naam,sector"]
    lines.extend(f"dup-{index:05d},Dezelfde afdeling,sector-0" for index in range(rows))
    return ("\n".join(lines) + "\n").encode("utf-8")


def seed() -> None:
    Procedure.objects.all().delete()
    Department.objects.all().delete()
    Sector.objects.all().delete()
    MeetingCalendar.objects.all().delete()
    sectors = Sector.objects.bulk_create(
        Sector(code=f"sector-{index}", name=f"Sector {index}") for index in range(10)
    )
    Department.objects.bulk_create(
        Department(code=f"afd-{n:03d}", name=f"Afdeling {n:03d}", sector=sectors[n % 10])
        for n in range(DEPARTMENTS)
    )
    MeetingCalendar.objects.create(
        name="Collegevergadering", body=MeetingCalendar.Body.COLLEGE, agenda_deadline_days=5
    )


def check(source: SourceFile) -> tuple[float, float, int]:
    """Reading and validation only, as the import does it before writing anything:
    wall-clock and CPU seconds (the CPU figure barely moves when the machine is busy)."""
    errors: list[ImportProblem] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    parsed = ParsedFiles()
    _parse_file(source, parsed, errors)
    with transaction.atomic():
        _plan(parsed, errors)
    return time.perf_counter() - started, time.process_time() - cpu_started, len(errors)


def timed_import(source: SourceFile, *, dry_run: bool) -> tuple[float, int]:
    started = time.perf_counter()
    report = organisation_import(files=[source], dry_run=dry_run)
    elapsed = time.perf_counter() - started
    if not report.ok:
        sys.exit(f"the generated file did not import: {report.errors[:3]}")
    return elapsed, report.procedures.total


def best_of(runs: int, measure):
    return min((measure() for _ in range(runs)), key=lambda result: result[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--same-name-rows", type=int, default=20_000)
    parser.add_argument("--checks-only", action="store_true", help="skip the writing runs")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as tmp:
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if vendor == "sqlite":
            test_settings["NAME"] = str(Path(tmp) / "bench_import.sqlite3")
        else:
            test_settings["NAME"] = f"test_{connection.settings_dict['NAME']}_bench_import"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            seed()
            procedures = SourceFile("procedures.csv", procedures_csv(args.rows))
            size = len(procedures.content) / 1e6
            print(f"\nOrganisation import on {vendor}")
            elapsed, cpu, errors = best_of(3, lambda: check(procedures))
            print(
                f"check: {size:.1f} MB, {args.rows:,} rows checked in {elapsed:.2f} s "
                f"(CPU {cpu:.2f} s, {errors} errors)"
            )
            same = SourceFile("afdelingen.csv", same_name_departments_csv(args.same_name_rows))
            elapsed, cpu, errors = best_of(3, lambda: check(same))
            print(
                f"check: {args.same_name_rows:,} department rows sharing one name in "
                f"{elapsed:.2f} s (CPU {cpu:.2f} s, {errors:,} errors, one per duplicate line)"
            )
            if args.checks_only:
                return
            elapsed, count = timed_import(procedures, dry_run=True)
            print(f"proefrun (written, rolled back): {count:,} procedures in {elapsed:.2f} s")
            elapsed, count = timed_import(procedures, dry_run=False)
            print(f"import: {count:,} procedures created in {elapsed:.2f} s")
            elapsed, count = timed_import(procedures, dry_run=False)
            print(f"re-import (nothing changes): {count:,} procedures in {elapsed:.2f} s")
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
