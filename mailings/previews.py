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


def test_parts(rendered: rendering.Rendered) -> tuple[str, str]:
    """(html, text) with test placeholders for each person's links; tracked links go straight
    to their address (a test click is no reader's click)."""
    return rendering.personalise(rendered, **test_links())


def preview_context(email, mail_settings, mode: str) -> dict:
    """What templates/mailings/email/preview.html shows: the email, or its plain-text part."""
    rendered = rendering.render(email, mail_settings)
    html, text = test_parts(rendered)
    return {"email": email, "mode": mode, "rendered": rendered, "html": html, "text": text}
