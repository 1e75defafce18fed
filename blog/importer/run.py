"""An import run: files → parsed articles → reserved pages → one transaction per article,
with progress as it goes and an ImportReport at the end. A file that fails is reported and
skipped; the others carry on."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

from ..models import ArticleIndexPage
from ..search_index import index_in_bulk, search_indexing_paused
from ..site_tree import ensure_site_tree
from .article import Article, ArticleError
from .body import MarkdownConverter
from .images import Images
from .parse import parse_article
from .tags import Tags
from .writer import ArticleWriter

logger = logging.getLogger(__name__)

SUFFIXES = {".md", ".markdown", ".txt"}
HERO_PREFETCH = 8  # heroes rendered ahead of the article being written
_DRY_RUN_VERBS = {"created": "would create", "updated": "would update", "unchanged": "unchanged"}


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file path, message)
    unresolved_links: list[tuple[str, str]] = field(default_factory=list)  # (slug, url)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file path, message)

    @property
    def ok(self) -> bool:
        return not self.failed


def import_paths(
    paths: Iterable[str | Path],
    *,
    media_dir: str | Path | None = None,
    dry_run: bool = False,
    draft: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportReport:
    """Import Markdown files, and every *.md, *.markdown and *.txt file inside folders.

    media_dir: where the images the articles refer to are (`/media/foo.webp` is looked up as
        media_dir/foo.webp, then media_dir/media/foo.webp). Without it, every article gets a
        generated hero and body images are left out.
    dry_run: work out what would change, write nothing.
    draft: save new and changed articles as drafts instead of publishing them.
    progress: called as progress(done, total, message) after each file.
    """
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        else:
            files.append(path)  # a missing file is reported when it cannot be read
    importer = _Importer(
        media_dir=Path(media_dir) if media_dir else None,
        dry_run=dry_run,
        draft=draft,
        progress=progress,
    )
    return importer.run(list(dict.fromkeys(files)))


class _Importer:
    def __init__(self, *, media_dir, dry_run, draft, progress):
        self.dry_run = dry_run
        self.progress = progress
        self.report = ImportReport()
        self.done = 0
        self.total = 0
        self.images = Images(media_dir=media_dir, dry_run=dry_run)
        self.writer = ArticleWriter(
            images=self.images, tags=Tags(dry_run=dry_run), dry_run=dry_run, draft=draft
        )

    def run(self, files: list[Path]) -> ImportReport:
        self.total = len(files)
        articles = self.parse(files)
        if not articles:
            return self.report
        index = ArticleIndexPage.objects.first() if self.dry_run else ensure_site_tree()[1]
        self.writer.prepare(index, articles)
        indexed = set()
        try:
            with search_indexing_paused(), self.images.rendering():
                if not self.dry_run:
                    articles = self.reserve_all(index, articles)
                for n, article in enumerate(articles):
                    for upcoming in articles[n : n + HERO_PREFETCH]:
                        self.images.prefetch_hero(upcoming)
                    indexed.update(self.write_one(index, article))
        finally:
            # Whatever was written is searchable, even if the run stopped half-way.
            index_in_bulk(indexed)
        return self.report

    def parse(self, files: list[Path]) -> list[Article]:
        converter = MarkdownConverter()
        articles: dict[str, Article] = {}
        for path in files:
            try:
                article = parse_article(path, converter)
                if article.slug in articles:
                    raise ArticleError(
                        f"slug {article.slug!r} is also the slug of {articles[article.slug].path}"
                    )
            except ArticleError as exc:
                self.fail(path, str(exc))
            else:
                articles[article.slug] = article
        return list(articles.values())

    def reserve_all(self, index, articles: list[Article]) -> list[Article]:
        """Give every new article a page, so that links between them can be resolved."""
        reserved = []
        for article in articles:
            if article.slug not in self.writer.page_ids:
                try:
                    with transaction.atomic(), disable_reference_index_auto_update():
                        page = self.writer.reserve(index, article)
                except Exception as exc:
                    index.refresh_from_db()  # treebeard counted a child that was rolled back
                    self.fail(article.path, _message(exc))
                    continue
                self.writer.reserved_page(article.slug, page)
            reserved.append(article)
        return reserved

    def write_one(self, index, article: Article) -> set[tuple[str, str, int]]:
        """Write one article in its own transaction; return the objects to index for search."""
        # Wagtail updates the reference index on every save (page, revision, tags, image); one
        # update per object once the article is written gives the same index for less work.
        self.writer.begin()
        try:
            with transaction.atomic(), disable_reference_index_auto_update():
                outcome, unresolved = self.writer.write(article)
                for obj in self.writer.written:
                    update_reference_index_task.enqueue(
                        obj._meta.app_label, obj._meta.model_name, str(obj.pk)
                    )
        except Exception as exc:
            self.writer.rollback(index, article)
            self.fail(article.path, _message(exc))
            return set()
        getattr(self.report, outcome).append(article.slug)
        self.report.unresolved_links.extend((article.slug, url) for url in unresolved)
        self.report.warnings.extend((str(article.path), w) for w in article.warnings)
        message = f"{_DRY_RUN_VERBS[outcome] if self.dry_run else outcome} {article.slug}"
        if article.warnings:
            count = len(article.warnings)
            message += f" with {count} warning{'s' if count > 1 else ''} (listed below)"
        self.step(message)
        return {(o._meta.app_label, o._meta.model_name, o.pk) for o in self.writer.written}

    def step(self, message):
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, message)

    def fail(self, path, message):
        self.report.failed.append((str(path), message))
        self.step(f"failed {path}: {message}")


def _message(exc: Exception) -> str:
    if isinstance(exc, ArticleError):
        return str(exc)
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        )
    logger.exception("Import failed")
    return f"{type(exc).__name__}: {exc}"
