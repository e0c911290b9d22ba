from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    from articles.models import Section

    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        # Lazy: admin pages never render the public navigation.
        "nav_sections": SimpleLazyObject(lambda: list(Section.objects.all())),
    }
