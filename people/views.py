from django.views.generic import DetailView

from articles.models import Article, Credit
from people.models import Person, Role


class PersonDetailView(DetailView):
    model = Person
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        credits = (
            Credit.objects.filter(
                person=self.object, article__in=Article.objects.published()
            )
            .select_related("article", "article__section", "role")
            .order_by("role__order", "-article__published_at", "-article__id")
        )
        groups = {}
        for credit in credits:
            groups.setdefault(credit.role, []).append(credit)
        roles = sorted(groups.items(), key=lambda item: (item[0].order, item[0].pk))
        return super().get_context_data(credit_groups=roles, **kwargs)


__all__ = ["PersonDetailView", "Role"]
