"""The blog app's configuration: it tells the page cache which URLs show a page and purges them
on publish, unpublish and move (blog/purge.py)."""

from django.apps import AppConfig


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "Articles"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from taggit.models import Tag
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from leadsite import page_cache

        from . import purge
        from .landing import landing_page_ids
        from .models import ArticlePage, TopicDescription

        page_published.connect(reindex_after_publish, sender=ArticlePage)
        # Which pages are live landing pages (their leads' thank-you): known again at once.
        page_published.connect(landing_page_ids.clear, dispatch_uid="landing-ids-publish")
        page_unpublished.connect(landing_page_ids.clear, dispatch_uid="landing-ids-unpublish")

        # Cached pages (app and front cache) go when what they show changes; a change that
        # can show anywhere purges every URL the blog registers here.
        page_cache.register_public_urls(purge.public_urls)
        page_published.connect(purge.purge_after_publish, dispatch_uid="purge-publish")
        page_unpublished.connect(purge.purge_after_publish, dispatch_uid="purge-unpublish")
        post_page_move.connect(purge.purge_after_move, dispatch_uid="purge-move")
        for model in (Tag, get_image_model(), get_document_model()):
            for signal in (post_save, post_delete):
                signal.connect(
                    page_cache.purge_after_change,
                    sender=model,
                    dispatch_uid=f"purge-{model.__name__}-{signal is post_save}",
                )
        # A topic's description shows on its archive as soon as it is written.
        for signal in (post_save, post_delete):
            signal.connect(
                page_cache.purge_after_placement,
                sender=TopicDescription,
                dispatch_uid=f"purge-TopicDescription-{signal is post_save}",
            )


def reindex_after_publish(sender, instance, **kwargs):
    """Index an article again once its tags are saved.

    The search index is updated on `post_save`, which fires before modelcluster writes the
    page's child relations (its tags); with the in-process task backend the index would miss
    tags. `page_published` fires after the whole page, tags included, is saved.
    """
    from modelsearch.tasks import insert_or_update_object_task

    insert_or_update_object_task.enqueue(
        instance._meta.app_label, instance._meta.model_name, str(instance.pk)
    )
