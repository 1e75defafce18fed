"""An email as people get it: HTML and plain-text parts from the same blocks, absolute and
tracked links, the preview text, and the footer every marketing email carries."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from wagtail.rich_text import RichText

from mailings import links, rendering
from mailings.models import MailSettings
from tests.mailings.makers import make_email, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_settings():
    settings = MailSettings.load()
    settings.from_name = "Ana at LeadSite"
    settings.postal_address = "LeadSite GmbH, 1 Example Street, 10115 Berlin"
    settings.save()
    return settings


def test_html_part_has_the_blocks_the_preheader_and_the_footer(mail_settings):
    rendered = rendering.render(make_email(), mail_settings)
    assert "<h2>Shorter forms</h2>" in rendered.html
    assert "Get the checklist" in rendered.html
    assert "Plus: the checklist we use" in rendered.html  # the hidden preview text
    assert "You asked for our guides." in rendered.html
    assert "LeadSite GmbH, 1 Example Street, 10115 Berlin" in rendered.html
    assert f'href="{rendering.UNSUBSCRIBE}"' in rendered.html
    assert f'href="{rendering.PREFERENCES}"' in rendered.html
    assert "max-width:600px" in rendered.html


def test_site_links_become_absolute(mail_settings):
    rendered = rendering.render(make_email(), mail_settings)
    assert 'href="http://testserver/posts/forms/"' in rendered.html


def test_text_part_reads_the_same_content_with_link_addresses(mail_settings):
    text = rendering.render(make_email(), mail_settings).text
    assert "Shorter forms" in text
    assert "the post (http://testserver/posts/forms/)" in text
    assert "* Ask less" in text
    assert "Get the checklist (https://example.com/checklist)" in text
    assert "LeadSite GmbH, 1 Example Street, 10115 Berlin" in text
    assert f"Unsubscribe: {rendering.UNSUBSCRIBE}" in text
    assert f"Manage your email preferences: {rendering.PREFERENCES}" in text
    assert "<" not in text


def test_each_person_gets_their_own_unsubscribe_and_preference_links(mail_settings):
    rendered = rendering.render(make_email(), mail_settings)
    reference = uuid.uuid4()
    _subject, html, text = rendering.personalise(
        rendered,
        unsubscribe_url=links.unsubscribe_url(reference),
        preferences_url="http://testserver/email/preferences/abc/",
    )
    assert links.unsubscribe_url(reference) in html
    assert links.unsubscribe_url(reference) in text
    assert "http://testserver/email/preferences/abc/" in html
    assert "%%ls-" not in html + text


def test_tracked_links_go_through_the_signed_redirect(mail_settings):
    rendered = rendering.render(make_email(track_clicks=True), mail_settings)
    assert rendered.links == ["http://testserver/posts/forms/", "https://example.com/checklist"]
    assert "https://example.com/checklist" not in rendered.html
    reference = uuid.uuid4()
    _subject, _html, text = rendering.personalise(
        rendered,
        unsubscribe_url="u",
        preferences_url="p",
        link_url=lambda index, url: links.click_url(reference, url),
    )
    click = links.click_url(reference, "https://example.com/checklist")
    assert click in text
    assert links.read_click_token(click.rstrip("/").rsplit("/", 1)[-1]) == (
        reference,
        "https://example.com/checklist",
    )


def test_untracked_email_links_straight_to_its_addresses(mail_settings):
    rendered = rendering.render(make_email(track_clicks=False), mail_settings)
    assert rendered.links == []
    assert 'href="https://example.com/checklist"' in rendered.html


def test_preview_shows_the_email_and_its_plain_text_with_test_links(mail_settings):
    from mailings import previews

    email = make_email()
    html = previews.preview_context(email, mail_settings, "")["html"]
    assert "/email/unsubscribe/test-send/" in html
    text_page = email.make_preview_request(preview_mode="text").content.decode()
    assert "<pre" in text_page
    assert "Unsubscribe: http://testserver/email/unsubscribe/test-send/" in text_page


def personal_email(**fields):
    return make_email(
        subject="{first_name|Hello}, three forms for {company|your team}",
        preheader="Picked for {job_title|you}",
        body=[
            ("text", RichText("<p>Hi {first_name|there},</p><p>Dear {name}.</p>")),
            ("button", {"label": "Read it, { first_name }", "url": "https://example.com/r"}),
        ],
        **fields,
    )


def test_merge_fields_greet_each_person_by_name_in_the_subject_and_both_parts(mail_settings):
    rendered = rendering.render(personal_email(), mail_settings)
    person = rendering.person_fields(
        make_subscriber(name="  Dana   <b>Ruiz</b> ", company="Smith & Co", job_title="CMO")
    )
    subject, html, text = rendering.personalise(
        rendered, unsubscribe_url="u", preferences_url="p", person=person
    )
    assert subject == "Dana, three forms for Smith & Co"
    assert "<title>Dana, three forms for Smith &amp; Co</title>" in html
    assert "Picked for CMO" in html and "Picked for CMO" not in text  # the hidden preview line
    assert "Hi Dana,</p>" in html
    assert "Dear Dana &lt;b&gt;Ruiz&lt;/b&gt;." in html  # a name is text, never markup
    assert "<b>Ruiz" not in html
    assert "Read it, Dana" in html
    assert "Hi Dana," in text and "Dear Dana <b>Ruiz</b>." in text
    assert "first_name" not in subject + html + text and "%%ls-" not in subject + html + text


def test_an_empty_merge_field_says_its_fallback_or_nothing(mail_settings):
    rendered = rendering.render(personal_email(), mail_settings)
    person = rendering.person_fields(make_subscriber(name="", company=""))
    subject, html, text = rendering.personalise(
        rendered, unsubscribe_url="u", preferences_url="p", person=person
    )
    assert subject == "Hello, three forms for your team"
    assert "Hi there,</p>" in html and "Hi there," in text
    assert "Dear ." in html  # no fallback given: the field is left out
    assert "Hello, three forms" in html  # the <title>


def test_a_merge_field_name_nobody_knows_is_refused_with_the_names_there_are():
    email = make_email(
        subject="Hi {firstname|there}",
        body=[("text", RichText("<p>Dear {fname}, see {company}.</p>"))],
    )
    with pytest.raises(ValidationError) as refused:
        email.full_clean()
    errors = refused.value.message_dict
    assert errors["subject"] == [
        "{firstname} is no merge field. Use one of {first_name}, {name}, {company}, "
        "{job_title}, with what to say when it is empty after a bar: {first_name|there}."
    ]
    assert errors["body"][0].startswith("{fname} is no merge field.")
    assert "preheader" not in errors
    make_email(subject="{first_name|Hi}: 50% off {} {Q3 Report}").full_clean()


def test_the_preview_fills_merge_fields_with_a_sample_person(mail_settings):
    from mailings import previews

    email = personal_email()
    context = previews.preview_context(email, mail_settings, "")
    assert context["subject"] == "Alex, three forms for Northwind Analytics"
    assert "Hi Alex,</p>" in context["html"]
    text_page = email.make_preview_request(preview_mode="text").content.decode()
    assert "Alex, three forms for Northwind Analytics</h1>" in text_page
    assert "merge fields show a sample person, Alex Morgan of Northwind Analytics" in text_page
