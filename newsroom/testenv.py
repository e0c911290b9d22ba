"""pytest plugin (loaded with ``-p`` in pyproject.toml) that runs before
pytest-django reads settings, so the suite needs no environment of its own."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("NEWSROOM_HTTPS", "0")
