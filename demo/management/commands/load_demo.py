"""Build the demo site: the page tree, the demo articles and their calls to action, demo users,
demo leads and the demo's email (newsletters, a nurture sequence, webinar reminders). Safe to
re-run."""

import datetime
import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from blog.importer import import_paths
from blog.site_tree import ensure_site_tree
from demo.ctas import ensure_demo_ctas
from demo.landing import ensure_demo_landing_pages
from demo.leads import ensure_demo_leads
from demo.mailings import ensure_demo_mail
from demo.pages import ensure_demo_pages

DEMO_ARTICLES = Path(__file__).resolve().parents[2] / "articles"

# username, group (None for the superuser)
DEMO_USERS = [
    ("admin", None),
    ("editor", "Editors"),
    ("sales", "Sales"),
]


def clock(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


class Command(BaseCommand):
    help = "Create the site tree, import the demo articles and create the demo users."

    def handle(self, *args, **options):
        ensure_site_tree()
        report = import_paths([DEMO_ARTICLES])
        if not report.ok:
            for path, message in report.failed:
                self.stderr.write(f"{path}: {message}")
            raise CommandError("Some demo articles could not be imported.")
        self.stdout.write(
            f"Demo articles: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
        pages = ensure_demo_pages()
        self.stdout.write(f"Demo pages: {', '.join(page.title for page in pages)}.")
        ctas = ensure_demo_ctas()
        self.stdout.write(f"Demo calls to action: {', '.join(cta.title for cta in ctas.values())}.")
        landing = ensure_demo_landing_pages(ctas)
        self.stdout.write(f"Demo landing pages: {', '.join(page.url for page in landing)}.")
        self.create_users()
        # After the users: the demo leads are owned by the `sales` user.
        leads = ensure_demo_leads()
        self.stdout.write(
            f"Demo leads: {leads.created} submissions created, {leads.contacts} contacts, "
            f"{leads.impressions} daily impression counts, {leads.campaigns} campaigns."
        )
        # After the leads: the newsletter goes to their subscribers, the sequence and the
        # webinar reminders to their downloaders and registrants.
        mail = ensure_demo_mail(ctas)
        self.stdout.write(f"Demo email: {mail.subscribers} newsletter subscribers can get it.")
        if mail.newsletter_at:
            self.stdout.write(
                f"  The newsletter goes out at {clock(mail.newsletter_at)}: `make run` prints "
                "it to this console."
            )
        if mail.nurture_at:
            self.stdout.write(
                f"  The eBook's nurture sequence sends its next step at {clock(mail.nurture_at)}."
            )
        if mail.webinar_at:
            self.stdout.write(
                f"  The demo webinar starts at {clock(mail.webinar_at)}: its one-hour reminder "
                f"goes out at {clock(mail.webinar_at - datetime.timedelta(hours=1))}."
            )

    @transaction.atomic
    def create_users(self):
        User = get_user_model()
        password = os.environ.get("DEMO_PASSWORD")
        generated = None
        for username, group_name in DEMO_USERS:
            group = None
            if group_name:
                group = Group.objects.filter(name=group_name).first()
                if group is None:
                    continue  # a group someone deleted: skip its demo user rather than fail
            user = User.objects.filter(username=username).first()
            if user is None:
                if not password:
                    generated = generated or secrets.token_urlsafe(12)
                user = User(
                    username=username,
                    email=f"{username}@example.com",
                    is_staff=group_name is None,
                    is_superuser=group_name is None,
                )
                user.set_password(password or generated)
                user.save()
                self.stdout.write(f"Created demo user '{username}'.")
            elif password:
                user.set_password(password)
                user.save(update_fields=["password"])
            if group:
                user.groups.add(group)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Generated demo password (shown once; set DEMO_PASSWORD to choose one): "
                    f"{generated}"
                )
            )
