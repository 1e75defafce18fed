"""Lead scoring as computed (leads/scoring.py, no database): what each rule is worth,
decay, and the explanation sales read."""

# Explanations are written as sales read them, with the times sign.
# ruff: noqa: RUF001

import datetime
from types import SimpleNamespace

from leads.models import Status
from leads.scoring import compute, domain_class, explain

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
FREE = frozenset({"gmail.com", "yahoo.com"})


def rule(signal, value="", points=10, label=None, *, field="", decays=False):
    return SimpleNamespace(
        signal=signal, field=field, value=value, points=points, label=label or value, decays=decays
    )


RULES = [
    rule("cta_kind", "quote", 40, "quote request", decays=True),
    rule("cta_kind", "download", 15, "download", decays=True),
    rule("cta_kind", "newsletter", 5, "newsletter signup", decays=True),
    rule("repeat", "", 5, "repeat engagement", decays=True),
    rule("email_domain", "business", 10, "business domain"),
    rule("email_domain", "free", -5, "free-mail address"),
    rule("answer", "over-50k", 25, "budget over $50k", field="budget"),
    rule("answer", "5k-20k", 5, "budget $5k to $20k", field="budget"),
    rule("answer", "now", 15, "buying now", field="timeline"),
]


def engagement(kind="download", days_ago=0.0, status=Status.NEW, erased=False, **answers):
    return SimpleNamespace(
        cta_kind=kind,
        answers=answers,
        received_at=NOW - datetime.timedelta(days=days_ago),
        status=status,
        erased_at=NOW if erased else None,
    )


def score(*submissions, domain="acme.example", rules=RULES, half_life=30):
    return compute(
        domain=domain,
        submissions=submissions,
        rules=rules,
        half_life_days=half_life,
        free_domains=FREE,
        now=NOW,
    )


# The computation -------------------------------------------------------------------------


def test_cta_kind_rule_counts_once_per_submission():
    result = score(engagement("download"), engagement("download"), domain="")

    assert result.explanation[0] == ("download ×2", 30)


def test_quote_counts_more_than_newsletter():
    assert score(engagement("quote")).points > score(engagement("newsletter")).points


def test_repeat_engagement_counts_each_submission_after_the_first():
    result = score(engagement("newsletter"), engagement("newsletter"), engagement("newsletter"))

    assert ("repeat engagement ×2", 10) in result.explanation
    assert result.points == 15 + 10 + 10


def test_engagement_points_halve_after_one_half_life():
    result = score(engagement("quote", days_ago=30), domain="")

    assert result.points == 20
    assert result.explanation == [("quote request", 40), ("Decay", -20)]


def test_decay_follows_the_age_of_each_engagement():
    # The download came first; the quote is the repeat engagement, 15 days old like its rule:
    # 15 * 0.5 ** (60 / 30) = 3.75, (40 + 5) * 0.5 ** (15 / 30) = 31.82: 35.57 in all.
    result = score(engagement("quote", days_ago=15), engagement("download", days_ago=60), domain="")

    assert result.points == 36
    assert result.explanation[-1] == ("Decay", 36 - 40 - 15 - 5)


def test_score_rounds_half_up():
    # 5 points after one half-life: 2.5, which Python's round() would make 2.
    result = score(engagement("newsletter", days_ago=30), domain="")

    assert result.points == 3


def test_business_domain_scores_over_free_mail():
    business = score(engagement("newsletter"), domain="acme.example")
    free = score(engagement("newsletter"), domain="gmail.com")

    assert ("business domain", 10) in business.explanation
    assert ("free-mail address", -5) in free.explanation
    assert business.points - free.points == 15


def test_subdomain_of_a_free_mail_domain_is_free_mail():
    assert domain_class("eu.gmail.com", FREE) == "free"
    assert domain_class("gmail.com.acme.example", FREE) == "business"


def test_domain_rule_never_decays():
    decaying_domain = [rule("email_domain", "business", 10, "business domain", decays=True)]

    assert score(engagement(days_ago=300), rules=decaying_domain).points == 10


def test_answer_rule_counts_once_even_when_given_twice():
    result = score(engagement("quote", budget="over-50k"), engagement("quote", budget="over-50k"))

    assert ("budget over $50k", 25) in result.explanation


def test_latest_answer_to_a_field_is_the_one_that_counts():
    result = score(
        engagement("quote", days_ago=20, budget="over-50k", timeline="now"),
        engagement("quote", days_ago=1, budget="5k-20k"),
    )

    labels = [label for label, _ in result.explanation]
    assert "budget $5k to $20k" in labels
    assert "budget over $50k" not in labels
    assert "buying now" in labels  # not answered since: still the latest timeline


def test_spam_and_erased_submissions_do_not_count():
    result = score(
        engagement("quote", status=Status.SPAM),
        engagement("quote", erased=True),
        engagement("newsletter"),
    )

    assert result.points == 5 + 10
    assert "quote request" not in dict(result.explanation)


def test_contact_without_live_engagement_scores_zero():
    assert score(engagement("quote", status=Status.SPAM)).points == 0
    assert score().explanation == []


def test_explanation_reads_as_sales_expect():
    assert (
        explain([("quote request", 40), ("business domain", 10), ("decay", -6)])
        == "quote request +40, business domain +10, decay \u22126"
    )


def test_explanation_lines_add_up_to_the_score():
    result = score(
        engagement("quote", days_ago=45, budget="over-50k"),
        engagement("download", days_ago=3),
        domain="gmail.com",
    )

    assert sum(points for _, points in result.explanation) == result.points
    assert str(result).startswith("quote request +40, budget over $50k +25, download +15")


# Multiple choices ---------------------------------------------------------------------------


TOPIC_RULES = [
    rule("answer", "seo", 10, "Topics: Search engines", field="topics"),
    rule("answer", "ads", 20, "Topics: Paid ads", field="topics"),
]


def test_a_multiple_choice_answer_scores_for_each_code_its_list_holds():
    assert score(engagement(topics=["seo", "mail"]), rules=TOPIC_RULES).points == 10
    assert score(engagement(topics=["seo", "ads"]), rules=TOPIC_RULES).points == 30
    assert score(engagement(topics=["mail"]), rules=TOPIC_RULES).points == 0


def test_the_latest_multiple_choice_answer_counts_not_every_one_ever_given():
    older = engagement(days_ago=3, topics=["ads"])
    latest = engagement(topics=["seo"])
    assert score(older, latest, rules=TOPIC_RULES).explanation == [("Topics: Search engines", 10)]
