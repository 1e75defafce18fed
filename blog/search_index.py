"""Batch search indexing for bulk writes such as the Markdown import.

Wagtail indexes a page on every save (page, revision, publish, tags: several times per
article), and the SQLite backend then recomputes a statistic over its whole index table, so a
large import would spend most of its time re-indexing. A batch pauses automatic indexing and
indexes what it wrote once, in bulk, at the end (docs/performance.md has the import's figures).
"""

import copy
from collections import defaultdict
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from modelsearch.backends import get_search_backends

BULK_SIZE = 200


@contextmanager
def search_indexing_paused():
    """Switch off every search backend's AUTO_UPDATE for the duration (single-process use).

    AUTO_UPDATE is the backend's documented switch; modelsearch reads the setting on each
    update, so changing it here takes effect at once. Meant for management commands, not for
    code running in a multi-threaded server.
    """
    backends = settings.WAGTAILSEARCH_BACKENDS
    saved = copy.deepcopy(backends)
    for params in backends.values():
        params["AUTO_UPDATE"] = False
    try:
        yield
    finally:
        backends.clear()
        backends.update(saved)


def index_in_bulk(keys):
    """Index the objects named by (app_label, model_name, pk) keys, a few queries per model."""
    by_model = defaultdict(list)
    for app_label, model_name, pk in keys:
        by_model[apps.get_model(app_label, model_name)].append(pk)
    for model, pks in by_model.items():
        objects = model.get_indexed_objects().filter(pk__in=pks)
        related = [
            field.field_name
            for field in model.get_search_fields()
            if hasattr(field, "fields") and hasattr(model, field.field_name)
        ]
        if related:
            objects = objects.prefetch_related(*related)
        for start in range(0, len(pks), BULK_SIZE):
            batch = list(objects[start : start + BULK_SIZE])
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, batch)
