"""Import Markdown articles (YAML front matter, Markdown body) as article pages under /posts/.

    ---
    title: "What's Lead Gen?"
    date: 2025-03-27
    image: /media/what-s-lead-gen.webp
    tags: [post, marketing automation]
    ---
    Markdown body…

`import_paths()` is the one entry point (the `import_articles` command is a thin shell over it).
It works in three steps, each in its own module:

1. Parse every file, without the database (parse.py): front_matter.py reads the fields,
   body/ converts the Markdown into the blocks of article.py. A bad file is reported and
   skipped; the others carry on.
2. Reserve a page for every new slug, so that every article of the batch has a page id
   (run.py, the run and its report).
3. Write each article in its own transaction (writer.py): hero and body images (images.py),
   tags (tags.py), the body with links to other articles turned into internal page links
   (links.py), then a revision, published unless it is a draft. An article whose imported
   fields already match its latest revision is left alone: a re-run saves no revision and
   creates no image.

For authors: README, "Importing articles".
"""

from .article import Article, ArticleError, Block, Code, Figure, Footnotes, Quote, Section, Table
from .body import MarkdownConverter
from .links import article_slug
from .parse import parse_article
from .run import ImportReport, import_paths

__all__ = [
    "Article",
    "ArticleError",
    "Block",
    "Code",
    "Figure",
    "Footnotes",
    "ImportReport",
    "MarkdownConverter",
    "Quote",
    "Section",
    "Table",
    "article_slug",
    "import_paths",
    "parse_article",
]
