"""Small `make_*` helpers for test data: explicit, with sensible defaults."""

import datetime
import io
import itertools

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from blog.models import ArticlePage

_counter = itertools.count(1)


def make_image(
    title="Test image", width=1200, height=630, colour=(15, 61, 62), *, pixels=None, **fields
):
    """A Wagtail image of one colour, or of the given Pillow image (`pixels`)."""
    buffer = io.BytesIO()
    (pixels or PILImage.new("RGB", (width, height), colour)).save(buffer, "PNG")
    return Image.objects.create(
        title=title,
        file=ImageFile(buffer, name=f"test-{next(_counter)}.png"),
        **fields,
    )


def make_article(
    index,
    title=None,
    *,
    date=None,
    tags=(),
    summary="A short summary of the article.",
    body=None,
    hero_image=None,
    live=True,
    **fields,
):
    n = next(_counter)
    title = title or f"Article {n}"
    article = ArticlePage(
        title=title,
        date=date or datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        summary=summary,
        body=body
        if body is not None
        else [("section", "<h2>First heading</h2><p>Some words in the body.</p>")],
        hero_image=hero_image,
        **fields,
    )
    index.add_child(instance=article)
    article.tags.set(list(tags))
    revision = article.save_revision()
    if live:
        revision.publish()
    else:
        article.unpublish()
    article.refresh_from_db()
    return article


def make_campaign(utm_campaign="spring-ebook", **fields):
    from decimal import Decimal

    from leads.models import Campaign

    defaults = {"name": f"Campaign {utm_campaign}", "spend": Decimal("1000.00")}
    return Campaign.objects.create(utm_campaign=utm_campaign, **(defaults | fields))


def make_landing_page(home, title="Lead scoring checklist", *, cta=None, live=True, **fields):
    """A campaign landing page under home, published, with a download CTA unless given."""
    from blog.models import LandingPage

    defaults = {
        "slug": f"offer-{next(_counter)}",
        "heading": "Score your leads by Monday",
        "sub_heading": "A one-page checklist for marketing and sales.",
        "cta": cta or make_cta("download"),
        "body": [
            (
                "benefits",
                {
                    "heading": "What you get",
                    "items": [{"title": "Twelve checks", "text": "Each with an example."}],
                },
            ),
            (
                "faq",
                {
                    "heading": "Questions",
                    "items": [{"question": "Is it free?", "answer": "<p>Yes, it is.</p>"}],
                },
            ),
        ],
    }
    page = home.add_child(instance=LandingPage(title=title, **(defaults | fields)))
    revision = page.save_revision()
    if live:
        revision.publish()
    else:
        page.unpublish()
    page.refresh_from_db()
    return page


def make_document(title="Test whitepaper", content=b"%PDF-1.4\n% test document\n", **fields):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document(title=title, **fields)
    document.file.save(f"test-{next(_counter)}.pdf", ContentFile(content), save=False)
    document.save()
    return document


def make_cta(kind="quote", **fields):
    """A call to action of the given kind, with what that kind requires."""
    import datetime as dt

    from django.utils import timezone

    from leads import services
    from leads.models import CallToAction

    n = next(_counter)
    defaults = {"title": f"CTA {n}", "headline": f"Offer {n}"}
    if kind == "download" and "document" not in fields:
        defaults["document"] = make_document()
    if kind == "webinar":
        defaults["event_starts_at"] = timezone.now() + dt.timedelta(days=14)
        defaults["seat_limit"] = 50
    cta = CallToAction(kind=kind, **(defaults | fields))
    cta.full_clean()
    cta.save()
    services.consent_text_record(cta)
    return cta


def make_builder_cta(questions=None, **fields):
    """A quote CTA asking the demo's built form (demo/questions.py: two steps, properties, a
    condition, a hidden campaign field, an optional marketing consent), or `questions`."""
    from demo.questions import QUOTE_QUESTIONS

    return make_cta("quote", questions=questions or QUOTE_QUESTIONS, **fields)


# What a person answers to the demo's built form (make_builder_cta), CRM question included.
BUILDER_ANSWERS = {
    "first_name": "Ana",
    "last_name": "Lima",
    "email": "ana@acme.example",
    "company": "Acme",
    "company_size": "11-50",
    "uses_crm": "yes",
    "which_crm": "hubspot",
    "budget": "5k-20k",
    "timeline": "quarter",
    "message": "A quote for forms on our blog, please.",
}


# Answers a person would give, per CTA kind.
ANSWERS = {
    "download": {"name": "Ana Lima", "email": "ana@acme.example", "consent": "on"},
    "quote": {
        "name": "Ana Lima",
        "email": "ana@acme.example",
        "company": "Acme",
        "phone": "+44 20 7946 0000",
        # A modest lead (quote + business domain = 50): below the hot-lead threshold (60), so
        # tests of the ordinary follow-up see no hot-lead alert. test_scoring makes hot ones.
        "budget": "under-5k",
        "timeline": "exploring",
        "message": "We need a quote for lead capture on our blog.",
    },
    "newsletter": {"email": "ana@acme.example", "consent": "on"},
    "webinar": {"name": "Ana Lima", "email": "ana@acme.example", "company": "Acme"},
}


def lead_form_data(cta, *, page=None, age_seconds=60, **answers):
    """POST data for a CTA's form as a person sends it: a form token rendered `age_seconds`
    ago (older than the time trap) on `page` with the CTA's consent wording, an empty
    honeypot."""
    import time

    from leads.capture.tokens import form_token

    data = {
        "token": form_token(
            cta.pk,
            page_id=page.pk if page else None,
            consent_version=cta.consent_version,
            campaign=getattr(page, "lead_campaign", ""),  # as LeadForm renders it
            issued_at=time.time() - age_seconds,
        ),
        "website": "",
        "first_landing": "",
        "first_referrer": "",
    }
    given = BUILDER_ANSWERS if "first_name" in cta.question_set.by_name else ANSWERS[cta.kind]
    return data | given | answers


def capture_lead(cta, *, nonce="render-1", spam_reasons=(), **answers):
    """A lead captured as the submit view captures a valid form (`services.lead_capture`), from
    no web request (so no rate limit), with a form rendered a minute ago with this `nonce`.
    Any `spam_reasons` quarantine it, as a filled-in honeypot does."""
    import time

    from leads import services
    from leads.capture.tokens import form_token
    from leads.capture.visit import Visit

    given = ANSWERS[cta.kind] | answers
    given.pop("consent", None)
    token = form_token(
        cta.pk, consent_version=cta.consent_version, issued_at=time.time() - 60, nonce=nonce
    )
    data = {
        "token": token,
        "website": "spam" if spam_reasons else "",
        "first_landing": "",
        "first_referrer": "",
        "posted_from": "",
        **given,
    }
    return services.lead_capture(cta=cta, data=data, answers=given, visit=Visit())


def cta_admin_form(**fields):
    """What the CTA editor in the admin posts (a quote CTA unless told otherwise), with no
    questions: saving fills in its kind's standard ones."""
    return {
        "questions-count": "0",
        "queued_limit": "2",
        "kind": "quote",
        "title": "Quote: onboarding",
        "headline": "Get a quote for onboarding",
        "text": "",
        "button_label": "",
        "consent_text": "",
        "thank_you_message": "Thanks!",
        "email_subject": "",
        "confirmation_email_text": "",
        "owner": "",
        "document": "",
        "event_starts_at": "",
        "seat_limit": "",
    } | fields


PASSWORD = "pw"  # every test account's, unless given
# Role -> the group the migrations create for it.
GROUPS = {
    "editor": "Editors",
    "moderator": "Moderators",
    "sales": "Sales",
    "manager": "Sales managers",
}


def make_user(username, group=None, *, email=None, password=PASSWORD, superuser=False, **fields):
    """A staff account in one of the groups the migrations create ("Sales", "Sales managers",
    "Editors", "Moderators"; `GROUPS[role]` names them), in none, or a superuser. Email
    `<username>@staff.example` unless given; `fields` are set on the user (first_name,
    is_active...)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    email = f"{username}@staff.example" if email is None else email
    users = get_user_model().objects
    create = users.create_superuser if superuser else users.create_user
    user = create(username, email, password, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def log_in(client, role, username=None):
    """Sign `client` in as a new user of `role` (a key of GROUPS, or "superuser"); "anonymous"
    stays signed out. Returns the user, None for anonymous."""
    if role == "anonymous":
        return None
    user = make_user(username or role, GROUPS.get(role), superuser=role == "superuser")
    client.force_login(user)
    return user


_leads = itertools.count(1)


def make_lead(cta=None, *, status=None, email=None, spam_reasons=(), score=None, **given):
    """A lead in the state a test needs: captured through the capture service (a quote CTA of
    its own unless `cta` is given) from its own person (`email`), then put straight into
    `status` (test setup, not a workflow step: nothing is logged). `spam_reasons` quarantine
    it at capture, as the spam checks do. `given` answers the CTA's form (name=, company=...)
    or, for anything else, is set on the stored submission (received_at, page, owner, utm_*,
    status_reason...). A disqualified lead gets a reason, which the database insists on;
    `score` is set on its contact."""
    from leads.models import Contact, Status, Submission

    n = next(_leads)
    cta = cta or make_cta("quote")
    answers = {key: given.pop(key) for key in ANSWERS[cta.kind] if key in given}
    submission = capture_lead(
        cta,
        nonce=f"lead-{n}",
        email=email or f"person{n}@firm{n}.example",
        spam_reasons=spam_reasons,
        **answers,
    ).submission
    fields = given | ({"status": status} if status is not None else {})
    if fields.get("status") == Status.DISQUALIFIED:
        fields.setdefault("status_reason", "No budget")
    if fields.get("page") is not None:
        fields.setdefault("page_title", fields["page"].title)
    if fields:
        Submission.objects.filter(pk=submission.pk).update(**fields)
    if score is not None:
        Contact.objects.filter(pk=submission.contact_id).update(score=score)
    submission.refresh_from_db()
    return submission


def question(kind, name, label, *, choices=(), **value):
    """One question of a CTA's form as the editor stores it (StreamField data):
    `question("checkboxes", "topics", "Topics", choices=[("seo", "SEO")], property="...")`."""
    items = [{"type": "item", "value": {"label": label, "value": code}} for code, label in choices]
    data = {"name": name, "label": label, **value}
    if kind in ("dropdown", "radio", "checkboxes"):
        data["choices"] = items
    return {"type": kind, "value": data}


def consent_question(purpose="marketing", *, text="", required=False):
    name = "consent" if purpose == "request" else f"consent_{purpose}"
    return {
        "type": "consent",
        "value": {"name": name, "purpose": purpose, "text": text, "required": required},
    }


def make_form_cta(*questions, kind="quote", **fields):
    """A CTA whose editor built its form: a required email question filling Email, then
    `questions` (see `question`, `consent_question`)."""
    email = question("email", "email", "Work email", property="email", required=True)
    return make_cta(kind, questions=[email, *questions], **fields)


def answer_form(cta, *, nonce=None, consents=None, **answers):
    """A lead captured through the CTA's built form (`services.lead_capture`), as the submit
    view captures it: `answers` by question name (lists for checkboxes), `consents` by purpose
    ({"marketing": True}); each consent question not named is refused."""
    import time

    from leads import services
    from leads.capture.tokens import form_token
    from leads.capture.visit import Visit

    n = next(_leads)
    consents = consents or {}
    given = [(q, bool(consents.get(q.purpose))) for q in cta.question_set.consents]
    token = form_token(
        cta.pk,
        consent_version=cta.consent_version,
        issued_at=time.time() - 60,
        nonce=nonce or f"form-{n}",
    )
    data = {"token": token, "website": "", "first_landing": "", "first_referrer": ""}
    data["posted_from"] = ""
    answers.setdefault("email", f"person{n}@firm{n}.example")
    return services.lead_capture(
        cta=cta, data=data, answers=answers, visit=Visit(), consents=given
    ).submission
