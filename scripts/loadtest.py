# Runs local tools (pg_isready, pg_ctlcluster, pgrep, gunicorn, manage.py)
# with arguments built here, never from input.
# ruff: noqa: S603, S607
"""Bounded load test on loopback: `make loadtest` (README, "Load test").

A fresh PostgreSQL database (newsroom_loadtest) with the demo content plus
2000 stories; gunicorn with newsroom/gunicorn_conf.py (3 workers) on
127.0.0.1:8031; 64 client threads reading public pages for 60 s while 4
staff threads save stories and take workflow steps through the ORM. At
~15 s one gunicorn worker is SIGKILLed; at ~30 s PostgreSQL is restarted.

It passes when:
  - every save and workflow step that was acknowledged (committed without an
    error) is in the database afterwards (count and checksum of payloads);
  - no 5xx outside the restart window, and inside it only 503 (each with
    Retry-After) or connection errors;
  - no connection errors outside the restart and worker-kill windows.

Always stops gunicorn, drops the database and leaves PostgreSQL running.
Writes the summary to docs/LOADTEST.md (a dry run, --no-pg-restart, to
var/LOADTEST-dry-run.md). Exit status 0 = pass, 1 = fail, 2 = could not run
(or the restart was skipped because another pytest run had started).
"""

import argparse
import collections
import hashlib
import http.client
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DB_NAME = "newsroom_loadtest"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
# After PostgreSQL answers again (and after a worker kill), errors are still
# counted as belonging to that event for this long.
GRACE_SECONDS = 2.0
SEARCH = "<random search>"


def say(*parts):
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


class HardTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise HardTimeout("hard timeout reached")


# --- PostgreSQL ---------------------------------------------------------------


def pg_cluster():
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1]


def pg_ready():
    return (
        subprocess.run(
            ["pg_isready", "-q", "-h", PG["host"], "-p", str(PG["port"])],
            check=False,
            timeout=10,
        ).returncode
        == 0
    )


def wait_pg_ready(seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pg_ready():
            return True
        time.sleep(0.1)
    return False


def pg_ctl(action):
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", action],
        check=False,
        timeout=90,
        capture_output=True,
        text=True,
    )


def ensure_pg_running():
    if pg_ready():
        return True
    say("PostgreSQL is not answering: starting it")
    pg_ctl("start")
    return wait_pg_ready(60)


def admin_sql(*statements):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", connect_timeout=10, **PG)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def other_pytest_runs():
    found = subprocess.run(
        ["pgrep", "-f", "pytest"], capture_output=True, text=True, check=False
    ).stdout.split()
    return [pid for pid in found if int(pid) != os.getpid()]


# --- the site -----------------------------------------------------------------


def site_env(workdir, port, workers):
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}"
        ),
        "DEBUG": "0",
        "SECRET_KEY": "loadtest-only-" + hashlib.sha256(os.urandom(16)).hexdigest(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "NEWSROOM_HTTPS": "0",
        "CONN_MAX_AGE": "0",
        "NEWSROOM_MEDIA_ROOT": str(workdir / "uploads"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # collectstatic into the work folder, not the checkout's var/static.
        "DJANGO_SETTINGS_MODULE": "loadtest_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
        "REQUEST_LOG_LEVEL": "WARNING",  # the access log has every request
    }
    (workdir / "loadtest_settings.py").write_text(
        "from newsroom.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(workdir / 'static')!r}\n"
    )
    return env


def manage(env, *args, timeout=600, **extra):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, **extra},
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def start_gunicorn(env, workdir, port):
    out = open(workdir / "gunicorn.err", "w")  # closed by stop_gunicorn()
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-c",
            str(ROOT / "newsroom" / "gunicorn_conf.py"),
            "newsroom.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    server.log = out
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited at start; see " + out.name)
        try:
            status, _ = fetch(port, "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(server):
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
    server.log.close()


def worker_pids(master_pid):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may contain spaces, so split after ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master_pid:
            pids.append(int(entry))
    return sorted(pids)


def fetch(port, path, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        response.read()
        return response.status, response
    finally:
        if own:
            conn.close()


# --- load ----------------------------------------------------------------------


class Readers:
    """Client threads reading public pages; one record per request."""

    def __init__(self, port, urls, connections, seed):
        self.port = port
        self.urls, self.vocabulary = urls
        self.connections = connections
        self.seed = seed
        self.records = []  # (start, end, url, status or error name, retry_after)

    def run(self, stop):
        threads = [
            threading.Thread(target=self.client, args=(n, stop), daemon=True)
            for n in range(self.connections)
        ]
        for thread in threads:
            thread.start()
        return threads

    def client(self, n, stop):
        rng = random.Random(self.seed + n)  # noqa: S311 (load mix, not crypto)
        conn = None
        while not stop.is_set():
            url = rng.choice(self.urls)
            if url == SEARCH:
                # Two words picked at random: a page no cache has seen, so
                # some traffic always reaches PostgreSQL.
                words = " ".join(rng.sample(self.vocabulary, 2))
                url = "/news/?q=" + urllib.parse.quote_plus(words)
            started = time.monotonic()
            retry_after = None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=15
                    )
                status, response = fetch(self.port, url, conn)
                retry_after = response.getheader("Retry-After")
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)
            self.records.append((started, time.monotonic(), url, status, retry_after))
        if conn is not None:
            conn.close()


class Staff:
    """Staff threads saving their own stories through the ORM, as the admin
    does: a version-checked save, or a workflow step (unpublish/publish).
    Every acknowledged write is recorded with its unique payload."""

    def __init__(self, article_ids, threads, actor_id):
        self.shares = [article_ids[n::threads] for n in range(threads)]
        self.actor_id = actor_id
        self.acked = []  # (start, end, kind, article pk, payload, version after)
        self.failed = []  # (start, end, kind, error name)
        self.refused = []  # (kind, reason): stale versions and refusals

    def run(self, stop):
        threads = [
            threading.Thread(target=self.editor, args=(n, share, stop), daemon=True)
            for n, share in enumerate(self.shares)
        ]
        for thread in threads:
            thread.start()
        return threads

    def editor(self, n, share, stop):
        from django.contrib.auth import get_user_model
        from django.db import DatabaseError, close_old_connections, connection

        from articles.workflow import TransitionRefused

        actor = None
        seq = 0
        while not stop.is_set():
            seq += 1
            pk = share[seq % len(share)]
            kind = "workflow" if seq % 3 == 0 else "save"
            payload = f"loadtest staff {n} op {seq} story {pk}"
            started = time.monotonic()
            try:
                close_old_connections()
                if actor is None:
                    actor = get_user_model().objects.get(pk=self.actor_id)
                if kind == "save":
                    version = self.save(pk, payload)
                else:
                    kind, version = self.step(pk, payload, actor)
                self.acked.append(
                    (started, time.monotonic(), kind, pk, payload, version)
                )
            except TransitionRefused as exc:
                self.refused.append((kind, str(exc)))
            except DatabaseError as exc:
                self.failed.append(
                    (started, time.monotonic(), kind, type(exc).__name__)
                )
                time.sleep(0.1)
            finally:
                try:
                    connection.close()
                except DatabaseError:
                    pass
            # A few writes a second per editor: busy, not a benchmark.
            time.sleep(0.2)

    @staticmethod
    def save(pk, payload):
        """What ArticleAdmin.save_model does: claim the version, then save."""
        from django.db import transaction

        from articles.models import Article
        from articles.workflow import TransitionRefused

        article = Article.objects.get(pk=pk)
        based_on = article.version
        with transaction.atomic():
            claimed = Article.objects.filter(pk=pk, version=based_on).update(
                version=based_on + 1
            )
            if not claimed:
                raise TransitionRefused("stale version")
            article.version = based_on + 1
            article.summary = payload
            article._change_reason = "edit"
            article.save()
        return article.version

    @staticmethod
    def step(pk, payload, actor):
        from articles import workflow
        from articles.models import Article

        article = Article.objects.get(pk=pk)
        name = "unpublish" if article.status == Article.Status.PUBLISHED else "publish"
        done = workflow.perform(
            pk,
            name,
            actor=actor,
            comment=payload,
            expected_version=article.version,
        )
        return f"workflow:{name}", done.version

    def verify(self):
        """Every acknowledged write, looked up in the database."""
        from articles.models import Article, WorkflowEvent

        saves = {a[4] for a in self.acked if a[2] == "save"}
        steps = {a[4] for a in self.acked if a[2].startswith("workflow")}
        pks = {a[3] for a in self.acked}
        found_saves = set(
            Article.history.filter(id__in=pks, summary__in=saves).values_list(
                "summary", flat=True
            )
        )
        found_steps = set(
            WorkflowEvent.objects.filter(comment__in=steps).values_list(
                "comment", flat=True
            )
        )
        # Versions only grow: the story is at least at its last acked version.
        last_version = {}
        for *_, pk, _payload, version in sorted(self.acked):
            last_version[pk] = version
        current = dict(Article.objects.filter(pk__in=pks).values_list("pk", "version"))
        behind = [pk for pk, v in last_version.items() if current.get(pk, 0) < v]
        acked = sorted(saves | steps)
        found = sorted(found_saves | found_steps)
        return {
            "acked_saves": len(saves),
            "found_saves": len(found_saves),
            "acked_steps": len(steps),
            "found_steps": len(found_steps),
            "acked_checksum": digest(acked),
            "found_checksum": digest(found),
            "versions_behind": len(behind),
            "lost": len(acked) - len(found),
        }


def digest(items):
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:16]


# --- analysis -------------------------------------------------------------------


def overlaps(record, window):
    start, end = window
    return record[0] <= end and record[1] >= start


def classify(records, pg_window, kill_window):
    phases = {"normal": [], "worker kill": [], "db restart": []}
    for record in records:
        if pg_window and overlaps(record, pg_window):
            phases["db restart"].append(record)
        elif kill_window and overlaps(record, kill_window):
            phases["worker kill"].append(record)
        else:
            phases["normal"].append(record)
    return phases


def percentile(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def judge(phases, verification, staff, pg_window, kill_window):
    failures = []
    for phase, records in phases.items():
        for record in records:
            status = record[3]
            if isinstance(status, int):
                if status >= 500 and not (phase == "db restart" and status == 503):
                    failures.append(f"{status} on {record[2]} ({phase})")
                elif status == 503 and not record[4]:
                    failures.append(f"503 without Retry-After on {record[2]}")
            elif phase == "normal":
                failures.append(f"{status} on {record[2]} (no fault injected)")
    for started, ended, kind, error in staff.failed:
        record = (started, ended)
        if not any(w and overlaps(record, w) for w in (pg_window, kill_window)):
            failures.append(f"staff {kind} failed with {error} (no fault injected)")
    if verification["lost"] or verification["versions_behind"]:
        failures.append(
            f"{verification['lost']} acknowledged writes missing, "
            f"{verification['versions_behind']} stories behind their acked version"
        )
    if verification["acked_checksum"] != verification["found_checksum"]:
        failures.append("checksum of acknowledged payloads differs")
    if not verification["acked_saves"] or not verification["acked_steps"]:
        failures.append("no staff writes were acknowledged")
    if sum(len(r) for r in phases.values()) < 100:
        failures.append("fewer than 100 requests: the load did not run")
    # De-duplicate repeated messages, keeping a count.
    counted = collections.Counter(failures)
    return [f"{msg} x{n}" if n > 1 else msg for msg, n in counted.items()]


def status_table(phases):
    keys = sorted(
        {r[3] for records in phases.values() for r in records},
        key=lambda s: (not isinstance(s, int), str(s)),
    )
    lines = [
        "| phase | requests | "
        + " | ".join(str(k) for k in keys)
        + " | p50 ms | p95 ms | max ms |",
        "|---|---:|" + "---:|" * (len(keys) + 3),
    ]
    for phase, records in phases.items():
        counts = collections.Counter(r[3] for r in records)
        times = [(r[1] - r[0]) * 1000 for r in records]
        lines.append(
            f"| {phase} | {len(records)} | "
            + " | ".join(str(counts.get(k, 0)) for k in keys)
            + f" | {percentile(times, 0.5):.0f} | {percentile(times, 0.95):.0f}"
            f" | {max(times, default=0):.0f} |"
        )
    return lines


def report(args, phases, verification, staff, events, failures, elapsed, setup_s):
    records = [r for rs in phases.values() for r in rs]
    ok = [r[1] - r[0] for r in phases["normal"] if r[3] == 200]
    by_url = collections.Counter()
    for r in records:
        path, query = urllib.parse.urlsplit(r[2])[2:4]
        top = path.split("/")[1]
        if top in ("news", "people", "sections") and path.count("/") > 2:
            path = f"/{top}/<slug>/"
        by_url[path + ("?" + query.split("=")[0] + "=…" if query else "")] += 1
    lines = [
        "# Load test",
        "",
        f"Run {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `make loadtest`"
        f" (`scripts/loadtest.py`) on {os.cpu_count()} CPU cores shared with the"
        " load generator and PostgreSQL. Result: "
        + ("**PASS**" if not failures else "**FAIL**"),
        "",
        "## Set-up",
        "",
        f"- PostgreSQL database `{DB_NAME}`: `seed_demo --articles {args.articles}`"
        " (demo content plus synthetic published stories), set up in"
        f" {setup_s:.0f} s.",
        f"- gunicorn, `newsroom/gunicorn_conf.py`, {args.workers} sync workers on"
        f" 127.0.0.1:{args.port}; `DEBUG=0`, `CONN_MAX_AGE=0`, page cache on"
        " in local memory, so each worker has its own and the staff writes"
        " below (another process) do not invalidate it; with Redis they would.",
        f"- {args.connections} client threads (http.client) for {args.duration} s"
        " over public pages: home, news list and pages, fixed searches,"
        " sections, stories, people, the feed, and (about 1 request in 9) a"
        " random two-word search that no cache has seen, so PostgreSQL is"
        " always in the path.",
        f"- {args.staff} staff threads through the ORM, as the admin saves:"
        " version-checked saves of the summary and workflow steps"
        " (unpublish/publish), each with a unique payload.",
        "- Faults: " + "; ".join(events) + ".",
        f"- A request or staff write belongs to a fault's window if it overlaps"
        f" it (plus {GRACE_SECONDS:.0f} s after the fault is over).",
        "",
        "## Requests",
        "",
        f"{len(records)} requests in {elapsed:.0f} s"
        f" ({len(records) / max(elapsed, 1):.0f}/s). Latency of the 200s outside"
        f" fault windows: p50 {percentile(ok, 0.5) * 1000:.0f} ms,"
        f" p95 {percentile(ok, 0.95) * 1000:.0f} ms,"
        f" p99 {percentile(ok, 0.99) * 1000:.0f} ms.",
        "",
        "Status (or connection error) by phase:",
        "",
        *status_table(phases),
        "",
        "Requests by page: "
        + ", ".join(f"`{url}` {n}" for url, n in by_url.most_common()),
        "",
        "## Staff writes",
        "",
        "| | acknowledged | found afterwards |",
        "|---|---:|---:|",
        f"| saves | {verification['acked_saves']} | {verification['found_saves']} |",
        f"| workflow steps | {verification['acked_steps']} |"
        f" {verification['found_steps']} |",
        "",
        f"Checksum of acknowledged payloads `{verification['acked_checksum']}`,"
        f" of those found `{verification['found_checksum']}`;"
        f" lost: **{verification['lost']}**. Failed (not acknowledged, during"
        f" faults): {len(staff.failed)}"
        + (
            " (" + ", ".join(f"{k} {n}" for k, n in _failed_kinds(staff)) + ")"
            if staff.failed
            else ""
        )
        + f"; refused as stale: {len(staff.refused)}.",
        "",
        "## Verdict",
        "",
    ]
    if failures:
        lines += [f"- FAIL: {f}" for f in failures]
    else:
        lines += [
            "- No acknowledged write was lost.",
            "- No 5xx outside the database restart; inside it only 503 with"
            " Retry-After, or connection errors.",
            "- No connection errors outside the fault windows.",
        ]
    return "\n".join(lines) + "\n"


def _failed_kinds(staff):
    return collections.Counter(f"{f[2]}: {f[3]}" for f in staff.failed).most_common()


# --- main ------------------------------------------------------------------------


def public_urls(rng, exclude):
    from articles.models import Article, Section
    from people.models import Person

    slugs = list(
        Article.objects.published()
        .exclude(pk__in=exclude)
        .order_by("-published_at")
        .values_list("slug", flat=True)[:400]
    )
    stories = rng.sample(slugs, min(40, len(slugs)))
    people = list(
        Person.objects.filter(credits__isnull=False)
        .distinct()
        .values_list("slug", flat=True)[:5]
    )
    sections = list(Section.objects.values_list("slug", flat=True))
    queries = ["satellite", "students", "research", "卫星", "no-such-word-zz"]
    titles = Article.objects.published().values_list("title", flat=True)[:300]
    vocabulary = sorted({w.strip(",.—()").lower() for t in titles for w in t.split()})
    vocabulary = [w for w in vocabulary if len(w) > 3 and not w.isdigit()]
    urls = ["/"] * 4 + ["/news/"] * 4 + ["/feeds/latest/"] * 2
    urls += [f"/news/?page={n}" for n in (2, 3, 10, 50)]
    urls += [f"/news/?q={urllib.parse.quote(q)}" for q in queries] * 2
    urls += [SEARCH] * 10
    urls += [f"/sections/{s}/" for s in sections]
    urls += [f"/news/{s}/" for s in stories]
    urls += [f"/people/{s}/" for s in people] * 2
    return urls, vocabulary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--staff", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument("--kill-worker-at", type=float, default=15)
    parser.add_argument("--restart-db-at", type=float, default=30)
    parser.add_argument(
        "--no-pg-restart",
        action="store_true",
        help="dry run: do not restart PostgreSQL (safe beside other test runs)",
    )
    parser.add_argument(
        "--wait-for-quiet",
        type=int,
        default=600,
        help="seconds to wait for other pytest runs to end before a run that"
        " restarts PostgreSQL",
    )
    parser.add_argument("--hard-timeout", type=int, default=900)
    parser.add_argument(
        "--report",
        help="where to write the summary (default: docs/LOADTEST.md, or"
        " var/LOADTEST-dry-run.md with --no-pg-restart)",
    )
    args = parser.parse_args()
    if args.report is None:
        args.report = str(
            ROOT / "var" / "LOADTEST-dry-run.md"
            if args.no_pg_restart
            else ROOT / "docs" / "LOADTEST.md"
        )

    if not ensure_pg_running():
        say("PostgreSQL is not running and could not be started")
        return 2
    if not args.no_pg_restart:
        deadline = time.monotonic() + args.wait_for_quiet
        while other_pytest_runs():
            if time.monotonic() > deadline:
                say(
                    "Other pytest runs are still using PostgreSQL; not restarting"
                    " it under them. Retry later, or pass --no-pg-restart."
                )
                return 2
            say(
                "Waiting for other pytest runs to finish before a run that"
                " restarts PostgreSQL…"
            )
            time.sleep(10)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.hard_timeout)
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-loadtest-"))
    stop = threading.Event()
    servers = []
    try:
        return run(args, workdir, stop, servers)
    except HardTimeout as exc:
        say(f"FAIL: {exc}")
        return 1
    finally:
        stop.set()
        signal.alarm(0)
        for server in servers:
            stop_gunicorn(server)
        _cleanup(workdir)


def _cleanup(workdir):
    try:
        from django.db import connections

        connections.close_all()
    except Exception as exc:  # noqa: BLE001 (cleanup goes on whatever happened)
        say(f"WARNING: closing connections: {exc}")
    if not ensure_pg_running():
        say("WARNING: PostgreSQL is not running after the load test")
    try:
        admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    except Exception as exc:  # noqa: BLE001
        say(f"WARNING: could not drop {DB_NAME}: {exc}")
    shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir, stop, servers):
    setup_started = time.monotonic()
    admin_sql(
        f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)',
        f'CREATE DATABASE "{DB_NAME}"',
    )
    env = site_env(workdir, args.port, args.workers)
    say(f"Setting up {DB_NAME}: migrate, seed_demo --articles {args.articles}…")
    manage(env, "migrate", "--noinput", "-v0", DEBUG="1")
    manage(env, "seed_demo", "--articles", str(args.articles), DEBUG="1")
    manage(env, "collectstatic", "--noinput", "-v0")

    # This process writes as staff through the ORM, on the same database.
    os.environ.update({k: env[k] for k in env if k != "PYTHONPATH"})
    sys.path[:0] = [str(workdir), str(ROOT)]
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from articles.models import Article

    rng = random.Random(8031)  # noqa: S311 (load mix, not crypto)
    staff_ids = list(
        Article.objects.published()
        .filter(slug__startswith="bulk-")
        .order_by("pk")
        .values_list("pk", flat=True)[: 5 * args.staff]
    )
    publisher = get_user_model().objects.get(username="publisher")
    urls = public_urls(rng, staff_ids)
    setup_seconds = time.monotonic() - setup_started

    server = start_gunicorn(env, workdir, args.port)
    servers.append(server)
    say(
        f"gunicorn {server.pid} with workers {worker_pids(server.pid)} on"
        f" 127.0.0.1:{args.port}; {len(urls[0])} URLs and random searches over"
        f" {len(urls[1])} words; load for {args.duration} s"
    )

    readers = Readers(args.port, urls, args.connections, seed=8031)
    staff = Staff(staff_ids, args.staff, publisher.pk)
    t0 = time.monotonic()
    threads = readers.run(stop) + staff.run(stop)
    events = []
    kill_window = pg_window = None

    def at(seconds):
        remaining = t0 + seconds - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)

    if args.kill_worker_at < args.duration:
        at(args.kill_worker_at)
        victims = worker_pids(server.pid)
        if victims:
            killed_at = time.monotonic()
            os.kill(victims[0], signal.SIGKILL)
            kill_window = (killed_at, killed_at + GRACE_SECONDS)
            events.append(
                f"SIGKILL to gunicorn worker {victims[0]} at {killed_at - t0:.1f} s"
            )
            say(events[-1])
    restart_skipped = False
    if not args.no_pg_restart and args.restart_db_at < args.duration:
        at(args.restart_db_at)
        restart_skipped = bool(other_pytest_runs())
    if restart_skipped:
        events.append("PostgreSQL restart skipped: another pytest run had started")
        say(events[-1])
    elif not args.no_pg_restart and args.restart_db_at < args.duration:
        started = time.monotonic()
        result = pg_ctl("restart")
        back = wait_pg_ready(60)
        ended = time.monotonic()
        pg_window = (started, ended + GRACE_SECONDS)
        events.append(
            f"PostgreSQL restarted (`pg_ctlcluster … restart`) from"
            f" {started - t0:.1f} s to {ended - t0:.1f} s"
            + ("" if result.returncode == 0 and back else " (FAILED)")
        )
        say(events[-1])
    elif args.no_pg_restart:
        events.append("no PostgreSQL restart (`--no-pg-restart`)")
    at(args.duration)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    elapsed = time.monotonic() - t0

    # This thread's connection predates the restart.
    from django.db import connections

    connections.close_all()
    verification = staff.verify()
    phases = classify(readers.records, pg_window, kill_window)
    failures = judge(phases, verification, staff, pg_window, kill_window)
    text = report(
        args, phases, verification, staff, events, failures, elapsed, setup_seconds
    )
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(text)
    say("")
    say(text)
    say(f"(written to {args.report})")
    if failures:
        return 1
    return 2 if restart_skipped else 0


if __name__ == "__main__":
    sys.exit(main())
