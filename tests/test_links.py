"""Links to stories, sections and people are built without the URL resolver
(newsroom.links) and must be exactly what reverse() gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from newsroom.links import slug_url

SLUGS = ["demo-01", "a", "2019-04-05-lecture", "under_score", "MiXeD-Case-9"]
ROUTES = ["articles:detail", "articles:original", "articles:section", "people:detail"]


@pytest.mark.parametrize("viewname", ROUTES)
@pytest.mark.parametrize("slug", SLUGS)
def test_slug_url_is_reverse(viewname, slug):
    assert slug_url(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


def test_slug_url_follows_the_script_prefix():
    try:
        set_script_prefix("/newsroom/")
        assert slug_url("articles:detail", "demo-01") == "/newsroom/news/demo-01/"
    finally:
        set_script_prefix("/")
    assert slug_url("articles:detail", "demo-01") == "/news/demo-01/"


@pytest.mark.parametrize("slug", ["", "新闻", "a b", "a/b", "a?b"])
def test_a_value_that_is_not_a_slug_is_refused_as_reverse_refuses_it(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("articles:detail", slug)
