from django.apps import AppConfig


class LeadsConfig(AppConfig):
    """Lead capture: calls to action, contacts, submissions, spam defence and follow-up."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "leads"
    verbose_name = "Leads"

    def ready(self):
        from django.conf import settings

        from .privacy import parse_retention
        from .spam import parse_rate_limits

        # A typo in LEAD_RATE_LIMITS stops the boot instead of failing every submission, one in
        # LEAD_RETENTION_DAYS instead of the nightly retention run.
        parse_rate_limits(settings.LEAD_RATE_LIMITS)
        parse_retention(settings.LEAD_RETENTION_DAYS)

        from django.db.models.signals import post_delete, post_save

        from leadsite import page_cache

        from .followup.senders import SENDERS
        from .models import CallToAction, ScoringRule, ScoringSettings, TopicCTA
        from .services import outbox
        from .tasks import deliver, deliver_follow_up, rescore_everyone_after_commit

        # Follow-up leaves through the outbox, which never imports the tasks: it is told here
        # which task sends a lead's deliveries, which one retries, and who sends each kind.
        outbox.connect(follow_up=deliver_follow_up, retry=deliver, senders=SENDERS)

        # Scores are recomputed when what they are computed from changes.
        for model in (ScoringRule, ScoringSettings):
            for signal in (post_save, post_delete):
                signal.connect(
                    rescore_everyone_after_commit,
                    sender=model,
                    dispatch_uid=f"rescore-{model.__name__}-{signal is post_save}",
                )

        # Cached pages show CTAs (in bodies, after articles, by topic, on the home page).
        for model, receiver in (
            (CallToAction, page_cache.purge_after_change),
            (TopicCTA, page_cache.purge_after_placement),
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    receiver,
                    sender=model,
                    dispatch_uid=f"purge-{model.__name__}-{signal is post_save}",
                )
