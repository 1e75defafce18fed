"""A person's data as a JSON download (the privacy tools' export, leads/admin/privacy.py).

The file name says when, not whose: downloads folders and proxies see it.
"""

import json

from django.http import HttpResponse
from django.utils import timezone

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def json_download(data, *, stem: str) -> HttpResponse:
    """`data` as an indented UTF-8 JSON attachment named `<stem>-<local date and time>.json`."""
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type=JSON_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.json"'
    return response
