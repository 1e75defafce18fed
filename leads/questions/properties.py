"""Contact properties: what a question's answer may fill on the contact.

Built-in properties are columns of `Contact` (name, email, company, phone, job title, country)
or are composed into them (first and last name make the name). Company size, industry and any
property a sales manager adds are `ContactProperty` rows, stored in `Contact.properties` by
their key; their choices are the property's own. Answers to questions without a property stay
on the submission only.
"""

from django.apps import apps

from .. import memo

# Built-in properties: (key, label). The key is what a question's "contact property" names.
COLUMNS = {
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "company": "Company",
    "job_title": "Job title",
    "phone": "Phone",
    "country": "Country",
}
# The contact's columns that an answer overwrites when given (never with an empty answer).
CONTACT_COLUMNS = ("name", "company", "phone", "job_title", "country")


def choices() -> list[tuple[str, str]]:
    """Every property a question may fill, built-in first, for the question editor. Read at
    each request: sales managers add properties while editors work."""
    extra = [(prop.key, prop.label) for prop in contact_properties().objects.all()]
    return [("", "None: keep the answer on the submission only"), *COLUMNS.items(), *extra]


def contact_details(answers: dict, filled: dict[str, str]) -> tuple[dict, dict]:
    """The contact's columns and extra properties given by one submission's answers.

    `filled` maps question name -> property key. Empty answers are left out, so an answer left
    blank never erases what is known. First and last name make the name when no question asks
    for the whole name.
    """
    columns, extra = {}, {}
    for name, key in filled.items():
        value = answers.get(name)
        if value in (None, "", []):
            continue
        if key in CONTACT_COLUMNS:
            columns[key] = value
        elif key != "email":  # the email is the contact's key, set by the capture
            extra[key] = value
    if "name" not in columns and (extra.get("first_name") or extra.get("last_name")):
        parts = (extra.get("first_name", ""), extra.get("last_name", ""))
        columns["name"] = " ".join(part for part in parts if part)[:120]
    return columns, extra


def property_choices() -> dict[str, list[tuple[str, str]]]:
    """{key: [(code, label)]} of the contact properties with choices, read at most every 30 s
    per process (every form render and lead needs it)."""

    def load():
        return {
            prop.key: prop.choice_pairs
            for prop in contact_properties().objects.exclude(choices=[]).only("key", "choices")
        }

    return memo.contact_properties.get("all", load)


def contact_properties():
    """The ContactProperty model, from the app registry: the models import this module (the
    question blocks offer its choices), so it cannot import them."""
    return apps.get_model("leads", "ContactProperty")
