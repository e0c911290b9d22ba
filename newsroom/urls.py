from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.static import serve

from articles.cache import cache_public_page
from articles.feeds import LatestStoriesFeed
from articles.sitemaps import SITEMAPS
from articles.views import HomeView
from newsroom import views

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("articles.urls")),
    path("", include("people.urls")),
    path("feeds/latest/", cache_public_page(LatestStoriesFeed()), name="feed_latest"),
    path(
        "sitemap.xml",
        cache_public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    path(settings.NEWSROOM_ADMIN_URL, admin.site.urls),
]

if settings.NEWSROOM_BENCH_URLS:
    urlpatterns.append(path("bench/baseline", views.bench_baseline))

if settings.DEBUG:
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

handler500 = "newsroom.views.server_error"
