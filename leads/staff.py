"""The people who work leads, as the admin names them.

Who may work leads (and so own a CTA or a lead and receive lead email) is decided in
leads/permissions.py; its rules are re-exported here for older imports and for migration 0010,
which names `leads.staff.lead_worker_choices`.
"""

from .permissions import lead_worker_choices, lead_workers, may_work_leads

__all__ = ["lead_worker_choices", "lead_workers", "may_work_leads", "user_label"]


def user_label(user) -> str:
    if user is None:
        return "A deleted user"
    return (user.get_full_name() or "").strip() or user.get_username()
