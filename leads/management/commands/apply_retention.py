"""Apply the retention policy (LEAD_RETENTION_DAYS): erase submissions kept longer than their
status allows, then the contacts no live submission keeps. Counts only, never addresses.

Meant to run daily from cron, e.g.:

    15 3 * * *  cd /srv/leadsite && .venv/bin/python manage.py apply_retention

`--dry-run` prints what would be erased and changes nothing. Running it twice erases nothing
the second time.
"""

from django.core.management.base import BaseCommand

from leads import privacy, services
from leads.models import Status


class Command(BaseCommand):
    help = "Erase lead data older than the retention policy (LEAD_RETENTION_DAYS) allows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be erased; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        policy = privacy.retention_policy()
        if not policy:
            self.stdout.write("No retention policy (LEAD_RETENTION_DAYS is off): nothing erased.")
            return
        result = services.retention_apply(dry_run=dry_run)
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(f"{verb} {result.submissions} submission(s):")
        for status, count in sorted(result.submissions_by_status.items()):
            self.stdout.write(f"  {Status(status).label}: {count}")
        self.stdout.write(f"{verb} {result.contacts} contact(s) left without a live submission.")
