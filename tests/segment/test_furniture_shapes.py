"""Furniture shapes added for pages nobody here labelled (issue 19, fourth round): each rule is
asked on lines written for this test, in EN and, where the shape exists there, UK and RU, and on
article sentences that share its words but not its shape."""

import pytest

from dedupe_audit.segment.boilerplate import classify, load_rules

RULES = load_rules()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # a caption whose credit chains the agencies that carried the picture
        ("Workers repair the old bridge near the harbor on Tuesday. Jane Roe/Reuters/Alamy", "photo-credit"),
        ("A crowd waits outside the stadium. Oleg Petrenko/UNIAN/AP", "photo-credit"),
        ("Firefighters tackle the blaze. Anna Kowalska/NurPhoto/Getty Images", "photo-credit"),
        # an agency-first credit without brackets, after a bar or a full stop, or alone
        ("Fishermen unload the catch at dawn in the port. | AP Photo/Jane Roe", "photo-caption"),
        ("AP Photo/John Q. Doe", "photo-caption"),
        # a credit written out
        ("Photograph by Jane Roe / Bloomberg via Getty", "photo-credit"),
        ("Illustration by John Doe for The Daily Paper", "photo-credit"),
        ("Photo courtesy of the Springfield Fire Department", "photo-credit"),
        ("Фото надано пресслужбою міської ради", "photo-credit"),
        ("Фото предоставлено пресс-службой мэрии", "photo-credit"),
        # a follow prompt naming the network
        ("Follow the Springfield Gazette on Facebook for the latest county news.", "share-prompt"),
        ("Follow Jane on Twitter @janeroe.", "share-prompt"),
        ("Find us on Instagram and YouTube", "share-prompt"),
        ("Підписуйтесь на наш канал у Telegram, щоб першими дізнаватися новини міста", "share-prompt"),
        ("Подписывайтесь на наш канал в Telegram и первыми узнавайте новости города", "share-prompt"),
        # a note that the story is still being written
        ("This is a developing story. Check back for updates.", "update-note"),
        ("This is a breaking news story – refresh the page for the latest.", "update-note"),
        ("This story has been updated with comment from the mayor's office.", "update-note"),
        ("More details to come.", "update-note"),
        ("Новина доповнюється.", "update-note"),
        ("Новость дополняется", "update-note"),
        # the reporter's contact line, byline with a handle, byline glued to the agency
        ("Contact John Doe at jdoe@example.org.", "contact-line"),
        ("Reach Jane Roe at jroe@example.com or on Twitter at @janeroe.", "contact-line"),
        ("Зв'язатися з автором: ivan@example.ua", "contact-line"),
        ("Jane Roe The Springfield Gazette @JaneRoeNews", "byline"),
        ("Mary Major and John Q. DoeAssociated Press", "byline"),
        ("John Doe and Mary Major, Associated Press", "byline"),
        # the published and the updated stamp on one line
        ("Jul 3, 2019 at 8:02 AM Jul 3, 2019 at 11:40 AM", "written-timestamp"),
        ("3 липня 2019, 08:02 | Оновлено: 3 липня 2019, 11:40", "written-timestamp"),
        ("3 июля 2019, 08:02 | Обновлено: 3 июля 2019, 11:40", "written-timestamp"),
        # an embedded post's attribution
        ("— Jane Roe (@janeroe) March 3, 2021", "embed-credit"),
        ("— Іван Петренко (@ipetrenko) 3 березня 2021 р.", "embed-credit"),
        ("A post shared by City Zoo (@cityzoo) on Mar 3, 2021 at 10:04am PST", "embed-credit"),
        ("Posted by Springfield Fire Department on Jul 3, 2019", "embed-credit"),
        # a letter writer's signature, a bio with post-nominals, a guest piece's label
        ("Martha Roe, Oak Park, Ill.", "letter-signature"),
        ("Jane Q. Doe, Lake Oswego, Ore.", "letter-signature"),
        ("Col. John Doe, USA (ret.) is a senior fellow at the Center for Policy Studies.", "author-bio"),
        ("Guest Column: Why the county needs a new bridge", "label-teaser"),
        # a short caption closed by the agency in brackets is still a caption
        ("Workers clear snow from the square in front of the town hall (AFP)", "photo-caption"),
        # stamps: a live blog's clock time, numeric dates with a time, time-first and dotted stamps
        ("11:42", "posted-at"),
        ("7 p.m.", "posted-at"),
        ("3:15 PM 08/02/2019", "posted-at"),
        ("08/02/2019 09:12 AM EDT", "posted-at"),
        ("Politics 08/02/2019, 09:12am", "posted-at"),
        ("Posted on 8/2/19 | 4:10 PM CEST", "posted-at"),
        ("6:05 am PDT, Friday, August 2, 2019", "posted-at"),
        ("Aug.02.2019 / 9:30 AM ET", "posted-at"),
        ("2 hr 14 min ago", "posted-at"),
        ("Published: 12 mins ago", "posted-at"),
        ("Aug 2, 2019 | 9:00 AM", "written-timestamp"),
        ("August 2, 2019 — 6:45pm", "written-timestamp"),
        # bracketed credits closing a caption, or alone; a bare "Name/The Paper" credit
        ("Firefighters battle a brush fire near the highway on Friday. (Jane Roe/Lehtikuva via AP)",
         "photo-caption"),
        ("(John Doe,Mary Major/The Daily Paper)", "photo-caption"),
        ("Sen. Jane Roe. (Photo by John Doe/Getty Images)", "photo-caption"),
        ("Farmers gather at the market in Lviv on May 3, 2019. (REUTERS/Jane Roe/File Photo)",
         "photo-caption"),
        ("John Doe/The Daily Paper", "photo-credit"),
        ("CreditJane Roe/Agence France-Presse — Getty Images", "photo-credit"),
        # bylines: a job after the name, capitals without "By", a repost's author
        ("Jane Roe | Senior Politics Reporter", "byline"),
        ("John Doe, Staff Writer", "byline"),
        ("JANE ROE, JOHN DOE and MARY MAJOR", "byline"),
        ("Authored by Jane Roe via ExampleBlog.com,", "byline"),
        # labels over link lists, tag lines, a teaser's source before a bullet
        ("Related stories from The Daily Paper", "section-label"),
        ("Trending in Politics", "section-label"),
        ("More Headlines", "section-label"),
        ("Інші новини", "section-label"),
        ("Другие новости", "section-label"),
        ("Filed under Elections", "section-label"),
        ("Tags: budget, city council", "section-label"),
        ("Теги: бюджет, міська рада", "section-label"),
        ("Springfield Gazette•", "source-label"),
        # player and page controls, gallery counters without the word
        ("Your browser does not support the video tag.", "navigation"),
        ("Ваш браузер не підтримує відео", "navigation"),
        ("Share story", "navigation"),
        ("Skip Ad", "navigation"),
        ("1 / 12", "gallery-counter"),
        ("Image 2of/9", "gallery-counter"),
        # page script kept as text
        ("window._ads = window._ads || []; _ads.push({ slot: 'top-banner', size: [728, 90] });", "script"),
        ("Scroll to top of page", "navigation"),
    ],
)
def test_furniture_shape_is_named_by_its_rule(text: str, rule: str) -> None:
    assert classify(text, RULES) == rule


@pytest.mark.parametrize(
    "text",
    [
        # the network named after a comma, or someone following someone: a sentence
        "Follow the money, investigators said, as attention turned to ads bought on Facebook",
        "The senator followed the president on Twitter for years, aides said.",
        # "developing story" inside a sentence about the news
        "This is a developing story for the region's farmers, who have lost most of their crops",
        "More details to come from the ministry on Friday, officials said.",
        # a "Contact" that is not an imperative to write to someone
        "Contact Group diplomats met at the embassy and wrote to press@example.org afterwards.",
        # a handle inside a sentence
        "Trump replied to @JohnDoe on Tuesday",
        # the agency as a source inside a sentence
        "John Doe told The Associated Press",
        # a list of firms with their towns, an event's run of dates
        "Acme Robotics, Palo Alto, California",
        "12 March 2019 | 30 June 2019",
        # a credit-like opening inside a sentence
        "Photos by the agency showed the damage to the dam.",
        "Jane Roe (@janeroe) wrote on July 3, 2019 that the plan had failed.",
        # a poll's source in brackets (one word before the slash), a time inside a sentence
        "Support for the plan rose to 40 percent (Reuters/Ipsos)",
        "The meeting began at 10:30 and ended at noon.",
        "The vote is set for 7 p.m. on Tuesday.",
        "9/11",
        # two names joined by a slash in a headline; an AP sports subheading
        "Donald Trump/Vladimir Putin",
        "UP NEXT",
        # a job named inside a sentence; "More" and "Tags" opening a sentence
        "John Doe, a staff writer, said the paper would close.",
        "More than 2,000 people marched in the capital on Sunday.",
        "Tags on the luggage were checked at the gate.",
        # code words in prose: no browser object, no function literal, no pushed object
        "The window of the old house faced the square; the var was closed {for repairs}.",
        # a sentence quoting a snippet of code (or carrying one a scraper left inside it)
        "The attackers planted window.location = 'https://example.org'; in the page, researchers said.",
        # a long wire paragraph closed by its agency's credit is text, not a caption
        "In bright sunshine more than 3,000 people marched through the old town to the main square"
        " on the eve of the talks, chanting slogans against censorship and calling for the release"
        " of jailed reporters, organisers and police said. (AFP)",
    ],
)
def test_article_text_with_furniture_words_is_body(text: str) -> None:
    assert classify(text, RULES) is None
