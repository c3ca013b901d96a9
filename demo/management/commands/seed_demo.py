"""``python manage.py seed_demo [--projects N]``: the demo municipality, rebuilt from scratch."""

from __future__ import annotations

import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, SHOWCASE_SIZE, demo_seed
from projects.models import Project


class Command(BaseCommand):
    help = (
        "Wist de demo-organisatie en bouwt hem opnieuw op: sectoren, afdelingen, procedures, "
        "vergaderkalenders, externe partijen, projecten met mijlpalen en knelpunten, en de "
        "demo-accounts projectleider, bureauhoofd, afdelingshoofd en beheerder (wachtwoord "
        f"'{DEMO_PASSWORD}'). Deterministisch: op dezelfde dag geeft elke run dezelfde "
        "gegevens. Draait alleen met DEBUG aan."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--projects",
            type=int,
            default=SHOWCASE_SIZE,
            metavar="N",
            help=(
                f"Aantal projecten in totaal (standaard {SHOWCASE_SIZE}: alleen de "
                "voorbeeldprojecten). Meer projecten brengen een grotere organisatie mee; "
                "--projects 10000 is de benchmarkomvang."
            ),
        )

        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=(
                "Doe niets als er al projecten zijn (zo wist `make run` niet wat je in de "
                "demo hebt ingevoerd)."
            ),
        )

    def handle(self, *args: object, projects: int, if_empty: bool, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo wist alle projecten, knelpunten, externe partijen en de hele "
                "organisatie, en draait daarom alleen met DEBUG aan. Zet DJANGO_DEBUG=true "
                "voor een lokale of demo-omgeving; gebruik het nooit op productiegegevens."
            )
        if projects < SHOWCASE_SIZE:
            raise CommandError(
                f"--projects moet minstens {SHOWCASE_SIZE} zijn: zoveel voorbeeldprojecten "
                "heeft de demo."
            )
        if if_empty and Project.objects.exists():
            self.stdout.write("Er zijn al projecten: de demogegevens blijven zoals ze zijn.")
            return
        summary = demo_seed(projects=projects)
        for label, count in summary.counts.items():
            self.stdout.write(f"  {label}: {count:,}".replace(",", "."))
        accounts = ", ".join(person.username for person in DEMO_ACCOUNTS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demogegevens klaar in {summary.seconds:.1f} s. Log in als {accounts} "
                f"(wachtwoord: {DEMO_PASSWORD})."
            )
        )
