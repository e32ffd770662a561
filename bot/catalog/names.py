"""How creators are named in the catalog: handles without `@` in lower case, platforms by one spelling."""

from __future__ import annotations

import re
from functools import lru_cache

_PLATFORM_ALIASES = {
    "ig": "instagram",
    "insta": "instagram",
    "instagram": "instagram",
    "tiktok": "tiktok",
    "tik tok": "tiktok",
    "tt": "tiktok",
    "douyin": "tiktok",
    "youtube": "youtube",
    "yt": "youtube",
    "you tube": "youtube",
    "youtube shorts": "youtube",
    "twitter": "x",
    "x": "x",
    "x twitter": "x",
    "twitch": "twitch",
    "facebook": "facebook",
    "fb": "facebook",
    "snapchat": "snapchat",
    "pinterest": "pinterest",
    "linkedin": "linkedin",
    "threads": "threads",
    "kwai": "kwai",
    "bluesky": "bluesky",
}


@lru_cache(maxsize=65536)
def normalize_handle(text: str) -> str:
    """`@Cristiano ` -> `cristiano` (handles are case-insensitive on every platform Segbot knows)."""
    return text.strip().lstrip("@").strip().lower()


_PROFILE_URL = re.compile(
    r"(?i)^(?:https?://)?(?:www\.|m\.)?(?:instagram\.com|tiktok\.com|youtube\.com|youtu\.be|x\.com|twitter\.com)"
    r"/+(?:c/|user/|channel/)?@?(?P<handle>[^/?#\s]+)"
)


def handle_from_cell(text: str) -> str:
    """A handle from a cell as exports write it: `@Ana`, `ana`, or a profile link
    (`https://www.instagram.com/ana.fit/`, `youtube.com/@ChefLu`, `tiktok.com/@joe?lang=en`)."""
    found = _PROFILE_URL.match(text.strip()) if "." in text and "/" in text else None
    return normalize_handle(found.group("handle") if found else text)


@lru_cache(maxsize=1024)
def normalize_platform(text: str) -> str:
    """`IG`, `Insta`, `Instagram` -> `instagram`; an unknown platform is kept as one lower-case word."""
    folded = " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
    return _PLATFORM_ALIASES.get(folded, folded.replace(" ", ""))


def platform_in(text: str) -> str | None:
    """The platform a header or file name mentions (`Influencer insta name`, `youtuber name`), if any."""
    folded = text.lower()
    for hint, platform in (("insta", "instagram"), ("tiktok", "tiktok"), ("youtube", "youtube")):
        if hint in folded:
            return platform
    words = re.findall(r"[a-z]+", folded)
    for hint, platform in (("ig", "instagram"), ("tt", "tiktok"), ("yt", "youtube")):
        if hint in words:
            return platform
    return None
