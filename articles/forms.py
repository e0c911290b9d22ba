import copy

from django import forms
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.models import Article


class StaleSave(Exception):
    """The story changed in the database after the form was validated."""


class ArticleAdminForm(forms.ModelForm):
    """The staff form: carries the version it was based on and the workflow
    step the user chose, and refuses either with a form error, never by
    dropping the user's text."""

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workflow_comment = forms.CharField(
        label=_("Comment for the workflow step"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Required when sending a story back or unpublishing."),
    )

    class Meta:
        model = Article
        fields = [
            "source_language",
            "original_title",
            "original_body",
            "original_date",
            "title",
            "summary",
            "body",
            "section",
            "translator",
            "editor",
            "published_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["based_on_version"].initial = self.instance.version
        self.transition = None

    def clean(self):
        cleaned = super().clean()
        article = self.instance
        if article.pk:
            based_on = cleaned.get("based_on_version")
            current = (
                Article.objects.filter(pk=article.pk)
                .values_list("version", flat=True)
                .first()
            )
            if based_on is None or based_on != current:
                raise forms.ValidationError(
                    workflow.stale_message(article), code="stale"
                )
        name = self.data.get("_transition")
        if name:
            self.transition = self._check_transition(name, cleaned)
        return cleaned

    def _check_transition(self, name, cleaned):
        transition = workflow.TRANSITIONS.get(name)
        user = self.request.user
        if transition is None or not self.instance.pk:
            raise forms.ValidationError(_("Unknown workflow step."), code="transition")
        # Judge the story as it will be once this form is saved.
        preview = copy.copy(self.instance)
        construct_instance(self, preview, fields=self._meta.fields, exclude=None)
        preview.status = Article.objects.values_list("status", flat=True).get(
            pk=self.instance.pk
        )
        reason = workflow.refusal(transition, preview, user)
        if reason is None and transition.requirement:
            reason = transition.requirement(preview)
        if (
            reason is None
            and transition.needs_comment
            and not cleaned.get("workflow_comment", "").strip()
        ):
            self.add_error(
                "workflow_comment",
                _("A comment is required to “%(step)s”.") % {"step": transition.label},
            )
            return None
        if reason:
            raise forms.ValidationError(reason, code="transition")
        return transition
