"""Staff groups and their permissions, kept in step after every migrate.

Permission rows only exist once auth's post_migrate handler has run, so
this is a post_migrate receiver (connected in ArticlesConfig.ready), not a
data migration.
"""

from django.contrib.auth.models import Group, Permission

BASE_STAFF = [
    "articles.view_article",
    "articles.view_section",
    "articles.view_credit",
    "articles.view_articlephoto",
    "articles.view_workflowevent",
    "people.view_person",
    "people.view_role",
    "media.view_photo",
]
CONTRIBUTE = [
    "articles.add_credit",
    "articles.change_credit",
    "articles.delete_credit",
    "articles.add_articlephoto",
    "articles.change_articlephoto",
    "articles.delete_articlephoto",
    "people.add_person",
    "people.change_person",
    "media.add_photo",
    "media.change_photo",
]

GROUP_PERMISSIONS = {
    "Writers": [
        *BASE_STAFF,
        *CONTRIBUTE,
        "articles.add_article",
        "articles.change_article",
        "articles.submit_article",
    ],
    "Translators": [
        *BASE_STAFF,
        "articles.change_article",
        "articles.translate_article",
    ],
    "Editors": [
        *BASE_STAFF,
        *CONTRIBUTE,
        "articles.add_article",
        "articles.change_article",
        "articles.submit_article",
        "articles.approve_article",
        "articles.add_section",
        "articles.change_section",
    ],
    "Publishers": [
        *BASE_STAFF,
        *CONTRIBUTE,
        "articles.change_article",
        "articles.publish_article",
    ],
}


def create_staff_groups(sender=None, **kwargs):
    using = kwargs.get("using", "default")
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
