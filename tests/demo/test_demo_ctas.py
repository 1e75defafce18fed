"""The demo site (`load_demo`): a CTA of each kind, each shown on some demo article, a real PDF
behind the download CTA, and nothing new when loaded again."""

import io

import pytest
from django.core.management import call_command
from wagtail.documents.models import Document
from wagtail.models import Page, Revision

from blog.models import ArticlePage
from leads.models import CallToAction, CTAKind, TopicCTA

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(site_tree):
    call_command("load_demo", stdout=io.StringIO())
    return {cta.kind: cta for cta in CallToAction.objects.all()}


def test_load_demo_creates_one_cta_of_each_kind(demo):
    assert CallToAction.objects.count() == len(CTAKind)
    assert set(demo) == set(CTAKind)


def test_load_demo_shows_every_cta_on_some_demo_article(demo):
    shown = set()
    for article in ArticlePage.objects.live():
        shown |= {block.value.pk for block in article.body if block.block_type == "cta"}
        if article.end_cta:
            shown.add(article.end_cta.pk)
    assert shown == {cta.pk for cta in demo.values()}


def test_load_demo_gates_a_real_pdf(client, demo):
    document = demo[CTAKind.DOWNLOAD].document
    with document.file.open("rb") as file:
        assert file.read(5) == b"%PDF-"
    assert client.get(document.url).status_code == 404


def test_load_demo_twice_creates_nothing_new(demo):
    def counts():
        return {
            model.__name__: model.objects.count()
            for model in (CallToAction, TopicCTA, Document, Page, Revision)
        }

    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before


def test_playbook_pdf_is_a_real_ebook_of_several_pages():
    from demo.ctas import PLAYBOOK_PAGES, playbook_pdf

    data = playbook_pdf()
    assert data.startswith(b"%PDF-")
    # Each page object is "/Type /Page" followed by a line end; "/Type /Pages" is the tree.
    assert data.count(b"/Type /Page\n") >= 6
    written = " ".join(" ".join(paragraphs) for _, paragraphs in PLAYBOOK_PAGES)
    assert len(written.split()) > 400


def test_demo_ctas_of_an_older_demo_get_what_email_needs(site_tree):
    from demo.ctas import WEBINAR_JOINING_URL, ensure_demo_ctas
    from leads.questions.presets import preset

    ctas = ensure_demo_ctas()
    CallToAction.objects.filter(pk=ctas[CTAKind.DOWNLOAD].pk).update(questions=preset("download"))
    CallToAction.objects.filter(pk=ctas[CTAKind.NEWSLETTER].pk).update(mailing_list=None)
    CallToAction.objects.filter(pk=ctas[CTAKind.WEBINAR].pk).update(joining_url="")

    ctas = ensure_demo_ctas()

    download = CallToAction.objects.get(pk=ctas[CTAKind.DOWNLOAD].pk)
    assert [q.purpose for q in download.question_set.consents] == ["request", "marketing"]
    assert CallToAction.objects.get(pk=ctas[CTAKind.NEWSLETTER].pk).mailing_list.slug == (
        "newsletter"
    )
    assert CallToAction.objects.get(pk=ctas[CTAKind.WEBINAR].pk).joining_url == WEBINAR_JOINING_URL
