"""``python manage.py purge_contacts [--dry-run]``"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand

from stakeholders.retention import contacts_purge


class Command(BaseCommand):
    help = (
        "Erases the contact persons whose last project ended longer ago than "
        "BB_CONTACT_RETENTION_MONTHS, with their history; --dry-run only lists them."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be erased; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        result = contacts_purge(dry_run=dry_run)
        count = len(result.contacts)
        people = "1 contactpersoon" if count == 1 else f"{count} contactpersonen"
        would = "zou" if count == 1 else "zouden"
        cutoff = result.cutoff.date().isoformat()
        if dry_run:
            self.stdout.write(f"Proefdraai, grens {cutoff}: {people} {would} worden gewist.")
        else:
            self.stdout.write(f"Bewaartermijn, grens {cutoff}: {people} gewist.")
        for contact in result.contacts:
            self.stdout.write(f"  nr. {contact.pk}: {contact.name} ({contact.party})")
