"""Where other apps add to leads without leads knowing them: Wagtail hooks, called here.

`leads` imports no app built on it (tests/test_architecture.py); an app that reacts to a lead
or shows more on a contact's page registers a function under one of these hook names in its
own wagtail_hooks.py (mailings does: nurture sequences).

- `leads_status_changed`: `fn(*, submission, old, new, by)` after a submission's status
  changed (the review workflow, a bulk change, a release from quarantine), inside the
  change's transaction: what it writes commits or rolls back with the change.
- `leads_contact_panels`: `fn(*, request, contact) -> list[ContactPanel]`, extra panels on a
  contact's page (after Consent). Keep each to a fixed number of queries.
- `leads_contact_timeline`: `fn(*, contact) -> list[TimelineItem]`
  (leads/admin/contact/record.py), extra events on the contact's timeline; an item's
  `template` renders its one-line title. A fixed number of queries, too.
- `leads_privacy_export`: `fn(*, contact) -> {section: [rows]}`, what else is held about the
  person, added to their data export (leads/privacy.py): plain JSON values.
"""

from dataclasses import dataclass, field

from wagtail import hooks

STATUS_CHANGED = "leads_status_changed"
CONTACT_PANELS = "leads_contact_panels"
CONTACT_TIMELINE = "leads_contact_timeline"
PRIVACY_EXPORT = "leads_privacy_export"


@dataclass
class ContactPanel:
    """One extra panel on a contact's page: `template_name` renders its body, reading
    `panel` (this object: `panel.context` is the app's own)."""

    id: str  # the panel's anchor: "<id>-section"
    heading: str
    template_name: str
    icon: str = "doc-empty"
    context: dict = field(default_factory=dict)


def status_changed(*, submission, old: str, new: str, by) -> None:
    for fn in hooks.get_hooks(STATUS_CHANGED):
        fn(submission=submission, old=old, new=new, by=by)


def contact_panels(*, request, contact) -> list[ContactPanel]:
    panels = []
    for fn in hooks.get_hooks(CONTACT_PANELS):
        panels.extend(fn(request=request, contact=contact) or [])
    return panels


def contact_timeline(*, contact) -> list:
    items = []
    for fn in hooks.get_hooks(CONTACT_TIMELINE):
        items.extend(fn(contact=contact) or [])
    return items


def privacy_export(*, contact) -> dict[str, list]:
    sections = {}
    for fn in hooks.get_hooks(PRIVACY_EXPORT):
        sections.update(fn(contact=contact) or {})
    return sections
