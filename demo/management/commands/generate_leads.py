"""Bulk invented leads for the inbox benchmark (bench/inbox): many contacts and submissions on
the CTAs the demo pages show, owned by the Sales group, with notes, deliveries and audit-log
entries. Run `load_demo` first. See demo/fakes/bulk.py."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from demo import fakes
from demo.leads import demo_placements
from leads import services


class Command(BaseCommand):
    help = (
        "Generate invented contacts and submissions (at .example addresses) on the demo CTAs, "
        "for the inbox benchmark. Run load_demo first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=100_000)
        parser.add_argument(
            "--submissions", type=int, default=300_000, help="at least one per contact"
        )
        parser.add_argument("--seed", type=int, default=4, help="the same seed, the same leads")
        parser.add_argument("--days", type=int, default=365, help="received over this many days")
        parser.add_argument("--batch-size", type=int, default=5000, help="rows per transaction")
        parser.add_argument(
            "--impressions", type=int, default=0, help="CTA impression counts (rows) to add"
        )

    def handle(self, *args, **options):
        if options["submissions"] < options["contacts"]:
            raise CommandError("--submissions must be at least --contacts.")
        placements = demo_placements()
        if not placements:
            raise CommandError("No CTA is shown on a live page: run load_demo first.")
        owners = list(get_user_model().objects.filter(groups__name="Sales").order_by("pk"))
        consents = {
            p.cta.pk: services.consent_text_for(p.cta, p.cta.consent_version).pk for p in placements
        }
        report = fakes.generate(
            contacts=options["contacts"],
            submissions=options["submissions"],
            placements=placements,
            owners=owners,
            consent_ids=consents,
            seed=options["seed"],
            days=options["days"],
            batch_size=options["batch_size"],
        )
        self.stdout.write(
            f"Generated in {report.seconds:.0f} s: {report.contacts} contacts, "
            f"{report.submissions} submissions, {report.deliveries} deliveries, "
            f"{report.notes} notes, {report.log_entries} audit-log entries."
        )
        if options["impressions"]:
            written = fakes.generate_impressions(
                rows=options["impressions"], placements=placements, seed=options["seed"]
            )
            self.stdout.write(f"Generated {written} CTA impression counts.")
