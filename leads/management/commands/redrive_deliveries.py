"""Re-drive follow-up that has not gone out: failed emails and webhooks due for a retry,
pending ones whose task never ran (queue or worker down), and ones stuck "sending".

Run it from cron (every few minutes) where no task worker retries deliveries by itself, and
after an outage: `python manage.py redrive_deliveries`. `--all-failed` retries now, ignoring
the backoff, and also retries deliveries that gave up. The work is `outbox.redrive`.
"""

from django.core.management.base import BaseCommand

from leads.services import outbox


class Command(BaseCommand):
    help = "Retry lead follow-up (emails, webhooks) that failed or never ran."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-failed",
            action="store_true",
            help="Retry every failed delivery now, including those that gave up.",
        )

    def handle(self, *args, all_failed=False, **options):
        outcomes = outbox.redrive(all_failed=all_failed)
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        self.stdout.write(f"Deliveries re-driven: {summary or 'none due'}.")
