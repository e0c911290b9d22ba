"""Gunicorn settings for production: ``gunicorn -c newsroom/gunicorn_conf.py
newsroom.wsgi``.

Every value can be changed by environment variable, so one file serves every
server (README, "Deploy"). Gunicorn ignores names it does not know, so
settings newer than the installed version are harmless.
"""

import json
import multiprocessing
import os
import time

from gunicorn import glogging


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Listen on loopback by default: nginx in front terminates TLS (README).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Synchronous workers: the usual 2 x cores + 1. Each holds at most one
# database connection.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
# A request that takes longer than this is killed and its worker replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On reload or shutdown (SIGHUP/SIGTERM), requests in flight get this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then (slow leaks), staggered so they never all
# restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The heartbeat file on tmpfs: a worker blocked on a slow disk is not
# mistaken for a hung one.
SHM = "/dev/shm"  # noqa: S108 (gunicorn's documented choice; files it owns)
if os.path.isdir(SHM):
    worker_tmp_dir = SHM
# No runtime control socket (gunicorn 25.1+): nothing to manage through it.
control_socket_disable = True

# Logs: errors to stderr, one JSON object per request to stdout.
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "newsroom"


class JsonAccessLogger(glogging.Logger):
    """Access log lines as JSON objects, escaped properly whatever a client
    sends (the stock format string would break on quotes in a header)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        headers = {name.lower(): value for name, value in resp.headers}
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "remote_addr": environ.get("REMOTE_ADDR", ""),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "query": environ.get("QUERY_STRING", ""),
            "protocol": environ.get("SERVER_PROTOCOL", ""),
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(
                request_time.seconds * 1000 + request_time.microseconds / 1000, 1
            ),
            "referer": environ.get("HTTP_REFERER", ""),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
            # Set by newsroom.middleware.RequestLogMiddleware: joins this
            # line to the application's "newsroom.request" log line.
            "request_id": headers.get("x-request-id", ""),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))


logger_class = JsonAccessLogger
