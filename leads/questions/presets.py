"""Each CTA kind's standard questions, as StreamField data: what a new CTA of that kind asks
until its editor changes it, and what migration 0018 gave the CTAs that existed before
editors could. The names and labels are those the fixed forms had, so older answers read
the same."""

import copy

from .. import answers, kinds


def _question(kind: str, name: str, label: str, **value) -> dict:
    return {"type": kind, "value": {"name": name, "label": label, **value}}


def _choices(pairs) -> list[dict]:
    return [{"label": label, "value": code} for code, label in pairs]


def name(**extra):
    return _question("text", "name", "Name", property="name", required=True, **extra)


def email(label="Work email"):
    return _question("email", "email", label, property="email", required=True)


def company():
    return _question("text", "company", "Company", property="company", required=True)


def consent(purpose: str) -> dict:
    return {
        "type": "consent",
        "value": {"name": "consent", "purpose": purpose, "text": "", "required": True},
    }


PRESETS = {
    "download": [name(), email(), consent("request")],
    "quote": [
        name(),
        email(),
        company(),
        _question("phone", "phone", "Phone", property="phone", required=False),
        _question("dropdown", "budget", "Budget", required=True, choices=_choices(answers.BUDGETS)),
        _question(
            "dropdown", "timeline", "Timeline", required=True, choices=_choices(answers.TIMELINES)
        ),
        _question(
            "long_text",
            "message",
            "What do you need?",
            required=True,
            help_text="A few lines on your goals is plenty.",
        ),
    ],
    "newsletter": [email("Email"), consent("marketing")],
    "webinar": [name(), email("Email"), company()],
}


def preset(kind: str) -> list[dict]:
    """A copy of the kind's standard questions (StreamField raw data): its own, those of the
    kind it names in `questions_like`, or else an email address only."""
    entry = kinds.BY_VALUE.get(kind)
    if kind not in PRESETS and entry is not None:
        kind = entry.questions_like or kind
    return copy.deepcopy(PRESETS.get(kind, [email("Email")]))
