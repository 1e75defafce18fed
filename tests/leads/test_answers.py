"""One vocabulary (leads/answers.py): answers read as the reader saw them, through their form
version when they have one, else the fixed forms' words."""

from leads import answers
from leads.answers import FormVocabulary

VERSION = FormVocabulary.of(
    [
        {"name": "email", "label": "Work email", "type": "email", "choices": []},
        {"name": "where", "label": "Where are you based?", "type": "country", "choices": []},
        {
            "name": "topics",
            "label": "Topics",
            "type": "checkboxes",
            "choices": [["seo", "Search engines"], ["ads", "Paid ads"]],
        },
        {"name": "budget", "label": "Spend", "type": "dropdown", "choices": [["big", "Lots"]]},
    ]
)


def test_a_form_versions_answers_read_in_form_order_under_its_labels():
    given = {"budget": "big", "topics": ["ads", "seo"], "where": "DE", "email": "a@b.example"}
    assert answers.labelled(given, VERSION) == [
        ("Work email", "a@b.example"),
        ("Where are you based?", "Germany"),
        ("Topics", "Paid ads, Search engines"),
        ("Spend", "Lots"),
    ]


def test_answers_without_a_form_version_read_with_the_fixed_forms_words():
    given = {"timeline": "now", "budget": "over-50k", "message": "Hi"}
    assert answers.labelled(given) == [
        ("Message", "Hi"),
        ("Budget", "Over $50,000"),
        ("Timeline", "As soon as possible"),
    ]


def test_a_code_or_a_name_no_longer_known_is_shown_as_stored():
    assert answers.value_label("topics", ["seo", "gone"], VERSION) == "Search engines, gone"
    assert answers.labelled({"extra_field": "x"}, VERSION) == [("Extra field", "x")]
    assert answers.value_label("where", "XX", VERSION) == "XX"


def test_a_question_and_its_choice_read_as_a_phrase():
    assert answers.choice_label("budget", "over-50k") == "Budget: Over $50,000"
    assert answers.question_and_choice("Where are you based?", "Germany") == (
        "Where are you based? Germany"
    )
