"""Post captions in Dutch and English, one topic each, recognisable from words and hashtags.

Every caption carries its topic's Dutch hashtag (#vrijwilligers, #klimaat, #webshop,
#evenement, #nieuws, #biodiversiteit, #tuintips), English ones too, so a later analysis can
find the topic from the text alone. No caption ever mentions subsidies: that is the search
topic with demand that the posts leave uncovered (see web.py).
"""

from __future__ import annotations

import numpy as np

TOPICS: tuple[str, ...] = (
    "vrijwilligers",
    "klimaat",
    "webshop",
    "evenement",
    "nieuws",
    "biodiversiteit",
    "tuintips",
)
TOPIC_MIX: tuple[float, ...] = (0.18, 0.16, 0.18, 0.12, 0.12, 0.12, 0.12)

# Words (besides the hashtag) that mark each topic, for the truth file.
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "vrijwilligers": ("#vrijwilligers", "vrijwilliger", "volunteer"),
    "klimaat": ("#klimaat", "klimaat", "hittestress", "climate"),
    "webshop": ("#webshop", "webshop", "shop"),
    "evenement": ("#evenement", "dakendag", "event"),
    "nieuws": ("#nieuws", "nieuws", "news"),
    "biodiversiteit": ("#biodiversiteit", "bijen", "biodiversity"),
    "tuintips": ("#tuintips", "tip", "onderhoud"),
}

CITIES = (
    "Utrecht",
    "Zwolle",
    "Amsterdam",
    "Rotterdam",
    "Groningen",
    "Nijmegen",
    "Arnhem",
    "Tilburg",
    "Haarlem",
    "Leiden",
    "Deventer",
    "Amersfoort",
    "Eindhoven",
    "Den Haag",
)
PRODUCTS = (
    ("sedummat", "sedum mat", 34.95),
    ("insectenhotel", "insect hotel", 24.95),
    ("bijenzadenmix", "bee seed mix", 6.95),
    ("dakplantenpakket", "roof plant kit", 49.95),
    ("regenton van gerecycled plastic", "recycled rain barrel", 59.00),
    ("vogelnestkast", "nest box", 19.95),
)
SPECIES = ("wilde bijen", "zweefvliegen", "vlinders", "huismussen", "hommels", "lieveheersbeestjes")

NL: dict[str, tuple[str, ...]] = {
    "vrijwilligers": (
        "Zaterdag legden {n} vrijwilligers samen een sedumdak aan op het buurthuis in {city}. "
        "Dank jullie wel! 💚 Ook meehelpen? Meld je aan via {domain}/vrijwilligers",
        "Onze vrijwilligers in {city} hebben deze maand {n} daken vergroend. Wat een ploeg!",
        "Vrijwilliger van de maand: Ans uit {city}. Ze hielp al op {n} daken mee. "
        "Zin om ook een dag mee te doen?",
    ),
    "klimaat": (
        "Een groen dak houdt tot {pct}% van het regenwater vast en koelt de stad op hete dagen. "
        "Zo gaan we hittestress in {city} te lijf.",
        "Klimaatadaptatie begint boven je hoofd: een sedumdak is op een zomerdag tot {n} graden "
        "koeler dan bitumen.",
        "Het KNMI verwacht nattere winters. Groene daken in {city} vingen dit jaar al {n}.000 "
        "liter regen op.",
    ),
    "webshop": (
        "Nieuw in de webshop: {product}, gemaakt in een sociale werkplaats. Nu € {price} via "
        "{domain}/webshop",
        "Op zoek naar een duurzaam cadeau? Ons {product} is terug op voorraad: € {price}.",
        "Elke bestelling in onze webshop helpt mee: van elke {product} gaat € 5 naar een nieuw "
        "groen dak in {city}.",
    ),
    "evenement": (
        "Kom naar de Dakendag in {city}! Rondleidingen over {n} groene daken, gratis toegang.",
        "Op {day} {month} houden we een open middag in {city}: kijken, vragen en zaden ruilen.",
        "Natuurwerkdag: samen met {n} buren planten we een daktuin in {city}. Doe je mee?",
    ),
    "nieuws": (
        "Goed nieuws: de gemeente {city} sluit zich aan bij ons programma voor groene daken.",
        "Ons jaarverslag staat online: {n} nieuwe groene daken en {pct}% meer vrijwilligers.",
        "Nieuws uit {city}: de eerste school met een dakmoestuin opent na de zomer.",
    ),
    "biodiversiteit": (
        "Op onze daken in {city} telden we dit jaar {n} soorten {species}. 🐝",
        "Een sedumdak bloeit van mei tot september: een tankstation voor {species}.",
        "Biodiversiteit op het dak: in {city} nestelen nu {species} tussen de kruiden.",
    ),
    "tuintips": (
        "Tip: sedum heeft in de zomer weinig water nodig. Alleen bij {n} dagen droogte sproeien.",
        "Onderhoud van een groen dak: twee keer per jaar onkruid wieden en de afvoer vrijhouden.",
        "Tip voor de herfst: laat uitgebloeide kruiden staan, {species} overwinteren erin.",
    ),
}
EN: dict[str, tuple[str, ...]] = {
    "vrijwilligers": (
        "On Saturday {n} volunteers built a sedum roof on a community centre in {city}. "
        "Thank you! 💚 Want to join? Sign up at {domain}/vrijwilligers",
        "Our volunteers in {city} greened {n} roofs this month. What a team!",
    ),
    "klimaat": (
        "A green roof holds up to {pct}% of rainwater and cools the city on hot days.",
        "Climate adaptation starts above your head: a sedum roof is up to {n} degrees cooler.",
    ),
    "webshop": (
        "New in our shop: the {product_en}, made in a social workshop. € {price} at "
        "{domain}/webshop",
        "Looking for a sustainable gift? Our {product_en} is back in stock: € {price}.",
    ),
    "evenement": (
        "Join us for Rooftop Day in {city}! Tours of {n} green roofs, free entry.",
        "Open afternoon in {city} on {month_en} {day}: come look, ask and swap seeds.",
    ),
    "nieuws": (
        "Good news: the city of {city} joins our green roof programme.",
        "Our annual report is online: {n} new green roofs and {pct}% more volunteers.",
    ),
    "biodiversiteit": (
        "On our roofs in {city} we counted {n} species of wild bees this year. 🐝",
        "A sedum roof flowers from May to September: a filling station for pollinators.",
    ),
    "tuintips": (
        "Tip: sedum needs little water in summer. Only water after {n} dry days.",
        "Green roof care: weed twice a year and keep the drain clear.",
    ),
}
EXTRA_TAGS_NL = ("#groendak", "#duurzaam", "#stadsnatuur", "#sedumdak")
EXTRA_TAGS_EN = ("#greenroof", "#sustainability", "#urbannature")
EN_TAGS = {
    "vrijwilligers": "#volunteers",
    "klimaat": "#climate",
    "webshop": "#shop",
    "evenement": "#event",
    "nieuws": "#news",
    "biodiversiteit": "#biodiversity",
    "tuintips": "#gardeningtips",
}
MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# Where a link post about a topic points.
TOPIC_PATHS = {
    "vrijwilligers": "vrijwilligers",
    "klimaat": "klimaat/hittestress",
    "webshop": "webshop",
    "evenement": "agenda",
    "nieuws": "nieuws",
    "biodiversiteit": "blog/wilde-bijen-op-het-dak",
    "tuintips": "kennisbank/groen-dak-aanleggen",
}


def caption(
    rng: np.random.Generator,
    topic: str,
    language: str,
    domain: str,
    *,
    short: bool = False,
    link: bool = False,
) -> str:
    """One caption on `topic` in `language` ("nl" or "en"), hashtags at the end.

    `short` keeps it within X's 280 characters and leaves out the second paragraph; `link`
    adds the URL of the page the post shares.
    """
    pool = (NL if language == "nl" else EN)[topic]
    product = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
    month = int(rng.integers(12))
    body = pool[int(rng.integers(len(pool)))].format(
        n=int(rng.integers(3, 40)),
        city=CITIES[int(rng.integers(len(CITIES)))],
        domain=domain,
        product=product[0],
        product_en=product[1],
        price=f"{product[2]:.2f}".replace(".", ","),
        pct=int(rng.integers(20, 70)),
        species=SPECIES[int(rng.integers(len(SPECIES)))],
        day=int(rng.integers(1, 29)),
        month=MONTHS_NL[month],
        month_en=MONTHS_EN[month],
    )
    tags = [f"#{topic}"]
    if language == "en":
        tags.append(EN_TAGS[topic])
        extra: tuple[str, ...] = EXTRA_TAGS_EN
    else:
        extra = EXTRA_TAGS_NL
    tags.extend(str(t) for t in rng.choice(extra, size=int(rng.integers(0, 3)), replace=False))
    if link:
        body = f"{body} https://{domain}/{TOPIC_PATHS[topic]}"
    if short or rng.random() < 0.6:
        return f"{body} {' '.join(tags)}"
    return f"{body}\n\n{' '.join(tags)}"


def video_title(rng: np.random.Generator, topic: str, language: str) -> str:
    """A YouTube-style title: what the video shows, then the topic hashtag."""
    nl = {
        "vrijwilligers": "Een dag met onze vrijwilligers in {city}",
        "klimaat": "Zo koelt een groen dak de stad",
        "webshop": "Uitgepakt: het {product} uit onze webshop",
        "evenement": "Terugblik: Dakendag {city}",
        "nieuws": "Nieuws: {city} kiest voor groene daken",
        "biodiversiteit": "Wilde bijen op een sedumdak in {city}",
        "tuintips": "Zo leg je zelf een sedumdak aan (stap voor stap)",
    }
    en = {
        "vrijwilligers": "A day with our volunteers in {city}",
        "klimaat": "How a green roof cools the city",
        "webshop": "Unboxing the {product} from our shop",
        "evenement": "Looking back: Rooftop Day {city}",
        "nieuws": "News: {city} goes for green roofs",
        "biodiversiteit": "Wild bees on a sedum roof in {city}",
        "tuintips": "How to build your own sedum roof (step by step)",
    }
    product = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
    text = (nl if language == "nl" else en)[topic].format(
        city=CITIES[int(rng.integers(len(CITIES)))],
        product=product[0] if language == "nl" else product[1],
    )
    tag = f"#{topic}" if language == "nl" else f"#{topic} {EN_TAGS[topic]}"
    return f"{text} {tag}"
