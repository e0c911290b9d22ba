"""import_stories PATH...: story pages in the scraped text format -> published
stories with credits, attendees, captioned photos and related links.

Parsing lives in ``articles.importer`` (pure); this command writes. Each file
is imported in its own transaction: a file that fails writes nothing, and is
reported as ``FILE: reason``. Re-importing a file (matched on
``Article.source_ref``: the Updated date and the headline) updates the story
in place and reconciles its credits, photos and related links.
"""

import hashlib
import re
import sys
from datetime import datetime, time
from functools import reduce
from operator import or_
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from articles import cache
from articles.html import sanitize_html
from articles.importer import ParseError, decode, parse_story
from articles.models import Article, ArticlePhoto, Credit
from media.models import Photo
from media.validators import validate_image_upload
from people.models import Person, Role

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
PUBLISH_TIME = time(12, 0)  # the Updated date at noon, newsroom time


class ImportFailed(Exception):
    pass


def natural_key(path):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", path.name)]


def published_at_for(day):
    return timezone.make_aware(
        datetime.combine(day, PUBLISH_TIME), timezone.get_default_timezone()
    )


def relaxed_commit():
    """PostgreSQL: this story's COMMIT does not wait for the write-ahead log
    to reach the disk (``synchronous_commit`` off for this transaction only).
    A crash may lose the last stories imported, never part of one, and
    importing again restores them (the import is idempotent). Waiting for
    the disk once per story was most of an import's time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def story_slug(title, max_length=80):
    """A free slug for a new story. (newsroom.slugs.unique_slug looks for
    clashes under the full-length base only, so long titles that share their
    first 80 characters would clash on their "-2" suffix.)"""
    base = slugify(title)[:max_length].strip("-") or "story"
    taken = set(
        Article.objects.filter(slug__startswith=base[: max_length - 12])
        .order_by()
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base[: max_length - len(str(n)) - 1].rstrip('-')}-{n}"
    return slug


class StoryWriter:
    """Writes parsed stories, caching people and roles for the whole run."""

    def __init__(self, images_dir=None, single_file=False):
        self.images_dir = Path(images_dir) if images_dir else None
        self.single_file = single_file
        self.roles = {role.slug: role for role in Role.objects.all()}
        missing = {"writer", "translator", "editor", "photographer", "attendee"}
        missing -= set(self.roles)
        if missing:
            raise CommandError(
                f"Roles missing: {', '.join(sorted(missing))}; run migrate first."
            )
        self.people = {}  # (family, given) casefolded -> Person
        self.looked_up = set()  # keys already asked of the database
        self.pending = {}  # article pk -> headlines not yet resolved
        self.titles = {}  # headline -> story pk, or None: no such story

    # People -------------------------------------------------------------
    @staticmethod
    def _keys(name):
        keys = [(name.family.casefold(), name.given.casefold())]
        if name.ambiguous:  # "Zhang Yan": also family-first
            keys.append((name.given.casefold(), name.family.casefold()))
        return keys

    def _prefetch(self, names):
        """One query for every name of a story not seen yet in this run."""
        wanted = {k for n in names for k in self._keys(n)} - self.looked_up
        wanted -= set(self.people)
        if not wanted:
            return
        query = reduce(or_, (Person.objects.find_by_name(f, g) for f, g in wanted))
        for person in query.order_by("pk"):
            key = (person.family_name.casefold(), person.given_name.casefold())
            self.people.setdefault(key, person)
        self.looked_up |= wanted

    def person_for(self, name, created, title=""):
        for key in self._keys(name):
            if key in self.people:
                return self.people[key]
        person = Person(
            family_name=name.family,
            given_name=name.given,
            family_name_first=name.family_first,
            current_title=title,
        )
        person.save()
        key = self._keys(name)[0]
        self.people[key] = person
        created.append(key)
        return person

    # Images ---------------------------------------------------------------
    def images_for(self, path):
        """Image files for this story, in name order, checked and read:
        ``DIR/<file name without .txt>/`` or, for a single file, ``DIR``."""
        if self.images_dir is None:
            return []
        folder = self.images_dir / path.stem
        if not folder.is_dir():
            if not self.single_file:
                return []
            folder = self.images_dir
        images = []
        files = [
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
        ]
        for image_path in sorted(files, key=natural_key):
            content = ContentFile(image_path.read_bytes(), name=image_path.name)
            try:
                validate_image_upload(content)
            except ValidationError as exc:
                reason = " ".join(exc.messages)
                raise ImportFailed(f"image {image_path.name}: {reason}") from None
            images.append(content)
        return images

    # One story ------------------------------------------------------------
    def import_path(self, path):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFailed(f"cannot be read ({exc.strerror or exc})") from None
        try:
            story = parse_story(decode(data))
        except ParseError as exc:
            raise ImportFailed(str(exc)) from None
        images = self.images_for(path)
        saved_files, created_people = [], []
        try:
            with transaction.atomic():
                relaxed_commit()
                result = self.write(story, images, saved_files, created_people)
                if result["changed"]:
                    transaction.on_commit(cache.bump)
        except BaseException:
            for key in created_people:  # rolled back with the transaction
                self.people.pop(key, None)
            for name in saved_files:
                Photo._meta.get_field("image").storage.delete(name)
            raise
        self.titles[story.title] = result["article"].pk
        return story, result

    def write(self, story, images, saved_files, created_people):
        article = (
            Article.objects.filter(source_ref=story.source_ref).order_by("pk").first()
        )
        created = article is None
        published_at = published_at_for(story.updated)
        fields = {
            "title": story.title,
            "summary": story.summary,
            "body": sanitize_html(story.body_html),
            "status": Article.Status.PUBLISHED,
            "published_at": published_at,
            "original_date": story.original_date,
        }
        changed = created
        if created:
            article = Article(
                source_ref=story.source_ref, slug=story_slug(story.title), **fields
            )
            article.save()
        elif any(getattr(article, f) != v for f, v in fields.items()):
            for f, v in fields.items():
                setattr(article, f, v)
            article.version += 1
            article.save()
            changed = True

        changed |= self.write_credits(article, story, created, created_people)
        changed |= self.write_photos(article, story, images, created, saved_files)
        related_changed, unresolved = self.write_related(article, story, created)
        changed |= related_changed
        if changed:
            Article.objects.filter(pk=article.pk).update(updated_at=published_at)
        if unresolved:
            self.pending[article.pk] = unresolved
        else:
            self.pending.pop(article.pk, None)
        return {"created": created, "changed": changed, "article": article}

    def write_credits(self, article, story, created, created_people):
        names = [n for names in story.credits.values() for n in names]
        self._prefetch(names + [a.name for a in story.attendees])
        wanted, credited_people = {}, set()
        for role_slug, names in story.credits.items():
            for name in names:
                person = self.person_for(name, created_people)
                credited_people.add(person.pk)
                wanted.setdefault((person.pk, self.roles[role_slug].pk), "")
        for attendee in story.attendees:
            person = self.person_for(attendee.name, created_people, attendee.title)
            if person.pk in credited_people:
                continue
            wanted.setdefault((person.pk, self.roles["attendee"].pk), attendee.title)

        existing = (
            {}
            if created
            else {(c.person_id, c.role_id): c for c in article.credits.all()}
        )
        new, updated = [], []
        for order, ((person_id, role_id), title) in enumerate(wanted.items()):
            credit = existing.pop((person_id, role_id), None)
            if credit is None:
                new.append(
                    Credit(
                        article=article,
                        person_id=person_id,
                        role_id=role_id,
                        position_title=title,
                        order=order,
                    )
                )
            elif credit.position_title != title or credit.order != order:
                credit.position_title, credit.order = title, order
                updated.append(credit)
        if existing:
            Credit.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
        if updated:
            Credit.objects.bulk_update(updated, ["position_title", "order"])
        if new:
            Credit.objects.bulk_create(new)
        return bool(new or updated or existing)

    def write_photos(self, article, story, images, created, saved_files):
        photographers = story.credits.get("photographer", [])
        photographer = self.person_for(photographers[0], []) if photographers else None
        links = (
            []
            if created
            else list(
                article.article_photos.select_related("photo").order_by("order", "id")
            )
        )
        unused = list(links)
        changed = False
        new_links = []
        for order, caption in enumerate(story.captions):
            link = next((ln for ln in unused if ln.photo.caption == caption), None)
            image = images[order] if order < len(images) else None
            if link is not None:
                unused.remove(link)
                photo = link.photo
                photo_changed = False
                if photo.photographer_id != (photographer.pk if photographer else None):
                    photo.photographer = photographer
                    photo_changed = True
                if image is not None and not self._same_file(photo, image):
                    photo.image.save(image.name, image, save=False)
                    saved_files.append(photo.image.name)
                    photo_changed = True
                if photo_changed:
                    photo.save()
                    changed = True
                if link.order != order:
                    link.order = order
                    link.save(update_fields=["order"])
                    changed = True
                continue
            photo = Photo(caption=caption, photographer=photographer)
            if image is not None:
                photo.image.save(image.name, image, save=False)
                saved_files.append(photo.image.name)
                photo.save()
            new_links.append(ArticlePhoto(article=article, photo=photo, order=order))
        if new_links:
            Photo.objects.bulk_create(
                [ln.photo for ln in new_links if ln.photo.pk is None]
            )
            for link in new_links:
                link.photo_id = link.photo.pk
            ArticlePhoto.objects.bulk_create(new_links)
            changed = True
        for link in unused:
            photo = link.photo
            link.delete()
            if not photo.image and not photo.article_photos.exists():
                photo.delete()
            changed = True
        return changed

    @staticmethod
    def _same_file(photo, image):
        if not photo.image:
            return False
        try:
            with photo.image.open("rb") as stored:
                current = hashlib.sha256(stored.read()).digest()
        except OSError:
            return False
        image.seek(0)
        return current == hashlib.sha256(image.read()).digest()

    def resolve_titles(self, titles):
        """headline -> story pk, preferring a published story, then the
        newest; looked up once per run (stories imported in this run are
        added as they commit)."""
        missing = [t for t in titles if t not in self.titles]
        if missing:
            found = {}
            rows = (
                Article.objects.filter(title__in=missing)
                .order_by()
                .values_list("title", "pk", "status")
            )
            for title, pk, status in rows:
                rank = (status == Article.Status.PUBLISHED, pk)
                if title not in found or rank > found[title][0]:
                    found[title] = (rank, pk)
            for title in missing:
                self.titles[title] = found[title][1] if title in found else None
        return {t: self.titles[t] for t in titles if self.titles[t] is not None}

    def write_related(self, article, story, created):
        resolved = self.resolve_titles(story.related)
        wanted = list(
            dict.fromkeys(
                resolved[t]
                for t in story.related
                if t in resolved and resolved[t] != article.pk
            )
        )
        unresolved = [t for t in story.related if t not in resolved]
        if created:
            current = set()
        else:
            current = set(article.related.values_list("pk", flat=True))
        if set(wanted) == current:
            return False, unresolved
        if created:
            through = Article.related.through
            through.objects.bulk_create(
                [through(from_article_id=article.pk, to_article_id=to) for to in wanted]
            )
        else:
            article.related.set(wanted)
        return True, unresolved

    def resolve_pending(self):
        """Second pass: link headlines of stories imported later in the run."""
        through = Article.related.through
        for pk, titles in list(self.pending.items()):
            resolved = self.resolve_titles(titles)
            found = [resolved[t] for t in titles if resolved.get(t, pk) != pk]
            if not found:
                continue
            with transaction.atomic():
                through.objects.bulk_create(
                    [through(from_article_id=pk, to_article_id=to) for to in found],
                    ignore_conflicts=True,
                )
                transaction.on_commit(cache.bump)
            self.pending[pk] = [t for t in titles if resolved.get(t, pk) == pk]
            if not self.pending[pk]:
                del self.pending[pk]


class Command(BaseCommand):
    help = (
        "Import story pages in the scraped text format (files, or folders of "
        ".txt files) as published stories. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--images",
            metavar="DIR",
            help="Photos for the captions, in name order: DIR/<file name without "
            ".txt>/ for each story, or DIR itself when importing one file.",
        )

    def handle(self, *args, paths, images=None, verbosity=1, **options):
        if images and not Path(images).is_dir():
            raise CommandError(f"--images {images}: no such folder")
        files, failures = [], []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files += sorted(
                    (p for p in path.rglob("*.txt") if p.is_file()),
                    key=lambda p: str(p),
                )
            elif path.is_file():
                files.append(path)
            else:
                failures.append((path, "no such file or folder"))
                self.stderr.write(f"{path}: no such file or folder")
        writer = StoryWriter(images, single_file=len(files) == 1)
        counts = {"imported": 0, "updated": 0, "unchanged": 0, "attendees": 0}
        messages = []
        show_bar = len(files) >= 2 and self.stderr.isatty()
        by_article = {}
        with tqdm(
            total=len(files), disable=not show_bar, file=sys.stderr, unit="story"
        ) as bar:
            for path in files:
                try:
                    story, result = writer.import_path(path)
                except ImportFailed as exc:
                    failures.append((path, str(exc)))
                    self._say(bar, f"{path}: {exc}", error=True)
                except Exception as exc:  # noqa: BLE001 (report, go on with the rest)
                    reason = f"{type(exc).__name__}: {exc}"
                    failures.append((path, reason))
                    self._say(bar, f"{path}: {reason}", error=True)
                else:
                    if result["created"]:
                        counts["imported"] += 1
                    else:
                        counts["updated"] += 1
                        counts["unchanged"] += not result["changed"]
                    counts["attendees"] += len(story.attendees)
                    by_article[result["article"].pk] = path
                    for warning in story.warnings:
                        messages.append(f"{path}: warning: {warning}")
                    if verbosity >= 2:
                        what = "imported" if result["created"] else "updated"
                        self._say(bar, f"{path}: {what} “{story.title}”")
                bar.update(1)
        writer.resolve_pending()
        unresolved = [
            (by_article.get(pk, pk), title)
            for pk, titles in writer.pending.items()
            if pk in by_article
            for title in titles
        ]
        if verbosity >= 1:
            for message in messages:
                self.stderr.write(message)
        if verbosity >= 2:
            for path, title in unresolved:
                self.stdout.write(f"{path}: unresolved related headline: {title}")
        summary = (
            f"imported {counts['imported']}, updated {counts['updated']}, "
            f"failed {len(failures)}, attendees found {counts['attendees']}, "
            f"unresolved related headlines {len(unresolved)}"
        )
        if counts["unchanged"]:
            summary += f" ({counts['unchanged']} re-imported unchanged)"
        if verbosity >= 1:
            style = self.style.ERROR if failures else self.style.SUCCESS
            self.stdout.write(style(summary))
        if failures:
            raise CommandError(f"{len(failures)} file(s) failed to import.")

    def _say(self, bar, message, error=False):
        if bar.disable:
            (self.stderr if error else self.stdout).write(message)
        else:
            bar.write(message, file=sys.stderr if error else sys.stdout)
