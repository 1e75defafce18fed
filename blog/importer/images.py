"""The images of imported articles: files from the media folder, and generated heroes.

Every image is created at most once: a file is found again by its content hash, a generated
hero by its name (a key of the design, the site name and the title), so that a re-import
creates no image. Heroes render ahead of the article being written, on one worker thread.
"""

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from ..heroes import DESIGN_VERSION, render_hero
from ..heroes import HEIGHT as HERO_HEIGHT
from ..heroes import WIDTH as HERO_WIDTH
from .article import Article

HERO_PREFIX = "hero-"
HERO_KEY_LENGTH = 20
NEW = object()  # an image a dry run would create


class Images:
    """Finds or creates the Wagtail images of a run, and remembers those of the article being
    written (`begin()` starts an article) so that a failed write can be undone (`forget()`)."""

    def __init__(self, *, media_dir: Path | None, dry_run: bool):
        self.media_dir = media_dir.resolve() if media_dir else None
        self.dry_run = dry_run
        self.model = get_image_model()
        self.hero_ids: dict[str, int] = {}
        self.hero_futures: dict[str, Future] = {}
        self.renderer: ThreadPoolExecutor | None = None
        self.begin()

    def begin(self):
        """Start an article: what it creates is recorded from here."""
        self.created: list = []  # images, to index once the article is written
        self.files: list[str] = []
        self.hero_keys: list[str] = []

    def forget(self):
        """Undo what the current article's failed write left outside its transaction: cached
        hero ids and stored files."""
        for key in self.hero_keys:
            self.hero_ids.pop(key, None)
        storage = self.model._meta.get_field("file").storage
        for name in self.files:
            storage.delete(name)

    @contextmanager
    def rendering(self):
        """The worker thread heroes render on, for the duration of the run."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hero") as self.renderer:
            yield

    def preload_heroes(self):
        names = self.model.objects.filter(file__startswith=f"original_images/{HERO_PREFIX}")
        for pk, name in names.values_list("pk", "file").order_by("-pk"):
            # hero-<key>.png, or hero-<key>_<random>.png when storage had to rename it
            self.hero_ids[PurePosixPath(name).stem[len(HERO_PREFIX) :][:HERO_KEY_LENGTH]] = pk

    def prefetch_hero(self, article: Article):
        """Start rendering an upcoming article's hero on the other core (Pillow releases the
        GIL while it draws and encodes), so that it is ready when the article is written."""
        key = _hero_key(article.title)
        if self.dry_run or key in self.hero_ids or key in self.hero_futures:
            return
        if article.image and self.find_media(article.image):
            return
        self.hero_futures[key] = self._render(article.title)

    def hero(self, article: Article):
        """The id of the article's hero: its own image if the media folder has it, else a
        generated one."""
        description = article.image_alt or article.title
        if article.image:
            image_id = self.media_image(
                article, article.image, title=article.title, description=description, hero=True
            )
            if image_id is not None:
                return image_id
        return self._generated_hero(article, description)

    def media_image(self, article: Article, src, *, title, description, hero):
        """The id of the Wagtail image for a file in the media folder, created at most once
        (files are matched by content hash); None when it is not there."""
        path = self.find_media(src)
        what = "hero image" if hero else "image"
        if path is None:
            if self.media_dir or not hero:
                where = "in the media folder" if self.media_dir else "(no media folder given)"
                left = "a generated hero is used" if hero else "left out"
                article.warnings.append(f"{what} {src} not found {where}; {left}")
            return None
        data = path.read_bytes()
        try:
            with PILImage.open(BytesIO(data)) as picture:
                size = picture.size
                picture.verify()
        except Exception:
            article.warnings.append(f"{what} {src} is not an image Pillow can read; left out")
            return None
        return self._image_for(
            data, name=path.name, size=size, title=title, description=description
        )

    def find_media(self, src) -> Path | None:
        if not self.media_dir or not src:
            return None
        parts = urlsplit(src)
        if parts.scheme not in {"", "http", "https", "file"}:
            return None
        relative = PurePosixPath(unquote(parts.path).lstrip("/"))
        if ".." in relative.parts or not relative.name:
            return None
        candidates = [relative, PurePosixPath(relative.name)]
        if relative.parts[0] == "media":
            candidates.insert(0, PurePosixPath(*relative.parts[1:]))
        for candidate in candidates:
            path = (self.media_dir / candidate).resolve()
            if path.is_file() and path.is_relative_to(self.media_dir):
                return path
        return None

    def _render(self, title: str) -> Future:
        # Always on the renderer's one thread: Pillow's font objects are not thread-safe.
        return self.renderer.submit(render_hero, title, site_name=settings.WAGTAIL_SITE_NAME)

    def _generated_hero(self, article: Article, description: str):
        """A generated hero, found again by its file name (a key of the design and title) so
        that a re-import renders nothing."""
        key = _hero_key(article.title)
        if key in self.hero_ids:
            return self.hero_ids[key]
        future = self.hero_futures.pop(key, None) or self._render(article.title)
        image_id = self._image_for(
            future.result(),
            name=f"{HERO_PREFIX}{key}.png",
            size=(HERO_WIDTH, HERO_HEIGHT),
            title=article.title,
            description=description,
        )
        if image_id is not NEW:
            self.hero_ids[key] = image_id
            self.hero_keys.append(key)
        return image_id

    def _image_for(self, data: bytes, *, name, size, title, description):
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        existing = self.model.objects.filter(file_hash=digest).order_by("pk").first()
        if existing is not None:
            if not existing.description and not self.dry_run:
                existing.description = description[:255]
                existing.save(update_fields=["description"])
            return existing.pk
        if self.dry_run:
            return NEW
        image = self.model(
            title=title[:255],
            description=description[:255],
            file=ImageFile(BytesIO(data), name=name),
            width=size[0],  # known already: spares decoding the file to measure it
            height=size[1],
            file_size=len(data),
            file_hash=digest,
        )
        image.save()
        self.files.append(image.file.name)
        self.created.append(image)
        return image.pk


def _hero_key(title: str) -> str:
    """Names a generated hero after what it shows, so that a re-import finds it unrendered."""
    text = f"{DESIGN_VERSION}|{settings.WAGTAIL_SITE_NAME}|{title}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:HERO_KEY_LENGTH]
