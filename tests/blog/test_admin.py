"""Editors write, schedule, preview and publish articles through the Wagtail admin forms."""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import ArticlePage
from blog.site_tree import ensure_site_tree
from tests.factories import make_article, make_user


def article_form(**overrides):
    data = {
        "title": "Five fields sales reads",
        "slug": "five-fields-sales-reads",
        "date": "2026-04-02",
        "summary": "Which questions a quote form should ask.",
        "tags": "conversion optimization, sales enablement",
        "body": streamfield(
            [
                ("section", rich_text("<h2>Ask less</h2><p>Every field costs answers.</p>")),
                ("quote", {"text": "Short forms win.", "attribution": "A sales lead"}),
                ("callout", {"tone": "tip", "title": "", "text": rich_text("<p>Try it.</p>")}),
            ]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


class EditorTests(WagtailPageTestCase):
    def setUp(self):
        self.home, self.index = ensure_site_tree()
        self.editor = make_user("editor", "Editors")
        self.client.force_login(self.editor)

    def add_url(self):
        return reverse("wagtailadmin_pages:add", args=("blog", "articlepage", self.index.pk))

    def test_editor_can_create_an_article_under_the_index(self):
        self.assertCanCreateAt(type(self.index), ArticlePage)
        self.assertCanNotCreateAt(type(self.home), ArticlePage)
        self.assertCanCreate(self.index, ArticlePage, article_form(), publish=False)
        article = ArticlePage.objects.get(slug="five-fields-sales-reads")
        assert not article.live  # saved as a draft: nothing went live by accident
        assert {tag.name for tag in article.tags.all()} == {
            "conversion optimization",
            "sales enablement",
        }

    def test_editor_submits_and_a_moderator_publishes(self):
        # Wagtail's usual rights: Editors submit for moderation, Moderators publish.
        response = self.client.post(self.add_url(), {**article_form(), "action-submit": "submit"})
        assert response.status_code == 302
        article = ArticlePage.objects.get(slug="five-fields-sales-reads")
        assert article.workflow_in_progress
        assert self.client.get("/posts/five-fields-sales-reads/").status_code == 404

        self.client.force_login(make_user("moderator", "Moderators"))
        edit_url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        self.client.post(
            edit_url,
            {**article_form(), "action-workflow-action": "true", "workflow-action-name": "approve"},
        )
        page = self.client.get("/posts/five-fields-sales-reads/")
        assert page.status_code == 200
        assert 'id="ask-less"' in page.content.decode()

    def test_moderator_can_publish_directly(self):
        self.client.force_login(make_user("moderator", "Moderators"))
        self.assertCanCreate(self.index, ArticlePage, article_form(), publish=True)
        assert self.client.get("/posts/five-fields-sales-reads/").status_code == 200

    def test_moderator_can_schedule_an_article(self):
        self.client.force_login(make_user("moderator", "Moderators"))
        go_live = (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
        response = self.client.post(
            self.add_url(), {**article_form(go_live_at=go_live), "action-publish": "publish"}
        )
        assert response.status_code == 302
        article = ArticlePage.objects.get(slug="five-fields-sales-reads")
        assert not article.live and article.go_live_at is not None
        assert self.client.get("/posts/five-fields-sales-reads/").status_code == 404

    def test_editor_can_preview_an_unsaved_article(self):
        url = reverse(
            "wagtailadmin_pages:preview_on_add", args=("blog", "articlepage", self.index.pk)
        )
        assert self.client.post(url, article_form()).json() == {
            "is_valid": True,
            "is_available": True,
        }
        preview = self.client.get(url)
        assert preview.status_code == 200
        assert "<h1>Five fields sales reads</h1>" in preview.content.decode()

    def test_each_edit_is_a_revision_editors_can_see(self):
        article = make_article(self.index, "Revised piece")
        edit_url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
        self.client.post(edit_url, article_form(title="Revised piece, again", slug=article.slug))
        assert article.revisions.count() == 2
        article.refresh_from_db()
        assert article.get_latest_revision_as_object().title == "Revised piece, again"
        history = self.client.get(reverse("wagtailadmin_pages:history", args=(article.pk,)))
        assert history.status_code == 200

    def test_missing_required_fields_are_reported_not_saved(self):
        response = self.client.post(self.add_url(), article_form(summary="", title=""))
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
        assert not ArticlePage.objects.exists()

    def test_tag_field_offers_autocomplete(self):
        make_article(self.index, "Tagged", tags=["lead generation"])
        html = self.client.get(self.add_url()).content.decode()
        assert "/admin/tag-autocomplete/" in html
        response = self.client.get("/admin/tag-autocomplete/", {"term": "lead"})
        assert response.status_code == 200 and "lead generation" in response.content.decode()


class GroupRightsTests(WagtailPageTestCase):
    """Wagtail's own Editors and Moderators keep their usual rights over content."""

    def test_editors_and_moderators_can_edit_pages_images_and_documents(self):
        ensure_site_tree()
        root = Page.get_first_root_node()
        for name in ("Editors", "Moderators"):
            group = Group.objects.get(name=name)
            user = make_user(name.lower(), name)
            assert user.has_perm("wagtailadmin.access_admin")
            assert user.has_perm("wagtailimages.add_image")
            assert user.has_perm("wagtaildocs.add_document")
            assert group.page_permissions.filter(
                page=root, permission__codename="add_page"
            ).exists()
        moderators = Group.objects.get(name="Moderators")
        assert moderators.page_permissions.filter(permission__codename="publish_page").exists()
