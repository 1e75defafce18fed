"""The Email menu: every screen of mailings/admin/ in one group."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin import broadcasts, deliverability, sequences


class EmailGroup(ViewSetGroup):
    menu_label = "Email"
    menu_icon = "mail"
    menu_order = 250
    items = (*broadcasts.VIEWSETS, *sequences.VIEWSETS, *deliverability.VIEWSETS)


@hooks.register("register_admin_viewset")
def register_email_group():
    return EmailGroup()
