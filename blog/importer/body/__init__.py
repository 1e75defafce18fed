"""A Markdown body → the blocks of an article (text sections, figures, quotes, code, tables,
footnotes): converter.py renders and sanitises it, nodes.py reads the result as a tree,
blocks.py cuts it into blocks with inline.py, tables.py and footnotes.py."""

from .converter import MarkdownConverter

__all__ = ["MarkdownConverter"]
