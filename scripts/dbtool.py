"""Helpers for scripts/backup and scripts/restore: what the Django settings
say about the database and the media folder, and a JSON restore that
replaces everything in one transaction.

    dbtool.py env          shell assignments: DB_VENDOR, MEDIA_ROOT, S3_BUCKET
                           and libpq's PG* variables for pg_dump/pg_restore
    dbtool.py load FILE    flush, then loaddata FILE, in one transaction
"""

import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def shell_env():
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    values = {
        "DB_VENDOR": connection.vendor,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "S3_BUCKET": getattr(settings, "NEWSROOM_S3_BUCKET", ""),
    }
    if connection.vendor == "postgresql":
        values |= {
            "PGHOST": db.get("HOST") or "",
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": db.get("USER") or "",
            "PGPASSWORD": db.get("PASSWORD") or "",
            "PGDATABASE": db["NAME"],
        }
    for name, value in values.items():
        if value or not name.startswith("PG"):
            sys.stdout.write(f"export {name}={shlex.quote(value)}\n")
        else:
            # Not in DATABASE_URL: libpq's defaults, not the caller's PG*.
            sys.stdout.write(f"unset {name}\n")


def load(path):
    from django.core.management import call_command
    from django.db import transaction

    # One transaction: a dump that fails to load leaves the database as it was.
    with transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", path, verbosity=1)


def main(argv):
    import django

    django.setup()
    if argv[:1] == ["env"]:
        shell_env()
    elif len(argv) == 2 and argv[0] == "load":
        load(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
