"""Demo content for a fresh newsroom; safe to run again (update_or_create
keyed on slugs). Refused when DEBUG is off: it creates accounts with
published passwords."""

import io
import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.html import sanitize_html
from articles.models import Article, ArticlePhoto, Credit, Section
from media.models import Photo
from people.models import Person, Role

DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 (documented demo password)

SECTIONS = [
    ("Campus", "campus"),
    ("Research", "research"),
    ("International", "international"),
    ("Events", "events"),
]

# (family, given, family_first, native, current title)
PEOPLE = [
    ("Zhang", "Yan", True, "张岩", "reporter"),
    ("Yang", "Yue", True, "杨越", "translator"),
    ("Mosteller", "William", False, "", "copy editor"),
    ("", "Lanrui", True, "兰蕊", "photographer"),
    ("Cheng", "Zhiming", True, "程志明", "the vice-governor of Heilongjiang province"),
    (
        "Xing",
        "Aiguo",
        True,
        "邢爱国",
        "the deputy secretary general of the Provincial Government",
    ),
    ("Wang", "Shuquan", True, "王树权", "the secretary of the Party Committee"),
    ("Han", "Jiecai", True, "韩杰才", "the executive vice president"),
    ("Cao", "Xibin", True, "曹喜滨", "the vice president"),
    ("Li", "Ming-huan", True, "李明焕", "member of the Party group"),
    ("Liu", "Fang", True, "刘芳", "reporter"),
    ("Chen", "Jing", True, "陈静", "translator"),
    ("Whitfield", "Sarah", False, "", "copy editor"),
    ("Zhao", "Lei", True, "赵磊", "photographer"),
    ("Huang", "Zhiwei", True, "黄志伟", "professor of life sciences"),
    ("Daines", "Steve", False, "", "U.S. senator"),
    ("Shao", "Xujun", True, "邵徐君", "vice chairman of ACFROC"),
    ("Okafor", "Grace", False, "", "visiting scholar"),
    ("Sun", "Hao", True, "孙浩", "dean of the School of Astronautics"),
    ("Garcia", "Elena", False, "", "exchange student coordinator"),
]

STAFF = [
    # username, group, person (family, given) or None
    ("writer", "Writers", ("Zhang", "Yan")),
    ("translator", "Translators", ("Yang", "Yue")),
    ("translator2", "Translators", ("Chen", "Jing")),
    ("editor", "Editors", ("Mosteller", "William")),
    ("publisher", "Publishers", ("Whitfield", "Sarah")),
]

TOPICS = [
    (
        "Satellite team launches its tenth small satellite",
        "卫星团队发射第十颗小卫星",
        "research",
    ),
    (
        "Vice-governor visits to discuss research commercialisation",
        "副省长来校调研科技成果转化",
        "campus",
    ),
    (
        "Students win gold at the international robotics contest",
        "学生在国际机器人大赛中获金奖",
        "campus",
    ),
    (
        "University joins the ASRTU gathering in Irkutsk",
        "学校参加在伊尔库茨克举行的中俄工科大学联盟会议",
        "international",
    ),
    (
        "New materials lab opens on the Weihai campus",
        "威海校区新材料实验室揭牌",
        "research",
    ),
    ("Teachers' Day party welcomes new staff", "教师节晚会欢迎新教师", "events"),
    (
        "Nature paper reveals the assembly of the TCR-CD3 complex",
        "《自然》论文揭示TCR-CD3复合物组装机制",
        "research",
    ),
    (
        "Forum on microscopic instrumentation is held",
        "首届显微仪器技术国际高端论坛举行",
        "events",
    ),
    (
        "Delegation from ACFROC visits the university",
        "全国侨联代表团来校访问",
        "international",
    ),
    (
        "Three campuses sing together for the anniversary",
        "三校区共唱《我和我的祖国》",
        "events",
    ),
    (
        "Winter school draws students from twelve countries",
        "冬令营吸引十二个国家的学生",
        "international",
    ),
    (
        "Library extends its hours for the exam season",
        "图书馆考试周延长开放时间",
        "campus",
    ),
]

PARAGRAPHS = [
    "The meeting brought together researchers, students and guests from across the province.",
    "Speakers discussed how laboratory results can reach industry faster and serve the region.",
    "Participants toured the laboratories and saw demonstrations of recent work.",
    "The university said it would deepen cooperation with local partners in the coming year.",
    "Students described the project as demanding, rewarding and a chance to learn from peers.",
]
ZH_PARAGRAPHS = [
    "会议汇聚了来自全省的研究人员、学生和嘉宾。",
    "与会者参观了实验室，观看了最新成果的演示。",
    "学校表示将在新的一年里深化与地方的合作。",
]


def demo_image(text, colour, size=(1200, 800)):
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 80):
        draw.line([(i, 0), (size[0] - i, size[1])], fill=(255, 255, 255), width=2)
    draw.rectangle([40, size[1] - 120, size[0] - 40, size[1] - 40], fill=(0, 0, 0))
    draw.text((60, size[1] - 100), text[:80], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue())


class Command(BaseCommand):
    help = "Load demo content (idempotent). --articles N adds N published stories."

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            help="Also add N synthetic published stories (for benchmarks).",
        )
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="With --articles: skip the demo stories and accounts.",
        )

    def handle(self, *args, articles=0, no_demo=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with published passwords; it runs only "
                "with DEBUG on (DEBUG=1)."
            )
        if articles < 0:
            raise CommandError("--articles must be zero or more.")
        rng = random.Random(20190415)  # the same demo content every time
        with transaction.atomic():
            sections = self.seed_sections()
            people = self.seed_people()
            if not no_demo:
                users = self.seed_staff(people)
                self.seed_stories(rng, sections, people, users)
        if articles:
            self.seed_synthetic(rng, articles, sections, people)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {Article.objects.count()} stories, "
                f"{Person.objects.count()} people, {Section.objects.count()} sections."
            )
        )
        if not no_demo:
            names = ", ".join(u for u, _, _ in STAFF)
            self.stdout.write(
                f"Staff accounts (password for all: {DEMO_PASSWORD}): "
                f"admin (superuser), {names}"
            )

    def seed_sections(self):
        return {
            slug: Section.objects.update_or_create(
                slug=slug, defaults={"name": name, "order": i}
            )[0]
            for i, (name, slug) in enumerate(SECTIONS)
        }

    def seed_people(self):
        people = {}
        for family, given, first, native, title in PEOPLE:
            person = Person.objects.find_by_name(family, given).first()
            if person is None:
                person = Person(family_name=family, given_name=given)
            person.family_name_first = first
            person.native_name = native
            person.current_title = title
            person.save()
            people[(family, given)] = person
        return people

    def seed_staff(self, people):
        User = get_user_model()
        users = {}
        admin, _ = User.objects.update_or_create(
            username="admin",
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "email": "admin@example.org",
            },
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        users["admin"] = admin
        for username, group, name in STAFF:
            person = people.get(name) or Person.objects.find_by_name(*name).first()
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "email": f"{username}@example.org",
                    "first_name": person.given_name if person else "",
                    "last_name": person.family_name if person else "",
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            if person and person.user_id != user.pk:
                Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
                person.user = user
                person.save()
            users[username] = user
        return users

    def seed_stories(self, rng, sections, people, users):
        roles = {r.slug: r for r in Role.objects.all()}
        statuses = (
            [Article.Status.PUBLISHED] * 18
            + [Article.Status.DRAFT] * 3
            + [Article.Status.IN_TRANSLATION] * 3
            + [Article.Status.TRANSLATED] * 2
            + [Article.Status.EDITED] * 2
            + ["scheduled"] * 2
        )
        now = timezone.now()
        writers = [people[("Zhang", "Yan")], people[("Liu", "Fang")]]
        translators = [people[("Yang", "Yue")], people[("Chen", "Jing")]]
        editors = [people[("Mosteller", "William")], people[("Whitfield", "Sarah")]]
        photographers = [people[("", "Lanrui")], people[("Zhao", "Lei")]]
        guests = [
            p
            for p in people.values()
            if p not in writers + translators + editors + photographers
        ]
        for i, status in enumerate(statuses):
            en, zh, section_slug = TOPICS[i % len(TOPICS)]
            title = en if i < len(TOPICS) else f"{en} ({i // len(TOPICS) + 1})"
            slug = f"demo-{i + 1:02d}"
            scheduled = status == "scheduled"
            published_at = None
            if status == Article.Status.PUBLISHED:
                published_at = now - timedelta(days=3 * i + 1, hours=i)
            elif scheduled:
                status = Article.Status.PUBLISHED
                published_at = now + timedelta(days=i - 27)
            translated = (
                status != Article.Status.DRAFT
                and status != Article.Status.IN_TRANSLATION
            )
            body = "".join(f"<p>{p}</p>" for p in rng.sample(PARAGRAPHS, 3))
            article, _ = Article.objects.update_or_create(
                slug=slug,
                defaults={
                    "title": title if translated or i % 2 else "",
                    "summary": PARAGRAPHS[i % len(PARAGRAPHS)] if translated else "",
                    "body": body if translated else "",
                    "original_title": zh,
                    "original_body": "".join(f"<p>{p}</p>" for p in ZH_PARAGRAPHS),
                    "section": sections[section_slug],
                    "status": status,
                    "published_at": published_at,
                    "original_date": (published_at or now).date() - timedelta(days=5),
                    "created_by": users["writer"],
                    "translator": users["translator"]
                    if status != Article.Status.DRAFT and i % 3
                    else None,
                },
            )
            wanted = [(writers[i % 2], "writer", "")]
            if translated:
                wanted += [
                    (translators[i % 2], "translator", ""),
                    (editors[i % 2], "editor", ""),
                ]
            wanted.append((photographers[i % 2], "photographer", ""))
            for guest in rng.sample(guests, 3):
                wanted.append((guest, "attendee", guest.current_title))
            for order, (person, role, position) in enumerate(wanted):
                Credit.objects.update_or_create(
                    article=article,
                    person=person,
                    role=roles[role],
                    defaults={"position_title": position, "order": order},
                )
            self.seed_photos(article, i, photographers[i % 2], zh)

    def seed_photos(self, article, i, photographer, zh):
        for n in range(1 + i % 2):
            caption = f"Demo story {i + 1}, photo {n + 1}"
            photo = Photo.objects.filter(caption=caption).first()
            if photo is None:
                photo = Photo(caption=caption)
                colour = ((37 * i) % 200 + 30, (91 * n + 60) % 200, 140)
                photo.image.save(
                    f"demo-{i + 1}-{n + 1}.jpg", demo_image(caption, colour), save=False
                )
            photo.alt_text = f"Illustration for the story {article.title or zh}"
            photo.photographer = photographer
            photo.save()
            ArticlePhoto.objects.update_or_create(
                article=article, photo=photo, defaults={"order": n}
            )

    def seed_synthetic(self, rng, count, sections, people):
        """Bulk-insert ``count`` published stories with four credits each.

        Fast enough for 100,000 stories (benchmarks): stories go in through
        ``bulk_create``; their credits, four per story, as multi-row INSERTs
        of plain tuples (building 400,000 Credit instances costs more than
        the database work)."""
        roles = {r.slug: r.pk for r in Role.objects.all()}
        credit_roles = [roles[slug] for slug in ("writer", "translator", "editor")]
        credit_roles.append(roles["attendee"])
        section_list = list(sections.values())
        person_ids = [p.pk for p in people.values()]
        start = Article.objects.filter(slug__startswith="bulk-").count()
        now = timezone.now()
        batch = 2000
        bodies = {}  # the same few paragraph combinations, sanitised once
        original_body = sanitize_html(f"<p>{ZH_PARAGRAPHS[0]}</p>")
        self.stdout.write(f"Adding {count} synthetic published stories…")
        for offset in range(0, count, batch):
            articles = []
            for n in range(start + offset, start + min(offset + batch, count)):
                en, zh, _ = TOPICS[n % len(TOPICS)]
                words = tuple(rng.sample(PARAGRAPHS, 4))
                body = bodies.get(words)
                if body is None:
                    body = bodies[words] = sanitize_html(
                        "".join(f"<p>{p}</p>" for p in words)
                    )
                articles.append(
                    Article(
                        title=f"{en} — report {n + 1}",
                        slug=f"bulk-{n + 1}",
                        summary=words[0],
                        body=body,
                        original_title=zh,
                        original_body=original_body,
                        section=section_list[n % len(section_list)],
                        status=Article.Status.PUBLISHED,
                        published_at=now - timedelta(hours=n * 2 + 1, minutes=n % 60),
                    )
                )
            with transaction.atomic():
                created = Article.objects.bulk_create(articles, batch_size=1000)
                if not created or created[0].pk is None:  # no RETURNING
                    created = list(
                        Article.objects.filter(
                            slug__in=[a.slug for a in articles]
                        ).only("pk")
                    )
                rows = [
                    (article.pk, person, role, "", order)
                    for article in created
                    for order, (person, role) in enumerate(
                        zip(rng.sample(person_ids, 4), credit_roles, strict=True)
                    )
                ]
                _insert_rows(
                    Credit,
                    ("article", "person", "role", "position_title", "order"),
                    rows,
                )


def _insert_rows(model, field_names, rows):
    """Multi-row INSERTs of plain tuples, in batches the backend accepts."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    size = max(1, connection.ops.bulk_batch_size(fields, rows) or len(rows))
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), size):
            chunk = rows[i : i + size]
            sql = (
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([row_sql] * len(chunk))}"
            )
            cursor.execute(sql, [value for row in chunk for value in row])
