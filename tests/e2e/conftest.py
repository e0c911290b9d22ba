"""Shared fixtures for the browser tests (Playwright, sync API, on Debian's
/usr/bin/chromium). Run them with ``make e2e``; they need ``live_server``
and ``transactional_db``, and are marked ``@pytest.mark.e2e``."""

import os
from pathlib import Path

import pytest

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
