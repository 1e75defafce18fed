"""Markdown (and raw HTML) tables → table blocks: one column type per alignment, each cell
short rich text. Tables a TableBlock cannot hold as written (merged cells, ragged rows,
links in headings…) refuse the file instead of losing content."""

from ..article import Table
from .inline import inline
from .nodes import Findings, Node, descendants, plain, quoted

# Column types of blog.blocks.TableBlock, by Markdown alignment.
TABLE_COLUMN_TYPES = {"": "text", "left": "text", "center": "centred", "right": "right"}
# What a column heading (plain text) cannot hold without losing it.
_HEADING_LOSES = {
    "a": "a link",
    "img": "an image",
    "sup": "a footnote reference",
    "code": "code formatting",
    "em": "italic",
    "i": "italic",
}


def table_block(node: Node, found: Findings) -> Table | None:
    """The table block of a <table>; None when it is empty or cannot be imported (then the
    reason is in `found`)."""
    snippet = quoted(plain(node.children))
    rows: list[list[Node]] = []
    header: list[Node] | None = None
    caption = ""
    for part in node.children:
        if isinstance(part, str):
            if part.strip():
                found.error(f"a table has text outside its cells ({quoted(part)})")
        elif part.tag == "caption":
            caption = plain(part.children)
        elif part.tag == "tr":
            rows.append(_cells(part))
        elif part.tag in {"thead", "tbody", "tfoot"}:
            group = [_cells(tr) for tr in part.children if isinstance(tr, Node)]
            if part.tag == "thead" and group and header is None:
                header, group = group[0], group[1:]
            rows.extend(group)
    if header is None and rows and all(cell.tag == "th" for cell in rows[0]):
        header, rows = rows[0], rows[1:]
    width = max(map(len, [header or [], *rows]), default=0)
    if not width:
        return None
    if any(
        cell.attrs.get(span, "1").strip() not in {"", "1"}
        for row in [header or [], *rows]
        for cell in row
        for span in ("colspan", "rowspan")
    ):
        found.error(
            f"a table with merged cells (colspan or rowspan) cannot be imported ({snippet})"
        )
        return None
    if any(len(row) != width for row in rows) or (header and len(header) != width):
        found.error(f"a table's rows do not all have the same number of cells ({snippet})")
        return None
    columns = []
    for index in range(width):
        cells = [row[index] for row in [header or [], *rows] if index < len(row)]
        align = next((c.attrs["align"] for c in cells if c.attrs.get("align")), "")
        heading = ""
        if header:
            heading = plain(header[index].children)
            for tag in {n.tag for n in descendants(header[index])} & _HEADING_LOSES.keys():
                found.error(
                    f"a table heading holds plain text, and {quoted(heading)} has "
                    f"{_HEADING_LOSES[tag]}; move it into a cell"
                )
        columns.append((TABLE_COLUMN_TYPES.get(align.lower().strip(), "text"), heading))
    values = []
    for row in rows:
        cells = []
        for cell in row:
            markup, figures = inline(cell.children, found, where="table cell")
            if figures:
                found.error(f"an image inside a table cell cannot be imported ({snippet})")
            cells.append(f"<p>{markup}</p>" if markup else "")
        values.append(tuple(cells))
    return Table(tuple(columns), tuple(values), caption)


def _cells(row: Node) -> list[Node]:
    return [cell for cell in row.children if isinstance(cell, Node) and cell.tag in {"th", "td"}]
