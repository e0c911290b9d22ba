from ckeditor.fields import RichTextField
from django.conf import settings
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.html import sanitize_html
from newsroom.links import slug_url
from newsroom.slugs import unique_slug


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("order", "name")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:section", self.slug)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of public: published and its time has come."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def scheduled(self):
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def for_listing(self):
        return self.select_related("section").prefetch_related(
            Prefetch("credits", queryset=Credit.objects.for_display()),
            Prefetch("article_photos", queryset=ArticlePhoto.objects.for_display()),
        )

    def for_detail(self):
        return self.for_listing()

    # Queues (admin). Each is keyed by the user it is shown to.
    def translation_queue(self, user):
        return self.filter(
            Q(translator=user) | Q(translator__isnull=True),
            status=Article.Status.IN_TRANSLATION,
        )

    def copy_desk(self):
        return self.filter(status=Article.Status.TRANSLATED)

    def ready_to_publish(self):
        return self.filter(status=Article.Status.EDITED)

    def queue_counts(self, user):
        """All queue sizes for the admin index in a single query."""
        now = timezone.now()
        return self.aggregate(
            translation=Count(
                "pk",
                filter=Q(status=Article.Status.IN_TRANSLATION)
                & (Q(translator=user) | Q(translator__isnull=True)),
            ),
            copy_desk=Count("pk", filter=Q(status=Article.Status.TRANSLATED)),
            ready=Count("pk", filter=Q(status=Article.Status.EDITED)),
            scheduled=Count(
                "pk",
                filter=Q(status=Article.Status.PUBLISHED, published_at__gt=now),
            ),
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_TRANSLATION = "in_translation", _("In translation")
        TRANSLATED = "translated", _("Translated")
        EDITED = "edited", _("Edited")
        PUBLISHED = "published", _("Published")

    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("Chinese (Simplified)")
        ENGLISH = "en", _("English")

    # Publication (English) text.
    title = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    summary = models.TextField(
        blank=True, help_text=_("One or two plain sentences for lists and feeds.")
    )
    body = RichTextField(blank=True)
    # Source-language text.
    source_language = models.CharField(
        max_length=10, choices=Language.choices, default=Language.CHINESE
    )
    original_title = models.CharField(max_length=300, blank=True)
    original_body = RichTextField(blank=True)

    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translation_assignments",
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editing_assignments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="articles_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Set on publish; a future time schedules the story."),
    )
    original_date = models.DateField(
        null=True, blank=True, help_text=_("Date of the source-language story.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="+"
    )
    source_ref = models.CharField(
        max_length=300,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("Where an imported story came from; re-imports match on it."),
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["updated_at", "version", "source_ref"],
        m2m_fields=[],
    )

    class Meta:
        ordering = ("-published_at", "-id")
        indexes = [
            models.Index(
                fields=["status", "published_at"], name="article_status_pub_idx"
            ),
            # The lists' order (public pages and the admin): newest first
            # without sorting the archive (docs/PERFORMANCE.md).
            models.Index(fields=["-published_at", "-id"], name="article_pub_id_idx"),
            # import_stories links related headlines to stories by title.
            models.Index(fields=["title"], name="article_title_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            )
        ]
        permissions = [
            ("submit_article", "Can submit a story for translation"),
            ("translate_article", "Can translate a story"),
            ("approve_article", "Can approve or send back a translation"),
            ("publish_article", "Can publish and unpublish a story"),
        ]

    def __str__(self):
        return self.title or self.original_title or f"Story {self.pk}"

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        self.original_body = sanitize_html(self.original_body)
        if not self.slug:
            self.slug = unique_slug(
                Article, self.title, fallback="story", instance_pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    # Helpers over prefetched credits and photos (see for_listing()): they
    # never query when the queryset was prefetched.
    def credits_by_role(self):
        """[(role, [credit, ...]), ...] in role order."""
        groups = {}
        for credit in self.credits.all():
            groups.setdefault(credit.role, []).append(credit)
        return sorted(groups.items(), key=lambda item: (item[0].order, item[0].pk))

    def credits_for(self, role_slug):
        return [c for c in self.credits.all() if c.role.slug == role_slug]

    @property
    def photos(self):
        return [ap.photo for ap in self.article_photos.all()]

    @property
    def lead_photo(self):
        photos = self.photos
        return photos[0] if photos else None


class CreditQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("person", "role").order_by(
            "role__order", "order", "id"
        )


class Credit(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="credits"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="credits"
    )
    role = models.ForeignKey("people.Role", on_delete=models.PROTECT, related_name="+")
    position_title = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("The person's title in this story, e.g. the vice-governor of …"),
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = CreditQuerySet.as_manager()

    class Meta:
        ordering = ("order", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "person", "role"], name="credit_unique_person_role"
            )
        ]

    def __str__(self):
        return f"{self.role}: {self.person}"


class ArticlePhotoQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("photo", "photo__photographer").order_by(
            "order", "id"
        )


class ArticlePhoto(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="article_photos"
    )
    photo = models.ForeignKey(
        "media.Photo", on_delete=models.PROTECT, related_name="article_photos"
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ArticlePhotoQuerySet.as_manager()

    class Meta:
        ordering = ("order", "id")
        verbose_name = _("photo")

    def __str__(self):
        return str(self.photo)


def transition_choices():
    from articles.workflow import TRANSITIONS

    return [(t.name, t.label) for t in TRANSITIONS.values()]


class WorkflowEvent(models.Model):
    """Append-only audit log of workflow transitions."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events"
    )
    transition = models.CharField(max_length=30, choices=transition_choices)
    from_status = models.CharField(max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ("at", "id")
        indexes = [models.Index(fields=["article", "at"], name="event_article_at_idx")]

    def __str__(self):
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{self.get_transition_display()} by {self.actor} at {when}"


class TranslationQueue(Article):
    """Admin queue: stories in translation, assigned to me or unclaimed."""

    class Meta:
        proxy = True
        verbose_name = _("story in my translation queue")
        verbose_name_plural = _("My translation queue")


class CopyDesk(Article):
    """Admin queue: translated stories waiting for an editor."""

    class Meta:
        proxy = True
        verbose_name = _("story on the copy desk")
        verbose_name_plural = _("Copy desk")


class ReadyToPublish(Article):
    """Admin queue: edited stories waiting for a publisher."""

    class Meta:
        proxy = True
        verbose_name = _("story ready to publish")
        verbose_name_plural = _("Ready to publish")


class Scheduled(Article):
    """Admin queue: published stories whose time has not come."""

    class Meta:
        proxy = True
        verbose_name = _("scheduled story")
        verbose_name_plural = _("Scheduled")
