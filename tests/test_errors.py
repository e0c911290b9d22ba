"""Error pages: no tracebacks, and a database outage is a 503 that heals."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

OUTAGE_SCRIPT = r"""
import os, shutil, django
django.setup()
from django.db import connections
from django.test import Client
db_dir, away = os.environ["DB_DIR"], os.environ["DB_DIR"] + ".away"
client = Client(raise_request_exception=False)
from django.utils import timezone
from articles.models import Article
# A story to list: an empty list needs no query once its count is cached.
Article.objects.create(
    title="Before the outage", status="published", published_at=timezone.now()
)
def status(url):
    # The test client keeps its connection between requests; a real server
    # closes it at the end of each one (CONN_MAX_AGE=0).
    connections.close_all()
    r = client.get(url)
    traceback = "Traceback" in r.content.decode()
    return f"{r.status_code}:{r.get('Retry-After', '')}:{traceback}"
print("before", status("/news/"))
shutil.move(db_dir, away)          # the database disappears
print("during", status("/news/"), status("/"), status("/healthz"))
shutil.move(away, db_dir)          # and comes back
print("after", status("/news/"))
"""


def test_database_outage_gives_503_and_recovers(tmp_path):
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_dir / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "outage-test-key",
        "DEBUG": "0",
        "NEWSROOM_HTTPS": "0",
        "ALLOWED_HOSTS": "testserver",
        "NEWSROOM_PAGE_CACHE_SECONDS": "0",
        "DB_DIR": str(db_dir),
    }
    run = {
        "cwd": ROOT,
        "env": env,
        "capture_output": True,
        "text": True,
        "timeout": 180,
    }
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run([sys.executable, "-c", OUTAGE_SCRIPT], **run)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert lines["before"] == "200::False"
    assert lines["during"] == "503:30:False 503:30:False 503::False"
    assert lines["after"] == "200::False"
    shutil.rmtree(db_dir, ignore_errors=True)


@pytest.mark.django_db
def test_404_page_is_friendly(client):
    response = client.get("/news/no-such-story/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_has_no_traceback(rf):
    from newsroom.views import server_error

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "boom" not in response.content.decode()
    assert "Something went wrong" in response.content.decode()
