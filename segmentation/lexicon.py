"""The words segment names are made of: what a column's name means, and the phrase a high or low value gives.

Column names are read as lower-case tokens (`MntWines` -> mnt, wines; `AnnualIncome (k$)` -> annual, income;
`days since last_purchase_date` -> days, since, last, purchase, date) and matched against small vocabularies
of marketing concepts: age, income, spend, recency, tenure, purchase channels, product categories,
household, campaign response, interests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Slot = Literal["age", "modifier", "place", "noun"]

DEFAULT_HEAD = "customers"
BUYERS = "buyers"
# Low on one product column: true of a segment only when it buys less of every product (checked in naming).
LIGHT_BUYERS = "light buyers"
FALLBACK_NAMES: tuple[str, ...] = (
    "Typical customers",
    "Mainstream customers",
    "Everyday customers",
    "Core customers",
    "Regular customers",
    "Average customers",
    "Middle-ground customers",
    "Broad-mix customers",
    "Mixed-profile customers",
    "Balanced customers",
    "General audience",
    "Wider audience",
)
# A segment where a value stands out that too few of its rows hold to name it (half March, 41% "v3_5") is no
# typical group: it is named as a mix.
MIXED_NAMES: tuple[str, ...] = ("Mixed-profile customers", "Broad-mix customers", "Mixed customers")
PROPER_WORDS: dict[str, str] = {
    word.lower(): word
    for word in (
        "iOS",
        "Android",
        "Windows",
        "Mac",
        "macOS",
        "iPhone",
        "iPad",
        "Linux",
        "Chrome",
        "Safari",
        "Firefox",
        "Instagram",
        "TikTok",
        "Facebook",
        "YouTube",
        "Google",
        "Twitter",
        "LinkedIn",
        "Pinterest",
        "Snapchat",
        "Reddit",
        "WhatsApp",
        "Amazon",
        "Shopify",
        "eBay",
        "Etsy",
        "TV",
        "SEO",
        "SMS",
        "DIY",
        "VIP",
        "PhD",
        "Hollister",
        "Abercrombie",
    )
}


@dataclass(frozen=True)
class Phrase:
    """Words one feature contributes to a name.

    `modifier` is the form used when another phrase is the head noun ("big-spending" for "high spenders");
    `alone` the form used when the noun has no modifier in front ("video gamers" for "gamers").
    """

    text: str
    slot: Slot
    modifier: str | None = None
    alone: str | None = None
    # Modifiers are written in this order: age (0), income (1), the rest (2).
    order: int = 2
    # A generic phrase (a bare category value, "Instagram-acquired") only names a segment when nothing else does.
    weak: bool = False
    # Nouns of one family ("product": "wine buyers", "fish buyers"; "channel") are merged or kept once.
    family: str | None = None
    # The head noun this modifier calls for when no feature gives one ("lapsed buyers", not "lapsed customers").
    head: str | None = None


# Proper words written with inner capitals (PhD, YouTube, TikTok) are one word, never "ph d" or "you tube".
_INNER_CAPITALS = re.compile(
    "(?:{})s?(?![a-z])".format(
        "|".join(word for word in PROPER_WORDS.values() if not word.isupper() and not word[1:].islower())
    )
)


def tokens_of(name: str) -> tuple[str, ...]:
    """Lower-case word tokens of a column name, splitting camelCase, snake_case and punctuation."""
    spaced = _INNER_CAPITALS.sub(lambda word: f" {word.group().lower()} ", name)
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", spaced)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return tuple(re.findall(r"[a-z]+|\d+", spaced.lower()))


# Short tokens that are words of their own; any other one- or two-letter token is a piece of an abbreviation.
_SHORT_WORDS = {"tv", "os", "us", "uk", "eu", "ad", "ai", "pc", "ui", "ux"}


def reads_as_words(name: str) -> bool:
    """A column name made of words ("video_views", "PhD", "Subscribers count") rather than an abbreviation that
    splitting would cut into fragments: CAtBat ("c", "bat"), S.F.Ratio ("s", "f"), Top10perc, RBI."""
    if re.search(r"[A-Za-z]\d+[A-Za-z]", name):
        return False
    capitals = re.findall(r"[A-Z]{2,}", _INNER_CAPITALS.sub(" ", name))
    if any(run.lower() not in PROPER_WORDS and run.lower() not in _SHORT_WORDS for run in capitals):
        return False
    content = [token for token in tokens_of(name) if token not in _FILLER and not token.isdigit()]
    return all(len(token) > 2 or token in _SHORT_WORDS for token in content)


_ENUMERATION = re.compile(r"^\s*(?:\d{1,2}|[A-Za-z])\s*[.)]\s+(?=\S)")


def unnumbered(value: str) -> str:
    """A category value without the enumeration an export put in front ("5. Advanced Degree", "2) No", "A. Low")."""
    return _ENUMERATION.sub("", value)


def enumerated(levels: list[str]) -> bool:
    """Every level of a column starts with an enumeration (ISLP's Wage: "1. < HS Grad" ... "5. Advanced Degree")."""
    return bool(levels) and all(_ENUMERATION.match(level) for level in levels)


_INCOME = {"income", "salary", "salaries", "earnings", "wage", "wages", "paycheck"}
_SPEND = {
    "spend",
    "spent",
    "spending",
    "spender",
    "spenders",
    "revenue",
    "sales",
    "ltv",
    "clv",
    "monetary",
    "aov",
    "amount",
    "basket",
    "turnover",
    "value",
}
_BASKET = {"basket", "baskets", "aov"}
_ORDER_VALUE = {"order", "value"}
_FREQUENCY = {
    "orders",
    "order",
    "purchases",
    "purchase",
    "transactions",
    "transaction",
    "frequency",
    "bookings",
    "trips",
    "visits",
    "sessions",
    "logins",
}
_PURCHASE = {"orders", "order", "purchases", "purchase", "purchased", "transactions", "transaction", "buy", "bought"}
_RECENCY = {"last", "latest", "recent", "recency", "previous", "lastseen", "lastorder"}
_TENURE = {
    "first",
    "signup",
    "signed",
    "sign",
    "joined",
    "join",
    "registered",
    "registration",
    "created",
    "since",
    "customer",
    "member",
    "subscribed",
    "dt",
    "start",
    "enrolled",
    "tenure",
    "account",
    "onboarded",
    "create",
    "creation",
    "optin",
    "confirmed",
}
_KIDS = {"kid", "kids", "kidhome", "children", "child", "childs", "baby", "babies", "toddlers"}
_TEENS = {"teen", "teens", "teenhome", "teenagers"}
_SOCIAL = {"friends", "followers", "connections", "following", "contacts"}
_CAMPAIGN = {
    "response",
    "responded",
    "accepted",
    "acceptedcmp",
    "cmp",
    "campaign",
    "campaigns",
    "conversions",
    "converted",
    "conversion",
}
_COMPLAINT = {"complain", "complaints", "complaint", "complained", "tickets"}
_SATISFACTION = {"satisfaction", "satisfied", "nps", "csat", "happiness"}
# A rating or score is satisfaction only on a short survey scale (1-5, 0-10); a credit rating of 600 is not.
RATINGS = {"rating", "ratings", "score", "scores", "stars"}
SURVEY_SCALE_MAX = 10
_RANKS = {"rank", "ranks", "ranking", "ranked"}
_DEALS = {"deals", "deal", "discount", "discounts", "coupon", "coupons", "promo", "promotions"}
_FILLER = {
    "num",
    "mnt",
    "total",
    "count",
    "number",
    "of",
    "the",
    "n",
    "no",
    "avg",
    "average",
    "per",
    "in",
    "k",
    "amt",
    "qty",
    "is",
    "has",
    "flag",
    "days",
    "since",
    "date",
    "pct",
    "percent",
    "score",
    "month",
    "year",
    "for",
    "last",
    "to",
    "and",
    "a",
    "by",
    "on",
    "at",
    "rate",
    "x",
}
FILLER = frozenset(_FILLER)
# When something happened (an hour, a day or week number): a position in time, never how often or how much.
_WHEN = frozenset({"day", "week", "weekof", "hr", "hour", "mnth"})
# Columns holding codes (Region 1/2/3, Channel 1/2): "high" or "yes" on them means nothing to a person.
_CODES = {
    "region",
    "channel",
    "type",
    "category",
    "class",
    "group",
    "segment",
    "code",
    "zone",
    "area",
    "cluster",
    "branch",
    "district",
    "state",
    "city",
    "location",
    "store",
    "cohort",
    "variant",
    "id",
    "origin",
    "season",
    "iso",
    *_WHEN,
}
_PRODUCTS: dict[str, str] = {
    "wine": "wine",
    "wines": "wine",
    "fruit": "fruit",
    "fruits": "fruit",
    "meat": "meat",
    "fish": "fish",
    "seafood": "seafood",
    "sweet": "sweets",
    "sweets": "sweets",
    "candy": "sweets",
    "gold": "gold",
    "grocery": "grocery",
    "groceries": "grocery",
    "milk": "milk",
    "dairy": "dairy",
    "fresh": "fresh food",
    "frozen": "frozen food",
    "detergents": "household goods",
    "detergent": "household goods",
    "delicassen": "deli",
    "delicatessen": "deli",
    "deli": "deli",
    "electronics": "electronics",
    "books": "book",
    "beauty": "beauty",
    "cosmetics": "beauty",
    "clothing": "clothing",
    "apparel": "clothing",
    "shoes": "shoe",
    "toys": "toy",
    "jewelry": "jewelry",
    "jewellery": "jewelry",
    "beer": "beer",
    "coffee": "coffee",
}
_CHANNELS: tuple[tuple[frozenset[str], Phrase], ...] = (
    (frozenset(_DEALS), Phrase("deal seekers", "noun", modifier="deal-seeking", family="channel")),
    (
        frozenset({"catalog", "catalogue", "mail"}),
        Phrase("catalog shoppers", "noun", modifier="catalog-buying", family="channel"),
    ),
    (
        frozenset({"store", "instore", "shop", "offline", "retail"}),
        Phrase("in-store shoppers", "noun", modifier="in-store", family="channel"),
    ),
    (
        frozenset({"visits", "sessions", "logins", "pageviews"}),
        Phrase("frequent site visitors", "noun", modifier="frequently visiting"),
    ),
    (
        frozenset({"web", "online", "website", "app", "ecommerce"}),
        Phrase("online shoppers", "noun", modifier="online-shopping", family="channel"),
    ),
)


_MONEY_NOUNS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"revenue", "revenues"}), "revenue"),
    (frozenset({"sales"}), "sales"),
    (frozenset({"ltv", "clv", "lifetime"}), "lifetime value"),
    (frozenset({"gmv"}), "gross merchandise value"),
    (frozenset({"turnover"}), "turnover"),
)
_COUNT_WORDS = frozenset({"orders", "transactions", "purchases"})


_CUSTOMER_WORDS = frozenset({"recency", "customer", "customers", "client", "clients", "buyer", "shopper", "member"})


# A row that advertises sells: its sales or revenue are its own, not what it bought (ISLP's Carseats: stores).
_SELLING = {"advertising", "advertisement", "adverts"}
_SOLD = {"sales", "revenue", "revenues", "turnover"}


def says_customers(names: list[str]) -> bool:
    """Column names that show rows buying (spend, purchases, orders, a customer id, two or more products):
    customers. One cost column named like a product (College's `Books`) is not a basket."""
    tokens = [set(tokens_of(name)) for name in names]
    sells = any(words & _SELLING for words in tokens)
    buying = _SPEND | _PURCHASE | _FREQUENCY | _CUSTOMER_WORDS
    if any(words & (buying - _SOLD if sells else buying) for words in tokens):
        return True
    return sum(any(token in _PRODUCTS for token in words) for words in tokens) >= 2


def product_word(name: str) -> str | None:
    """The product category a column's name is about ("MntMeatProducts" -> "meat", "Fresh" -> "fresh food")."""
    return next((_PRODUCTS[token] for token in tokens_of(name) if token in _PRODUCTS), None)


def value_label(name: str) -> str:
    """A value column as a marketer reads it: "wine spend (MntWines)", "total spend", "revenue (rev_usd)".

    The column's own name follows in brackets unless the readable words are just its words (`total_spend`),
    so the reader can still find it, and name it in `--value`.
    """
    tokens = tokens_of(name)
    words = set(tokens)
    product = product_word(name)
    noun = next((noun for keys, noun in _MONEY_NOUNS if words & keys), None)
    if noun is None and words & _SPEND:
        noun = "order value" if {"order", "value"} <= words else "spend"
    if noun is None and words & _COUNT_WORDS:
        noun = " ".join(token for token in tokens if token not in _FILLER)
    elif noun is not None and product is not None:
        noun = f"{product} {noun}"
    elif product is not None:
        noun = f"{product} spend"
    if noun is None:
        return name
    if "total" in words and not noun.startswith("total"):
        noun = f"total {noun}"
    return noun if noun.split() == list(tokens) else f"{noun} ({name})"


def numeric_phrase(tokens: tuple[str, ...], high: bool, semantic: str | None, is_date: bool) -> Phrase | None:
    """The phrase a clearly high (or low) value of a numeric column gives, or None."""
    words = set(tokens)
    if semantic == "age":  # not a bare "age" in the name: Boston's is the share of old homes, in percent
        return Phrase("older" if high else "young", "age", order=0)
    if semantic == "birth_year" or words & {"birth", "born", "birthyear", "gradyear"}:
        return Phrase("young" if high else "older", "age", order=0)
    if words & _RANKS:
        # Rank 1 is the top: a high rank number is a lower place, never "high-rank".
        return Phrase("lower-ranked" if high else "top-ranked", "modifier")
    if semantic == "repeat_span":
        # Time from first to last purchase (lifetimes' recency): long means repeat buying over a long time.
        return Phrase("long-standing repeat" if high else "early-lapsed", "modifier", head=BUYERS)
    if semantic == "repeat_count":
        return Phrase("repeat" if high else "one-time", "modifier", head=BUYERS)
    if semantic == "tenure":
        return Phrase("long-time" if high else "new", "modifier")
    if is_date or words & {"recency", "tenure"}:
        return _date_phrase(words, high)
    if words & {"last"} and words & _FREQUENCY:
        return _date_phrase(words, high)
    if words & _INCOME:
        return Phrase("high-income" if high else "low-income", "modifier", order=1)
    product = next((_PRODUCTS[token] for token in tokens if token in _PRODUCTS), None)
    if product is not None:
        if not high:
            return Phrase(LIGHT_BUYERS, "noun", weak=True)
        return Phrase(f"{product} buyers", "noun", modifier=f"{product.replace(' ', '-')}-buying", family="product")
    return _behaviour_phrase(tokens, words, high)


def _behaviour_phrase(tokens: tuple[str, ...], words: set[str], high: bool) -> Phrase | None:
    if words & _BASKET or words >= _ORDER_VALUE:
        # The size of one purchase, not what a person spends in all: a high annual spend with small baskets is
        # "Small-basket high spenders", never "Low-spending high spenders".
        return Phrase("big-basket" if high else "small-basket", "modifier")
    if words & _SPEND:
        if high:
            return Phrase("high spenders", "noun", modifier="big-spending")
        return Phrase("low spenders", "noun", modifier="low-spending")
    if words & (_KIDS | _TEENS):
        noun = "parents of teens" if words & _TEENS else "parents"
        return Phrase(noun, "noun", alone="parents of young kids" if noun == "parents" else None) if high else None
    if words & _CAMPAIGN:
        return Phrase("campaign responders", "noun", modifier="campaign-responsive") if high else None
    if words & _COMPLAINT:
        return Phrase("dissatisfied", "modifier") if high else None
    if words & _SATISFACTION:
        return Phrase("satisfied" if high else "dissatisfied", "modifier")
    if words & _SOCIAL:
        return Phrase("well-connected", "modifier") if high else None
    if words & _WHEN and "per" not in words:
        return None  # OJ's WeekofPurchase: the week of a purchase, not "occasional buyers"
    if words & _FREQUENCY or words & _DEALS:
        channel = next((phrase for keys, phrase in _CHANNELS if words & keys), None)
        if channel is not None:
            return channel if high else None
        return Phrase("frequent" if high else "occasional", "modifier", head=BUYERS if words & _PURCHASE else None)
    content = [token for token in tokens if token not in _FILLER and not token.isdigit()][-2:]
    if not content or words & _CODES:
        return None
    words_shown = "-".join(PROPER_WORDS.get(token, token) for token in content)
    return Phrase(f"{'high' if high else 'low'}-{words_shown}", "modifier", weak=True)


def _date_phrase(words: set[str], high: bool) -> Phrase | None:
    if words & _RECENCY:
        buyers = BUYERS if words & (_PURCHASE | {"recency"}) else None
        return Phrase("lapsed" if high else "recently active", "modifier", head=buyers)
    if words & _TENURE:
        return Phrase("long-time" if high else "new", "modifier")
    return None


_BOOLEAN_NOUNS: tuple[tuple[frozenset[str], Phrase], ...] = (
    (frozenset({"newsletter", "newsletters"}), Phrase("newsletter readers", "noun", modifier="newsletter-reading")),
    (frozenset(_CAMPAIGN), Phrase("campaign responders", "noun", modifier="campaign-responsive")),
    (frozenset({"sms", "text", "texts", "whatsapp"}), Phrase("SMS subscribers", "noun", modifier="SMS-subscribed")),
    (
        frozenset(
            {"opt", "optin", "opted", "subscribed", "subscriber", "subscription", "marketing", "email", "emails"}
        ),
        Phrase("email subscribers", "noun", modifier="subscribed"),
    ),
    (frozenset({"member", "membership", "loyalty"}), Phrase("loyalty members", "noun", modifier="loyalty-member")),
    (frozenset({"app"}), Phrase("app users", "noun", modifier="app-using")),
    (frozenset({"student", "students"}), Phrase("students", "noun", modifier="student")),
    (frozenset(_KIDS), Phrase("parents", "noun", alone="parents of young kids")),
    (frozenset(_COMPLAINT), Phrase("dissatisfied", "modifier")),
    (frozenset({"churn", "churned", "cancelled", "canceled", "lapsed", "inactive"}), Phrase("churned", "modifier")),
    (frozenset({"returning", "repeat"}), Phrase("repeat", "modifier")),
)


# Yes/no columns whose "no" side is a group people name too ("non-students"), unlike "not newsletter readers".
_BOOLEAN_NEGATIONS: tuple[tuple[frozenset[str], Phrase], ...] = (
    (frozenset({"student", "students"}), Phrase("non-student", "modifier")),
    (frozenset({"member", "membership"}), Phrase("non-member", "modifier")),
)


def boolean_phrase(tokens: tuple[str, ...], yes: bool) -> Phrase | None:
    """The phrase a yes/no column gives for the side most of a segment is on; None for most "no" majorities."""
    words = set(tokens)
    if not yes:
        return next((phrase for keys, phrase in _BOOLEAN_NEGATIONS if words & keys), None)
    found = next((phrase for keys, phrase in _BOOLEAN_NOUNS if words & keys), None)
    if found is not None:
        return found
    content = [token for token in tokens if token not in _FILLER and not token.isdigit()]
    if not content or words & _CODES:
        return None
    return Phrase(_cased("-".join(content[-2:])), "modifier", weak=True)


_PLACES = {"city", "town", "province", "state", "county", "location", "metro", "municipality", "district", "continent"}
# A meal is a word in any column ("time" in plotly's tips): "Thursday lunch bills", not "Thursday bills".
_MEALS = {"breakfast", "brunch", "lunch", "dinner", "supper"}
_WEEKDAYS: dict[str, str] = {
    spelling: day
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    for spelling in {day.lower(), day[:3].lower(), day[:4].lower(), *({"thurs"} if day == "Thursday" else set())}
}
# Categorical columns whose values make good name words on their own ("mobile", "premium").
_NAMED_CATEGORIES = {
    "device",
    "devices",
    "platform",
    "os",
    "browser",
    "devicetype",
    "plan",
    "tier",
    "membership",
    "subscription",
    "level",
}
_MARITAL = {
    "together": "cohabiting",
    "alone": "single",
    "widow": "widowed",
    "married": "married",
    "single": "single",
    "divorced": "divorced",
    "widowed": "widowed",
    "partner": "partnered",
}
_EDUCATION = {
    "phd": "PhD-educated",
    "doctorate": "PhD-educated",
    "master": "master's-educated",
    "masters": "master's-educated",
    "graduation": "graduate",
    "graduate": "graduate",
    "bachelor": "graduate",
    "basic": "basic-educated",
    "high school": "high-school-educated",
    # ISLP's Wage (its numbers taken off: "1. < HS Grad" ... "5. Advanced Degree").
    "< hs grad": "no-diploma",
    "hs grad": "high-school-educated",
    "some college": "some-college",
    "college grad": "college-educated",
    "advanced degree": "advanced-degree",
}


def categorical_phrase(tokens: tuple[str, ...], value: str) -> Phrase | None:
    """The phrase an over-represented value of a categorical column gives, or None."""
    words = set(tokens)
    plain = " ".join(value.replace("_", " ").split())
    if not plain:
        return None
    if re.fullmatch(r"[\d.,\-]+", plain):
        label = " ".join(token for token in tokens if token not in _FILLER) or "group"
        return Phrase(f"{label} {plain}", "modifier", weak=True)
    if words & {"marital", "maritl", "relationship", "civil"}:
        status = _MARITAL.get(plain.lower())
        return Phrase(status, "modifier") if status else None
    if words & {"education", "degree", "qualification", "schooling"}:
        hyphenated = "-".join(_cased(word) for word in plain.split())
        return Phrase(_EDUCATION.get(plain.lower(), f"{hyphenated}-educated"), "modifier")
    if len(plain.split()) > 2:
        return None
    if words & _PLACES:
        return Phrase(f"{'-'.join(plain.split())}-based", "place")
    weekday = _WEEKDAYS.get(plain.lower().rstrip("."))
    if weekday is not None:
        # "Thur" in a day column is Thursday; a weekday is a proper noun and leads ("Thursday lunch bills").
        return Phrase(weekday, "modifier", order=1)
    if plain.lower() in _MEALS:
        return Phrase(plain.lower(), "modifier", order=2)
    hyphenated = "-".join(_cased(word) for word in plain.split())
    if words & {"channel", "source", "acquisition", "acquired", "referrer", "utm", "medium"} and " " not in plain:
        return Phrase(f"{hyphenated}-acquired", "modifier", weak=True)
    return Phrase(hyphenated, "modifier", weak=not words & _NAMED_CATEGORIES)


_INTEREST_GROUPS: tuple[tuple[tuple[str, ...], Phrase], ...] = (
    (
        ("gaming", "games", "game", "video games", "videogames", "esports", "gamer"),
        Phrase("gamers", "noun", alone="video gamers"),
    ),
    (("fitness", "gym", "workout", "workouts", "exercise", "crossfit"), Phrase("fitness fans", "noun")),
    (("running", "runner"), Phrase("runners", "noun", alone="keen runners")),
    (("travel", "travelling", "traveling", "trips"), Phrase("travellers", "noun", alone="travel lovers")),
    (("food", "cooking", "recipes", "foodie", "baking"), Phrase("foodies", "noun", alone="food lovers")),
    (("books", "reading", "literature", "book"), Phrase("readers", "noun", alone="book readers")),
    (("beauty", "makeup", "skincare", "cosmetics"), Phrase("beauty fans", "noun")),
    (("tech", "technology", "gadgets"), Phrase("tech fans", "noun")),
    (("sports", "sport"), Phrase("sports fans", "noun")),
    (("art", "arts"), Phrase("art lovers", "noun")),
    (("pets", "dogs", "cats", "pet"), Phrase("pet lovers", "noun")),
    (("parenting", "family"), Phrase("parents", "noun", alone="parenting fans")),
    (("finance", "investing", "money", "personal finance"), Phrase("investors", "noun", alone="investing fans")),
    (("outdoors", "hiking", "camping", "outdoor"), Phrase("outdoor fans", "noun")),
    (("movies", "film", "films", "cinema"), Phrase("film fans", "noun")),
    (("wellness", "yoga", "meditation", "mindfulness"), Phrase("wellness fans", "noun")),
    (("gardening", "garden"), Phrase("gardeners", "noun", alone="gardening fans")),
    (("cars", "auto", "automotive"), Phrase("car fans", "noun")),
    (("home decor", "decor", "interior design", "home"), Phrase("home decor fans", "noun")),
    (("news", "politics"), Phrase("news readers", "noun")),
    (
        ("god", "church", "jesus", "bible", "religion", "faith"),
        Phrase("churchgoers", "noun", alone="regular churchgoers"),
    ),
    (("sex", "sexy", "hot", "kissed", "cute", "dating"), Phrase("romance talkers", "noun")),
    (("drunk", "drugs", "party", "partying"), Phrase("party-goers", "noun", alone="keen party-goers")),
    (("die", "death"), Phrase("dark-topic posters", "noun")),
    (("shopping", "mall", "clothes", "dress", "hair", "blonde", "fashion", "style"), Phrase("fashion fans", "noun")),
    (("band", "marching"), Phrase("band members", "noun")),
    (("cheerleading",), Phrase("cheerleaders", "noun", alone="cheerleading fans")),
)
_INTERESTS: dict[str, Phrase] = {key: phrase for keys, phrase in _INTEREST_GROUPS for key in keys}


def interest_noun(interest: str) -> Phrase:
    """The head noun for a segment drawn to an interest: "gamers", "fitness fans", "swimming fans"."""
    key = " ".join(tokens_of(interest))
    if key in _INTERESTS:
        return _INTERESTS[key]
    words = key.split()[-2:] or [interest.strip().lower()]
    return Phrase(f"{' '.join(_cased(word) for word in words)} fans", "noun")


def _cased(word: str) -> str:
    """A value as it reads inside a sentence: proper names and acronyms kept, plain words lower-cased."""
    if word.lower() in PROPER_WORDS:
        return PROPER_WORDS[word.lower()]
    if word.isupper():
        return word if len(word) <= 4 else word.lower()
    return word if any(ch.isupper() for ch in word[1:]) else word.lower()
