"""Place-name keys for matching: folding, transliteration and qualifier words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["PRECISIONS", "loose_key", "name_key", "split_qualifier"]

#: Geocoding precisions from finest to coarsest (ACLED-style levels).
PRECISIONS = ("point", "town", "district", "region", "country")

# Kazakh letters first fold to their nearest Russian letter, then Cyrillic is
# romanised the way English-language press usually spells these names.
_KAZAKH = str.maketrans("ёқңүұөәіғһ", "екнууоаигх")
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_ROMANISE = str.maketrans(_CYRILLIC)
# Latin letters that ASCII folding keeps apart from their plain form.
_LATIN = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "ə": "a"})

# Words that say what kind of place a name is; stripped from the name and
# kept as a hint. Matched on whole words after folding (so "область" and
# "oblast" both appear romanised).
_QUALIFIERS = {
    "region": (
        "oblast", "oblasti", "oblys", "oblysy", "oblysi", "oblystyn", "region",
        "province", "obl",
    ),
    "district": (
        "district", "rayon", "rayona", "rayone", "raion", "audany", "audani",
        "audanynda", "rn",
    ),
    "town": (
        "g", "gor", "gorod", "goroda", "gorode", "kalasy", "kalasi", "city",
        "town", "village", "selo", "pos", "poselok", "aul", "s",
    ),
    "point": (
        "checkpoint", "kpp", "crossing", "post", "border crossing",
        "punkt propuska", "ptp", "otkizu punkti", "customs post", "beket",
        "beketi", "tamozhennyy", "tamozhnya", "kedendik",
    ),
}  # fmt: skip
_WORD_KIND = {w: kind for kind, words in _QUALIFIERS.items() for w in words}
_MULTI = sorted((w for w in _WORD_KIND if " " in w), key=len, reverse=True)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Russian adjectives of units: Сарыагашский район, Павлодарской области
_ADJECTIVE = re.compile(r"(?<=[a-z]{3})sk(iy|aya|oy|uyu|ogo|om|ikh|ie|oe)$")
_LEADING = ("the", "in", "near", "v", "vo")
# Loose spelling: the usual Latin variants of one Cyrillic letter.
_LOOSE = (("dzh", "zh"), ("kh", "h"), ("j", "zh"), ("q", "k"), ("y", "i"),
          ("w", "v"), ("x", "h"), ("ts", "c"))  # fmt: skip
_DOUBLE = re.compile(r"(.)\1+")


def _fold(text: str) -> str:
    """Casefold, romanise Cyrillic and drop accents: ``"Шымкент"`` -> ``"shymkent"``."""
    text = text.casefold().translate(_KAZAKH).translate(_ROMANISE).translate(_LATIN)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def split_qualifier(text: str) -> tuple[str, str | None]:
    """
    Return the match key of `text` and the kind its qualifier word names.

    Parameters
    ----------
    text
        A place name in any script, for example ``"Сарыағаш ауданы"``.

    Returns
    -------
    tuple of str and str or None
        The key (lower-case ASCII letters and digits, no spaces) and
        ``"region"``, ``"district"``, ``"town"``, ``"point"`` or None.

    Examples
    --------
    >>> split_qualifier("Сарыағаш ауданы")
    ('saryagash', 'district')
    >>> split_qualifier("g. Shymkent")
    ('shymkent', 'town')
    """
    folded = " ".join(_NON_ALNUM.sub(" ", _fold(text)).split())
    kind = None
    for phrase in _MULTI:
        padded = f" {folded} "
        if f" {phrase} " in padded:
            folded = padded.replace(f" {phrase} ", " ").strip()
            kind = _WORD_KIND[phrase]
    words = folded.split()
    while len(words) > 1 and words[0] in _LEADING:
        words = words[1:]
    kept = []
    for word in words:
        if word in _WORD_KIND and len(words) > 1:
            kind = kind or _WORD_KIND[word]
            continue
        kept.append(word)
    if kind in ("region", "district"):  # Сарыагашский район -> saryagash
        kept = [_ADJECTIVE.sub("", w) for w in kept]
    return "".join(kept), kind


def name_key(text: str) -> str:
    """
    Return the exact-match key of a place name (see `split_qualifier`).

    Examples
    --------
    >>> name_key("Усть-Каменогорск") == name_key("Ust-Kamenogorsk")
    True
    """
    return split_qualifier(text)[0]


@lru_cache(maxsize=200_000)
def loose_key(key: str) -> str:
    """
    Return the loose key of a match `key`: Latin spelling variants merged.

    Examples
    --------
    >>> loose_key(name_key("Shymkent")) == loose_key(name_key("Shimkent"))
    True
    >>> loose_key(name_key("Dzhambul")) == loose_key(name_key("Jambul"))
    True
    """
    for old, new in _LOOSE:
        key = key.replace(old, new)
    return _DOUBLE.sub(r"\1", key)
