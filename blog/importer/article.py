"""What the importer makes of one file before it touches the database: an Article and the
blocks of its body, or an ArticleError worded for the person who wrote the file."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


class ArticleError(ValueError):
    """A problem with one file, worded for the person who wrote it."""


@dataclass(frozen=True)
class Figure:
    src: str
    alt: str


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class Section:
    html: str  # rich text database format, links still as <a href="…">


@dataclass(frozen=True)
class Table:
    columns: tuple[tuple[str, str], ...]  # (TableBlock column type, heading)
    rows: tuple[tuple[str, ...], ...]  # one rich text value per cell, links as <a href="…">
    caption: str = ""


@dataclass(frozen=True)
class Code:
    language: str
    text: str


@dataclass(frozen=True)
class Footnotes:
    html: str  # <ol> rich text: item n is footnote n


Block = Section | Figure | Quote | Table | Code | Footnotes


@dataclass
class Article:
    path: Path
    title: str
    slug: str
    date: date
    summary: str
    tags: list[str]
    draft: bool
    image: str
    image_alt: str
    body: list[Block]
    warnings: list[str] = field(default_factory=list)
