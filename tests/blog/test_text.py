"""Derived text: topic names in title case, search terms highlighted in escaped text."""

import pytest

from blog.text import highlight, topic_title


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("lead generation", "Lead Generation"),
        ("b2b sales", "B2B Sales"),
        ("crm integration", "CRM Integration"),
        ("utm tracking", "UTM Tracking"),
        ("lead scoring for sales", "Lead Scoring for Sales"),
        ("of mice and men", "Of Mice and Men"),
        ("HubSpot tips", "HubSpot Tips"),
        ("e-mail marketing", "E-Mail Marketing"),
        ("Français", "Français"),
    ],
)
def test_topic_names_are_shown_in_title_case_keeping_acronyms(name, title):
    assert topic_title(name) == title


def test_highlight_marks_every_term_whatever_its_case():
    assert highlight("Lead scoring: score leads", ["lead", "score"]) == (
        "<mark>Lead</mark> scoring: <mark>score</mark> <mark>lead</mark>s"
    )


def test_highlight_escapes_the_text_around_and_inside_matches():
    assert highlight('<b>lead</b> & "more"', ["lead"]) == (
        "&lt;b&gt;<mark>lead</mark>&lt;/b&gt; &amp; &quot;more&quot;"
    )


def test_highlight_never_marks_inside_an_escaped_character():
    assert highlight("Q&A", ["amp"]) == "Q&amp;A"


def test_highlight_without_terms_only_escapes():
    assert highlight("<i>x</i>", []) == "&lt;i&gt;x&lt;/i&gt;"
