from django.utils.text import slugify


def unique_slug(model, text, *, fallback, instance_pk=None, max_length=80):
    """Return a slug for ``text`` that no other row of ``model`` uses.

    A text with no Latin letters or digits (a Chinese-only title) slugifies
    to nothing, so ``fallback`` is used instead; clashes get ``-2``, ``-3``...
    """
    base = slugify(text or "")[:max_length].strip("-") or fallback
    # Suffixed candidates cut the base short, so look up by the shortest
    # stem a suffix (up to -9999999) can leave.
    taken = set(
        model._default_manager.filter(slug__startswith=base[: max_length - 8])
        .exclude(pk=instance_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base[: max_length - len(str(n)) - 1].rstrip('-')}-{n}"
    return slug
