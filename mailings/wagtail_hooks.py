"""The Email menu: every screen of mailings/admin/ in one group. And what mailings adds to the
leads app through its hooks (leads/extension_points.py): a lead's status change enrols or lets
go (mailings/sequences.py); a contact's page shows their sequences and emails; a person's data
export includes the email sent to them (mailings/privacy.py)."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from . import privacy
from . import sequences as sequence_services
from .admin import broadcasts, contact, deliverability, sequences


class EmailGroup(ViewSetGroup):
    menu_label = "Email"
    menu_icon = "mail"
    menu_order = 250
    items = (*broadcasts.VIEWSETS, *sequences.VIEWSETS, *deliverability.VIEWSETS)


@hooks.register("register_admin_viewset")
def register_email_group():
    return EmailGroup()


# A person's data export (leads/privacy.py) includes the email sent to them.
hooks.register("leads_privacy_export", privacy.export)

# Sequences and the sales workspace ----------------------------------------------------------

hooks.register("leads_status_changed", sequence_services.lead_status_changed)
hooks.register("leads_contact_panels", contact.contact_panels)
hooks.register("leads_contact_timeline", contact.contact_timeline)


@hooks.register("register_admin_viewset")
def register_contact_enrolments():
    return contact.contact_enrolments_viewset


@hooks.register("register_log_actions")
def register_enrolment_log_actions(actions):
    actions.register_action(sequence_services.ENROL, "Add to a sequence", "Added to a sequence")
    actions.register_action(sequence_services.PAUSE, "Pause", "Paused in a sequence")
    actions.register_action(sequence_services.RESUME, "Resume", "Resumed in a sequence")
    actions.register_action(sequence_services.REMOVE, "Remove", "Removed from a sequence")
