"""Consent wording shown beside a form: escaped text, `[words](/path/)` links to this site."""

from leads.consent import consent_html, consent_plain


def test_consent_link_to_a_path_becomes_a_link():
    html = consent_html("I agree. Read our [privacy policy](/privacy/).")
    assert html == 'I agree. Read our <a href="/privacy/">privacy policy</a>.'


def test_consent_text_is_escaped_around_and_inside_links():
    html = consent_html('<b>Me</b> & "you": [a <i> b](/p/?a=1&b=2)')
    assert html == (
        '&lt;b&gt;Me&lt;/b&gt; &amp; &quot;you&quot;: <a href="/p/?a=1&amp;b=2">a &lt;i&gt; b</a>'
    )


def test_consent_links_elsewhere_than_this_site_or_https_stay_text():
    for text in (
        "[x](javascript:alert(1))",
        "[x](//evil.example/)",
        "[x](http://plain.example/)",
        '[x](/a" onclick="y)',
    ):
        assert "<a" not in consent_html(text), text


def test_consent_link_to_an_https_address_becomes_a_link():
    html = consent_html("[policy](https://example.com/privacy)")
    assert html == '<a href="https://example.com/privacy">policy</a>'


def test_consent_plain_drops_the_link_markup():
    assert consent_plain("Read our [privacy policy](/privacy/).") == "Read our privacy policy."
