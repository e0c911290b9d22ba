from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("news/", views.ArticleListView.as_view(), name="list"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path(
        "news/<slug:slug>/original/",
        views.ArticleOriginalView.as_view(),
        name="original",
    ),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("preview/<int:pk>/", views.PreviewView.as_view(), name="preview"),
]
