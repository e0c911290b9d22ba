"""Operations: request logging, the gunicorn config, backup and restore."""

import hashlib
import http.client
import json
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from newsroom.middleware import JsonLineFormatter
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def request_log(caplog):
    """The "newsroom.request" records (that logger does not propagate to the
    root logger, where caplog listens)."""
    logger = logging.getLogger("newsroom.request")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="newsroom.request")
    yield caplog
    logger.removeHandler(caplog.handler)


def request_records(caplog):
    return [r for r in caplog.records if r.name == "newsroom.request"]


@pytest.mark.django_db
def test_one_log_line_per_request_with_status_path_and_request_id(client, request_log):
    response = client.get("/healthz")
    missing = client.get("/news/no-such-story/")

    records = request_records(request_log)
    assert [(r.method, r.path, r.status) for r in records] == [
        ("GET", "/healthz", 200),
        ("GET", "/news/no-such-story/", 404),
    ]
    assert all(r.user_id is None for r in records)
    assert all(r.duration_ms >= 0 for r in records)
    # The id in the log is the one the client gets back, and differs per
    # request.
    assert records[0].request_id == response["X-Request-ID"]
    assert records[1].request_id == missing["X-Request-ID"]
    assert records[0].request_id != records[1].request_id
    # Formatted as one JSON object on one line.
    line = JsonLineFormatter().format(records[1])
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["logger"] == "newsroom.request"
    assert (parsed["method"], parsed["path"], parsed["status"]) == (
        "GET",
        "/news/no-such-story/",
        404,
    )
    assert parsed["request_id"] == missing["X-Request-ID"]


@pytest.mark.django_db
def test_log_line_names_the_signed_in_user(client, request_log):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    client.get(reverse("admin:index"))
    (record,) = request_records(request_log)
    assert record.user_id == staff.pk
    assert record.status == 200


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_kept_and_a_hostile_one_replaced(
    client, request_log
):
    kept = client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a9c"})
    hostile = client.get(
        "/healthz", headers={"X-Request-ID": 'x"}\n{"status": 200, "forged": 1'}
    )
    assert kept["X-Request-ID"] == "nginx-7f3a9c"
    assert hostile.status_code == 200
    assert "\n" not in hostile["X-Request-ID"]
    assert len(hostile["X-Request-ID"]) == 32
    records = request_records(request_log)
    assert [r.request_id for r in records] == [
        "nginx-7f3a9c",
        hostile["X-Request-ID"],
    ]


@pytest.mark.django_db
def test_hostile_path_stays_inside_one_json_line(client, request_log):
    response = client.get("/news/%22%7D%0A%7B%22status%22:200/")
    assert response.status_code == 404
    (record,) = request_records(request_log)
    line = JsonLineFormatter().format(record)
    assert len(line.splitlines()) == 1
    assert json.loads(line)["status"] == 404


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_config_serves_with_json_access_log(tmp_path):
    """The production command line, over plain http on loopback."""
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "NEWSROOM_HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "newsroom/gunicorn_conf.py", "newsroom.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    response = None
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request(
                    "GET", "/healthz?probe=1", headers={"User-Agent": 'say "hi"\\'}
                )
                response = conn.getresponse()
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
        assert response is not None and response.status == 200
        request_id = response.getheader("X-Request-ID")
        assert request_id
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    access = [line for line in lines if "user_agent" in line]
    app = [line for line in lines if line.get("logger") == "newsroom.request"]
    assert len(access) == 1 and len(app) == 1
    assert access[0]["status"] == 200 and access[0]["path"] == "/healthz"
    assert access[0]["query"] == "probe=1"
    assert access[0]["user_agent"] == 'say "hi"\\'
    assert access[0]["request_id"] == app[0]["request_id"] == request_id
    assert err.count("Booting worker") == 2


# --- backup and restore (scripts/backup, scripts/restore) -------------------

SNAPSHOT_COUNTS = (
    "articles_article",
    "articles_credit",
    "articles_articlephoto",
    "articles_workflowevent",
    "people_person",
    "people_role",
    "media_photo",
    "auth_user",
    "auth_user_groups",
    "auth_group_permissions",
)


def snapshot(connect):
    """Row counts and a checksum over every story's slug, title and version."""
    with closing(connect()) as conn:
        return _snapshot(conn.cursor())


def _snapshot(cur):
    counts = {}
    for table in SNAPSHOT_COUNTS:
        cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (constant names)
        counts[table] = cur.fetchone()[0]
    cur.execute(
        "SELECT slug, title, version, status FROM articles_article ORDER BY slug"
    )
    digest = hashlib.sha256(repr(cur.fetchall()).encode()).hexdigest()
    cur.execute("SELECT bio FROM people_person ORDER BY slug")
    bios = [row[0] for row in cur.fetchall()]
    return counts, digest, bios


def run(args, env, check=True):
    return subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def seeded_site(database_url, tmp_path):
    """A migrated, seeded site in its own database and media folder."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NEWSROOM_MEDIA_ROOT": str(tmp_path / "uploads"),
        "PY": sys.executable,
    }
    demo = {**env, "DEBUG": "1"}
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], demo)
    run([sys.executable, "manage.py", "seed_demo"], demo)
    return env


def round_trip(env, connect, tmp_path):
    before = snapshot(connect)
    photos = sorted((tmp_path / "uploads").rglob("*.jpg"))
    assert before[0]["articles_article"] >= 30 and photos

    folder = tmp_path / "backups" / "nightly"
    out = run(["scripts/backup", str(folder)], env).stdout
    assert str(folder) in out
    assert (folder / "SHA256SUMS").is_file() and (folder / "media.tar.gz").is_file()

    # Disaster: stories gone, a person defaced, a photo file lost.
    with closing(connect()) as conn:
        cur = conn.cursor()
        cur.execute("DELETE FROM articles_credit")
        cur.execute("DELETE FROM articles_articlephoto")
        cur.execute("DELETE FROM articles_workflowevent")
        cur.execute("DELETE FROM articles_article_related")
        cur.execute("DELETE FROM articles_article")
        cur.execute("UPDATE people_person SET bio = 'defaced'")
        conn.commit()
    photos[0].unlink()
    damaged = snapshot(connect)
    assert damaged[0]["articles_article"] == 0

    # Without confirmation, and from a tampered copy, nothing happens.
    refused = run(["scripts/restore", str(folder)], env, check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    tampered = tmp_path / "backups" / "tampered"
    shutil.copytree(folder, tampered)
    with open(tampered / "INFO", "a") as info:
        info.write("edited\n")
    refused = run(["scripts/restore", "--yes", str(tampered)], env, check=False)
    assert refused.returncode != 0 and "damaged" in refused.stderr
    assert snapshot(connect) == damaged
    assert not photos[0].exists()

    run(["scripts/restore", "--yes", str(folder)], env)
    assert snapshot(connect) == before
    assert photos[0].is_file()


def test_backup_and_restore_round_trip_on_sqlite(tmp_path):
    db_file = tmp_path / "site.sqlite3"
    env = seeded_site(f"sqlite:///{db_file}", tmp_path)
    assert (tmp_path / "backups").exists() is False
    round_trip(env, lambda: sqlite3.connect(db_file), tmp_path)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the suite is running on SQLite"
)
def test_backup_and_restore_round_trip_on_postgresql(tmp_path):
    import psycopg2

    server = settings.DATABASES["default"]
    params = {
        "host": server["HOST"] or None,
        "port": server["PORT"] or None,
        "user": server["USER"] or None,
        "password": server["PASSWORD"] or None,
    }
    # Our own database, not the suite's test database.
    name = f"newsroom_backup_rt_{os.getpid()}"
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.cursor().execute(f'CREATE DATABASE "{name}"')

    def connect():
        return psycopg2.connect(dbname=name, **params)

    try:
        auth = server["USER"] or ""
        if server["PASSWORD"]:
            auth += f":{server['PASSWORD']}"
        url = f"postgres://{auth}@{server['HOST']}:{server['PORT'] or 5432}/{name}"
        env = seeded_site(url, tmp_path)
        round_trip(env, connect, tmp_path)
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
