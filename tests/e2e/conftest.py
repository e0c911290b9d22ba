"""Shared fixtures for the browser tests (Playwright, sync API, on Debian's
/usr/bin/chromium). Run them with ``make e2e``; they need ``live_server``
and ``transactional_db``, and are marked ``@pytest.mark.e2e``."""

import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# that the tests make there (factories, assertions) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
        ],
    }


@pytest.fixture(scope="session")
def screenshot_dir():
    """``test-artifacts/screenshots/`` (git-ignored), created on demand."""
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _rows_from_migrations(transactional_db):
    """Each transactional test ends by emptying every table. post_migrate
    then recreates permissions and the staff groups, but not the roles that
    the data migration wrote: put them back before each test."""
    roles = importlib.import_module("people.migrations.0002_roles")
    roles.add_roles(apps, None)
