from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings


class NewsroomCSPMiddleware(CSPMiddleware):
    """The strict policy everywhere, the admin policy under the admin URL."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        admin_prefix = "/" + settings.NEWSROOM_ADMIN_URL
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(admin_prefix)
        ):
            parts.config = default_config(settings.NEWSROOM_ADMIN_CSP)
        return parts
