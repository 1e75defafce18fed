"""The people who work leads: who can be given one, and how their names read in the admin.

`lead_workers()` is the one definition of who may work leads, and so who may own a CTA or a
lead and receive any email that carries lead data (`may_work_leads`): active, and a superuser
or holding `leads.change_submission` (the Sales and Sales managers groups have it).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet


def lead_workers() -> QuerySet:
    """Active people who can work leads (review and assign them): the owners the inbox and the
    contact page offer, and the ones services.submissions_assign accepts. One query."""
    can_work = Permission.objects.filter(
        content_type__app_label="leads", codename="change_submission"
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


def user_label(user) -> str:
    if user is None:
        return "A deleted user"
    return (user.get_full_name() or "").strip() or user.get_username()
