import pytest
from django.db.models import ProtectedError

from articles.models import Credit
from people.models import Person, Role
from tests.factories import ArticleFactory, PersonFactory, credit

pytestmark = pytest.mark.django_db


def test_five_roles_exist_after_migrate_in_credit_order():
    labels = list(Role.objects.values_list("slug", "credit_label"))
    assert labels == [
        ("writer", "Written by"),
        ("translator", "Translated by"),
        ("editor", "Edited by"),
        ("photographer", "Photos by"),
        ("attendee", "Attendees"),
    ]


@pytest.mark.parametrize(
    ("family", "given", "first", "expected"),
    [
        ("Cheng", "Zhiming", True, "CHENG Zhiming"),
        ("Mosteller", "William", False, "William Mosteller"),
        ("Li", "Ming-huan", True, "LI Ming-huan"),
        ("", "Lanrui", True, "Lanrui"),
    ],
)
def test_display_name_follows_the_name_order(family, given, first, expected):
    person = Person.objects.create(
        family_name=family, given_name=given, family_name_first=first
    )
    assert str(person) == expected
    assert person.display_name == expected


def test_person_slugs_are_unique():
    a = Person.objects.create(
        family_name="Wang", given_name="Wei", family_name_first=True
    )
    b = Person.objects.create(
        family_name="Wang", given_name="Wei", family_name_first=True
    )
    assert a.slug == "wang-wei"
    assert b.slug == "wang-wei-2"


def test_person_with_credits_cannot_be_deleted():
    person = PersonFactory()
    credit(ArticleFactory(), person, "writer")
    with pytest.raises(ProtectedError):
        person.delete()
    assert Person.objects.filter(pk=person.pk).exists()
    assert Credit.objects.filter(person=person).count() == 1


def test_find_by_name_ignores_letter_case():
    person = Person.objects.create(
        family_name="Zhang", given_name="Yan", family_name_first=True
    )
    assert list(Person.objects.find_by_name("ZHANG", "yan")) == [person]


def test_person_page_groups_stories_by_role(client):
    person = PersonFactory(family_name="Yang", given_name="Yue")
    wrote = ArticleFactory(published=True, title="The story she wrote")
    translated = ArticleFactory(published=True, title="The story she translated")
    draft = ArticleFactory(title="A draft she wrote")
    credit(wrote, person, "writer")
    credit(translated, person, "translator")
    credit(draft, person, "writer")
    response = client.get(person.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "YANG Yue" in html
    assert html.index("Written by") < html.index("The story she wrote")
    assert html.index("Translated by") < html.index("The story she translated")
    assert "A draft she wrote" not in html


def test_unknown_person_is_404(client):
    assert client.get("/people/nobody-here/").status_code == 404
