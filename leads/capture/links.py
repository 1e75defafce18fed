"""Pages reached by the signed links a lead is given: thanks, the gated download, newsletter
opt-in and unsubscribe. Each link names a random reference, never an id (leads/capture/tokens.py).
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import services
from ..models import Contact, Submission, Subscription
from . import recognition
from .origin import origin_refused
from .tokens import OPT_IN_MAX_AGE, download_max_age, read_link_token
from .views import back_link, thanks_response


def link_from(purpose, token, *, max_age):
    """What a signed link names; 404 if the link is forged or expired."""
    link = read_link_token(purpose, token, max_age=max_age)
    if link is None:
        raise Http404("This link has expired or is not valid.")
    return link


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
    response = render(request, "leads/opt_in.html", context)
    if request.method == "POST" and subscription.status == "confirmed":
        # A link in our email, followed and confirmed: this browser's person is known.
        recognition.remember(response, subscription.contact)
    return response


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
