"""The topics of imported articles: taggit tags found whatever their case, created once."""

from django.db.models.functions import Lower
from taggit.models import Tag


class Tags:
    """Finds or creates the tags of a run, and remembers those the current article created
    (`begin()` starts an article) so that a failed write can be undone (`forget()`)."""

    def __init__(self, *, dry_run: bool):
        self.dry_run = dry_run
        self.cache: dict[str, Tag] = {}  # by lower-case name
        self.begin()

    def begin(self):
        self.created: list[str] = []  # lower-case names

    def forget(self):
        for name in self.created:
            self.cache.pop(name, None)

    def preload(self, articles):
        names = {name.lower() for article in articles for name in article.tags}
        tags = Tag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=names)
        # Newest first, so the oldest of case-variant duplicates wins, as in django-taggit.
        for tag in tags.order_by("-pk"):
            self.cache[tag.lower_name] = tag

    def get(self, names: list[str]) -> list[Tag]:
        """The tags of these names, created if they are new (not in a dry run)."""
        tags = []
        for name in names:
            tag = self.cache.get(name.lower())
            if tag is None:
                # SQL's LOWER() may only fold ASCII; ask the database's own comparison too.
                tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
            if tag is None and not self.dry_run:
                tag = Tag.objects.create(name=name)
                self.created.append(name.lower())
            if tag is not None:
                self.cache[name.lower()] = tag
                tags.append(tag)
        return tags
