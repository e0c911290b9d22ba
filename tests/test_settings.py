import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "news.example.edu",
    "NEWSROOM_HTTPS": "1",
}


def manage(*args, env=None):
    full_env = {**os.environ, **PRODUCTION_ENV, **(env or {})}
    # Set by the browser tests' conftest for Playwright; never in production.
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_admin_url_is_configurable():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = manage("shell", "-c", code, env={"NEWSROOM_ADMIN_URL": "staff-desk"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/staff-desk/"


@pytest.mark.django_db
def test_public_pages_get_the_strict_content_security_policy(client):
    article = ArticleFactory(published=True)
    for url in ("/", "/news/", article.get_absolute_url()):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_public_pages_have_no_inline_script(client):
    article = ArticleFactory(published=True)
    for url in ("/", "/news/", article.get_absolute_url()):
        html = client.get(url).content.decode()
        for chunk in html.split("<script")[1:]:
            opening = chunk.split(">", 1)[0]
            # Only data blocks (JSON-LD) or external files.
            assert "application/ld+json" in opening or "src=" in opening


@pytest.mark.django_db
def test_admin_gets_the_policy_the_editor_needs(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" in policy
    assert "frame-ancestors 'self'" in policy


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out(client, user_in):
    user_in("Editors", username="target")
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "target", "password": "wrong"})
    response = client.post(url, {"username": "target", "password": "pw-for-tests-1"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
