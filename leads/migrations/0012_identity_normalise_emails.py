"""Existing addresses in the normal form of leads/identity.py; contacts that turn out to be one
mailbox are merged into the oldest.

Merging keeps everything and loses no opt-out: the submissions, notes, subscriptions and
audit-log entries of the duplicates move to the oldest contact; an unsubscribe on either side
wins (the earliest date is kept), as does the earliest hot-lead alert; the details (name,
company, phone, job title) are the most recently updated contact's, where it has them. Scores
are recomputed by the daily `score_contacts` run. Irreversible in effect, and harmless to run
twice: the reverse does nothing.
"""

from django.db import migrations, models

from leads.identity import normalise_email, tidy_email

BATCH = 2000
DETAILS = ("name", "company", "phone", "job_title")


def earliest(*moments):
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None


def tidy_submission_emails(Submission):
    """The address as given, tidied as the form now does: privacy find matches quarantined
    submissions (which have no contact) on it."""
    last_pk = 0
    while batch := list(
        Submission.objects.filter(pk__gt=last_pk)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email")[:BATCH]
    ):
        last_pk = batch[-1][0]
        for pk, email in batch:
            if tidy_email(email) != email:
                Submission.objects.filter(pk=pk).update(email=tidy_email(email))


def merge_subscription(Subscription, kept, duplicate):
    """Two subscriptions of one mailbox to one newsletter: an unsubscribe wins, then a
    confirmation."""
    if duplicate.status == "unsubscribed" and kept.status != "unsubscribed":
        kept.status = "unsubscribed"
        kept.unsubscribed_at = duplicate.unsubscribed_at
    elif duplicate.status == "confirmed" and kept.status == "pending":
        kept.status = "confirmed"
        kept.confirmed_at = duplicate.confirmed_at
    kept.requested_at = min(kept.requested_at, duplicate.requested_at)
    kept.save(update_fields=["status", "unsubscribed_at", "confirmed_at", "requested_at"])
    duplicate.delete()


def merge_contacts(apps, kept, duplicates):
    Submission = apps.get_model("leads", "Submission")
    Note = apps.get_model("leads", "Note")
    Subscription = apps.get_model("leads", "Subscription")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ids = [duplicate.pk for duplicate in duplicates]
    Submission.objects.filter(contact_id__in=ids).update(contact_id=kept.pk)
    Note.objects.filter(contact_id__in=ids).update(contact_id=kept.pk)
    for subscription in Subscription.objects.filter(contact_id__in=ids).order_by("pk"):
        existing = Subscription.objects.filter(contact_id=kept.pk, cta_id=subscription.cta_id)
        if existing.exists():
            merge_subscription(Subscription, existing.get(), subscription)
        else:
            subscription.contact_id = kept.pk
            subscription.save(update_fields=["contact"])
    content_type = ContentType.objects.filter(app_label="leads", model="contact").first()
    if content_type is not None:
        ModelLogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in ids]
        ).update(object_id=str(kept.pk))
    everyone = [kept, *duplicates]
    latest = max(everyone, key=lambda contact: (contact.updated_at, contact.pk))
    for name in DETAILS:
        setattr(kept, name, getattr(latest, name) or getattr(kept, name))
    kept.unsubscribed_at = earliest(*(c.unsubscribed_at for c in everyone))
    kept.hot_notified_at = earliest(*(c.hot_notified_at for c in everyone))
    type(kept).objects.filter(pk__in=ids).delete()


def normalise_contacts(apps):
    Contact = apps.get_model("leads", "Contact")
    groups: dict[str, list[tuple[int, str]]] = {}
    rows = Contact.objects.order_by("created_at", "pk").values_list("pk", "email")
    for pk, email in rows.iterator(chunk_size=BATCH):
        groups.setdefault(normalise_email(email), []).append((pk, email))
    for email, members in groups.items():
        if len(members) == 1 and members[0][1] == email:
            continue  # the usual case: one contact, already in the normal form
        pks = [pk for pk, _ in members]
        contacts = {contact.pk: contact for contact in Contact.objects.filter(pk__in=pks)}
        kept = contacts[pks[0]]
        merge_contacts(apps, kept, [contacts[pk] for pk in pks[1:]])
        kept.email = email
        # update(), not save(): updated_at (auto_now) keeps saying when the person last wrote.
        Contact.objects.filter(pk=kept.pk).update(
            email=email,
            unsubscribed_at=kept.unsubscribed_at,
            hot_notified_at=kept.hot_notified_at,
            **{name: getattr(kept, name) for name in DETAILS},
        )


def normalise(apps, schema_editor):
    tidy_submission_emails(apps.get_model("leads", "Submission"))
    normalise_contacts(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("leads", "0011_subscriptions_references"),
        ("wagtailcore", "0076_modellogentry_revision"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="email",
            field=models.EmailField(
                help_text="Normalised (see leads/identity.py): trimmed, lower-case, without "
                "invisible characters, the domain IDNA-encoded, e.g. "
                "'ana@xn--bcher-kva.example'. Unique.",
                max_length=254,
                verbose_name="email",
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="email",
            field=models.EmailField(
                blank=True,
                help_text="As typed, tidied (leads/identity.py): case kept, invisible "
                "characters out, domain IDNA-encoded, e.g. 'Ana@example.com'. Empty once erased.",
                max_length=254,
                verbose_name="email as given",
            ),
        ),
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
