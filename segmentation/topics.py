"""The topic vocabulary: creator categories and customer interests folded onto shared interest words.

Creator catalogs say "Sports with a ball", "Health & Fitness" or "Cinema & Actors/actresses"; audience files
say "soccer", "gym" or "movies". Both sides go through `interest_keys`, so a segment that over-indexes on
"gym" finds creators filed under "Fitness & Gym".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Interest word -> the phrases and words that mean it (already folded: lower case, no accents).
VOCABULARY: dict[str, tuple[str, ...]] = {
    "fitness": (
        "fitness",
        "gym",
        "workout",
        "workouts",
        "yoga",
        "running",
        "bodybuilding",
        "crossfit",
        "pilates",
        "wellness",
        "trainers",
        "coaches",
        "exercise",
        "health",
    ),
    "sports": (
        "sports",
        "sport",
        "sports with a ball",
        "football",
        "soccer",
        "basketball",
        "baseball",
        "tennis",
        "volleyball",
        "softball",
        "cricket",
        "athletics",
        "swimming",
        "cheerleading",
        "racing sports",
        "racing",
        "winter sports",
        "water sports",
        "golf",
        "nfl",
        "nba",
        "hockey",
        "cycling",
    ),
    "gaming": ("gaming", "games", "game", "video games", "videogames", "esports", "gamer", "gamers", "twitch"),
    "tech": (
        "tech",
        "technology",
        "technologies",
        "science & technology",
        "computers",
        "computers & gadgets",
        "gadgets",
        "electronics",
        "software",
        "programming",
        "coding",
        "machinery & technologies",
        "machinery",
        "ai",
        "nft",
        "crypto",
    ),
    "beauty": ("beauty", "makeup", "cosmetics", "skincare", "skin care", "hair", "nails", "blonde"),
    "fashion": (
        "fashion",
        "clothing",
        "clothing & outfits",
        "clothes",
        "outfits",
        "style",
        "modeling",
        "models",
        "dress",
        "accessories",
        "jewellery",
        "jewelry",
        "luxury",
        "shopping",
        "shopping & retail",
        "mall",
        "hollister",
        "abercrombie",
    ),
    "cooking": (
        "cooking",
        "food",
        "food & drinks",
        "food & cooking",
        "recipes",
        "baking",
        "cuisine",
        "chef",
        "drinks",
        "foodie",
    ),
    "finance": (
        "finance",
        "finance & economics",
        "investing",
        "investment",
        "money",
        "economics",
        "business",
        "business & careers",
        "careers",
        "stocks",
        "management & marketing",
        "marketing",
        "personal finance",
        "entrepreneurship",
    ),
    "parenting": (
        "parenting",
        "family",
        "kids",
        "kids & toys",
        "toys",
        "moms",
        "mom",
        "dads",
        "parents",
        "children",
        "baby",
        "babies",
    ),
    "music": (
        "music",
        "music & dance",
        "dance",
        "dancing",
        "band",
        "rock",
        "singer",
        "singers",
        "hip hop",
        "rap",
        "marching",
        "concerts",
        "pop",
        "kpop",
    ),
    "travel": (
        "travel",
        "travelling",
        "traveling",
        "tourism",
        "adventure",
        "nature & landscapes",
        "nature",
        "landscapes",
        "outdoors",
        "hiking",
    ),
    "movies": (
        "movies",
        "movie",
        "cinema",
        "cinema & actors/actresses",
        "actors",
        "actresses",
        "film",
        "films",
        "shows",
        "tv",
        "series",
        "animation",
        "anime",
        "entertainment",
    ),
    "humor": (
        "humor",
        "humour",
        "comedy",
        "memes",
        "humor & fun & happiness",
        "fun",
        "comics & sketches",
        "sketches",
        "pranks",
    ),
    "lifestyle": ("lifestyle", "daily vlogs", "vlogs", "vlog", "diy & life hacks", "diy", "life hacks", "asmr"),
    "art": ("art", "art/artists", "artists", "design", "design/art", "photography", "drawing", "painting", "comics"),
    "education": ("education", "learning", "science", "health & self help", "self help", "courses"),
    "books": (
        "books",
        "book",
        "reading",
        "literature",
        "literature & journalism",
        "booktok",
        "writers",
        "novels",
        "poetry",
    ),
    "news": ("news", "news & politics", "politics", "journalism", "current affairs"),
    "wine": ("wine", "wines", "wine & spirits", "sommelier", "winery", "vino", "spirits", "cocktails"),
    "home": (
        "home decor",
        "home & garden",
        "gardening",
        "garden",
        "interior design",
        "interiors",
        "decor",
        "plants",
        "houseplants",
    ),
    "animals": ("animals", "animals & pets", "pets", "dogs", "cats"),
    "cars": ("cars", "car", "cars & motorbikes", "motorbikes", "autos & vehicles", "autos", "vehicles", "automotive"),
    "religion": ("religion", "god", "church", "jesus", "bible", "faith"),
}

# Words that carry no topic on their own ("Sports *with a* ball", "Humor *&* Fun").
_STOP_WORDS = frozenset(
    {
        "and",
        "with",
        "a",
        "the",
        "of",
        "for",
        "in",
        "on",
        "&",
        "fun",
        "happiness",
        "self",
        "help",
        "life",
        "hacks",
        "ball",
        "daily",
        "content",
    }
)

_PHRASES: dict[str, str] = {phrase: interest for interest, phrases in VOCABULARY.items() for phrase in phrases}


def fold_topic(text: str) -> str:
    """Lower case, accents removed, spaces collapsed; `&` and `/` kept (they are part of category names)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = re.sub(r"[^a-z0-9&/ ]+", " ", ascii_only.lower().replace("-", " ").replace("_", " "))
    return " ".join(cleaned.split())


@lru_cache(maxsize=8192)
def interest_keys(topic: str) -> frozenset[str]:
    """The interest words a creator category or customer interest stands for (itself, folded, if unknown)."""
    folded = fold_topic(topic)
    if not folded:
        return frozenset()
    if folded in _PHRASES:
        return frozenset({_PHRASES[folded]})
    found = {_PHRASES[part] for part in _parts(folded) if part in _PHRASES}
    return frozenset(found) if found else frozenset({folded})


def _parts(folded: str) -> list[str]:
    """Pieces of a compound category: "cinema & actors/actresses" -> cinema, actors, actresses (and singulars)."""
    pieces = [piece.strip() for piece in re.split(r"[&/]|\band\b", folded) if piece.strip()]
    words = [word for piece in pieces for word in piece.split() if word not in _STOP_WORDS]
    singulars = [word[:-1] for word in words if word.endswith("s") and len(word) > 3]
    return pieces + words + singulars


@lru_cache(maxsize=8192)
def split_topics(text: str) -> tuple[str, ...]:
    """Topics as people type them in one cell: separated by `;`, `|` or `,` (order kept, duplicates dropped)."""
    seen: dict[str, None] = {}
    for piece in re.split(r"[;|,]", text):
        topic = " ".join(piece.split())
        if topic and topic.lower() not in {t.lower() for t in seen}:
            seen[topic] = None
    return tuple(seen)
