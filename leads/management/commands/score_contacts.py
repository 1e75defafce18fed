"""Recompute every contact's lead score, so that decay shows and no score is left stale.

Run it daily from cron: `python manage.py score_contacts`. Scores are also recomputed after
each new submission and, by a task, whenever a scoring rule or the scoring settings change.
Contacts whose score reaches the hot-lead threshold are alerted (once each), as by the task.
"""

from django.core.management.base import BaseCommand

from leads import services


class Command(BaseCommand):
    help = "Recompute lead scores (decay, rule changes) and alert newly hot leads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--contact",
            type=int,
            action="append",
            dest="contact_ids",
            metavar="ID",
            help="Only this contact (by id); repeat for several. Default: every contact.",
        )

    def handle(self, *args, contact_ids=None, **options):
        count = services.scores_recompute(contact_ids=contact_ids)
        self.stdout.write(f"Scores recomputed: {count} contact{'s' if count != 1 else ''}.")
