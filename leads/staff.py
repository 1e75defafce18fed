"""The people who work leads, as the admin and lead email name them (`user_label`).

Who may work leads is decided in leads/permissions.py. `lead_worker_choices` is re-exported
here only because migration 0010 names `leads.staff.lead_worker_choices` (migrations are not
rewritten); code imports it from leads.permissions.
"""

from .permissions import lead_worker_choices

__all__ = ["lead_worker_choices", "user_label"]


def user_label(user) -> str:
    if user is None:
        return "A deleted user"
    return (user.get_full_name() or "").strip() or user.get_username()
