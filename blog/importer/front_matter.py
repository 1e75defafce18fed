"""The YAML front matter of a Markdown file, read into the fields of an article.

Every problem is an ArticleError naming the field and what was expected; see README,
"Importing articles", for the fields an author may write.
"""

import difflib
import re
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import yaml
from django.utils.text import slugify
from taggit.models import Tag

from .article import ArticleError

# The marker a static-site generator uses to collect posts; it is not a topic.
COLLECTION_TAGS = {"post"}
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
SLUG_FROM_IMAGE_RATIO = 0.85
FOLDER_NAMED_FILES = {"index", "_index"}  # page bundles: the folder names the page

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")  # Jekyll's _posts/2025-03-27-title.md
_MACHINE_NAME = re.compile(r"[\d\W_]*")  # no letters at all
_HASH = re.compile(r"(?<![0-9a-z])(?=[a-f]*\d)[0-9a-f]{8,}(?![0-9a-z])")


def split_front_matter(text: str) -> tuple[dict, str]:
    """The front matter as a dict, and the Markdown after it."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ArticleError("no front matter: the file must start with a --- line")
    closing = (n for n, line in enumerate(lines[1:], start=1) if line.strip() in {"---", "..."})
    end = next(closing, None)
    if end is None:
        raise ArticleError("the front matter is not closed by a --- line")
    try:
        meta = yaml.load("".join(lines[1:end]), Loader=_FrontMatterLoader)  # noqa: S506 - safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""  # +1 for 1-based, +1 for ---
        problem = getattr(exc, "problem", None) or str(exc)
        raise ArticleError(f"the front matter is not valid YAML{where}: {problem}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ArticleError("the front matter must be 'key: value' lines")
    return meta, "".join(lines[end + 1 :])


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so that `date: 2025-13-45` is reported as a bad date
    rather than raising from inside the YAML parser."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def one_line(value) -> str:
    """A text field on one line, its runs of white space made single spaces ('' for none)."""
    return " ".join(str(value or "").split())


def date_field(value) -> date:
    if value is None or value == "":
        raise ArticleError("missing date in the front matter (expected YYYY-MM-DD)")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).strip()).date()
    except ValueError:
        raise ArticleError(f"date {value!r} is not a date (expected YYYY-MM-DD)") from None


def tags_field(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        raise ArticleError("tags must be a list, e.g. [marketing strategy, seo]")
    tags: dict[str, str] = {}
    for item in value:
        name = " ".join(str(item).split())
        if not name or name.lower() in COLLECTION_TAGS:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ArticleError(f"tag {name[:40]!r}… is longer than {TAG_MAX_LENGTH} characters")
        tags.setdefault(name.lower(), name)
    return list(tags.values())


def bool_field(value, name) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"true", "yes", "on", "1"}:
        return True
    if text in {"false", "no", "off", "0", ""}:
        return False
    raise ArticleError(f"{name} must be true or false, not {value!r}")


def slug_field(meta: dict, title: str, image: str, path: Path) -> str:
    """front-matter slug, else the permalink's last segment, else the stem of an image named
    after the article (the original site's slug), else the file's name (static site generators
    publish a file at its name), else the title, slugified."""
    candidates = [
        str(meta.get("slug") or ""),
        PurePosixPath(urlsplit(str(meta.get("permalink") or "")).path).name,
    ]
    stem = PurePosixPath(urlsplit(image).path).stem
    if stem and _named_after(stem, title):
        candidates.append(stem)
    candidates.append(_file_slug(path))
    candidates.append(title)
    for candidate in candidates:
        slug = slugify(candidate, allow_unicode=True)
        if slug:
            return slug
    raise ArticleError("cannot make a URL slug from the title; add a slug to the front matter")


def _file_slug(path: Path) -> str:
    """The name a static site generator publishes a file at: `2025-03-27-lead-gen.md` (Jekyll)
    → lead-gen, `lead-gen/index.md` (Hugo, Eleventy) → lead-gen. A name made by an export
    (`000_0e44218002e33299.txt`: only numbers, or a hash) is no name: ''."""
    name = path.stem
    if name.lower() in FOLDER_NAMED_FILES:
        name = path.resolve().parent.name
    name = _DATE_PREFIX.sub("", name)
    if _MACHINE_NAME.fullmatch(name) or _HASH.search(name.lower()):
        return ""
    return name


def _named_after(stem: str, title: str) -> bool:
    """Whether an image file name spells the title, ignoring case and punctuation:
    "What's Lead Gen?" (with a curly apostrophe) ↔ what-s-lead-gen.webp. A near match
    (a ratio of 0.85) allows a suffix such as "-2" or a dropped word."""
    a = "".join(c for c in stem.lower() if c.isalnum())
    b = "".join(c for c in title.lower() if c.isalnum())
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= SLUG_FROM_IMAGE_RATIO
