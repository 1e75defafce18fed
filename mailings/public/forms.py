"""The preference centre's form: one checkbox per public mailing list."""

from django import forms

from leads.models import MailingList


def field_name(mailing_list: MailingList) -> str:
    return f"list_{mailing_list.slug}"


class ListsForm(forms.Form):
    """Which public lists the person wants. A list they are not on is offered only with a
    recent link (`may_join`): joining is an opt-in, which an old or forwarded link must not
    give. Leaving is always possible."""

    def __init__(self, *args, mailing_lists, subscribed: set[int], may_join: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.mailing_lists = list(mailing_lists)
        self.subscribed = subscribed
        for mailing_list in self.mailing_lists:
            on_it = mailing_list.pk in subscribed
            self.fields[field_name(mailing_list)] = forms.BooleanField(
                label=mailing_list.name,
                help_text=mailing_list.description,
                required=False,
                initial=on_it,
                disabled=not on_it and not may_join,
            )

    def changes(self) -> tuple[list[MailingList], list[MailingList]]:
        """(lists to join, lists to leave), from the valid form."""
        wanted = {
            mailing_list.pk
            for mailing_list in self.mailing_lists
            if self.cleaned_data.get(field_name(mailing_list))
        }
        join = [m for m in self.mailing_lists if m.pk in wanted - self.subscribed]
        leave = [m for m in self.mailing_lists if m.pk in self.subscribed - wanted]
        return join, leave
