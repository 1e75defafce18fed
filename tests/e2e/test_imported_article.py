"""An article imported from Markdown shows its table, code and footnotes properly, on a phone and
on a desktop: readable, accessible, and wide content scrolls in its own box, not the page."""

import pytest
from playwright.sync_api import expect

from blog.importer import import_paths

from .conftest import DESKTOP, MOBILE, assert_axe_clean

pytestmark = pytest.mark.e2e

MARKDOWN = """---
title: "Scoring leads with a spreadsheet"
date: 2026-02-03
---

Start with three signals[^why] and one threshold.

## The signals

| Signal | Weight | Points for a typical enterprise account with a long name |
|:-------|:------:|---------------------------------------------------------:|
| Opened the pricing page | high | 30 |
| Downloaded the **checklist** | medium | 15 |
| Booked a [demo](https://example.com/demo) | high | 40 |

## The formula

```python
def score(lead):
    points = sum(SIGNALS[name] for name in lead.signals if name in SIGNALS)  # a long line
    return min(points, 100)
```

Sales calls every lead above 60[^threshold].

[^why]: Three is what sales can remember; see [the study](https://example.com/study).
[^threshold]: Tune it after a month of data.
"""


@pytest.fixture
def imported(site, tmp_path):
    (tmp_path / "scoring-leads.md").write_text(MARKDOWN, encoding="utf-8")
    report = import_paths([tmp_path])
    assert report.created == ["scoring-leads"] and report.warnings == []
    return "/posts/scoring-leads/"


def test_imported_table_code_and_footnotes_read_well_on_phone_and_desktop(imported, tab, tmp_path):
    page = tab.page
    for name, viewport in {"mobile": MOBILE, "desktop": {**DESKTOP, "height": 800}}.items():
        page.set_viewport_size(viewport)
        assert tab.goto(imported).status == 200
        table = page.get_by_role("region", name="Table")
        expect(table.get_by_role("columnheader", name="Weight")).to_be_visible()
        expect(table.get_by_role("cell", name="Opened the pricing page")).to_be_visible()
        expect(table.get_by_role("link", name="demo")).to_have_attribute(
            "href", "https://example.com/demo"
        )
        expect(page.locator(".code pre code.language-python")).to_contain_text(
            "    return min(points, 100)"
        )
        expect(page.locator(".code__language")).to_have_text("python")
        # Wide content scrolls inside its box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=tmp_path / f"imported-{name}.png", full_page=True)
        assert_axe_clean(tab, f"imported article on {name}")

        page.get_by_role("link", name="2", exact=True).click()
        note = page.locator("#footnote-2")
        expect(note).to_have_text("Tune it after a month of data.")
        expect(note).to_be_in_viewport()
        assert page.url.endswith("#footnote-2")
    assert tab.console_errors == []
    assert tab.foreign_requests() == []
