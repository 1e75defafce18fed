from django.apps import AppConfig


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"
    verbose_name = "Articles"

    def ready(self):
        from wagtail.signals import page_published

        from .models import ArticlePage

        page_published.connect(reindex_after_publish, sender=ArticlePage)


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
