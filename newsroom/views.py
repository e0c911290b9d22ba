from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bench_baseline(request):
    """Benchmark baseline: the same process, no database, no templates."""
    return HttpResponse(b"ok", content_type="text/plain")


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


DATABASE_DOWN = (DatabaseError,)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: a database outage is a 503 the client may retry, not a
    500. The pages are plain templates that need no database."""
    import sys

    from django.template import loader

    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        body = loader.get_template("503.html").render(
            {"retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    body = loader.get_template("500.html").render({})
    return HttpResponse(body, status=500)
