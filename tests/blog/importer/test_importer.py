import datetime
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.images.models import Image
from wagtail.models import Page, PageLogEntry, Revision

from blog.blocks import CELL_FEATURES, FOOTNOTE_FEATURES, SECTION_FEATURES
from blog.importer import ArticleError, import_paths, parse_article
from blog.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-root"
    return settings.MEDIA_ROOT


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "articles"
    path.mkdir()
    return path


def write_article(folder, name="0001.md", *, title="A test article", date="2026-02-03",
                  body="Some words about leads.", **front):  # fmt: skip
    """A Markdown file with front matter; JSON values are valid YAML. None leaves a key out.
    By default the file is named like an export (a number), which is no slug: the slug comes
    from the front matter or the title."""
    lines = ["---"]
    for key, value in {"title": title, "date": date, **front}.items():
        if value is not None:
            lines.append(f"{key}: {json.dumps(value, default=str)}")
    lines += ["---", "", body]
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_png(path, colour=(200, 80, 10), size=(40, 20)):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, colour).save(path, "PNG")
    return path


def section_html(page):
    return "".join(b.value.source for b in page.body if b.block_type == "section")


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": Image.objects.count(),
        "tags": Tag.objects.count(),
        "log entries": PageLogEntry.objects.count(),
    }


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


# Front matter


def test_front_matter_becomes_title_date_tags_and_summary(folder):
    write_article(
        folder,
        title="Gated content that works",
        date="2025-04-03",
        tags=["Content Marketing", "seo"],
        description="Two sentences for cards.",
    )
    report = import_paths([folder])
    page = ArticlePage.objects.get(slug="gated-content-that-works")
    assert report.created == ["gated-content-that-works"]
    assert page.title == "Gated content that works"
    assert page.date == datetime.date(2025, 4, 3)
    assert page.summary == "Two sentences for cards."
    assert sorted(tag.name for tag in page.tags.all()) == ["Content Marketing", "seo"]
    assert page.live and page.url == "/posts/gated-content-that-works/"


def test_post_tag_is_never_imported(folder):
    write_article(folder, tags=["post", "Post", "POST", "lead generation"])
    import_paths([folder])
    page = ArticlePage.objects.get()
    assert [tag.name for tag in page.tags.all()] == ["lead generation"]
    assert not Tag.objects.filter(name__iexact="post").exists()


def test_publication_date_is_first_published_at_so_lists_order_by_it(folder):
    write_article(folder, "1.md", title="Old news", date="2019-05-06")
    write_article(folder, "2.md", title="New news", date="2024-01-02")
    import_paths([folder])
    old = ArticlePage.objects.get(slug="old-news")
    assert old.first_published_at == timezone.make_aware(datetime.datetime(2019, 5, 6))
    assert [p.slug for p in ArticlePage.objects.listed()] == ["new-news", "old-news"]


def test_summary_defaults_to_first_paragraph_cut_on_a_word_boundary(folder):
    words = " ".join(f"word{n}" for n in range(100))
    write_article(folder, body=f"![Hero](/media/x.png)\n\n**Bold** start {words}\n\nSecond.")
    import_paths([folder])
    summary = ArticlePage.objects.get().summary
    assert summary.startswith("Bold start word0 word1")
    assert len(summary) <= 300
    assert summary.endswith("…")
    assert re.fullmatch(r"word\d+", summary[:-1].split()[-1])


def test_draft_front_matter_saves_an_unpublished_page(folder):
    write_article(folder, draft=True)
    report = import_paths([folder])
    page = ArticlePage.objects.get()
    assert report.created == [page.slug]
    assert not page.live
    assert page.revisions.count() == 1


# Slugs


@pytest.mark.parametrize(
    ("front", "slug"),
    [
        ({"slug": "Chosen Slug"}, "chosen-slug"),
        ({"permalink": "/posts/original-slug/"}, "original-slug"),
        ({"permalink": "https://leadcraftr.com/posts/from-url/", "slug": "wins"}, "wins"),
        ({"image": "/media/what-s-lead-gen.webp"}, "what-s-lead-gen"),
        ({"image": "/media/hero-photo.webp"}, "whats-lead-gen"),
        ({}, "whats-lead-gen"),
    ],
)
def test_slug_rules(tmp_path, front, slug):
    path = write_article(tmp_path, title="What\u2019s Lead Gen?", **front)
    assert parse_article(path).slug == slug


def test_slug_from_image_allows_a_near_match(tmp_path):
    path = write_article(
        tmp_path, title="Lead Scoring Basics", image="/media/lead-scoring-basics-2.png"
    )
    assert parse_article(path).slug == "lead-scoring-basics-2"


# Body


def test_body_is_wagtail_rich_text_database_format(folder):
    write_article(
        folder,
        body=(
            "Intro with **bold**, _italic_ and `code`, [a link](https://example.com/?a=1&b=2).\n\n"
            "## Section\n\n- one\n- two\n    - nested\n\n1. first\n2. second\n\n---\n\n"
            "Line one  \nline two"
        ),
    )
    import_paths([folder])
    assert section_html(ArticlePage.objects.get()) == (
        '<p>Intro with <b>bold</b>, <i>italic</i> and <code>code</code>, <a href="https://'
        'example.com/?a=1&amp;b=2">a link</a>.</p><h2>Section</h2><ul><li>one</li><li>two<ul>'
        "<li>nested</li></ul>"
        "</li></ul><ol><li>first</li><li>second</li></ol><hr/><p>Line one<br/> line two</p>"
    )


def test_h1_is_demoted_to_h2_and_h4_to_h6_to_h3(folder):
    write_article(folder, body="# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")
    import_paths([folder])
    html = section_html(ArticlePage.objects.get())
    assert html == "<h2>One</h2><h2>Two</h2><h3>Three</h3><h3>Four</h3><h3>Six</h3>"


def test_body_survives_a_round_trip_through_the_rich_text_editor(folder):
    write_article(
        folder,
        body="Text **b** _i_ [l](https://example.com/)\n\n## H\n\n- a\n- b\n\n1. c\n\n---\n\nEnd",
    )
    import_paths([folder])
    html = section_html(ArticlePage.objects.get())
    converter = ContentstateConverter(SECTION_FEATURES)
    round_trip = converter.to_database_format(converter.from_database_format(html))
    assert re.sub(r' data-block-key="[^"]*"', "", round_trip) == html


def test_blockquote_becomes_a_quote_block_with_attribution(folder):
    write_article(
        folder, body="Before.\n\n> Ask for less.\n> Get more.\n>\n> — Dana Ruiz\n\nAfter."
    )
    import_paths([folder])
    blocks = [(b.block_type, b.value) for b in ArticlePage.objects.get().body]
    assert [kind for kind, _ in blocks] == ["section", "quote", "section"]
    assert blocks[1][1]["text"] == "Ask for less. Get more."
    assert blocks[1][1]["attribution"] == "Dana Ruiz"


def test_raw_html_and_dangerous_links_cannot_inject_script(client, folder):
    write_article(
        folder,
        slug="unsafe",
        body=(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> "
            '<a href="javascript:alert(3)" onclick="alert(4)">raw</a>\n\n'
            "[md link](javascript:alert(5)) and [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
            '<p onmouseover="alert(6)">styled <iframe src="https://evil.example/"></iframe></p>'
        ),
    )
    import_paths([folder])
    stored = json.dumps(list(ArticlePage.objects.get().body.raw_data))
    served = client.get("/posts/unsafe/").content.decode()
    for needle in ("<script>alert", "onerror", "javascript:", "data:text", "onclick", "onmouse"):
        assert needle not in stored
        assert needle not in served
    assert "iframe" not in stored
    assert "md link" in stored and "raw" in stored


def test_article_links_in_one_batch_become_page_links_in_both_directions(folder):
    write_article(folder, "alpha.md", title="Alpha", body="See [beta](/posts/beta/).")
    write_article(
        folder, "beta.md", title="Beta", body="See [alpha](https://leadcraftr.com/posts/alpha/)."
    )
    report = import_paths([folder])
    alpha, beta = ArticlePage.objects.get(slug="alpha"), ArticlePage.objects.get(slug="beta")
    assert f'<a linktype="page" id="{beta.pk}">beta</a>' in section_html(alpha)
    assert f'<a linktype="page" id="{alpha.pk}">alpha</a>' in section_html(beta)
    assert report.unresolved_links == []
    assert alpha.revisions.count() == beta.revisions.count() == 1


def test_unresolved_article_link_keeps_its_url_and_is_reported(folder):
    write_article(
        folder,
        title="Alpha",
        body="[gone](https://leadcraftr.com/posts/gone/), [here](/posts/missing/), "
        "[elsewhere](https://example.com/posts/other/)",
    )
    report = import_paths([folder])
    html = section_html(ArticlePage.objects.get())
    assert '<a href="https://leadcraftr.com/posts/gone/">gone</a>' in html
    assert '<a href="/posts/missing/">here</a>' in html
    assert report.unresolved_links == [
        ("alpha", "https://leadcraftr.com/posts/gone/"),
        ("alpha", "/posts/missing/"),
    ]


def test_link_to_an_article_already_on_the_site_is_internal(folder, article_index):
    from tests.factories import make_article

    existing = make_article(article_index, "Existing", slug="existing")
    write_article(folder, body="[old](https://leadcraftr.com/posts/existing/)")
    import_paths([folder])
    assert f'<a linktype="page" id="{existing.pk}">old</a>' in section_html(
        ArticlePage.objects.get(slug="a-test-article")
    )


# Images


def test_without_media_dir_a_hero_is_generated_with_the_title_as_description(folder):
    write_article(folder, title="Webinar funnels", image="/media/webinar-funnels.webp")
    import_paths([folder])
    hero = ArticlePage.objects.get().hero_image
    assert (hero.width, hero.height) == (1200, 630)
    assert hero.description == "Webinar funnels"


def test_generated_hero_is_reused_on_reimport(folder):
    write_article(folder, title="Webinar funnels")
    import_paths([folder])
    hero = ArticlePage.objects.get().hero_image
    write_article(folder, title="Webinar funnels", body="Changed body.")
    report = import_paths([folder])
    assert report.updated == ["webinar-funnels"]
    assert Image.objects.get() == hero


def test_media_dir_image_becomes_the_hero_once_whatever_its_name(folder, tmp_path):
    media = tmp_path / "media"
    write_png(media / "chart.png")
    write_png(media / "media" / "copy-of-chart.png")  # same bytes, found under DIR/media/
    write_article(folder, "a.md", title="One", image="/media/chart.png", image_alt="A chart")
    write_article(folder, "b.md", title="Two", image="/media/copy-of-chart.png")
    import_paths([folder], media_dir=media)
    import_paths([folder], media_dir=media)
    hero = Image.objects.get()
    assert {p.hero_image for p in ArticlePage.objects.all()} == {hero}
    assert hero.description == "A chart"
    assert (hero.width, hero.height) == (40, 20)


def test_hero_missing_from_media_dir_is_generated_and_reported(folder, tmp_path):
    (tmp_path / "media").mkdir()
    write_article(folder, image="/media/nowhere.png")
    report = import_paths([folder], media_dir=tmp_path / "media")
    assert ArticlePage.objects.get().hero_image.width == 1200
    assert any("nowhere.png not found" in message for _, message in report.warnings)


def test_body_image_in_media_dir_becomes_a_figure_block(folder, tmp_path):
    write_png(tmp_path / "media" / "funnel.png", colour=(1, 2, 3))
    write_article(folder, body="Intro.\n\n![Funnel diagram](/media/funnel.png)\n\nOutro.")
    import_paths([folder], media_dir=tmp_path / "media")
    blocks = list(ArticlePage.objects.get().body)
    assert [b.block_type for b in blocks] == ["section", "image", "section"]
    assert blocks[1].value["alt_text"] == "Funnel diagram"
    assert blocks[1].value["caption"] == ""
    assert blocks[1].value["image"].description == "Funnel diagram"


def test_body_image_not_found_is_dropped_and_reported(folder):
    write_article(folder, body="Intro.\n\n![Lost](/media/lost.png)\n\nOutro.")
    report = import_paths([folder])
    page = ArticlePage.objects.get()
    assert [b.block_type for b in page.body] == ["section", "section"]
    assert report.warnings == [
        (
            str(folder / "0001.md"),
            "image /media/lost.png not found (no media folder given); left out",
        )
    ]


def test_leading_body_image_repeating_the_hero_is_not_duplicated(folder, tmp_path):
    write_png(tmp_path / "media" / "hero.png")
    write_article(folder, image="/media/hero.png", body="![Hero](/media/hero.png)\n\nText.")
    report = import_paths([folder], media_dir=tmp_path / "media")
    page = ArticlePage.objects.get()
    assert [b.block_type for b in page.body] == ["section"]
    assert page.hero_image is not None
    assert report.warnings == []


def test_image_path_cannot_escape_the_media_dir(folder, tmp_path):
    write_png(tmp_path / "secret.png")
    (tmp_path / "media").mkdir()
    write_article(folder, body="![x](/media/../secret.png)")
    import_paths([folder], media_dir=tmp_path / "media")
    assert [b.block_type for b in ArticlePage.objects.get().body] == []


# Re-runs, dry runs, drafts


def test_reimport_is_unchanged_and_saves_no_revision(folder):
    write_article(folder, tags=["seo"], body="Text [x](/posts/a-test-article/).")
    import_paths([folder])
    before = counts()
    report = import_paths([folder])
    assert report.unchanged == ["a-test-article"]
    assert report.created == report.updated == []
    assert counts() == before


def test_changed_file_updates_the_same_page_with_a_new_revision(folder):
    write_article(folder, slug="kept", title="First title", tags=["seo"])
    import_paths([folder])
    page = ArticlePage.objects.get()
    write_article(folder, slug="kept", title="Second title", tags=["email"])
    report = import_paths([folder])
    page.refresh_from_db()
    assert report.updated == ["kept"]
    assert ArticlePage.objects.get().pk == page.pk
    assert page.title == "Second title" and page.live
    assert [tag.name for tag in page.tags.all()] == ["email"]
    assert page.revisions.count() == 2


def test_dry_run_writes_nothing(folder, media_root):
    write_article(folder, "new-one.md", title="New one")
    before = counts()
    report = import_paths([folder], dry_run=True)
    assert report.created == ["new-one"]
    assert counts() == before
    assert not media_root.exists()


def test_dry_run_reports_changes_to_existing_pages_without_saving_them(folder):
    write_article(folder, title="Kept", slug="kept")
    import_paths([folder])
    write_article(folder, title="Renamed", slug="kept")
    before = counts()
    output = run_command(folder, "--dry-run")
    assert "[1/1] would update kept" in output
    assert "Dry run: nothing was written." in output
    assert counts() == before
    assert ArticlePage.objects.get().get_latest_revision_as_object().title == "Kept"


def test_draft_option_keeps_new_pages_unpublished(folder):
    write_article(folder)
    report = import_paths([folder], draft=True)
    page = ArticlePage.objects.get()
    assert report.created == [page.slug]
    assert not page.live
    assert page.title == "A test article"  # a never-published page shows its draft


def test_draft_option_saves_a_draft_revision_of_a_live_page(folder):
    write_article(folder, slug="kept", title="Live title")
    import_paths([folder])
    write_article(folder, slug="kept", title="Draft title")
    report = import_paths([folder], draft=True)
    page = ArticlePage.objects.get()
    assert report.updated == ["kept"]
    assert page.live and page.title == "Live title"
    assert page.has_unpublished_changes
    assert page.get_latest_revision_as_object().title == "Draft title"
    assert import_paths([folder], draft=True).unchanged == ["kept"]
    assert import_paths([folder]).updated == ["kept"]  # publishing the draft is a change


# Files and errors


def test_folders_are_searched_recursively_for_markdown_and_text_files(folder):
    write_article(folder, "bee.md", title="Bee")
    write_article(folder, "sub/ay.markdown", title="Ay")
    write_article(folder, "sea.txt", title="Sea")
    (folder / "notes.json").write_text("{}")
    report = import_paths([folder])
    assert report.created == ["bee", "sea", "ay"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"---\ntitle: [unclosed\ndate: 2025-01-01\n---\nBody", "not valid YAML at line 3"),
        (b"---\ndate: 2025-01-01\n---\nBody", "missing title"),
        (b"---\ntitle: T\n---\nBody", "missing date"),
        (b"---\ntitle: T\ndate: 2025-13-45\n---\nBody", "'2025-13-45' is not a date"),
        (b"---\ntitle: T\ndate: soon\n---\nBody", "'soon' is not a date"),
        (b"---\ntitle: T\ndate: 2025-01-01\n---\n\xff\xfe caf\xe9", "not UTF-8"),
        (b"title: T\ndate: 2025-01-01\nBody", "no front matter"),
        (b"---\ntitle: T\ndate: 2025-01-01\nBody", "not closed"),
        (b"---\n- a list\n---\nBody", "must be 'key: value' lines"),
        (b"---\ntitle: T\ndate: 2025-01-01\ndraft: maybe\n---\nB", "draft must be true or false"),
    ],
)
def test_malformed_file_is_reported_and_the_others_still_import(folder, content, problem):
    write_article(folder, "good-one.md", title="Good one")
    (folder / "b-bad.md").write_bytes(content)
    report = import_paths([folder])
    assert report.created == ["good-one"]
    assert not report.ok
    [(path, message)] = report.failed
    assert path == str(folder / "b-bad.md")
    assert problem in message


def test_parse_error_names_the_problem(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\ntitle: T\n---\n")
    with pytest.raises(ArticleError, match="missing date"):
        parse_article(path)


def test_two_files_with_one_slug_fail_the_second(folder):
    write_article(folder, "a.md", slug="same")
    write_article(folder, "b.md", slug="same", title="Other")
    report = import_paths([folder])
    assert report.created == ["same"]
    assert report.failed == [
        (str(folder / "b.md"), f"slug 'same' is also the slug of {folder / 'a.md'}")
    ]


def test_command_prints_a_line_per_file_and_a_summary(folder):
    write_article(
        folder, "alpha.md", title="Alpha", body="[gone](https://leadcraftr.com/posts/gone/)"
    )
    write_article(folder, "beta.md", title="Beta")
    output = run_command(folder)
    assert "[1/2] created alpha\n[2/2] created beta\n" in output
    assert "Created 2, updated 0, unchanged 0, failed 0." in output
    assert "  alpha: https://leadcraftr.com/posts/gone/" in output
    assert "Created 0, updated 0, unchanged 2, failed 0." in run_command(folder)


def test_command_fails_naming_the_file_when_any_file_fails(folder):
    write_article(folder, "alpha.md", title="Alpha")
    write_article(folder, "b.md", date=None)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_articles", str(folder), stdout=io.StringIO(), stderr=err)
    assert f"{folder / 'b.md'}: missing date" in err.getvalue()
    assert ArticlePage.objects.filter(slug="alpha").exists()


def test_missing_path_is_a_failure(tmp_path):
    report = import_paths([tmp_path / "nope.md"])
    assert report.failed == [(str(tmp_path / "nope.md"), "no such file or folder")]


def test_progress_is_called_once_per_file(folder):
    write_article(folder, "alpha.md", title="Alpha")
    write_article(folder, "b.md", date="bad")
    calls = []
    import_paths([folder], progress=lambda *args: calls.append(args))
    assert [(done, total) for done, total, _ in calls] == [(1, 2), (2, 2)]
    assert calls[0][2].startswith("failed ")
    assert calls[1][2] == "created alpha"


def test_command_prints_a_periodic_line_for_big_runs(folder, monkeypatch):
    from blog.management.commands import import_articles

    monkeypatch.setattr(import_articles, "EVERY_LINE_UP_TO", 2)
    monkeypatch.setattr(import_articles, "PROGRESS_EVERY", 2)
    for name in ("a", "b", "c"):
        write_article(folder, f"title-{name}.md", title=f"Title {name}")
    output = run_command(folder)
    assert re.findall(r"^\[\d+/3\] .*$", output, re.MULTILINE) == [
        "[2/3] created title-b",
        "[3/3] created title-c",
    ]


def test_command_passes_media_dir_and_draft(folder, tmp_path):
    write_png(tmp_path / "media" / "hero.png")
    write_article(folder, image="/media/hero.png")
    run_command(folder, "--media-dir", tmp_path / "media", "--draft")
    page = ArticlePage.objects.get()
    assert not page.live
    assert (page.hero_image.width, page.hero_image.height) == (40, 20)


# Tables, code and footnotes: imported as blocks of their own, never flattened

TABLE = """Plans compared:

| Plan | Seats | Price |
|:-----|:-----:|------:|
| **Starter** | 3 | $0 |
| [Team](https://example.com/team) | 10 | `$49` |
| Scale |  | call us |

After the table."""

CODE = """Run this:

```python
def score(lead):
    if lead.replied:

        return 10  # <script>alert(1)</script>
    return 0
```

    $ manage.py import_articles posts/

Done."""

FOOTNOTES = """Double opt-in halves complaints[^spam] and keeps lists clean[^2].

Again the first one[^spam].

[^spam]: Measured over [six months](https://example.com/study), *all* senders.

    A second paragraph of the note.
[^2]: Our own figures."""


def blocks_of(page):
    return [(block.block_type, block.value) for block in page.body]


def test_markdown_table_becomes_a_table_block_keeping_cells_links_and_alignment(client, folder):
    write_article(folder, slug="tables", body=TABLE)
    report = import_paths([folder])
    assert report.created == ["tables"] and report.warnings == []
    page = ArticlePage.objects.get()
    assert [kind for kind, _ in blocks_of(page)] == ["section", "table", "section"]
    stored = next(b["value"] for b in page.body.raw_data if b["type"] == "table")
    assert stored["columns"] == [
        {"type": "text", "heading": "Plan"},
        {"type": "centred", "heading": "Seats"},
        {"type": "right", "heading": "Price"},
    ]
    assert [row["values"] for row in stored["rows"]] == [
        ["<p><b>Starter</b></p>", "<p>3</p>", "<p>$0</p>"],
        [
            '<p><a href="https://example.com/team">Team</a></p>',
            "<p>10</p>",
            "<p><code>$49</code></p>",
        ],
        ["<p>Scale</p>", "", "<p>call us</p>"],
    ]
    served = client.get("/posts/tables/").content.decode()
    assert re.search(r'<th scope="col" class="table__cell--centred">Seats</th>', served)
    assert '<td class="table__cell--right"><p><code>$49</code></p></td>' in served
    assert '<a href="https://example.com/team">Team</a>' in served


def test_fenced_code_becomes_a_code_block_with_its_language_and_exact_text(client, folder):
    write_article(folder, slug="code", body=CODE)
    import_paths([folder])
    page = ArticlePage.objects.get()
    assert [kind for kind, _ in blocks_of(page)] == ["section", "code", "code", "section"]
    fenced, indented = [value for kind, value in blocks_of(page) if kind == "code"]
    assert fenced["language"] == "python"
    assert fenced["code"] == (
        "def score(lead):\n    if lead.replied:\n\n        return 10  # <script>alert(1)</script>"
        "\n    return 0"
    )
    assert (indented["language"], indented["code"]) == ("", "$ manage.py import_articles posts/")
    served = client.get("/posts/code/").content.decode()
    assert '<code class="language-python">def score(lead):\n    if lead.replied:\n\n' in served
    assert "# &lt;script&gt;alert(1)&lt;/script&gt;" in served
    assert "<script>alert(1)" not in served


def test_code_keeps_its_leading_indentation_when_the_page_is_validated(folder):
    write_article(folder, slug="indent", body="```\n    indented first line\nsecond\n```")
    import_paths([folder])  # publishing runs full_clean, which strips text fields by default
    [(_, value)] = blocks_of(ArticlePage.objects.get())
    assert value["code"] == "    indented first line\nsecond"
    assert import_paths([folder]).unchanged == ["indent"]


def test_footnotes_become_superscript_links_to_a_numbered_notes_block(client, folder):
    write_article(folder, slug="notes", body=FOOTNOTES)
    report = import_paths([folder])
    assert report.created == ["notes"] and report.warnings == []
    page = ArticlePage.objects.get()
    assert [kind for kind, _ in blocks_of(page)] == ["section", "footnotes"]
    assert section_html(page) == (
        '<p>Double opt-in halves complaints<a href="#footnote-1"><sup>1</sup></a> and keeps '
        'lists clean<a href="#footnote-2"><sup>2</sup></a>.</p><p>Again the first one<a '
        'href="#footnote-1"><sup>1</sup></a>.</p>'
    )
    assert page.body[1].value.source == (
        '<ol><li>Measured over <a href="https://example.com/study">six months</a>, <i>all</i> '
        "senders.<br/>A second paragraph of the note.</li><li>Our own figures.</li></ol>"
    )
    assert page.summary == "Double opt-in halves complaints and keeps lists clean."
    served = client.get("/posts/notes/").content.decode()
    assert '<li id="footnote-1">Measured over' in served
    assert '<li id="footnote-2">Our own figures.</li>' in served
    assert '<h2 class="footnotes__heading" id="footnotes-heading">Notes</h2>' in served
    assert "\u21a9" not in served  # Markdown's back-links are not imported
    assert [heading.text for heading in page.table_of_contents] == []


def test_tables_code_and_footnotes_survive_the_editor_and_a_second_import(admin_client, folder):
    write_article(folder, slug="all", body=f"{TABLE}\n\n{CODE}\n\n{FOOTNOTES}")
    import_paths([folder])
    page = ArticlePage.objects.get()
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    table = next(b["value"] for b in page.body.raw_data if b["type"] == "table")
    for features, html in [
        (SECTION_FEATURES, section_html(page)),
        (FOOTNOTE_FEATURES, page.body[-1].value.source),
        *((CELL_FEATURES, cell) for row in table["rows"] for cell in row["values"] if cell),
    ]:
        converter = ContentstateConverter(features)
        round_trip = converter.to_database_format(converter.from_database_format(html))
        assert re.sub(r' data-block-key="[^"]*"', "", round_trip) == html
    before = counts()
    assert import_paths([folder]).unchanged == ["all"]
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("1. Install:\n\n        pip install leadsite\n\n2. Run it.", "a code block inside a list"),
        ("- Install:\n\n    ```\n    pip install\n    leadsite\n    ```\n", "a code block inside"),
        ("| A |\n|---|\n| 1 | 2 |", "more cells than the table has columns"),
        ("> Read [the study](https://example.com/s).", "a quote holds plain text"),
        ("> ![chart](/media/chart.png) says it all", "this one has an image"),
        ("<table><tr><td colspan=2>merged</td></tr></table>", "merged cells"),
        ("<table><tr><th>A</th></tr><tr><td>1</td><td>2</td></tr></table>", "same number"),
        ("| A |\n|---|\n| ![x](/media/x.png) |", "an image inside a table cell"),
        ("| [Link](https://e.com/) |\n|---|\n| 1 |", "a table heading holds plain text"),
        ("- item\n\n    | A |\n    |---|\n    | 1 |", "a table inside a list item"),
    ],
)
def test_content_the_body_cannot_hold_refuses_the_file_with_a_clear_error(folder, body, problem):
    write_article(folder, "good.md", title="Good")
    write_article(folder, "lossy.md", title="Lossy", body=body)
    report = import_paths([folder])
    assert report.created == ["good"]
    [(path, message)] = report.failed
    assert path == str(folder / "lossy.md")
    assert problem in message
    assert not ArticlePage.objects.filter(slug="lossy").exists()


@pytest.mark.parametrize(
    ("body", "warning"),
    [
        ("> Ask for **less**.", "quote 'Ask for less.': bold not kept"),
        ("> One.\n>\n> Two.", "paragraph breaks not kept"),
        ('Hi <iframe src="https://e.com/"></iframe> <span>there</span>', "<iframe>, <span>"),
        ("[Click](javascript:alert(1))", "link 'Click' kept as text"),
        ("- item\n\n    > quoted in a list", "a nested quote inside a list item"),
    ],
)
def test_formatting_the_body_cannot_hold_is_a_warning_on_the_files_line(folder, body, warning):
    write_article(folder, "lossy.md", title="Lossy", body=body)
    output = run_command(folder)
    assert "[1/1] created lossy with 1 warning (listed below)" in output
    assert re.search(
        rf"Warning: {re.escape(str(folder / 'lossy.md'))}: .*{re.escape(warning)}", output
    )


@pytest.mark.parametrize(
    ("name", "front", "slug"),
    [
        ("lead-gen-basics.md", {}, "lead-gen-basics"),
        ("Lead Gen Basics.markdown", {}, "lead-gen-basics"),
        ("2025-03-27-lead-gen-basics.md", {}, "lead-gen-basics"),
        ("lead-gen-basics/index.md", {}, "lead-gen-basics"),
        ("lead-gen-basics/_index.md", {}, "lead-gen-basics"),
        ("000_0e44218002e33299.txt", {}, "whats-lead-gen"),  # an export's number and hash
        ("0042.md", {}, "whats-lead-gen"),
        ("lead-gen-basics.md", {"slug": "chosen"}, "chosen"),
        ("lead-gen-basics.md", {"permalink": "/posts/from-permalink/"}, "from-permalink"),
        ("lead-gen-basics.md", {"image": "/media/what-s-lead-gen.webp"}, "what-s-lead-gen"),
    ],
)
def test_file_name_is_a_slug_candidate_before_the_title(tmp_path, name, front, slug):
    path = write_article(tmp_path, name, title="What\u2019s Lead Gen?", **front)
    assert parse_article(path).slug == slug


def test_hostile_text_in_code_tables_and_footnotes_is_stored_and_served_inert(client, folder):
    write_article(
        folder,
        slug="hostile",
        body=(
            "```js\nend</code></pre><script>alert(2)</script>\x00\x01\n```"
            "\n\n| <span onclick=alert(3)>h</span> | b |\n|---|---|\n| [x](javascript:alert(4)) | "
            "\x00 |\n\nNote[^<b>]\n\n[^<b>]: <script>alert(5)</script>fine"
        ),
    )
    report = import_paths([folder])
    assert report.created == ["hostile"]
    served = client.get("/posts/hostile/").content.decode()
    for needle in ("<script>alert", "onclick", "javascript:", "\x00"):
        assert needle not in served
    assert not re.search(r"<[^>]*\son\w+=", served)  # no event handler attribute anywhere
    assert "end&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in served


def test_raw_html_borrowing_the_footnotes_class_keeps_its_text(folder):
    write_article(
        folder, slug="spoof", body='<div class="footnote">Kept words.<ol><li>x</li></ol></div>'
    )
    import_paths([folder])
    page = ArticlePage.objects.get()
    assert [b.block_type for b in page.body] == ["section"]
    assert section_html(page) == "<p>Kept words.</p><ol><li>x</li></ol>"
