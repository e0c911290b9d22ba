from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    from articles.cache import sections

    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        # Lazy: admin pages never render the public navigation.
        "nav_sections": SimpleLazyObject(sections),
    }
