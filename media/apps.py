from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "media"
    label = "media"
    verbose_name = "Photos"

    def ready(self):
        from media.renditions import register_specs

        register_specs()
