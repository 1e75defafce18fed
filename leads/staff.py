"""The people who work leads: who can be given one, and how their names read in the admin."""

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


def user_label(user) -> str:
    if user is None:
        return "A deleted user"
    return (user.get_full_name() or "").strip() or user.get_username()
