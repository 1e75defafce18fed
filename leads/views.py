"""Public lead views: thin, each a form, a service call and a response.

The submit view is exempt from Django's CSRF cookie on purpose: article pages are cached and
shared between visitors, so they cannot carry a per-visitor secret. Cross-site posting is
refused by Origin (and Fetch Metadata) instead, and replays are absorbed by the idempotency key.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from leadsite.client_ip import client_ip
from leadsite.outage import DATABASE_UNAVAILABLE, unavailable

from . import services
from .attribution import Attribution, with_posted_from
from .forms import form_for
from .models import CallToAction, Contact, CTAKind, Submission, Subscription
from .origin import origin_refused
from .spam import (
    IMPRESSION_WINDOW_SECONDS,
    impression_rate_limited,
    rate_limited,
    retry_after_seconds,
    spam_reasons,
)
from .tokens import (
    OPT_IN_MAX_AGE,
    download_max_age,
    form_token,
    form_token_for_view,
    link_token,
    read_form_token,
    read_link_token,
)

FETCH_HEADER = "X-Requested-With"


def is_fetch(request) -> bool:
    """Posted by leads.js, which wants the new CTA content, not a page."""
    return request.headers.get(FETCH_HEADER) == "leadsite"


def declared_length(request) -> int | None:
    """The body size the client declared, or None if the header is malformed (Django's own
    request.body would raise ValueError on it: a 500)."""
    value = request.META.get("CONTENT_LENGTH") or "0"
    return int(value) if value.isascii() and value.isdigit() else None


def cta_response(request, cta, *, form=None, status=200, message=""):
    """The CTA again, with errors: a fragment for leads.js, or a page of its own."""
    context = {"cta": cta, "form": form, "message": message, "page": None}
    template = "leads/cta_fragment.html" if is_fetch(request) else "leads/cta_page.html"
    if form is not None and form.is_bound and not is_fetch(request):
        # Without JavaScript this is a page of its own: a way back to the article.
        token = read_form_token(str(form.data.get("token", "")), cta.pk)
        context["back"] = back_link(request, token.page_id if token.valid else None)
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def cta_page(request, cta_id):
    """A CTA on a page of its own: where the form comes back with errors without JavaScript."""
    cta = get_object_or_404(CallToAction.objects.with_document(), pk=cta_id)
    return cta_response(request, cta)


@csrf_exempt
@require_POST
def submit(request, cta_id):
    cta = CallToAction.objects.for_submission(cta_id)
    if cta is None:
        raise Http404("No such call to action.")
    if origin_refused(request):
        return cta_response(
            request,
            cta,
            status=403,
            message="This form can only be sent from this site. Please open the page and send "
            "it from there.",
        )
    length = declared_length(request)
    if length is None:
        return cta_response(
            request, cta, status=400, message="The form arrived damaged. Please send it again."
        )
    if length > settings.LEAD_MAX_BODY_BYTES:
        return cta_response(
            request, cta, status=413, message="That was more than this form can take."
        )
    try:
        data = with_posted_from(request, request.POST)
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, UnreadablePostError):
        return cta_response(
            request, cta, status=400, message="The form arrived damaged. Please send it again."
        )
    form = form_for(cta, data=data)
    if not form.is_valid():
        return cta_response(request, cta, form=form, status=400)
    token = read_form_token(form.cleaned_data["token"], cta.pk)
    if token.valid and token.expired:
        fresh = data.copy()
        fresh["token"] = form_token(
            cta.pk, page_id=token.page_id, consent_version=token.consent_version
        )
        form = form_for(cta, data=fresh)
        form.is_valid()
        form.add_error(
            None, "This form was open for a long time. Please check your answers and send it again."
        )
        return cta_response(request, cta, form=form, status=400)
    email = form.cleaned_data["email"]
    if rate_limited(ip=client_ip(request), email=email):
        form.add_error(
            None,
            "We have received many requests from you in a short time. Please try again in an "
            "hour; your answers are still here.",
        )
        response = cta_response(request, cta, form=form, status=429)
        response["Retry-After"] = str(retry_after_seconds())
        return response
    try:
        page = page_for_submission(token.page_id)
        result = services.submission_capture(
            cta=cta,
            answers=form.answers,
            consent_given=form.cleaned_data.get("consent", True),
            consent_version=token.consent_version,
            page=page,
            attribution=Attribution.from_request(
                request,
                first_landing=form.cleaned_data["first_landing"],
                first_referrer=form.cleaned_data["first_referrer"],
                posted_from=form.cleaned_data["posted_from"],
            ),
            nonce=token.nonce,
            spam_reasons=spam_reasons(
                data=form.cleaned_data, token=token, honeypot=form.cleaned_data["website"]
            ),
        )
    except services.WebinarFull:
        return cta_response(request, cta, status=409, message=full_message(cta))
    except DATABASE_UNAVAILABLE:  # restarting or failing over; a resend is deduplicated
        form.add_error(
            None,
            "We could not save your request just now. Your answers are still here: please send "
            "the form again in a minute.",
        )
        return unavailable(cta_response(request, cta, form=form, status=503))
    if is_fetch(request):
        return thanks_response(request, result.submission, "leads/thanks_fragment.html")
    thanks_url = reverse("leads:thanks", args=[link_token("thanks", result.submission.reference)])
    return HttpResponseRedirect(thanks_url, status=303)


# The page a form token names, read with one plain SELECT: every lead asks, and on this path
# building Wagtail's page queryset and model instance cost ten times the query itself (a Page
# instance alone, even unsaved, costs a quarter of a millisecond).
PAGE_TITLE_SQL = "SELECT {title} FROM {table} WHERE {id} = %s"


def page_for_submission(page_id: int | None) -> services.PageRef | None:
    """The page the form was rendered on, with its id and title only; None if there is none or
    it has been deleted since the page was cached (the lead is kept without it)."""
    if not page_id:
        return None
    quote = connection.ops.quote_name
    sql = PAGE_TITLE_SQL.format(
        title=quote("title"), table=quote(Page._meta.db_table), id=quote("id")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [page_id])
        row = cursor.fetchone()
    return services.PageRef(page_id, row[0]) if row else None


# The largest beacon body we read: a form token is under 200 characters.
MAX_BEACON_BYTES = 1024


@csrf_exempt
@require_POST
def seen(request, cta_id):
    """Count one impression of a CTA: leads.js posts the form's token when the box scrolls
    into view, once per CTA per page view.

    Works on cached pages: the signed token names the CTA and page it was rendered for, so the
    count is right whoever got the page, and no one can count impressions for a page that did
    not show the CTA. Nothing about the visitor is read or kept: no cookie, no session, no IP
    (beyond a hashed rate-limit counter). CSRF-exempt for the same reason as `submit`;
    cross-site posts are refused by Origin and Fetch Metadata.
    """
    if origin_refused(request):
        return beacon_response(403)
    length = declared_length(request)
    if length is None or length > MAX_BEACON_BYTES:
        return beacon_response(400)
    try:
        raw_token = request.POST.get("token", "")
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, UnreadablePostError):
        return beacon_response(400)
    token = read_form_token(raw_token, cta_id) if raw_token else None
    if token is None or not token.valid or token.expired:
        return beacon_response(400)
    if token.page_id is None:  # the CTA's own page or a preview: not an article impression
        return beacon_response(204)
    if impression_rate_limited(ip=client_ip(request)):
        response = beacon_response(429)
        response["Retry-After"] = str(IMPRESSION_WINDOW_SECONDS)
        return response
    services.impression_record(cta_id=cta_id, page_id=token.page_id, day=timezone.localdate())
    return beacon_response(204)


# Forms a page view may restamp at once: more than any page shows.
MAX_VIEWED_FORMS = 16


@csrf_exempt
@require_POST
def forms_viewed(request):
    """Fresh form tokens for a page view: leads.js posts the token of each form on the page
    as soon as it is shown and puts the answers in their place, so that the time trap counts
    from when this visitor loaded the page, even when the page came from a cache (the app's
    or nginx's) rendered minutes before. Never cached; no cookie, nothing about the visitor
    read or kept; a forged or expired token gets null (the form keeps the one it has).
    Cross-site posts are refused by Origin and Fetch Metadata, as for `submit`."""
    if origin_refused(request):
        return beacon_response(403)
    length = declared_length(request)
    if length is None or length > MAX_BEACON_BYTES * MAX_VIEWED_FORMS:
        return beacon_response(400)
    try:
        tokens = request.POST.getlist("token")
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, UnreadablePostError):
        return beacon_response(400)
    if not tokens or len(tokens) > MAX_VIEWED_FORMS:
        return beacon_response(400)
    response = JsonResponse({"tokens": [form_token_for_view(token) for token in tokens]})
    response["Cache-Control"] = "no-store"
    return response


def beacon_response(status: int) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Cache-Control"] = "no-store"
    return response


def full_message(cta) -> str:
    if cta.is_past:
        return "This webinar has already taken place. Recordings are announced in our newsletter."
    return "Sorry, this webinar is full: every seat has been taken."


def thanks_response(request, submission, template, *, back=None):
    cta = submission.cta
    download = None
    if (
        submission.cta_kind == CTAKind.DOWNLOAD
        and not submission.is_quarantined
        and cta is not None
        and cta.document is not None
    ):
        download = {
            "url": reverse("leads:download", args=[link_token("download", submission.reference)]),
            "title": cta.document.title,
        }
    context = {
        "submission": submission,
        "cta": cta,
        "download": download,
        "link_days": settings.LEAD_DOWNLOAD_LINK_DAYS,
        "page": None,
        "back": back,
    }
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def link_from(purpose, token, *, max_age):
    """What a signed link names; 404 if the link is forged or expired."""
    link = read_link_token(purpose, token, max_age=max_age)
    if link is None:
        raise Http404("This link has expired or is not valid.")
    return link


def back_link(request, page_id: int | None) -> dict | None:
    """The title and URL of the live, public page a form was sent from, to link back to."""
    page = Page.objects.live().public().filter(pk=page_id).first() if page_id else None
    url = page.get_url(request) if page else None
    return {"title": page.title, "url": url} if url else None


def object_from_link(purpose, token, queryset, *, max_age):
    """The object a signed link was made for; 404 if the link is forged or expired."""
    return get_object_or_404(queryset, **link_from(purpose, token, max_age=max_age).lookup())


def submission_from_link(purpose, token):
    """The submission of a thank-you or download link; an erased one is gone (404)."""
    submissions = Submission.objects.live().select_related("cta__document")
    return object_from_link(purpose, token, submissions, max_age=download_max_age())


@never_cache
def thanks(request, token):
    submission = submission_from_link("thanks", token)
    back = back_link(request, submission.page_id)
    return thanks_response(request, submission, "leads/thanks_page.html", back=back)


@never_cache
def download(request, token):
    """The gated file, for the submission the signed link was made for."""
    submission = submission_from_link("download", token)
    document = submission.cta.document if submission.cta else None
    if submission.is_quarantined or document is None:
        raise Http404("This link has expired or is not valid.")
    services.download_record(submission=submission)
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.filename
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_in(request, token):
    """Confirm a newsletter subscription. GET asks (mail scanners follow links); POST confirms.

    A link issued before the person's last unsubscribe confirms nothing (it says so)."""
    link = link_from("opt_in", token, max_age=OPT_IN_MAX_AGE)
    subscriptions = Subscription.objects.select_related("cta", "contact")
    subscription = get_object_or_404(subscriptions, **link.lookup())
    if request.method == "POST":
        if origin_refused(request):
            return render(request, "leads/refused.html", status=403)
        subscription = services.subscription_confirm(
            subscription=subscription, link_issued_at=link.issued_at
        )
    context = {
        "subscription": subscription,
        "superseded": not services.subscription_link_current(
            subscription=subscription, link_issued_at=link.issued_at
        ),
        "page": None,
    }
    return render(request, "leads/opt_in.html", context)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Unsubscribe from every email. GET shows where the person stands; POST (a button, or
    RFC 8058 one-click) unsubscribes, or with `action=resubscribe` undoes it."""
    link = link_from("unsubscribe", token, max_age=None)
    contact = get_object_or_404(Contact, **link.lookup())
    resubscribed = False
    if request.method == "POST":
        if origin_refused(request):
            return render(request, "leads/refused.html", status=403)
        if request.POST.get("action") == "resubscribe":
            contact = services.contact_resubscribe(contact=contact, link_issued_at=link.issued_at)
            resubscribed = contact.unsubscribed_at is None
        else:
            contact = services.contact_unsubscribe(contact=contact)
    context = {
        "contact": contact,
        "can_resubscribe": services.contact_can_resubscribe(link_issued_at=link.issued_at),
        "resubscribed": resubscribed,
        "page": None,
    }
    return render(request, "leads/unsubscribe.html", context)
