"""The "Leads" admin menu: shown only to people with lead rights, built from the items each
screen registers with the `register_leads_menu_item` hook."""

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from ..permissions import may_view_leads

leads_menu = Menu(register_hook_name="register_leads_menu_item")


class LeadsMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return may_view_leads(request.user)


@hooks.register("register_admin_menu_item")
def register_leads_menu():
    return LeadsMenuItem("Leads", leads_menu, icon_name="group", name="leads", order=240)
