from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    from articles.cache import sections
    from newsroom.links import site_urls

    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_urls": SimpleLazyObject(site_urls),
        # Lazy: admin pages never render the public navigation.
        "nav_sections": SimpleLazyObject(sections),
    }
