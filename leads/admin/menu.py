"""The "Leads" admin menu: shown only to people with lead rights, built from the items each
screen registers with the `register_leads_menu_item` hook."""

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

leads_menu = Menu(register_hook_name="register_leads_menu_item")


class LeadsMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm("leads.view_submission")


@hooks.register("register_admin_menu_item")
def register_leads_menu():
    return LeadsMenuItem("Leads", leads_menu, icon_name="group", name="leads", order=240)
