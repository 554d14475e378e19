"""Paragraph boilerplate rules used by :mod:`crawler.body`: what a line of text *is*.

Policy: each rule looks at one cleaned paragraph (and, for a few, its position)
and names its kind; :mod:`crawler.body` decides what to do with the kind.
Kinds:

- ``read_also`` ("Read also | …", "Lire aussi", "اقرأ أيضا"), ``credit`` (agency
  credit lines, "Reporting by …; Editing by …" trailers, "… contributed to this
  report."), ``reuse``, ``separator`` (a line with no letter or digit: "___");
- ``prompt``: newsletter, subscribe, share, follow and donation prompts,
  sign-up boxes ending in a "Sign Up" button, and subscription notices closing
  wire copy ("… for subscriptions please contact us", "abone olun");
- ``paywall``: "Il vous reste 75 % de cet article à lire", "You have 75% of this
  article left to read", "subscribe to continue reading";
- ``comment_form``, ``advert`` labels, ``breadcrumbs``;
- ``date_widget`` (a weekday-and-date line at the top) and ``date_line`` (a
  paragraph that is only a date, with its time and labels: "Date created :
  2024-06-13", "13.06.2024 11:28", see :func:`crawler.dates.is_date_line`);
- ``tags``: a "Tags: a, b, c" / "Etiketler: …" / "Mots-clés : …" line of short items;
- ``caption``: a gallery caption opening with its "[1/5]" counter;
- headings after which the rest is not the article (:data:`CUT`):
  ``comment_form`` ("Leave a reply"), ``recent_posts`` ("Related posts", "Most
  read") and ``tags`` (a bare "Tags" / "Etiketler :" label before the tag list).
"""

from __future__ import annotations

import re

from crawler.dates import is_date_line
from crawler.text import Needles

READ_ALSO = re.compile(
    r"^\W*(?:read\s+also|read\s+more|also\s+read|see\s+also|more\s+on\s+this|more(?=\s*:)"
    r"|related(?:\s+(?:links?|coverage|content))?"
    r"|(?:à|a)\s+lire\s+(?:aussi|également)|lire\s+(?:aussi|également)|voir\s+aussi"
    r"|[اإ]قر[أا]\s+[أا]يض[اًا]*|شاهد\s+[أا]يض[اًا]*|طالع\s+[أا]يض[اًا]*)\s*(?P<sep>[|:：»>\-–—]|$)?",
    re.I,
)
#: Trailers that open the paragraph, and one that may come anywhere in it.
_CREDIT_OPENING = (
    r"^(?:additional\s+)?(?:reporting|writing|editing|compiled)\s+by\b"
    r"|^our standards\s*:\s*the thomson reuters trust principles"
    r"|^(?:sources?\s*:\s*)?(?:news\s+agencies|agencies|(?:staff|with)\s+and\s+agencies)\W*$"
    r"|^sources?\s*:\s*[\w'’.&-]+(?:\s+[\w'’.&-]+){0,6}\W*$"
)
_CREDIT_CONTRIBUTED = (
    r"^.*\bcontributed(?:\s+reporting)?\s+to\s+this\s+(?:report|story|article)\W*$"
)
CREDIT_TRAILER = re.compile(f"{_CREDIT_OPENING}|{_CREDIT_CONTRIBUTED}", re.I)
_CREDIT_OPENING_RE = re.compile(_CREDIT_OPENING, re.I)
_CREDIT_CONTRIBUTED_RE = re.compile(_CREDIT_CONTRIBUTED, re.I)
#: What every match of the "contributed to this report" trailer holds, in any case.
CONTRIBUTED_NEEDLES = Needles(("contributed",))
#: Short lines dropped where they stand; the group name is the kind.
LINE = re.compile(
    r"^\W*(?:(?P<comment_form>please enter your (?:comment|name here|email address here)"
    r"|you have entered an incorrect email address|post comment|cancel reply"
    r"|save my name, email, and website\b)"
    r"|(?P<reuse>(?:reuse this content|réutiliser ce contenu|republish this article)\W*$)"
    r"|(?P<advert>(?:advertisement|advertising|sponsored|reklam|publicité|إعلان)\W*$)"
    r"|(?P<paywall>il vous reste [\d.,]+\s?% de cet article|la suite est réservée aux abonnés"
    r"|you have [\d.,]+\s?% of (?:this|the) (?:article|story) (?:left )?to read"
    r"|the rest of (?:this|the) (?:article|story) is (?:reserved )?(?:for|to) subscribers"
    r"|this (?:article|content) is (?:only )?(?:for|available to) subscribers"
    r"|subscribe to (?:continue|keep) reading|to continue reading|you have reached your"
    r"(?: free)? article limit)"
    r"|(?P<caption>\[\s*\d+\s*/\s*\d+\s*\])"
    r"|(?P<prompt>sign\s*up\b|subscribe\b|follow\s+us\b|share\s+(?:this|on)\b|click\s+here\s+to\b"
    r"|follow\s+.{1,40}?\bon\s+(?:whatsapp|telegram|x|twitter|facebook|instagram|youtube|tiktok"
    r"|google\s+news|threads|linkedin)\b"
    r"|join\s+our\b.{0,40}\b(?:whatsapp|telegram|channel|community)|download\s+(?:our|the)\b"
    r".{0,30}\bapp\b|get\s+the\s+latest\b|abonnez-vous|inscrivez-vous|suivez-nous|تابعونا"
    r"|اشترك|تابعوا|already have an account|vous possédez déjà un compte|s[’']inscrire"
    r"|(?:log|sign)\s*in(?:\s+to\s+.{0,40})?\W*$|(?:share|copy(?:\s+link)?|link\s+copied|email"
    r"|print|facebook|twitter|whatsapp|telegram|linkedin|reddit|flipboard)\W*$))",
    re.I,
)
#: Prompts that may sit anywhere in a short paragraph (up to :data:`NOTICE_WORDS` words).
NOTICE = re.compile(
    r"\babonelik\s+için\b.{0,40}\biletişime\s+geç|\babone\s+ol(?:un|unuz|mak\s+için)\b"
    r"|\bfor\s+(?:a\s+)?subscriptions?\b.{0,40}\bcontact\b"
    r"|\bto\s+subscribe,?\s+(?:please\s+)?(?:contact|click|visit|call)\b"
    r"|\bsubscribe\s+(?:now|today|here)\b|\bpour\s+(?:vous\s+|s['’])abonner\b.{0,40}\bcontact"
    r"|\b(?:did\s+you\s+(?:like|enjoy)\s+this\s+(?:article|story)"
    r"|hat\s+ihnen\s+(?:dieser|der)\s+(?:artikel|beitrag)\s+gefallen"
    r"|vous\s+avez\s+aimé\s+cet\s+article|unterstützen\s+sie\s+uns|soutenez[- ]nous"
    r"|support\s+(?:us|our\s+(?:work|journalism|reporting))\s+(?:with\s+a\s+(?:donation"
    r"|contribution|subscription)|by\s+(?:donating|subscribing|becoming))"
    r"|mit\s+einer\s+spende|make\s+a\s+donation"
    r"|to\s+republish\s+(?:this|the)\s+(?:article|story|piece))",
    re.I,
)
NOTICE_WORDS = 60
#: Every match of :data:`NOTICE` holds one of these, in any case (:class:`~crawler.text.Needles`).
NOTICE_NEEDLES = Needles((
    "abone", "subscri", "abonner", "did", "gefallen", "avez", "unterst", "soutenez",
    "support", "spende", "donation", "republish",
))  # fmt: skip
#: A sign-up box: a short paragraph ending in its button label, with a newsletter cue.
SIGNUP_BUTTON = re.compile(
    r"\b(?:sign\s*up|subscribe|register|s['’]inscrire|inscrivez-vous|abonnez-vous|abone\s+ol)"
    r"\W*$",
    re.I,
)
SIGNUP_CUE = re.compile(
    r"\b(?:e-?mail|inbox|newsletters?|daily|weekly|edition|never\s+miss|free|alerts?|updates)\b",
    re.I,
)
NEWSLETTER = re.compile(r"\bnewsletters?\b|النشرة البريدية", re.I)
#: What every match of :data:`SIGNUP_BUTTON` (resp. :data:`NEWSLETTER`) holds, in any case.
SIGNUP_NEEDLES = Needles(("sign", "subscribe", "register", "inscri", "abonnez", "abone"))
NEWSLETTER_NEEDLES = Needles(("newsletter", "النشرة"))
NEWSLETTER_CUE = re.compile(r"\b(?:sign|subscribe|get|receive|deliver\w*|inbox|our|free)\b", re.I)
#: Labels of a tag list; a bare one (a heading) cuts the rest of the container.
_TAG_LABEL = (
    r"tags?|keywords?|etiketler|etiket|anahtar\s+kelimeler|mots[- ]clés|schlagwörter"
    r"|schlagworte|الكلمات\s+المفتاحية|الوسوم|وسوم"
)
#: "Tags: Iraq, Iran, Drones" — a label followed by short items.
TAG_LINE = re.compile(rf"^\W*(?:{_TAG_LABEL}|topics|thèmes)\s*[:：]\s*(?P<items>\S.*)$", re.I)
_TAG_SPLIT = re.compile(r"\s*[,;·•|/،]\s*|\s+-\s+")
#: Headings after which the rest of the container is not the article.
CUT = re.compile(
    r"^\W*(?:(?P<comment_form>leave a (?:reply|comment)|\d+ (?:comments?|responses?))"
    r"|(?P<recent_posts>recent\s+posts|related\s+(?:posts|articles|stories|news)"
    r"|you\s+(?:may|might)\s+also\s+like|more\s+(?:stories|news)|more\s+(?:from|in|on)\s+.{1,40}"
    r"|latest\s+(?:news|posts|stories)|most\s+(?:read|popular|viewed)|trending(?:\s+now)?"
    r"|popular\s+posts|top\s+stories|recommended|editor[’']?s\s+picks|sur\s+le\s+même\s+sujet"
    r"|les\s+plus\s+lus|الأكثر\s+قراءة|الأكثر\s+مشاهدة|مقالات\s+ذات\s+صلة|أخبار\s+ذات\s+صلة)"
    rf"|(?P<tags>(?:{_TAG_LABEL})\s*[:：]?))\W*$",
    re.I,
)
BREADCRUMB_SEP = re.compile(r"^(?:home|accueil|الرئيسية)\s*[>»›/|·•]", re.I)
BREADCRUMB_GLUED = re.compile(r"^Home(?=[A-Z])")
_WEEKDAY = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد"
)
_DATE_WIDGET = re.compile(rf"^(?:{_WEEKDAY})\.?[,،]?\s+(?P<rest>[\w\s,.:/\-–—|@+،]{{3,60}})$", re.I)
BIO = re.compile(
    r"^(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3})\s+is\s+(?:an?|the)\s+.{0,200}?\b(?:"
    r"writer|blogger|journalist|influencer|author|editor|contributor|reporter|columnist|"
    r"enthusiast|content\s+creator|freelancer?|marketer|strategist|copywriter)s?\b",
)
NAME_LINE = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}$")
_NOT_ALNUM = re.compile(r"[\W_]+")
#: The ASCII characters :data:`_NOT_ALNUM` matches (all but letters and digits), deleted.
_ASCII_NOT_ALNUM = dict.fromkeys(i for i in range(128) if not chr(i).isalnum())


def credit_trailer(text: str) -> bool:
    """Whether :data:`CREDIT_TRAILER` matches ``text``: its opening alternatives are
    tried at the start only, the one scanning the whole line after its needle."""
    if _CREDIT_OPENING_RE.match(text):
        return True
    return CONTRIBUTED_NEEDLES.may_match(text) and _CREDIT_CONTRIBUTED_RE.match(text) is not None


def text_kind(text: str, *, at_top: bool, words: int | None = None) -> str:
    """Kind of a paragraph by its text alone ("" for content); read-also lines and
    cut headings are left to the caller, which knows the paragraph's links.
    ``words``: ``len(text.split())`` when the caller has counted already."""
    if words is None:
        words = len(text.split())
    if not any(ch.isalnum() for ch in text):
        return "separator"
    if at_top and date_widget(text):
        return "date_widget"
    if words <= 20 and is_date_line(text):
        return "date_line"
    if words <= 40 and (BREADCRUMB_SEP.match(text) or (at_top and BREADCRUMB_GLUED.match(text))):
        return "breadcrumbs"
    return ""


def line_kind(text: str, words: int | None = None) -> str:
    """Prompts, paywall notices, tag lines and other short boilerplate ("" for content).
    ``words``: ``len(text.split())`` when the caller has counted already."""
    if words is None:
        words = len(text.split())
    line = LINE.match(text) if words <= 30 else None
    if line and line.lastgroup:
        return line.lastgroup
    # the needles: a cheap test that rules a regex out on most paragraphs
    if (
        words <= 20
        and NEWSLETTER_NEEDLES.may_match(text)
        and NEWSLETTER.search(text)
        and NEWSLETTER_CUE.search(text)
    ):
        return "prompt"
    if (
        words <= 30
        and SIGNUP_NEEDLES.may_match(text)
        and SIGNUP_BUTTON.search(text)
        and SIGNUP_CUE.search(text)
    ):
        return "prompt"
    if words <= NOTICE_WORDS and NOTICE_NEEDLES.may_match(text) and NOTICE.search(text):
        return "prompt"
    if words <= 60 and tag_line(text):
        return "tags"
    return ""


def tag_line(text: str) -> bool:
    """A tag label followed by short items only ("Tags: Iraq, Iran, Drones")."""
    match = TAG_LINE.match(text)
    if not match:
        return False
    items = [i for i in _TAG_SPLIT.split(match.group("items").strip(" .")) if i.strip()]
    return bool(items) and all(len(item.split()) <= 4 for item in items)


def date_widget(text: str) -> bool:
    """A weekday and a date (a theme's "today" widget) as a whole paragraph."""
    match = _DATE_WIDGET.match(text)
    if not match:
        return False
    rest = match.group("rest")
    words = re.findall(r"[^\W\d_]+", rest)
    return bool(re.search(r"\d{4}|\d{1,2}[:h.]\d{2}", rest)) and len(words) <= 4


def name_like(text: str) -> bool:
    """A standalone byline name: two to four capitalised words, no digits or sentence marks."""
    words = text.split()
    return (
        2 <= len(words) <= 4
        and len(text) <= 60
        and all(w[:1].isupper() and re.sub(r"['’.-]", "", w).isalpha() for w in words)
    )


def title_key(text: str) -> str:
    """Headline comparison key: case-folded letters and digits only (quotes and dashes off)."""
    if text.isascii():  # ASCII case-folds to lower case; the table deletes the rest
        return text.lower().translate(_ASCII_NOT_ALNUM)
    return _NOT_ALNUM.sub("", text.casefold())
