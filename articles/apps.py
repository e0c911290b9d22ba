from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from articles import signals
        from articles.groups import create_staff_groups

        post_migrate.connect(create_staff_groups, sender=self)
        signals.connect()
