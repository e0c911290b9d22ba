from django.db.models.signals import m2m_changed, post_delete, post_save

from articles import cache


def connect():
    from articles.models import Article, ArticlePhoto, Credit, Section
    from media.models import Photo
    from people.models import Person, Role

    for model in (Article, ArticlePhoto, Credit, Section, Photo, Person, Role):
        post_save.connect(
            cache.invalidate, sender=model, dispatch_uid=f"bump-{model.__name__}"
        )
        post_delete.connect(
            cache.invalidate, sender=model, dispatch_uid=f"bump-del-{model.__name__}"
        )
    m2m_changed.connect(
        cache.invalidate, sender=Article.related.through, dispatch_uid="bump-related"
    )
