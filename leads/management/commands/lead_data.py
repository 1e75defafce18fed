"""Find, export or erase everything held about one email address (a person's data request).

    python manage.py lead_data find ana@example.com
    python manage.py lead_data export ana@example.com -o ana.json
    python manage.py lead_data erase ana@example.com [--yes]

Output shows counts and record ids, never the address or other personal data (terminal
scrollback and cron mail are logs too); only `export` writes the data, to a file or stdout.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from leads import privacy, services


class Command(BaseCommand):
    help = "Find, export (JSON) or erase everything held about an email address."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        find = actions.add_parser("find", help="Count what is held about the address.")
        find.add_argument("email")
        export = actions.add_parser("export", help="Write what is held as JSON.")
        export.add_argument("email")
        export.add_argument(
            "-o", "--output", help="File to write (default: standard output).", default="-"
        )
        erase = actions.add_parser("erase", help="Erase it, leaving only anonymous counts.")
        erase.add_argument("email")
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, action, email, **options):
        if "@" not in email:
            raise CommandError("Give an email address.")
        getattr(self, action)(email, **options)

    def find(self, email, **options):
        data = privacy.find(email)
        if data.is_empty:
            self.stdout.write("Nothing is held about this address.")
            return
        self.write_counts(data.counts())
        if data.contact:
            self.stdout.write(f"Contact #{data.contact.pk}")
        for submission in data.submissions:
            self.stdout.write(
                f"Submission #{submission.pk}: {submission.received_at:%Y-%m-%d}, "
                f"{submission.get_cta_kind_display()}, {submission.get_status_display()}"
            )

    def export(self, email, *, output="-", **options):
        data = services.person_export(email=email, label="Privacy export (command line)")
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if output == "-":
            self.stdout.write(text)
            return
        with open(output, "w", encoding="utf-8") as file:
            file.write(text + "\n")
        self.stderr.write(f"Written to {output}.")

    def erase(self, email, *, yes=False, **options):
        data = privacy.find(email)
        if data.is_empty:
            self.stdout.write("Nothing is held about this address.")
            return
        self.write_counts(data.counts())
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Add --yes to erase without a terminal to confirm in.")
            answer = input("Erase all of this? It cannot be undone. Type 'erase' to confirm: ")
            if answer.strip() != "erase":
                raise CommandError("Nothing erased.")
        counts = services.person_erase(email=email)
        self.stdout.write(self.style.SUCCESS("Erased. Only anonymous counts remain."))
        self.write_counts(counts)

    def write_counts(self, counts: dict[str, int]) -> None:
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count}")
