"""The Email menu (every screen of mailings/admin/ in one group), and what mailings adds to
leads' screens and exports through their hooks."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from . import privacy
from .admin import broadcasts, deliverability, sequences


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
