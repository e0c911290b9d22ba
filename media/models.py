from django.db import models
from django.utils.translation import gettext_lazy as _

from media.validators import validate_image_upload


class Photo(models.Model):
    """A photo in the library; articles use it through ArticlePhoto.

    ``image`` may be empty: an imported story keeps its captions in order
    while the picture files are still to come.
    """

    image = models.ImageField(
        upload_to="photos/%Y/%m/",
        width_field="width",
        height_field="height",
        blank=True,
        validators=[validate_image_upload],
    )
    caption = models.CharField(max_length=500, blank=True)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    photographer = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-uploaded_at", "-id")

    def __str__(self):
        return self.caption or self.image.name or f"Photo {self.pk}"
