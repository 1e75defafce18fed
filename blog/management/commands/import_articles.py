"""`manage.py import_articles PATH [PATH ...]`: a thin shell over blog.importer.import_paths."""

from django.core.management.base import BaseCommand, CommandError

from blog.importer import import_paths

# Up to this many files, one line each; above it, a line every PROGRESS_EVERY files.
EVERY_LINE_UP_TO = 200
PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = (
        "Import Markdown articles (YAML front matter: title, date, tags, image, slug, "
        "description, draft) as article pages under /posts/. Folders are searched for *.md, "
        "*.markdown and *.txt files. Re-running updates the same pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument(
            "--media-dir",
            metavar="DIR",
            help="Folder holding the images the articles refer to (/media/foo.webp is looked "
            "up as DIR/foo.webp, then DIR/media/foo.webp). Without it, heroes are generated.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )
        parser.add_argument(
            "--draft", action="store_true", help="Save changes as drafts instead of publishing."
        )

    def handle(self, *args, paths, media_dir, dry_run, draft, verbosity, **options):
        def progress(done, total, message):
            failed = message.startswith("failed")
            every_line = verbosity >= 2 or total <= EVERY_LINE_UP_TO
            if verbosity and (every_line or failed or done % PROGRESS_EVERY == 0 or done == total):
                line = f"[{done}/{total}] {message}"
                self.stdout.write(self.style.ERROR(line) if failed else line)

        report = import_paths(
            paths, media_dir=media_dir, dry_run=dry_run, draft=draft, progress=progress
        )

        for path, message in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {path}: {message}"))
        self.stdout.write(
            f"Created {len(report.created)}, updated {len(report.updated)}, "
            f"unchanged {len(report.unchanged)}, failed {len(report.failed)}."
        )
        if report.unresolved_links:
            self.stdout.write(f"Unresolved links ({len(report.unresolved_links)}):")
            for slug, url in report.unresolved_links:
                self.stdout.write(f"  {slug}: {url}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        if not report.ok:
            for path, message in report.failed:
                self.stderr.write(f"{path}: {message}")
            raise CommandError(f"{len(report.failed)} file(s) could not be imported.")
