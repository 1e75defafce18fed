"""The demo quote form as an editor would build it: two steps, contact properties, a question
shown on a condition, a hidden campaign field, an optional marketing consent, and two questions
asked of returning people only (progressive profiling). The demo's quote CTA asks it, and
bench/leads posts it: 12 questions a first-time visitor gets, and a step break."""

from leads.answers import BUDGETS, TIMELINES


def _choices(pairs):
    return [{"label": label, "value": code} for code, label in pairs]


def _q(kind, name, label, **value):
    return {"type": kind, "value": {"name": name, "label": label, **value}}


CRMS = [
    ("hubspot", "HubSpot"),
    ("salesforce", "Salesforce"),
    ("pipedrive", "Pipedrive"),
    ("zoho", "Zoho CRM"),
    ("other", "Another one"),
]

QUOTE_QUESTIONS = [
    _q("text", "first_name", "First name", property="first_name", required=True),
    _q("text", "last_name", "Last name", property="last_name", required=True),
    _q("email", "email", "Work email", property="email", required=True),
    _q("text", "company", "Company", property="company", required=True),
    # Progressive profiling: asked of returning people in place of what we know of them.
    _q("text", "job_title", "Job title", property="job_title", required=True, queued=True),
    {"type": "step", "value": {"heading": "About your project"}},
    # No choices of its own: the contact property's (sales managers keep them).
    _q("dropdown", "company_size", "Company size", property="company_size", required=True),
    _q(
        "radio",
        "uses_crm",
        "Do you use a CRM today?",
        required=True,
        choices=_choices([("yes", "Yes"), ("no", "No")]),
    ),
    _q(
        "dropdown",
        "which_crm",
        "Which CRM?",
        required=True,
        choices=_choices(CRMS),
        help_text="We connect leads to it on day one.",
        show_if_question="uses_crm",
        show_if_answers="yes",
    ),
    _q("dropdown", "industry", "Industry", property="industry", required=True, queued=True),
    _q("dropdown", "budget", "Budget", required=True, choices=_choices(BUDGETS)),
    _q("dropdown", "timeline", "Timeline", required=True, choices=_choices(TIMELINES)),
    _q(
        "long_text",
        "message",
        "What do you need?",
        required=False,
        help_text="A few lines on your goals is plenty.",
    ),
    {
        "type": "hidden",
        "value": {"name": "campaign", "label": "Campaign", "source": "utm_campaign", "value": ""},
    },
    {
        "type": "consent",
        "value": {
            "name": "consent_marketing",
            "purpose": "marketing",
            "text": "Also send me The Qualified Lead, our newsletter, every other Tuesday. I can "
            "unsubscribe at any time.",
            "required": False,
        },
    },
]


# The eBook's form: the standard download questions, and an optional marketing consent that
# enrols the reader in the demo's nurture sequence after the download (demo/mailings.py).
DOWNLOAD_MARKETING_CONSENT = (
    "Also email me three short notes over the next week on putting the playbook to work, and "
    "an occasional guide like it. I can unsubscribe at any time."
)
DOWNLOAD_QUESTIONS = [
    _q("text", "name", "Name", property="name", required=True),
    _q("email", "email", "Work email", property="email", required=True),
    {
        "type": "consent",
        "value": {"name": "consent", "purpose": "request", "text": "", "required": True},
    },
    {
        "type": "consent",
        "value": {
            "name": "consent_marketing",
            "purpose": "marketing",
            "text": DOWNLOAD_MARKETING_CONSENT,
            "required": False,
        },
    },
]
