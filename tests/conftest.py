import shutil

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _isolate(settings, tmp_path):
    """Uploads in a temporary folder and an empty cache for every test."""
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    # Fast hashing: tests create many staff accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Production uses the manifest storage after collectstatic; tests do not
    # run collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    cache.clear()
    yield
    cache.clear()
    shutil.rmtree(tmp_path / "uploads", ignore_errors=True)


@pytest.fixture
def user_in(db):
    """user_in("Editors") -> a staff user in that group."""

    def make(group=None, **kwargs):
        user = UserFactory(**kwargs)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make
