from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from media.models import Photo
from media.uploads import upright
from media.validators import ACCEPT, validate_image_upload


class PhotoFileField(forms.FileField):
    """A file field whose only judge is ``validate_image_upload``.

    Django's ``forms.ImageField`` would run its own Pillow check first and
    answer every problem with one generic message; this field lets the shared
    validator say what is wrong (SVG, web page, too many pixels, ...).
    """

    default_validators = [validate_image_upload]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", AdminFileWidget(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)


def upload_help_text():
    return _("JPEG, PNG, WebP or GIF; at most %(size)s and %(pixels)s megapixels.") % {
        "size": filesizeformat(settings.NEWSROOM_MAX_UPLOAD_BYTES),
        "pixels": f"{settings.NEWSROOM_MAX_UPLOAD_PIXELS / 1e6:.3g}",
    }


class PhotoAdminForm(forms.ModelForm):
    image = PhotoFileField(required=False)

    class Meta:
        model = Photo
        fields = ("image", "caption", "alt_text", "photographer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = upload_help_text()

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return upright(image)
        return image
