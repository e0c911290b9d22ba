"""One structured log line per request, joined to the proxy's and gunicorn's
lines by a request id (README, "Deploy")."""

import json
import logging
import re
import time
import uuid

from django.db import DatabaseError

logger = logging.getLogger("newsroom.request")

# An id from the proxy (nginx's $request_id) is kept if it looks like one;
# anything else is replaced, so a client cannot write into the logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")


class RequestLogMiddleware:
    """Logs method, path, status, duration and user to "newsroom.request",
    and returns the request id in the X-Request-ID header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = (
            incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        )
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        status = response.status_code
        logger.log(
            logging.WARNING if status >= 500 else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response


def _user_id(request):
    user = getattr(request, "user", None)
    if user is None:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except DatabaseError:
        # The session or user could not be read (database down): the
        # request is still logged.
        return None


class JsonLineFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message and
    the request fields above when the record has them."""

    def format(self, record):
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
