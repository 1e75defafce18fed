"""Hidden questions' answers, filled in by the capture from what the server knows of the visit:
never posted by the browser, so a visitor cannot choose them."""

from urllib.parse import parse_qs, urlsplit

from ..capture.attribution import UTM_KEYS, Attribution
from ..cleaning import clean_line
from .definition import QuestionSet

HIDDEN_MAX = 200


def hidden_answers(questions: QuestionSet, *, attribution: Attribution, page_title: str) -> dict:
    """{name: value} for each hidden question of the form."""
    if not questions.hidden:
        return {}
    fields = attribution.as_fields()
    page_url = attribution.last.landing_page
    query = parse_qs(urlsplit(page_url).query) if page_url else {}
    values = {}
    for question in questions.hidden:
        source = question.source
        if source in UTM_KEYS:
            value = fields.get(source, "")
        elif source == "referrer":
            value = fields.get("referrer") or attribution.first.referrer
        elif source == "page":
            value = page_title
        elif source == "page_url":
            value = page_url.split("?", 1)[0]
        elif source == "query":
            value = (query.get(question.value) or [""])[0]
        else:  # fixed
            value = question.value
        values[question.name] = clean_line(value)[:HIDDEN_MAX]
    return values
