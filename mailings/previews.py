"""The email as its author sees it before anyone else: in the editor's preview panel and in a
test sent to themselves. The links each recipient gets are placeholders that say so."""

from django.urls import reverse

from . import rendering

# Where a test's unsubscribe and preference links lead: the real pages, which answer a
# test's token ("test-send") as an invalid link; the address itself says what it is.
TEST_LINK_TOKEN = "test-send"  # noqa: S105 - not a secret: the word the link shows


def test_links() -> dict[str, str]:
    return {
        f"{name}_url": rendering.absolute(reverse(f"mailings:{name}", args=[TEST_LINK_TOKEN]))
        for name in ("unsubscribe", "preferences")
    }


def test_parts(rendered: rendering.Rendered, person: dict[str, str]) -> tuple[str, str, str]:
    """(subject, html, text) for `person`'s merge fields, with test placeholders for each
    person's links; tracked links go straight to their address (a test click is no reader's
    click)."""
    return rendering.personalise(rendered, **test_links(), person=person)


def author_fields(user) -> dict[str, str]:
    """A test send's merge fields: the author's own name (no company on an admin account),
    their first name as their account has it."""
    values = rendering.merge_values(user.get_full_name())
    values["first_name"] = user.first_name.strip()
    return values


def preview_context(email, mail_settings, mode: str) -> dict:
    """What templates/mailings/email/preview.html shows: the email, or its plain-text part,
    with the merge fields of a sample person."""
    rendered = rendering.render(email, mail_settings)
    subject, html, text = test_parts(rendered, rendering.SAMPLE_PERSON)
    return {
        "email": email,
        "mode": mode,
        "subject": subject,
        "sample": rendering.SAMPLE_PERSON if rendered.fields else None,
        "html": html,
        "text": text,
    }
