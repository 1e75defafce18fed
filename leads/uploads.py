"""Files readers upload with a form: kept in private storage (its own `leads_private` storage:
a folder no web server serves, or the S3 bucket's private prefix with signed, short-lived
reads), named at random (the reader's file name, sanitised, is kept on the row, never in a
path or URL), and sent to sales only through the contact page, with the rights that show the
answers. Erasure deletes them (leads/services/erasure.py)."""

import os
import uuid

from django.core.files.storage import storages
from django.utils import timezone
from django.utils.text import get_valid_filename

NAME_MAX = 100


def private_storage():
    """The storage of uploaded files (settings.STORAGES["leads_private"])."""
    return storages["leads_private"]


def attachment_path(instance, filename: str) -> str:
    """A random object name under the month: nothing of the reader's in it."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return timezone.now().strftime(f"leads/%Y/%m/{uuid.uuid4().hex}{extension}")


def clean_name(name: str) -> str:
    """The file name as sales sees it: no folders, no characters a file system or a header
    would trip on, not starting with a dot, at most NAME_MAX characters (extension kept)."""
    name = os.path.basename(str(name).replace("\\", "/")).strip().lstrip(".")
    try:
        name = get_valid_filename(name)
    except Exception:  # SuspiciousFileOperation: nothing usable left
        name = ""
    stem, extension = os.path.splitext(name or "file")
    return stem[: NAME_MAX - len(extension[:10])] + extension[:10]


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")
