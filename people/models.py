from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom.links import slug_url
from newsroom.slugs import unique_slug


class RoleManager(models.Manager):
    def get_by_natural_key(self, slug):
        # The other half of Role.natural_key(): fixtures and backups
        # (scripts/backup) refer to roles by slug.
        return self.get(slug=slug)


class Role(models.Model):
    """A kind of credit: writer, translator, editor, photographer, attendee."""

    WRITER = "writer"
    TRANSLATOR = "translator"
    EDITOR = "editor"
    PHOTOGRAPHER = "photographer"
    ATTENDEE = "attendee"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    credit_label = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    objects = RoleManager()

    class Meta:
        ordering = ("order", "id")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class PersonQuerySet(models.QuerySet):
    def find_by_name(self, family_name, given_name):
        """People with this name, whatever its letter case."""
        return self.filter(
            family_name__iexact=family_name.strip(),
            given_name__iexact=given_name.strip(),
        )


class Person(models.Model):
    family_name = models.CharField(max_length=100, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name_first = models.BooleanField(
        default=False,
        help_text=_("Chinese order: family name first, shown in capitals."),
    )
    native_name = models.CharField(
        max_length=100, blank=True, help_text=_("e.g. 程志明")
    )
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    bio = models.TextField(blank=True)
    current_title = models.CharField(max_length=300, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text=_("The staff account, so workflow steps credit this person."),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ("family_name", "given_name", "id")
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name_idx")
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Person, self.display_name, fallback="person", instance_pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("people:detail", self.slug)

    @property
    def display_name(self):
        """``CHENG Zhiming`` (family name first, in capitals) or ``William
        Mosteller``; a single name (``Lanrui``) is shown as written."""
        if self.family_name_first:
            parts = [self.family_name.upper(), self.given_name]
        else:
            parts = [self.given_name, self.family_name]
        return " ".join(p for p in parts if p)

    def clean(self):
        if not (self.family_name.strip() or self.given_name.strip()):
            raise ValidationError(_("A person needs a family or a given name."))
