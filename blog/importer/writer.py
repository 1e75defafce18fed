"""Article → page: reserving pages for new articles, then writing each one (hero and body
images, tags, body with internal links, a revision, published unless it is a draft).

An article whose imported fields already match its latest revision is left alone, and CTA
blocks that editors placed in a body stay where they were.
"""

from datetime import date, datetime, time
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from ..models import ArticleIndexPage, ArticlePage
from .article import Article, Code, Footnotes, Quote, Section, Table
from .images import Images
from .links import internal_links
from .tags import Tags

ALT_TEXT_MAX_LENGTH = 250  # FigureBlock.alt_text
# Blocks editors place in the admin, never written in Markdown: kept where they are on re-import.
EDITOR_BLOCKS = ("cta", "offer_link")


class ArticleWriter:
    """Writes the articles of one run under the article index. The caller runs each write in
    a transaction, starting it with `begin()` and undoing a failed one with `rollback()`."""

    def __init__(self, *, images: Images, tags: Tags, dry_run: bool, draft: bool):
        self.images = images
        self.tags = tags
        self.dry_run = dry_run
        self.draft = draft
        self.origins = [origin.rstrip("/") for origin in settings.LEADSITE_IMPORT_ORIGINS]
        self.page_ids: dict[str, int | None] = {}  # by slug; None: a page a dry run would add
        self.reserved: dict[str, ArticlePage] = {}  # new pages, by slug
        self.pages: list[ArticlePage] = []

    def prepare(self, index: ArticleIndexPage | None, articles: list[Article]):
        """Learn the articles already there, and the tags and heroes the batch may reuse."""
        if index is not None:
            self.page_ids = dict(ArticlePage.objects.child_of(index).values_list("slug", "pk"))
        self.tags.preload(articles)
        self.images.preload_heroes()
        if self.dry_run:
            self.page_ids.update((a.slug, None) for a in articles if a.slug not in self.page_ids)

    def reserve(self, index: ArticleIndexPage, article: Article) -> ArticlePage:
        """A page for a new article, unpublished and without revision until it is written."""
        page = ArticlePage(
            title=article.title,
            slug=article.slug,
            date=article.date,
            summary=article.summary,
            first_published_at=_publication_time(article.date),
            live=False,
            has_unpublished_changes=True,
        )
        index.add_child(instance=page)
        return page

    def reserved_page(self, slug: str, page: ArticlePage):
        """Record a reserved page, once its transaction committed: links can point to it."""
        self.page_ids[slug] = page.pk
        self.reserved[slug] = page

    def begin(self):
        """Start writing an article: what it creates is recorded from here."""
        self.images.begin()
        self.tags.begin()
        self.pages = []

    @property
    def written(self) -> list:
        """The objects the current article's write saved, whose references to index."""
        return [*self.images.created, *self.pages]

    def rollback(self, index: ArticleIndexPage, article: Article):
        """Undo what a failed write left outside its transaction: cached tags, stored files,
        and the page reserved for a new article."""
        self.tags.forget()
        self.images.forget()
        if article.slug in self.reserved:
            # Articles written before this one may already link to the reserved page; the
            # links then render as plain text, which beats a page nobody asked for.
            del self.page_ids[article.slug]
            with transaction.atomic():
                ArticlePage.objects.filter(pk=self.reserved.pop(article.slug).pk).delete()
            index.refresh_from_db()

    def write(self, article: Article) -> tuple[str, list[str]]:
        """Create or update the article's page. Returns what happened ('created', 'updated' or
        'unchanged') and the links to articles that could not be resolved."""
        is_new = article.slug in self.reserved or self.page_ids[article.slug] is None
        if is_new:
            page = base = self.reserved.get(article.slug)  # None in a dry run
        else:
            page = ArticlePage.objects.get(pk=self.page_ids[article.slug])
            base = page.get_latest_revision_as_object()

        draft = self.draft or article.draft
        hero_id = self.images.hero(article)
        body, unresolved = self.body(article)
        tags = self.tags.get(article.tags)
        fields = {
            "title": article.title,
            "slug": article.slug,
            "date": article.date,
            "summary": article.summary,
            "hero_image_id": hero_id,
            "first_published_at": _publication_time(article.date),
        }
        if not is_new:
            # CTA and offer-link blocks are placed by editors in the admin, not written in
            # Markdown: a re-import keeps them where they were.
            placed_ctas = [
                (position, block)
                for position, block in enumerate(base.body.raw_data)
                if block["type"] in EDITOR_BLOCKS
            ]
            same = all(getattr(base, name) == value for name, value in fields.items())
            same = (
                same
                and _stream(base.body.raw_data, skip=EDITOR_BLOCKS) == _stream(body)
                and sorted(t.name.lower() for t in base.tags.all())
                == sorted(name.lower() for name in article.tags)
            )
            if same and (draft or (page.live and not page.has_unpublished_changes)):
                return "unchanged", unresolved
        outcome = "created" if is_new else "updated"
        if self.dry_run:
            return outcome, unresolved

        for name, value in fields.items():
            setattr(base, name, value)
        for position, block in [] if is_new else placed_ctas:
            body.insert(min(position, len(body)), block)
        base.body = body
        base.tags.set(tags)
        if is_new and draft:
            base.save()  # a page never published shows its latest content, as in the editor
        # Publishing saves the page, which validates it (Page.save runs full_clean); a draft is
        # validated here instead. Either way a page that does not validate is not written.
        revision = base.save_revision(log_action=not is_new, clean=draft)
        if is_new:
            log(instance=base, action="wagtail.create", revision=revision, content_changed=True)
        if not draft:
            revision.publish()
        self.pages.append(base)
        return outcome, unresolved

    def body(self, article: Article) -> tuple[list[dict], list[str]]:
        """Raw StreamField data, with links to known articles made internal page links."""
        blocks: list[dict] = []
        unresolved: list[str] = []

        def links(markup):
            return internal_links(
                markup, page_ids=self.page_ids, origins=self.origins, unresolved=unresolved
            )

        for block in article.body:
            if isinstance(block, Section):
                blocks.append({"type": "section", "value": links(block.html)})
            elif isinstance(block, Quote):
                value = {"text": block.text, "attribution": block.attribution}
                blocks.append({"type": "quote", "value": value})
            elif isinstance(block, Code):
                value = {"language": block.language, "code": block.text}
                blocks.append({"type": "code", "value": value})
            elif isinstance(block, Footnotes):
                blocks.append({"type": "footnotes", "value": links(block.html)})
            elif isinstance(block, Table):
                value = {
                    "columns": [{"type": kind, "heading": text} for kind, text in block.columns],
                    "rows": [{"values": [links(v) for v in row]} for row in block.rows],
                    "caption": block.caption,
                }
                blocks.append({"type": "table", "value": value})
            else:
                image_id = self.images.media_image(
                    article,
                    block.src,
                    title=block.alt or PurePosixPath(urlsplit(block.src).path).stem,
                    description=block.alt or article.title,
                    hero=False,
                )
                if image_id is not None:
                    value = {"image": image_id, "alt_text": block.alt[:ALT_TEXT_MAX_LENGTH]}
                    blocks.append({"type": "image", "value": {**value, "caption": ""}})
        return blocks, unresolved


def _publication_time(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _stream(raw, skip: tuple[str, ...] = ()) -> list:
    """Stream data without block ids (nor blocks of the types in `skip`), for comparing
    content."""
    return [(block["type"], block["value"]) for block in raw if block["type"] not in skip]
