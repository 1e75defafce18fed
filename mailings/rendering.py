"""An email's content as the message people get: HTML with its plain-text twin.

`render` works once per email (not per recipient): it renders the blocks into the layout with
placeholders where each recipient's own links go (unsubscribe, preferences, tracked links) and
where their merge fields go (`{first_name|there}`: the field, and what to say when it is
empty). `personalise` fills them for one send by plain string replacement, so a broadcast to
100,000 people renders its template once. The plain-text part is the same HTML read as text:
links keep their address, list items their bullets, images their alternative text.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings
from django.template.loader import render_to_string

UNSUBSCRIBE = "%%ls-unsubscribe%%"
PREFERENCES = "%%ls-preferences%%"
LINK = "%%ls-link-{}%%"
_LINK = re.compile(r"%%ls-link-(\d+)%%")
_HREF = re.compile(r'href="([^"]*)"')
FIELD = "%%ls-field-{}%%"
_FIELD = re.compile(r"%%ls-field-(\d+)%%")

# The merge fields an email may carry (person_fields fills them; docs/email.md lists them).
MERGE_FIELDS = ("first_name", "name", "company", "job_title")
# Anything that looks like a merge field: `{word}` or `{word|fallback}`. Known names are
# filled; unknown ones are a mistake the editor is told about (unknown_merge_fields).
_MERGE = re.compile(r"\{\s*([a-z][a-z_]*)\s*(?:\|([^{}|]*))?\}")
MERGE_HELP = (
    "Personalise with {first_name}, {name}, {company} or {job_title}; after a bar, what to "
    "say when it is empty: 'Hi {first_name|there},'."
)


def absolute(url: str) -> str:
    """A site path ('/posts/x/') as a URL people can follow from their inbox."""
    if url.startswith("/") and not url.startswith("//"):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return url


@dataclass
class Rendered:
    """One email, rendered for everyone, with placeholders for each person's links."""

    subject: str
    preheader: str
    html: str
    text: str
    links: list[str] = field(default_factory=list)  # tracked links, by placeholder number
    # Merge fields, by placeholder number: (field name, fallback).
    fields: list[tuple[str, str]] = field(default_factory=list)


def unknown_merge_fields(text: str) -> list[str]:
    """The `{names}` in `text` that look like merge fields but are none (a typo, say)."""
    return sorted({m.group(1) for m in _MERGE.finditer(text)} - set(MERGE_FIELDS))


def merge_values(name: str, company: str = "", job_title: str = "") -> dict[str, str]:
    """The merge fields of someone with this name, company and job title (empty where
    unknown), each on one line with single spaces."""
    name, company, job_title = (
        " ".join((value or "").split()) for value in (name, company, job_title)
    )
    return {
        "first_name": name.split(" ", 1)[0] if name else "",
        "name": name,
        "company": company,
        "job_title": job_title,
    }


def person_fields(contact) -> dict[str, str]:
    """One contact's merge fields."""
    return merge_values(contact.name, contact.company, contact.job_title)


# What the editor's preview fills the merge fields with (no real person's data in the admin).
SAMPLE_PERSON = merge_values("Alex Morgan", "Northwind Analytics", "Head of Marketing")


def _merge_placeholders(text: str, fields: list[tuple[str, str]], *, markup: bool) -> str:
    """Every known merge field of `text` as a numbered placeholder, noted in `fields`."""

    def replace(match):
        name, fallback = match.group(1), (match.group(2) or "").strip()
        if name not in MERGE_FIELDS:
            return match.group(0)
        fields.append((name, html.unescape(fallback) if markup else fallback))
        return FIELD.format(len(fields) - 1)

    return _MERGE.sub(replace, text)


class _TextWriter(HTMLParser):
    """HTML to readable plain text: paragraphs apart, list items as bullets, a link's address
    after its words."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "ul", "ol", "table", "tr", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n* ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        elif tag == "img" and dict(attrs).get("alt"):
            self.parts.append(f"[{dict(attrs)['alt']}]")

    def handle_endtag(self, tag):
        if tag == "a" and self.hrefs:
            href = self.hrefs.pop()
            if href and not href.startswith("mailto:"):
                self.parts.append(f" ({href})")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = [line.strip() for line in joined.splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(markup: str) -> str:
    writer = _TextWriter()
    writer.feed(markup)
    writer.close()
    return writer.text()


def _track(markup: str, links: list[str]) -> str:
    """Every http(s) link of the body through a numbered placeholder (click tracking)."""

    def replace(match):
        url = html.unescape(match.group(1))
        if not url.startswith(("http://", "https://")):
            return match.group(0)
        links.append(url)
        return f'href="{LINK.format(len(links) - 1)}"'

    return _HREF.sub(replace, markup)


def render(email, mail_settings) -> Rendered:
    """The email for everyone: subject, preview text, HTML and text parts with placeholders.

    `mail_settings` is the site's MailSettings (sender, postal address)."""
    body_html = "".join(child.render(context={"email": email}) for child in email.body)
    body_html = _HREF.sub(lambda m: f'href="{absolute(html.unescape(m.group(1)))}"', body_html)
    links: list[str] = []
    if email.track_clicks:
        body_html = _track(body_html, links)
    fields: list[tuple[str, str]] = []
    subject = _merge_placeholders(email.subject, fields, markup=False)
    preheader = _merge_placeholders(email.preheader, fields, markup=False)
    body_html = _merge_placeholders(body_html, fields, markup=True)
    context = {
        "email": email,
        "subject": subject,
        "preheader": preheader,
        "body": body_html,
        "postal_address": mail_settings.postal_address,
        "sender_name": mail_settings.from_name,
        "unsubscribe_url": UNSUBSCRIBE,
        "preferences_url": PREFERENCES,
    }
    text = render_to_string(
        "mailings/email/layout.txt", {**context, "body": html_to_text(body_html)}
    )
    return Rendered(
        subject=subject,
        preheader=preheader,
        html=render_to_string("mailings/email/layout.html", context),
        text=text.strip() + "\n",
        links=links,
        fields=fields,
    )


def personalise(
    rendered: Rendered,
    *,
    unsubscribe_url: str,
    preferences_url: str,
    link_url: Callable[[int, str], str] | None = None,
    person: dict[str, str] | None = None,
) -> tuple[str, str, str]:
    """One person's subject, HTML and text: their own unsubscribe, preference and tracked
    links, and their merge fields from `person` (person_fields; none: every fallback)."""
    values = [((person or {}).get(name) or fallback) for name, fallback in rendered.fields]

    def merge(text: str, escape: bool) -> str:
        if not values:  # most emails: no pass over the HTML for nothing
            return text

        def value(match):
            filled = values[int(match.group(1))]
            return html.escape(filled) if escape else filled

        return _FIELD.sub(value, text)

    def fill(markup: str, escape: bool) -> str:
        markup = merge(markup, escape)
        markup = markup.replace(
            UNSUBSCRIBE, html.escape(unsubscribe_url) if escape else unsubscribe_url
        )
        markup = markup.replace(
            PREFERENCES, html.escape(preferences_url) if escape else preferences_url
        )

        def link(match):
            index = int(match.group(1))
            url = link_url(index, rendered.links[index]) if link_url else rendered.links[index]
            return html.escape(url) if escape else url

        return _LINK.sub(link, markup)

    return merge(rendered.subject, False), fill(rendered.html, True), fill(rendered.text, False)
