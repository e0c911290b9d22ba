"""Parse story pages in the scraped text format of ``../shared/corpus/``.

Pure functions, no database: ``parse_story(decode(data))`` turns one page
into a ``ParsedStory``; ``import_stories`` writes it. The shape of a page::

    Harbin Institute of Technology          <- site name
    <headline>
    Updated: 2019/04/15
    Written by: ZHANG Yan                   <- any credit line may be missing
    Translated by: YANG Yue                    or hold several names
    Edited by: William Mosteller
    Date: 4-5                               <- the source story's month-day
    ... News (Zhang Yan/Text Lanrui/Picture) After CHENG Zhiming, the ...
    <body paragraphs>
    <short caption lines>
    <related headlines>

Telling the last three apart (see ``split_tail``):

* The body runs up to the last paragraph that reads like prose: it ends
  with sentence punctuation, or it is longer than ``PROSE_MIN_WORDS`` words.
  Short lines inside the body (subheadings) stay in the body.
* What follows is captions and then related headlines. Scraped pages set
  blocks apart with more blank lines than they put between paragraphs (two
  against one in the corpus): there, the last block is the related list when
  it holds two or more lines, and every line before it is a caption. In a
  file spaced evenly, the leading lines of at most ``CAPTION_MAX_WORDS``
  words are captions and the rest, from the first longer line, are related
  headlines.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

PROSE_MIN_WORDS = 31
CAPTION_MAX_WORDS = 8
CAPTION_MAX_CHARS = 80

ROLE_WRITER = "writer"
ROLE_TRANSLATOR = "translator"
ROLE_EDITOR = "editor"
ROLE_PHOTOGRAPHER = "photographer"
CREDIT_ROLES = (ROLE_WRITER, ROLE_TRANSLATOR, ROLE_EDITOR, ROLE_PHOTOGRAPHER)

META_RE = re.compile(
    r"^(updated|written by|translated by|edited by|"
    r"photos? by|pictures? by|photographed by|date)\s*[:：]\s*(.*)$",
    re.IGNORECASE,
)
META_ROLES = {
    "written by": ROLE_WRITER,
    "translated by": ROLE_TRANSLATOR,
    "edited by": ROLE_EDITOR,
    "photo by": ROLE_PHOTOGRAPHER,
    "photos by": ROLE_PHOTOGRAPHER,
    "picture by": ROLE_PHOTOGRAPHER,
    "pictures by": ROLE_PHOTOGRAPHER,
    "photographed by": ROLE_PHOTOGRAPHER,
}
UPDATED_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
SHORT_DATE_RE = re.compile(r"^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
NAME_SPLIT_RE = re.compile(r"\s*(?:,|，|、|;|&|/|\band\b)\s*", re.IGNORECASE)
# "(Zhang Yan/Text Lanrui/Picture)"
DATELINE_RE = re.compile(
    r"\(([^()]*?/\s*(?:text|pictures?|photos?|photography)\b[^()]*)\)", re.I
)
DATELINE_PART_RE = re.compile(
    r"([^/]+?)\s*/\s*(text|pictures?|photos?|photography)\b", re.IGNORECASE
)
TERMINAL_RE = re.compile(r"[.!?。！？…][\"'”’)\]）」』]*$")

# "CHENG Zhiming", "LI Ming-huan": a family name in capitals (with a vowel,
# so "CPC Committee" is not a person), then one capitalised given name.
ATTENDEE_NAME_RE = re.compile(
    r"(?<![\w-])([A-Z](?:[A-Z'-]*[A-Z])?)\s+([A-Z][a-z]+(?:-[A-Za-z][a-z]*)*)(?![\w-])"
)
# Where a person's title ends: the next list item or clause, a second title
# ("... province and a member of ..."), or the verb of the sentence.
TITLE_END_RE = re.compile(
    r"[,;:，；：()（）]"
    r"|(?<=[a-z]{2})\.(?=\s|$)"
    r"|\s+(?:and|or)\s+(?=(?:a|an|the|his|her|their|its|other|also|many|several)\b)"
    r"|\s+(?:attended|attend|visited|came|come|met|meets|delivered|gave|said|says|"
    r"pointed|presided|hosted|addressed|spoke|signed|accompanied|introduced|"
    r"expressed|stressed|noted|made|was|were|is|are|has|have|had|will|would|"
    r"who|which|together|along|respectively)\b"
)
TITLE_BAD_FIRST_WORDS = {
    "who", "which", "whose", "where", "when", "while", "and", "or", "but",
    "he", "she", "it", "they", "we", "i", "you", "his", "her", "their",
    "said", "says", "was", "were", "is", "are", "has", "have", "had",
    "together", "along", "as", "with", "from", "in", "on", "at", "for", "to",
    "of", "by", "after", "before", "then", "also", "respectively", "etc",
}  # fmt: skip
TITLE_MAX_WORDS = 40
TITLE_MAX_CHARS = 300


class ParseError(ValueError):
    """The page cannot be imported; the message says why."""


@dataclass(frozen=True)
class Name:
    """A person's name as written on the page, split into its parts."""

    written: str
    family: str
    given: str
    family_first: bool
    # "Zhang Yan" could be either order; prefer an existing person in
    # either order, else take it as written (given name first).
    ambiguous: bool = False

    @property
    def key(self):
        """Same for "ZHANG Yan" and "Zhang Yan"."""
        return " ".join(self.written.split()).casefold()

    @property
    def display(self):
        if self.family_first:
            parts = [self.family.upper(), self.given]
        else:
            parts = [self.given, self.family]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Attendee:
    name: Name
    title: str


@dataclass
class ParsedStory:
    title: str
    updated: date
    original_date: date | None = None
    credits: dict = field(default_factory=dict)  # role slug -> [Name]
    paragraphs: list = field(default_factory=list)
    captions: list = field(default_factory=list)
    related: list = field(default_factory=list)
    attendees: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def source_ref(self):
        """What a re-import matches on: the Updated date and the headline."""
        return f"{self.updated:%Y-%m-%d} {self.title}"[:300]

    @property
    def body_html(self):
        return "\n".join(
            f"<p>{html.escape(p, quote=False)}</p>" for p in self.paragraphs
        )

    @property
    def summary(self):
        """The first paragraph without its dateline, cut at a word."""
        if not self.paragraphs:
            return ""
        text = self.paragraphs[0]
        match = DATELINE_RE.search(text)
        if match and match.start() < 120:
            text = text[match.end() :].strip() or text
        if len(text) > 250:
            text = text[:250].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
        return text


@dataclass(frozen=True)
class _Line:
    text: str
    gap: int  # blank lines before it


def decode(data):
    """Bytes of a page to text: UTF-8, with or without a byte-order mark."""
    if b"\x00" in data:
        raise ParseError("not a text file (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            "cannot be decoded; save the file as UTF-8"
        ) from None


SPACE_RE = re.compile(r"[\s\x00-\x1f\x7f\ufeff\u200b]+")


def _clean(line):
    return SPACE_RE.sub(" ", unicodedata.normalize("NFC", line)).strip()


def _lines(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines, gap = [], 0
    for raw in text.split("\n"):
        line = _clean(raw)
        if line:
            lines.append(_Line(line, gap))
            gap = 0
        else:
            gap += 1
    return lines


def _words(text):
    return len(text.split())


def is_prose(text):
    """A body paragraph, not a caption or headline."""
    return bool(TERMINAL_RE.search(text)) or _words(text) >= PROSE_MIN_WORDS


def is_caption_like(text):
    return _words(text) <= CAPTION_MAX_WORDS and len(text) <= CAPTION_MAX_CHARS


def _is_capitals(token):
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _normal_case(token):
    """CHENG -> Cheng, OU-YANG -> Ou-Yang."""
    return "-".join(p[:1].upper() + p[1:].lower() for p in token.split("-"))


def parse_name(text):
    """``CHENG Zhiming`` -> family Cheng, given Zhiming, family first;
    ``William Mosteller`` -> given first; ``Lanrui`` -> given name only."""
    text = " ".join(text.strip(" .,;:").split())
    if not text:
        return None
    tokens = text.split(" ")
    if len(tokens) == 1:
        given = _normal_case(tokens[0]) if _is_capitals(tokens[0]) else tokens[0]
        return Name(text, "", given[:100], True)
    if _is_capitals(tokens[0]) and not all(_is_capitals(t) for t in tokens):
        family, given = _normal_case(tokens[0]), " ".join(tokens[1:])
        return Name(text, family[:100], given[:100], True)
    if _is_capitals(tokens[-1]) and not all(_is_capitals(t) for t in tokens):
        family, given = _normal_case(tokens[-1]), " ".join(tokens[:-1])
        return Name(text, family[:100], given[:100], False)
    if all(_is_capitals(t) for t in tokens):
        tokens = [_normal_case(t) for t in tokens]
    family, given = tokens[-1], " ".join(tokens[:-1])
    return Name(text, family[:100], given[:100], False, ambiguous=len(tokens) == 2)


def split_names(text):
    """ "A, B and C", "A & B", "A/B" -> names."""
    names = []
    for part in NAME_SPLIT_RE.split(text):
        name = parse_name(part)
        if name and name.key not in {n.key for n in names}:
            names.append(name)
    return names


def infer_original_date(month, day, updated):
    """The latest month-day not after ``updated`` (Updated 2019/01/03, Date
    12-28 -> 2018-12-28). None when no year has that day."""
    for year in range(updated.year, updated.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= updated:
            return candidate
    return None


def _parse_updated(value):
    match = UPDATED_RE.match(value)
    if not match:
        raise ParseError(f"the Updated line {value!r} is not a date like 2019/04/15")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ParseError(f"the Updated line {value!r} is not a real date") from None


def parse_dateline(text):
    """``(Zhang Yan/Text Lanrui/Picture)`` -> {role slug: [Name, ...]}."""
    found = {}
    match = DATELINE_RE.search(text)
    if not match:
        return found
    for part in DATELINE_PART_RE.finditer(match.group(1)):
        role = ROLE_WRITER if part.group(2).lower() == "text" else ROLE_PHOTOGRAPHER
        found.setdefault(role, []).extend(split_names(part.group(1)))
    return found


def _cut_title(text):
    match = TITLE_END_RE.search(text)
    title = (text[: match.start()] if match else text).strip(" .,;:")
    words = title.split()
    if not words or words[0] != words[0].lower() or not words[0][0].isalpha():
        return ""
    if words[0].lower() in TITLE_BAD_FIRST_WORDS or len(words) > TITLE_MAX_WORDS:
        return ""
    return title[:TITLE_MAX_CHARS]


def find_attendees(paragraphs, exclude=()):
    """People named as ``FAMILY Given, the <title>`` (or ``, member of ...``),
    in order of first mention, each with the first title given."""
    excluded = set(exclude)
    found = {}
    for paragraph in paragraphs:
        for match in ATTENDEE_NAME_RE.finditer(paragraph):
            family = match.group(1)
            if not re.search(r"[AEIOUVY]", family) or len(family) > 8:
                continue
            rest = paragraph[match.end() :]
            comma = re.match(r"\s*[,，]\s*", rest)
            if not comma:
                continue
            title = _cut_title(rest[comma.end() :])
            if not title:
                continue
            name = parse_name(f"{family} {match.group(2)}")
            if name.key in excluded or name.key in found:
                continue
            found[name.key] = Attendee(name, title)
    return list(found.values())


def split_tail(lines, base_gap):
    """Lines after the body -> (captions, related headlines); see the module
    docstring."""
    if not lines:
        return [], []
    breaks = [line.gap > base_gap for line in lines]
    texts = [line.text for line in lines]
    if any(breaks[1:]):
        blocks = []
        for line, new_block in zip(lines, breaks, strict=True):
            if new_block or not blocks:
                blocks.append([])
            blocks[-1].append(line.text)
        if len(blocks[-1]) >= 2:
            return [t for block in blocks[:-1] for t in block], blocks[-1]
        return texts, []
    if breaks[0] and len(lines) >= 2:
        return [], texts
    count = 0
    while count < len(texts) and is_caption_like(texts[count]):
        count += 1
    return texts[:count], texts[count:]


def parse_story(text):
    lines = _lines(text)
    if not lines:
        raise ParseError("the file is empty")
    first_meta = next(
        (i for i, line in enumerate(lines) if META_RE.match(line.text)), None
    )
    if first_meta is None:
        if len(lines) < 2:
            raise ParseError("no title (the line after the site name)")
        raise ParseError("no 'Updated: YYYY/MM/DD' line")
    if first_meta < 2:
        raise ParseError("no title (the line after the site name)")
    title = " ".join(line.text for line in lines[1:first_meta])
    if len(title) > 300:
        raise ParseError(f"the title is {len(title)} characters long (at most 300)")

    credits = {role: [] for role in CREDIT_ROLES}
    updated, short_date = None, None
    warnings = []
    index = first_meta
    while index < len(lines):
        match = META_RE.match(lines[index].text)
        if not match:
            break
        label, value = match.group(1).lower(), match.group(2).strip()
        if label == "updated":
            updated = _parse_updated(value)
        elif label == "date":
            short_date = value
        else:
            role = META_ROLES[" ".join(label.split())]
            for name in split_names(value):
                if name.key not in {n.key for n in credits[role]}:
                    credits[role].append(name)
        index += 1
    if updated is None:
        raise ParseError("no 'Updated: YYYY/MM/DD' line")

    original_date = None
    if short_date:
        match = SHORT_DATE_RE.match(short_date)
        if match and match.group(1):
            try:
                original_date = date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
        elif match:
            original_date = infer_original_date(
                int(match.group(2)), int(match.group(3)), updated
            )
        if original_date is None:
            warnings.append(f"the Date line {short_date!r} is not a month-day; ignored")

    rest = lines[index:]
    prose = [i for i, line in enumerate(rest) if is_prose(line.text)]
    if not prose:
        raise ParseError("no body (no paragraph ending with a full stop)")
    body_end = prose[-1] + 1
    paragraphs = [line.text for line in rest[:body_end]]
    gaps = [line.gap for line in rest[1:]]
    base_gap = min(gaps) if gaps else 1
    captions, related = split_tail(rest[body_end:], base_gap)
    captions = [c[:500] for c in captions]
    seen = {title}
    unique_related = []
    for headline in related:
        if headline not in seen:
            seen.add(headline)
            unique_related.append(headline[:300])

    # The dateline names the writer (as "Written by" does, maybe in another
    # letter case) and the photographer.
    for role, names in parse_dateline(" ".join(paragraphs[:2])).items():
        for name in names:
            if name.key not in {n.key for n in credits[role]}:
                credits[role].append(name)
    credited = {n.key for names in credits.values() for n in names}
    return ParsedStory(
        title=title,
        updated=updated,
        original_date=original_date,
        credits={role: names for role, names in credits.items() if names},
        paragraphs=paragraphs,
        captions=captions,
        related=unique_related,
        attendees=find_attendees(paragraphs, exclude=credited),
        warnings=warnings,
    )
