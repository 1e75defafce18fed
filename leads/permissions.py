"""Who may do what with leads: the permission names and the rules built on them, in one place.

Every check the leads app makes itself asks here (Wagtail's viewsets check the model rights on
their own). Working leads (reviewing, assigning, owning a CTA or a lead, receiving email that
carries lead data) is one right, `leads.change_submission`, which the Sales and Sales managers
groups hold, on an active account. `lead_workers()` is that rule as a query, for people other
than the signed-in user (owner choices, email recipients at sending time); for the signed-in
user it is `may_review_leads(user)`, and Django's `has_perm` is False for an inactive account
too, so both agree.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

# Permission names -------------------------------------------------------------------------

VIEW_LEADS = "leads.view_submission"  # the Leads menu, the inbox, analytics, dashboard panels
WORK_LEADS = "leads.change_submission"  # review, assign, retry deliveries; own and be told
EXPORT_LEADS = "leads.export_submission"  # download the inbox or the contacts as a spreadsheet
VIEW_CONTACTS = "leads.view_contact"  # open a contact's page
ADD_NOTE = "leads.add_note"
EDIT_NOTE = "leads.change_note"  # one's own notes only (services.note_edit checks the author)
ERASE_PERSONAL_DATA = "leads.delete_contact"  # the privacy tools: find, export, erase
VIEW_SCORING_RULES = "leads.view_scoringrule"
EDIT_SCORING_SETTINGS = "leads.change_scoringsettings"
ADD_CAMPAIGN = "leads.add_campaign"
EDIT_CAMPAIGN = "leads.change_campaign"


# The signed-in user -------------------------------------------------------------------------


def may_view_leads(user) -> bool:
    return user.has_perm(VIEW_LEADS)


def may_review_leads(user) -> bool:
    """May the signed-in user review and assign leads: `may_work_leads` for the request's user
    (`has_perm` caches the rights for the request)."""
    return user.has_perm(WORK_LEADS)


def may_view_contacts(user) -> bool:
    return user.has_perm(VIEW_CONTACTS)


def may_erase_personal_data(user) -> bool:
    return user.has_perm(ERASE_PERSONAL_DATA)


# Anyone: owners and recipients ---------------------------------------------------------------


def lead_workers() -> QuerySet:
    """Active people who can work leads (review and assign them): the owners the inbox and the
    contact page offer, and the ones services.submissions_assign accepts. One query."""
    app_label, codename = WORK_LEADS.split(".")
    can_work = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).values("pk")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=can_work)
            | Q(user_permissions__in=can_work)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def lead_worker_choices() -> Q:
    """`limit_choices_to` of an owner field: its select offers, and its validation accepts,
    only lead workers."""
    return Q(pk__in=lead_workers().order_by().values("pk"))


def may_work_leads(user) -> bool:
    """May this person work leads, and so receive lead data by email? Asked again at sending
    time: rights and accounts change after a CTA or a lead was given to someone."""
    return user is not None and lead_workers().filter(pk=user.pk).exists()
