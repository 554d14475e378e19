"""Body cleaning: paragraphs, boilerplate kinds, links, and the seed document."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from parsel import Selector

from crawler.body import BodyResult, clean_container, clean_paragraph_texts, split_text_paragraphs
from crawler.wire import detect_wire

BASE = "https://farm.example/2024/09/23/following-attack-on-us-diplomatic-centre/"
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "seed-article.txt"

P1 = "The embassy in Baghdad said on Friday that allied militias were behind the strike."
P2 = "Nobody was hurt in the night attack on the support centre near the airport."
SUBHEAD = "A right to respond"
P3 = "The statement said the government had promised to protect foreign missions."
P4 = "Several armed groups have claimed similar attacks on the coalition since last year."


def _tagdiv_page() -> str:
    """A tagDiv "Newspaper" single post: header, td-post-content, footer, comments, sidebar."""
    return f"""<html><body>
<div class="td-header-wrap"><div class="td-header-top-menu">
  <div class="td_data_time">Monday, September 23, 2024 - 8:56 am</div></div></div>
<div class="td-main-content-wrap td-container-wrap"><div class="td-container">
 <div class="td-crumb-container"><div class="entry-crumbs">
  <span><a class="entry-crumb" href="https://farm.example/">Home</a></span>
  <i class="td-icon-right td-bread-sep"></i>
  <span><a class="entry-crumb" href="/category/entertainment-news/">Entertainment News</a></span>
  <i class="td-icon-right td-bread-sep td-bred-no-url-last"></i>
  <span class="td-bred-no-url-last">Attack on a diplomatic centre</span></div></div>
 <div class="td-pb-row"><div class="td-pb-span8 td-main-content" role="main">
 <div class="td-ss-main-content">
  <article id="post-4711" class="post-4711 post type-post status-publish">
   <div class="td-post-header">
    <ul class="td-category"><li class="entry-category"><a href="/category/x/">Entertainment News</a>
    </li></ul>
    <header class="td-post-title"><h1 class="entry-title">Attack on a diplomatic centre</h1>
     <div class="td-module-meta-info"><div class="td-post-author-name">
      <div class="td-author-by">By</div> <a href="/author/sam/">Sam Rivers</a></div>
      <span class="td-post-date"><time class="entry-date updated td-module-date"
       datetime="2024-09-23T08:56:00+00:00">September 23, 2024</time></span></div>
    </header>
   </div>
   <div class="td-post-sharing-top"><div class="td-post-sharing-visible">
     <a class="td-social-sharing-button" href="#"><span>Facebook</span></a></div></div>
   <div class="td-post-content tagdiv-type">
    <div class="td-post-featured-image"><figure><img src="/a.jpg" alt="">
     <figcaption class="wp-caption-text">Smoke over the airport. AFP</figcaption></figure></div>
    <p>{P1}</p>
    <div class="td-a-rec td-a-rec-id-content_inline"><span class="td-adspot-title">
      - Advertisement -</span></div>
    <p>{P2}</p>
    <h2>{SUBHEAD}</h2>
    <p>The <strong>statement</strong> said the <a href="/tag/iraq/">government</a> had
       promised to protect <em>foreign missions</em>.</p>
    <p>{P4}</p>
    <p>Read also | <a href="/2024/09/10/us-announces-strike-on-fighters/">US announces a
       strike on fighters</a></p>
    <p>The world with AFP</p>
    <p>Reuse this content</p>
   </div>
   <footer>
    <div class="td-post-source-tags"><ul class="td-tags"><li><span>TAGS</span></li>
     <li><a href="/tag/iraq/">Iraq</a></li></ul></div>
    <div class="td-post-sharing-bottom"><a href="#">Share</a></div>
   </footer>
  </article>
  <div class="td_block_wrap tdb_single_author_box td-pb-border-top"><div class="tdb-block-inner">
   <a href="/author/sam/" class="tdb-author-photo"><img src="/sam.jpg" alt="Sam Rivers"></a>
   <div class="tdb-author-info"><a href="/author/sam/" class="tdb-author-name">Sam Rivers</a>
    <div class="tdb-author-descr">Sam Rivers is a tech-savvy blogger and digital influencer.
    </div></div></div></div>
  <div class="comments" id="comments"><div id="respond" class="comment-respond">
   <h3 id="reply-title" class="comment-reply-title">LEAVE A REPLY</h3>
   <form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
    <div class="comment-form-input-wrap td-form-comment"><textarea name="comment"></textarea>
     <div class="td-warning-comment">Please enter your comment!</div></div>
    <div class="comment-form-input-wrap td-form-author"><input name="author" type="text">
     <div class="td-warning-author">Please enter your name here</div></div>
    <div class="comment-form-input-wrap td-form-email"><input name="email" type="text">
     <div class="td-warning-email-error">You have entered an incorrect email address!</div>
    </div></form></div></div>
 </div></div>
 <div class="td-pb-span4 td-main-sidebar"><div class="td-ss-main-sidebar">
  <aside class="td_block_template_1 widget widget_recent_entries">
   <h4 class="block-title"><span>Recent Posts</span></h4>
   <ul><li><a href="/2024/09/22/other-story/">Another story</a></li></ul></aside>
 </div></div></div>
</div></div></body></html>"""


def _nodes(html: str, css: str) -> list[lxml.html.HtmlElement]:
    return [s.root for s in Selector(text=html).css(css)]


def _body(inner: str, base: str = BASE) -> BodyResult:
    return clean_container(
        _nodes(f"<html><body><div id='c'>{inner}</div></body></html>", "#c"), base
    )


# -- tagDiv "Newspaper" structure --------------------------------------------------------


def test_tagdiv_post_content_keeps_article_paragraphs_only() -> None:
    result = clean_container(_nodes(_tagdiv_page(), "div.td-post-content"), BASE)
    assert result.paragraphs == [P1, P2, SUBHEAD, P3, P4]
    assert result.related_urls == [
        "https://farm.example/2024/09/10/us-announces-strike-on-fighters/"
    ]
    assert result.credit_lines == ["The world with AFP"]
    assert result.removed == {"read_also": 1, "credit": 1, "reuse": 1}
    assert result.text == "\n\n".join([P1, P2, SUBHEAD, P3, P4])


def test_tagdiv_whole_main_column_drops_header_author_box_comments() -> None:
    result = clean_container(_nodes(_tagdiv_page(), "div.td-ss-main-content"), BASE)
    assert result.paragraphs == [P1, P2, SUBHEAD, P3, P4]
    assert result.removed["author_bio"] == 1
    assert result.removed["comment_form"] == 1
    for junk in ("Sam Rivers", "Please enter", "LEAVE A REPLY", "Advertisement", "TAGS"):
        assert junk not in result.text


def test_tagdiv_whole_page_drops_date_widget_breadcrumbs_and_sidebar() -> None:
    result = clean_container(_nodes(_tagdiv_page(), "body"), BASE)
    assert result.paragraphs == [P1, P2, SUBHEAD, P3, P4]
    assert result.removed["date_widget"] == 1
    assert result.removed["breadcrumbs"] == 1
    assert "Recent Posts" not in result.text and "Another story" not in result.text


def test_caller_tree_is_not_mutated() -> None:
    selector = Selector(text=_tagdiv_page())
    before = selector.get()
    clean_container([s.root for s in selector.css("body")], BASE, exclude=["p"])
    assert selector.get() == before


# -- Paragraph structure ------------------------------------------------------------------


def test_inline_elements_stay_in_their_paragraph() -> None:
    result = _body("<p>The <a href='/x'>army</a> <em>said</em> on <strong>Monday</strong>.</p>")
    assert result.paragraphs == ["The army said on Monday."]


def test_double_br_splits_and_single_br_joins() -> None:
    result = _body("First part<br><br>Second part<br>continues<br/> <br/>Third")
    assert result.paragraphs == ["First part", "Second part continues", "Third"]


def test_one_paragraph_per_block_element() -> None:
    result = _body(
        "<h3>Subhead</h3><ul><li>One item</li><li>Two <b>items</b></li></ul>"
        "<blockquote>A quote</blockquote><pre>code  line</pre><div>Loose text</div>"
        "<div><p>Nested</p>tail text</div>"
    )
    assert result.paragraphs == [
        "Subhead", "One item", "Two items", "A quote", "code line", "Loose text", "Nested",
        "tail text",
    ]  # fmt: skip


def test_structural_elements_are_skipped() -> None:
    result = _body(
        "<p>Kept.</p><script>var x = 1;</script><style>p{}</style><figure><figcaption>Cap"
        "</figcaption></figure><aside>Side</aside><nav>Nav</nav><iframe></iframe>"
        "<div class='sharedaddy'>Share</div><div class='jp-relatedposts'>Rel</div>"
        "<div class='newsletter-box'>News</div><div class='ad-slot'>Ad</div>"
        "<div class='wp-block-buttons'>Btn</div><div class='promo'>Promo</div>"
        "<p style='display: none'>Gone</p><button>Click</button>"
        "<div class='td-a-rec'>Ad2</div><p>Also kept.</p>"
    )
    assert result.paragraphs == ["Kept.", "Also kept."]


def test_page_wide_form_and_streamed_hidden_div_are_read() -> None:
    # ASP.NET wraps whole pages in a form; React streaming renders into <div hidden>.
    paragraphs = "".join(f"<p>Para {n}.</p>" for n in range(3))
    result = _body(f"<form id='aspnetForm'><div hidden id='S:1'>{paragraphs}</div></form>")
    assert result.paragraphs == ["Para 0.", "Para 1.", "Para 2."]


def test_css_module_hash_is_not_an_ad_class() -> None:
    result = _body(
        "<div class='x_11a141ad-module__HNc8fW'><p>Kept.</p></div><div class='ads'>A</div>"
    )
    assert result.paragraphs == ["Kept."]


def test_class_fragment_ad_does_not_skip_head_or_thread() -> None:
    result = _body(
        "<div class='entry-head-block'><p>Kept one.</p></div><p class='thread-x'>Two.</p>"
    )
    assert result.paragraphs == ["Kept one.", "Two."]


def test_exclude_selectors_and_nested_roots() -> None:
    html = "<div id='c'><p>One.</p><p class='promo-x2'>Two.</p><div class='box'>Three.</div></div>"
    selector = Selector(text=html)
    nodes = [s.root for s in selector.css("#c")] + [s.root for s in selector.css("#c p")]
    result = clean_container(nodes, BASE, exclude=["div.box"])
    assert result.paragraphs == ["One."]
    # p roots alone are used as given, even with a class that would skip them inside
    alone = clean_container([s.root for s in selector.css("#c p")], BASE)
    assert alone.paragraphs == ["One.", "Two."]


def test_title_and_h1_are_not_body() -> None:
    result = _body("<h1>Big title</h1><p>Big title again</p><p>Text.</p>")
    assert result.paragraphs == ["Big title again", "Text."]
    assert clean_paragraph_texts(["Big title", "Text."], title="Big title").paragraphs == ["Text."]


# -- Read also ----------------------------------------------------------------------------

READ_ALSO_LINES = [
    "Read also | {link}",
    "Read also: {link}",
    "READ MORE: {link}",
    "Read more {link}",
    "Lire aussi {link}",
    "À lire aussi : {link}",
    "Also read: {link}",
    "Related: {link}",
    "اقرأ أيضا: {link}",
    "اقرأ أيضاً {link}",
]


@pytest.mark.parametrize("line", READ_ALSO_LINES)
def test_read_also_lines_become_related_urls(line: str) -> None:
    link = "<a href='../story-two/#top'>Story two headline</a>"
    result = _body(f"<p>Body text.</p><p>{line.format(link=link)}</p>")
    assert result.paragraphs == ["Body text."]
    assert result.related_urls == ["https://farm.example/2024/09/23/story-two/"]
    assert result.removed == {"read_also": 1}


def test_read_also_label_then_link_list() -> None:
    result = _body(
        "<p>Body.</p><p><strong>READ MORE:</strong></p><ul><li><a href='/a'>Story A</a></li>"
        "<li><a href='https://other.example/b'>Story B</a></li></ul><p>Next body paragraph.</p>"
    )
    assert result.paragraphs == ["Body.", "Next body paragraph."]
    assert result.related_urls == ["https://farm.example/a", "https://other.example/b"]
    assert result.removed == {"read_also": 3}


def test_read_also_box_with_related_class_still_yields_links() -> None:
    result = _body(
        "<p>Body.</p><div class='related-link'><span>Read also</span> <a href='/c'>C</a></div>"
        "<p>More.</p>"
    )
    assert result.paragraphs == ["Body.", "More."]
    assert result.related_urls == ["https://farm.example/c"]


def test_related_urls_are_deduplicated_and_skip_non_http() -> None:
    result = _body(
        "<p>Read also: <a href='/d'>D</a></p><p>Read also: <a href='/d#x'>D</a></p>"
        "<p>Read also: <a href='mailto:x@y.z'>mail</a></p><p>Body.</p>"
    )
    assert result.related_urls == ["https://farm.example/d"]


@pytest.mark.parametrize(
    "text",
    [
        "Read more about the talks in the minister's statement, officials said on Monday.",
        "Related to the talks, the minister said nothing.",
        "Also, readers of the local paper protested.",
    ],
)
def test_read_also_negatives_stay(text: str) -> None:
    assert clean_paragraph_texts([text]).paragraphs == [text]


# -- Credits ------------------------------------------------------------------------------

CREDITS = [
    "The world with AFP",
    "Le Monde with AFP",
    "Le Monde avec AFP",
    "with AFP",
    "— AFP",
    "-AFP",
    "© AFP",
    "(AFP)",
    "© 2024 AFP",
    "Agence France-Presse",
    "© Agence France-Presse",
    "with Reuters",
    "(Reuters)",
    "— Reuters",
    "AP",
    "Copyright 2024 The Associated Press. All rights reserved.",
    "Reporting by Jane Roe in Baghdad; Editing by John Poe",
    "Additional reporting by Sam Lee; Writing by Ann Wu; Editing by Tim Fox",
    "(أ ف ب)",
    "Doe reported from Cairo. Writers Sam Lee in Amman and Ann Wu contributed to this report.",
]


@pytest.mark.parametrize("line", CREDITS)
def test_credit_lines_move_out_of_the_body(line: str) -> None:
    result = clean_paragraph_texts(["Body text of the story.", line])
    assert result.paragraphs == ["Body text of the story."]
    assert result.credit_lines == [line]
    assert result.removed == {"credit": 1}


@pytest.mark.parametrize(
    "text",
    [
        "The minister met with AFP journalists on Monday.",
        "AP Physics classes resumed at the school.",
        "A spokesman told Reuters the talks would resume.",
        "Reporting bylines were removed from the website.",
    ],
)
def test_credit_negatives_stay(text: str) -> None:
    result = clean_paragraph_texts([text])
    assert result.paragraphs == [text]
    assert result.credit_lines == []


# -- Reuse, prompts, comments -------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Reuse this content", "reuse"),
        ("Réutiliser ce contenu", "reuse"),
        ("Sign up for our daily newsletter", "prompt"),
        ("Subscribe to our channel", "prompt"),
        ("Follow us on X and Facebook", "prompt"),
        ("Share this article", "prompt"),
        ("Click here to read the full report", "prompt"),
        ("Join our WhatsApp channel for breaking news", "prompt"),
        ("Join our Telegram channel", "prompt"),
        ("Download our app", "prompt"),
        ("The Morning Brief newsletter, delivered to your inbox", "prompt"),
        ("Please enter your comment!", "comment_form"),
        ("Please enter your name here", "comment_form"),
        ("You have entered an incorrect email address!", "comment_form"),
        ("Post Comment", "comment_form"),
    ],
)
def test_line_boilerplate_kinds(line: str, kind: str) -> None:
    result = clean_paragraph_texts(["First body paragraph.", line, "Second body paragraph."])
    assert result.paragraphs == ["First body paragraph.", "Second body paragraph."]
    assert result.removed == {kind: 1}


@pytest.mark.parametrize(
    "text",
    [
        "Share prices fell sharply in Tehran on Monday.",
        "Subscribers to the state channel lost access.",
        "Follow-up talks are due next week.",
        "The group published a newsletter calling for calm.",
    ],
)
def test_prompt_negatives_stay(text: str) -> None:
    assert clean_paragraph_texts([text]).paragraphs == [text]


@pytest.mark.parametrize("heading", ["Leave a Reply", "Leave a comment", "3 Comments"])
def test_comment_heading_cuts_the_rest(heading: str) -> None:
    result = clean_paragraph_texts([P1, heading, "A reader wrote this.", "Another reader."])
    assert result.paragraphs == [P1]
    assert result.removed == {"comment_form": 1, "after_cut": 2}


# -- Author bio ---------------------------------------------------------------------------


def test_author_box_by_class() -> None:
    for cls in ("author-box", "td-author-box", "author-bio", "jeg_authorbox", "tdb-author-info"):
        result = _body(f"<p>Body.</p><div class='{cls}'><p>Jo Bloggs writes a lot.</p></div>")
        assert result.paragraphs == ["Body."], cls
        assert result.removed == {"author_bio": 1}, cls


def test_trailing_bio_after_credit_is_removed() -> None:
    bio = "Kim Lane is a freelance writer covering travel and lifestyle."
    result = clean_paragraph_texts(["Body.", "With AFP", bio])
    assert result.paragraphs == ["Body."]
    assert result.removed == {"credit": 1, "author_bio": 1}


def test_repeated_name_lines_and_bio_are_removed() -> None:
    result = clean_paragraph_texts(
        ["Body ends here.", "Kim Lane", "Kim Lane", "Kim Lane is a blogger and influencer."]
    )
    assert result.paragraphs == ["Body ends here."]
    assert result.removed == {"author_bio": 3}


@pytest.mark.parametrize(
    "last",
    [
        "Jane Doe is a journalist who was detained in 2022 and released last month.",
        "Ali Hassan is a senior official at the ministry.",
    ],
)
def test_article_sentences_about_people_are_kept(last: str) -> None:
    assert clean_paragraph_texts(["Body.", last]).paragraphs == ["Body.", last]
    assert clean_paragraph_texts(["Body.", last, "(AFP)"]).paragraphs == ["Body.", last]


def test_real_sentence_after_credit_without_role_word_is_kept() -> None:
    last = "Ali Hassan is a senior official at the ministry."
    assert clean_paragraph_texts(["Body.", "— AFP", last]).paragraphs == ["Body.", last]


# -- Recent posts, breadcrumbs, date widget -----------------------------------------------


@pytest.mark.parametrize(
    "heading",
    ["Recent Posts", "Related Posts", "You may also like", "More from Middle East", "Latest News",
     "Most Read", "الأكثر قراءة"],
)  # fmt: skip
def test_recent_posts_heading_cuts_everything_after(heading: str) -> None:
    result = _body(
        f"<p>{P1}</p><p>Body two.</p><div class='block-title'><span>{heading}</span></div>"
        "<ul><li><a href='/x'>Other story</a></li><li><a href='/y'>Third story</a></li></ul>"
    )
    assert result.paragraphs == [P1, "Body two."]
    assert result.removed == {"recent_posts": 1, "after_cut": 2}
    assert result.related_urls == []


def test_cut_heading_after_short_navigation_items_only_drops_itself() -> None:
    result = clean_paragraph_texts(["World", "Listen", "Trending", P1, "Most Read", P2])
    assert result.paragraphs == ["World", "Listen", P1]
    assert result.removed == {"recent_posts": 2, "after_cut": 1}


def test_cut_heading_before_any_content_only_drops_itself() -> None:
    result = clean_paragraph_texts(["Latest News", "The story starts here."])
    assert result.paragraphs == ["The story starts here."]


@pytest.mark.parametrize(
    "line",
    [
        "Home > Middle East > Iraq",
        "Home » News",
        "HomeEntertainment NewsSome title",
        "Accueil / Monde",
    ],
)
def test_breadcrumbs(line: str) -> None:
    result = clean_paragraph_texts([line, "Body."])
    assert result.paragraphs == ["Body."]
    assert result.removed == {"breadcrumbs": 1}


def test_home_words_in_text_are_not_breadcrumbs() -> None:
    texts = ["Body.", "HomePod sales rose.", "Home Secretary Sam Fox said nothing."]
    assert clean_paragraph_texts(texts).paragraphs == texts


@pytest.mark.parametrize(
    "line",
    ["Monday, September 23, 2024 - 8:56 am", "Friday 13 September 2024", "lundi 23 septembre 2024",
     "الجمعة 13 أيلول 2024"],
)  # fmt: skip
def test_date_widget_at_top(line: str) -> None:
    result = clean_paragraph_texts([line, "Body."])
    assert result.paragraphs == ["Body."]
    assert result.removed == {"date_widget": 1}


def test_weekday_sentence_is_not_a_date_widget() -> None:
    text = "Monday was the deadliest day of the war so far, officials said."
    assert clean_paragraph_texts([text]).paragraphs == [text]


# -- Plain text ---------------------------------------------------------------------------


def test_split_text_paragraphs() -> None:
    text = "  First\u00a0line \n\nSecond\u200b line\r\n\n \nThird"
    assert split_text_paragraphs(text) == ["First line", "Second line", "Third"]


def test_clean_paragraph_texts_splits_embedded_newlines() -> None:
    result = clean_paragraph_texts(["Body one.\nRead also: Other story", "Body two."])
    assert result.paragraphs == ["Body one.", "Body two."]
    assert result.related_urls == []


def test_seed_document() -> None:
    if not SEED.exists():
        pytest.skip("shared seed not available")
    result = clean_paragraph_texts(split_text_paragraphs(SEED.read_text(encoding="utf-8")))
    body = result.text
    assert body.startswith("The US embassy in Iraq accused on Friday, September 13")
    assert body.endswith("to identify the individuals. “involved”.")
    assert "“Right to self-defense”" in result.paragraphs
    assert len(result.paragraphs) == 6
    for junk in (
        "Monday, September 23", "HomeEntertainment", "Following attack on US diplomatic",
        "Read also", "The world with AFP", "Reuse this content", "Anthony Robbins",
        "Please enter", "Recent Posts",
    ):  # fmt: skip
        assert junk not in body
    assert result.credit_lines == ["The world with AFP"]
    assert result.removed == {
        "date_widget": 1, "breadcrumbs": 1, "title": 1, "read_also": 1, "credit": 1,
        "reuse": 1, "author_bio": 3, "comment_form": 2, "recent_posts": 1,
    }  # fmt: skip
    wire = detect_wire(credit_lines=result.credit_lines, paragraphs=result.paragraphs)
    assert wire.agencies == ["AFP"]
    assert wire.evidence[0] == {
        "agency": "AFP", "kind": "credit", "text": "The world with AFP", "strength": "credit"
    }  # fmt: skip


# -- Paywall notices, subscription and donation prompts ------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Il vous reste 62 % de cet article à lire. La suite est réservée aux abonnés.",
        "Il vous reste 8% de cet article à lire.",
        "You have 62% of this article left to read. The rest is for subscribers only.",
        "The rest of this article is reserved for subscribers.",
    ],
)
def test_paywall_notices_are_counted(line: str) -> None:
    result = clean_paragraph_texts([P1, line])
    assert result.paragraphs == [P1]
    assert result.removed == {"paywall": 1}


@pytest.mark.parametrize(
    "line",
    [
        "Harbour Ajansı sitesinde yayımlanan haberler özetlenmiştir. Abonelik için lütfen "
        "iletişime geçiniz.",
        "Haberlerin tamamı için hemen abone olun.",
        "Stories on this site are shortened. For subscriptions, please contact our sales team.",
        "To subscribe, please contact the circulation desk.",
        "Subscribe now and get the full story every morning.",
        "Did you like this article? Then please support us with a donation.",
        "Hat Ihnen dieser Artikel gefallen? Dann unterstützen Sie uns bitte mit einer Spende.",
        "Get the Harbour Daily morning edition by email and never miss a story Free Sign Up",
        "Follow Harbour Daily on WhatsApp and Telegram for the latest news.",
    ],
)
def test_subscription_and_donation_notices_are_prompts(line: str) -> None:
    result = clean_paragraph_texts([P1, line])
    assert result.paragraphs == [P1]
    assert result.removed == {"prompt": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Subscribers to the state channel lost access after the strike.",
        "The company said users who subscribe to the service will pay more from March.",
        "Officials asked residents to support us with patience, the mayor joked.",
        "Turkish regulators said the platform must let users cancel subscriptions online.",
    ],
)
def test_subscription_sentences_in_the_story_stay(text: str) -> None:
    assert clean_paragraph_texts([P1, text]).paragraphs == [P1, text]


# -- Tags, date lines, bylines, captions, signatures ---------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Tags: Iraq, Iran, Drones",
        "Etiketler: Ankara, Savunma, Dışişleri",
        "Keywords: Lebanon; UNIFIL; ceasefire talks",
        "Mots-clés : Liban, Israël",
    ],
)
def test_tag_lines_are_dropped(line: str) -> None:
    result = clean_paragraph_texts([P1, line])
    assert result.paragraphs == [P1]
    assert result.removed == {"tags": 1}


def test_tag_label_cuts_the_tag_list_after_it() -> None:
    result = clean_paragraph_texts([P1, P2, "- Etiketler :", "- Ankara", "- Savunma"])
    assert result.paragraphs == [P1, P2]
    assert result.removed == {"tags": 1, "after_cut": 2}


def test_sentence_about_tags_stays() -> None:
    text = "Tags: the police said graffiti tags appeared overnight on three walls of the market."
    assert clean_paragraph_texts([P1, text]).paragraphs == [P1, text]


@pytest.mark.parametrize(
    "line",
    [
        "Date created : 2024-06-13",
        "Published on: 13/06/2024 - 11:28",
        "Thursday, 13 June 2024 11:28",
        "13.06.2024 11:28",
        "June 13, 2024 - 11:28 AMT",
    ],
)
def test_date_lines_are_not_body(line: str) -> None:
    result = clean_paragraph_texts([line, P1, P2])
    assert result.paragraphs == [P1, P2]
    assert set(result.removed) <= {"date_line", "date_widget"}
    assert clean_paragraph_texts([P1, line]).paragraphs == [P1]


def test_byline_name_above_a_top_date_line_is_dropped() -> None:
    result = clean_paragraph_texts(
        ["Leyla Demir Aksoy", "13 Haziran 2024 • Güncelleme: 13 Haziran 2024", "Ankara", P1]
    )
    assert result.paragraphs == ["Ankara", P1]
    assert result.removed == {"byline": 1, "date_line": 1}


def test_name_like_subheading_without_a_date_line_stays() -> None:
    texts = [P1, "Border Crossing Reopens", P2]
    assert clean_paragraph_texts(texts).paragraphs == texts


def test_gallery_caption_with_counter_is_dropped() -> None:
    line = "[2/5] Smoke rises over the port after the strike, June 13, 2024. Photo agency"
    result = clean_paragraph_texts([P1, line, P2])
    assert result.paragraphs == [P1, P2]
    assert result.removed == {"caption": 1}


@pytest.mark.parametrize("line", ["XY-Redaktion", "Harbour News Desk"])
def test_desk_signature_closing_the_article_is_dropped(line: str) -> None:
    result = clean_paragraph_texts([P1, P2, line])
    assert result.paragraphs == [P1, P2]
    assert result.removed == {"byline": 1}


def test_person_name_closing_the_article_is_kept() -> None:
    assert clean_paragraph_texts([P1, "Karim Haddad"]).paragraphs == [P1, "Karim Haddad"]


@pytest.mark.parametrize(
    "heading",
    [
        "“Attack on a diplomatic centre”",
        "«Attack on a diplomatic centre»",
        "ATTACK ON A DIPLOMATIC CENTRE",
        "Attack on a diplomatic centre.",
    ],
)
def test_leading_heading_repeating_the_title_is_dropped(heading: str) -> None:
    result = clean_paragraph_texts([heading, P1], title='"Attack on a diplomatic centre"')
    assert result.paragraphs == [P1]
    assert result.removed == {"title": 1}


def test_embedded_posts_and_screen_reader_text_are_skipped() -> None:
    result = _body(
        f"<p>{P1}</p>"
        "<blockquote class='twitter-tweet'><p>A post by someone.</p>— Someone (@someone)"
        "</blockquote>"
        "<p>The <a href='/r'>report<span style='clip:rect(0 0 0 0);position:absolute'>"
        ", opens new tab</span></a> was published.</p>"
        "<p>Next <span class='visually-hidden'>(hidden label)</span>line.</p>"
    )
    assert result.paragraphs == [P1, "The report was published.", "Next line."]


@pytest.mark.parametrize("line", ["___", "* * *", "—"])
def test_separator_lines_are_dropped(line: str) -> None:
    result = clean_paragraph_texts([P1, line, P2])
    assert result.paragraphs == [P1, P2]
    assert result.removed == {"separator": 1}


def test_short_source_line_is_a_credit_not_body() -> None:
    result = clean_paragraph_texts(
        [
            "Rockets struck the base overnight, officials said.",
            "Source: Al Jazeera and news agencies",
        ]
    )
    assert result.paragraphs == ["Rockets struck the base overnight, officials said."]
    assert result.credit_lines == ["Source: Al Jazeera and news agencies"]


def test_republishing_notice_is_removed() -> None:
    text = "To republish this article, please contact our syndication desk."
    result = clean_paragraph_texts(["The talks resumed on Monday in Cairo.", text])
    assert result.paragraphs == ["The talks resumed on Monday in Cairo."]


# -- exclusion selectors and word counts read the tree and the text as their rules say ---

_EXCLUDE_PAGE = """<html><body><div class="entry-content share-box">
<p class="share">a</p><div class=" ad-slot\tx"><p>b</p><div class="share ad-slot">c</div></div>
<p class="shares">d</p><section class="x share">e<span class="share">f</span></section>
<ul class="ad-slot-x"><li class="share">g</li></ul></div></body></html>"""


@pytest.mark.parametrize(
    "selector",
    [".share", ".ad-slot", "div.share", "p.share", ".share span", "section.x", ".share, .ad-slot"],
)
def test_exclusion_selectors_find_what_lxml_cssselect_finds(selector: str) -> None:
    from lxml.cssselect import CSSSelector

    from crawler.body import _css

    root = lxml.html.fromstring(_EXCLUDE_PAGE)
    expected = CSSSelector(selector, translator="html")
    for context in root.iter():
        assert _css(selector)(context) == expected(context)


@pytest.mark.parametrize("seed", range(20))
def test_block_word_count_is_the_split_count_of_cleaned_text(seed: int) -> None:
    import random

    from crawler.body import _words
    from crawler.text import clean_text

    rng = random.Random(seed)
    alphabet = ["a", "B", "1", " ", "  ", "\t", "\n", "\xa0", "\u2009", "\u200b", "&amp;", ".", "é"]
    for _ in range(200):
        text = clean_text("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25))))
        if text:  # a block's text is never empty
            assert _words(text) == len(text.split())
