"""The pages an email's links lead to, reached without signing in: one-click unsubscribe
(RFC 8058), the preference centre, and tracked links. Each link names a random reference,
signed (mailings/links.py); a forged or broken one is a 404, never an error or a redirect
elsewhere.

No page shows or puts in a URL the person's address: the preference centre shows it masked
("a***@example.com"), enough to recognise, little to whoever a link was forwarded to.
"""

from urllib.parse import urlsplit

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from leads import services
from leads.capture.origin import origin_refused
from leads.capture.tokens import link_token, read_link_token
from leads.models import ConsentSource, Contact, MailingList, SubscriptionStatus

from .. import engagement, links
from ..models import Send
from . import services as actions
from .forms import ListsForm, field_name

NOT_VALID = "This link has expired or is not valid."


def mask_email(email: str) -> str:
    """'ana@example.com' -> 'a***@example.com'."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def refused(request):
    return render(request, "leads/refused.html", {"page": None}, status=403)


def send_for_token(token: str) -> Send:
    reference = links.read_unsubscribe_token(token)
    if reference is None:
        raise Http404(NOT_VALID)
    return get_object_or_404(Send.objects.select_related("contact"), reference=reference)


def preferences_link(send: Send) -> str:
    """The preference centre, as the email carrying this unsubscribe link linked it: issued
    when the email went out, so an old email gives no fresh link (resubscribing needs one)."""
    issued = send.sent_at or send.due_at
    token = link_token("preferences", send.contact.reference, issued_at=issued.timestamp())
    return reverse("mailings:preferences", args=[token])


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks (mail scanners follow links: a GET never unsubscribes). POST with
    "List-Unsubscribe=One-Click", sent by the mail provider (RFC 8058: no cookie, no CSRF
    token) or by the page's button, unsubscribes from all marketing email at once."""
    send = send_for_token(token)
    contact = send.contact
    status = 200
    if request.method == "POST":
        if origin_refused(request):
            return refused(request)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            contact = actions.send_unsubscribe(send=send)
        else:
            status = 400
    context = {
        "contact": contact,
        "wording": actions.unsubscribe_wording(),
        "preferences_url": preferences_link(send),
        "page": None,
    }
    return render(request, "mailings/public/unsubscribe.html", context, status=status)


PREFERENCE_NOTICES = {
    "saved": "Your choices are saved.",
    "unsubscribed": "You are unsubscribed from all email.",
    "resubscribed": "Welcome back: you are subscribed again.",
}


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    """The preference centre: the public lists to join and leave, unsubscribe from all email,
    and resubscribe with a recent link (no older than a confirmation link may be). Each change
    is recorded in the consent ledger with the wording shown. Post/Redirect/Get; the notice
    after a change is named in the query string, never anything personal."""
    link = read_link_token("preferences", token, max_age=None)
    if link is None:
        raise Http404(NOT_VALID)
    contact = get_object_or_404(Contact, **link.lookup())
    fresh = services.contact_can_resubscribe(link_issued_at=link.issued_at)
    mailing_lists = MailingList.objects.filter(public=True).order_by("name")
    subscribed = set(
        contact.subscriptions.filter(status=SubscriptionStatus.CONFIRMED).values_list(
            "mailing_list_id", flat=True
        )
    )
    form_kwargs = {"mailing_lists": mailing_lists, "subscribed": subscribed, "may_join": fresh}
    form = ListsForm(**form_kwargs)
    source = ConsentSource.PREFERENCES
    if request.method == "POST":
        if origin_refused(request):
            return refused(request)
        action = request.POST.get("action")
        done = None
        if action == "unsubscribe":
            actions.contact_stop_all(
                contact=contact, wording=actions.unsubscribe_wording(), source=source
            )
            done = "unsubscribed"
        elif action == "resubscribe":
            if services.contact_opt_in_again(
                contact=contact,
                wording=actions.resubscribe_wording(),
                source=source,
                link_issued_at=link.issued_at,
            ):
                done = "resubscribed"
        elif action == "lists" and contact.unsubscribed_at is None:
            form = ListsForm(request.POST, **form_kwargs)
            if form.is_valid():
                join, leave = form.changes()
                for mailing_list in join:
                    services.list_join(
                        contact=contact,
                        mailing_list=mailing_list,
                        wording=actions.list_wording(mailing_list),
                        source=source,
                    )
                for mailing_list in leave:
                    services.list_leave(
                        contact=contact,
                        mailing_list=mailing_list,
                        wording=actions.list_wording(mailing_list),
                        source=source,
                    )
                done = "saved"
        url = reverse("mailings:preferences", args=[token])
        return redirect(f"{url}?done={done}" if done else url)
    context = {
        "contact": contact,
        "masked_email": mask_email(contact.email),
        "form": form,
        "fields": [form[field_name(m)] for m in form.mailing_lists],
        "fresh": fresh,
        "notice": PREFERENCE_NOTICES.get(request.GET.get("done", "")),
        "unsubscribe_wording": actions.unsubscribe_wording(),
        "resubscribe_wording": actions.resubscribe_wording(),
        "list_prompt": actions.LIST_PROMPT,
        "page": None,
    }
    return render(request, "mailings/public/preferences.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def click(request, token):
    """A tracked link: count the click (once per GET; a HEAD only checks the link) and send
    the reader on with a 302. Only a link this site signed redirects anywhere."""
    named = links.read_click_token(token)
    if named is None:
        raise Http404(NOT_VALID)
    reference, url = named
    if urlsplit(url).scheme not in {"http", "https"}:
        raise Http404(NOT_VALID)
    send = get_object_or_404(Send.objects.select_related("contact"), reference=reference)
    if request.method == "GET":
        engagement.click_record(send=send, url=url)
    return HttpResponseRedirect(url)
