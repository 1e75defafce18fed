"""The leads app's configuration: settings checks, the outbox's tasks and every signal receiver
are wired here, in `LeadsConfig.ready()` (docs/architecture.md)."""

from django.apps import AppConfig


class LeadsConfig(AppConfig):
    """Lead capture: calls to action, contacts, submissions, spam defence and follow-up.

    `ready()` checks the lead settings and connects every signal receiver of the app, so this
    is the one place to read what reacts to a save or a delete (no `@receiver` elsewhere).
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "leads"
    verbose_name = "Leads"

    def ready(self):
        check_settings()
        connect_outbox()
        connect_signals()
        connect_search_index(self)


def check_settings():
    """A typo in LEAD_RATE_LIMITS stops the boot instead of failing every submission, one in
    LEAD_RETENTION_DAYS instead of the nightly retention run."""
    from django.conf import settings

    from .capture.spam import parse_rate_limits
    from .privacy import parse_retention

    parse_rate_limits(settings.LEAD_RATE_LIMITS)
    parse_retention(settings.LEAD_RETENTION_DAYS)


def connect_outbox():
    """Follow-up leaves through the outbox, which never imports the tasks: it is told here
    which task sends a lead's deliveries, which one retries, and who sends each kind."""
    from .followup.senders import SENDERS
    from .services import outbox
    from .tasks import deliver, deliver_follow_up

    outbox.connect(follow_up=deliver_follow_up, retry=deliver, senders=SENDERS)


def connect_search_index(app_config):
    """After `migrate`, the SQLite search indexes get back the triggers a rebuilt table lost
    (leads/search.py)."""
    from django.db import connections
    from django.db.models.signals import post_migrate

    from .search import ensure_sqlite_indexes

    def repair(sender, using, **kwargs):
        ensure_sqlite_indexes(connections[using])

    post_migrate.connect(repair, sender=app_config, dispatch_uid="leads-search-index", weak=False)


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    from leadsite import page_cache

    from . import memo
    from .models import (
        BlockedEmailDomain,
        CallToAction,
        ContactProperty,
        LeadSettings,
        ScoringRule,
        ScoringSettings,
        TopicCTA,
    )
    from .tasks import rescore_everyone_after_commit

    def on_change(model, receiver, uid: str) -> None:
        """`receiver` runs after each save and each delete of `model`."""
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-del")

    # Staff edits apply at once in the process that saves them (and within the memo's TTL in
    # the others): the capture path reads these rows from per-process memos (leads/memo.py).
    # Connected first, so that the receivers below read the new rows.
    for model, model_memo in (
        (LeadSettings, memo.lead_settings),
        (BlockedEmailDomain, memo.blocked_domains),
        (CallToAction, memo.ctas),
        (ContactProperty, memo.contact_properties),
    ):
        on_change(model, model_memo.clear, f"memo-{model.__name__}")
    # The choice questions that filters and scoring rules offer (leads/answers.py).
    for model in (CallToAction, ContactProperty):
        on_change(model, memo.choice_questions.clear, f"memo-choices-{model.__name__}")

    # Scores are recomputed when what they are computed from changes.
    for model in (ScoringRule, ScoringSettings):
        on_change(model, rescore_everyone_after_commit, f"rescore-{model.__name__}")

    # Cached pages show CTAs (in bodies, after articles, by topic, on the home page).
    for model, receiver in (
        (CallToAction, page_cache.purge_after_change),
        (TopicCTA, page_cache.purge_after_placement),
    ):
        on_change(model, receiver, f"purge-{model.__name__}")
