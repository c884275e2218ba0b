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
        # a long wire paragraph closed by its agency's credit is text, not a caption
        "In bright sunshine more than 3,000 people marched through the old town to the main square"
        " on the eve of the talks, chanting slogans against censorship and calling for the release"
        " of jailed reporters, organisers and police said. (AFP)",
    ],
)
def test_article_text_with_furniture_words_is_body(text: str) -> None:
    assert classify(text, RULES) is None
