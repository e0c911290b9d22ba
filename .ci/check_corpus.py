"""After import_stories: each corpus story's public page shows the file's
headline, every credit line, every body paragraph and every caption.

Run by .ci/import-corpus against the database it has just filled:
    python .ci/check_corpus.py CORPUS_DIR
Expectations come from the file's own text (captions, which only the
importer's heuristics can tell apart, from its parser; every line after the
body must then be either a caption or a related headline, so none is lost).
Prints PASS/FAIL per file; exits 1 on any miss.
"""

import html
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.importer import ParseError, decode, is_prose, parse_story  # noqa: E402
from articles.models import Article  # noqa: E402

CREDIT_RE = re.compile(r"^(Written by|Translated by|Edited by)\s*:\s*(.+)$", re.I)
META_RE = re.compile(
    r"^(Updated|Written by|Translated by|Edited by|Date)\s*:", re.IGNORECASE
)
NAME_SPLIT_RE = re.compile(r"\s*(?:,|&|/|\band\b)\s*", re.IGNORECASE)


def squash(text):
    return " ".join(text.split())


def page_text(content):
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S | re.I)
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", text)))


def expectations(text):
    lines = [squash(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    updated_at = next(i for i, line in enumerate(lines) if META_RE.match(line))
    title = " ".join(lines[1:updated_at])
    credit_lines = []
    end = updated_at
    while end < len(lines) and META_RE.match(lines[end]):
        match = CREDIT_RE.match(lines[end])
        if match:
            names = [n for n in NAME_SPLIT_RE.split(match.group(2)) if n]
            credit_lines.append((match.group(1).capitalize(), names))
        end += 1
    rest = lines[end:]
    last_prose = max(i for i, line in enumerate(rest) if is_prose(line))
    return title, credit_lines, rest[: last_prose + 1], rest[last_prose + 1 :]


def check(path, client):
    text = decode(path.read_bytes())
    story = parse_story(text)
    title, credit_lines, paragraphs, tail = expectations(text)
    problems = []
    lost = [line for line in tail if line not in story.captions + story.related]
    problems += [
        f"line after the body neither caption nor related: {t!r}" for t in lost
    ]
    candidates = [
        a
        for a in Article.objects.published().filter(title=title)
        if timezone.localdate(a.published_at) == story.updated
    ]
    if len(candidates) != 1:
        return problems + [f"{len(candidates)} published stories titled {title!r}"]
    response = client.get(candidates[0].get_absolute_url())
    if response.status_code != 200:
        return problems + [f"story page answered {response.status_code}"]
    page = page_text(response.content.decode())
    if title not in page:
        problems.append(f"title missing: {title!r}")
    for label, names in credit_lines:
        at = page.find(f"{label}:")
        shown = page[at : at + 60 + 40 * len(names)].casefold() if at >= 0 else ""
        missing = [n for n in names if n.casefold() not in shown]
        if at < 0 or missing:
            problems.append(f"credit line missing: {label}: {', '.join(names)}")
    for paragraph in paragraphs:
        if paragraph not in page:
            problems.append(f"body paragraph missing: {paragraph[:70]!r}…")
    for caption in story.captions:
        if caption not in page:
            problems.append(f"caption missing: {caption!r}")
    return problems


def say(line, stream=None):
    (stream or sys.stdout).write(line + "\n")


def main(argv):
    corpus = Path(argv[1] if len(argv) > 1 else ROOT.parent / "shared" / "corpus")
    files = sorted(corpus.rglob("*.txt"))
    if not files:
        say(f"corpus check: no .txt files in {corpus}", sys.stderr)
        return 1
    setup_test_environment()  # lets the test client's host through
    client = Client()
    passed = failed = 0
    for path in files:
        try:
            problems = check(path, client)
        except (ParseError, StopIteration, ValueError) as exc:
            problems = [f"cannot be read as a story page: {exc}"]
        if problems:
            failed += 1
            say(f"FAIL {path.name}")
            for problem in problems:
                say(f"     {problem}")
        else:
            passed += 1
            say(f"PASS {path.name}")
    say(f"corpus: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
