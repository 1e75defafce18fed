"""Re-drive follow-up that has not gone out: failed emails and webhooks due for a retry,
pending ones whose task never ran (queue or worker down), and ones stuck "sending".

Run it from cron (every few minutes) where no task worker retries deliveries by itself, and
after an outage: `python manage.py redrive_deliveries`. `--all-failed` retries now, ignoring
the backoff, and also retries deliveries that gave up.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q

from leads.models import Delivery, DeliveryStatus
from leads.tasks import delivery_attempt


class Command(BaseCommand):
    help = "Retry lead follow-up (emails, webhooks) that failed or never ran."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-failed",
            action="store_true",
            help="Retry every failed delivery now, including those that gave up.",
        )

    def handle(self, *args, all_failed=False, **options):
        deliveries = Delivery.objects.due()
        if all_failed:
            deliveries = Delivery.objects.filter(
                Q(pk__in=deliveries.values("pk"))
                | Q(status__in=[DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP])
            )
            Delivery.objects.filter(status=DeliveryStatus.GAVE_UP).update(
                status=DeliveryStatus.FAILED
            )
        outcomes: dict[str, int] = {}
        for delivery_id in deliveries.order_by("pk").values_list("pk", flat=True):
            outcome = delivery_attempt(delivery_id)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        self.stdout.write(f"Deliveries re-driven: {summary or 'none due'}.")
