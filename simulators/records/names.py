"""Name matching keys: folded, spelling-variant and sound-alike forms of a name.

Why: the same person is recorded as "O'Brien", "OBRIEN" and "O Brien", as "Stephen" and "Steven",
as "McDonald" and "Mac Donald" (docs/domain.md 6). Search compares three keys, strongest first:

* ``fold``: case-folded, accents stripped (NFKD), anything but letters and digits removed;
* ``variant_key``: the fold, with ``Mc`` read as ``Mac`` (surnames) and spelling variants from a
  table mapped to one representative;
* ``soundex``: American Soundex (the US National Archives rules: H and W do not separate letters
  with the same code, vowels do) of the variant key; empty for names without Latin letters, which
  then never match phonetically. Implemented here because it is 20 lines and fully specified;
  a maintained library (jellyfish) would be an extra dependency for no gain.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

from simulators.domain.names import FORENAME_GROUPS, SURNAME_GROUPS

# Letters NFKD does not decompose into a base letter plus marks.
_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ł": "l",
        "ŀ": "l",
        "þ": "th",
        "ð": "d",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
    }
)

#: Further spellings search treats as the same name, on top of the shared table in
#: ``simulators.domain.names`` (the first of each group is a name already in that table).
_MORE_FORENAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Steven", "Stevan"),
    ("Mohammed", "Muhammed", "Mohamad", "Mohamud"),
    ("Sean", "Shaune"),
    ("Catherine", "Catharine", "Katharine", "Kathrine"),
    ("Geoffrey", "Jeffery"),
    ("Hayley", "Hailey"),
    ("Yusuf", "Yusef", "Yousuf"),
    ("Jonathan", "Jonathon"),
    ("Zoe", "Zoey"),
)
_MORE_SURNAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Chowdhury", "Chaudhry"),
    ("Mohammed", "Muhammad"),
)


def fold(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form: "O'Brien-Zoë" -> "obrienzoe"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum()).translate(_SPECIAL)


def _table(groups: Iterable[Iterable[str]], prefix_rule: bool) -> dict[str, str]:
    """folded name -> representative, merging groups that share a name (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for group in groups:
        keys = [_prefix(fold(n)) if prefix_rule else fold(n) for n in group]
        keys = [k for k in keys if k]
        for k in keys[1:]:
            a, b = find(keys[0]), find(k)
            if a != b:
                parent[b] = a
    return {k: find(k) for k in list(parent)}


def _prefix(key: str) -> str:
    return "mac" + key[2:] if key.startswith("mc") and len(key) > 2 else key


_FORENAMES = _table([*FORENAME_GROUPS, *_MORE_FORENAME_GROUPS], prefix_rule=False)
_SURNAMES = _table([*SURNAME_GROUPS, *_MORE_SURNAME_GROUPS], prefix_rule=True)


def forename_variant(name: str) -> str:
    key = fold(name)
    return _FORENAMES.get(key, key)


def surname_variant(name: str) -> str:
    key = _prefix(fold(name))
    return _SURNAMES.get(key, key)


_CODES = {
    c: d
    for letters, d in (("BFPV", "1"), ("CGJKQSXZ", "2"), ("DT", "3"), ("L", "4"), ("MN", "5"), ("R", "6"))
    for c in letters
}


def soundex(key: str) -> str:
    """American Soundex of the ASCII letters of `key` ("" when it has none)."""
    letters = [c for c in key.upper() if "A" <= c <= "Z"]
    if not letters:
        return ""
    out, last = letters[0], _CODES.get(letters[0], "")
    for c in letters[1:]:
        if c in "HW":
            continue
        code = _CODES.get(c, "")
        if code and code != last:
            out += code
        last = code
    return (out + "000")[:4]


@functools.lru_cache(maxsize=65536)
def surname_keys(name: str) -> tuple[str, str, str]:
    """(fold, variant, soundex) of a surname."""
    variant = surname_variant(name)
    return fold(name), variant, soundex(variant)


@functools.lru_cache(maxsize=65536)
def forename_keys(name: str) -> tuple[str, str, str]:
    """(fold, variant, soundex) of a forename."""
    variant = forename_variant(name)
    return fold(name), variant, soundex(variant)


def compare(query: tuple[str, str, str], stored: tuple[str, str, str]) -> str | None:
    """How a stored name matches a query: "exact", "variant", "phonetic" or None."""
    if query[0] and query[0] == stored[0]:
        return "exact"
    if query[1] and query[1] == stored[1]:
        return "variant"
    if query[2] and query[2] == stored[2]:
        return "phonetic"
    return None


FACTORS = {"exact": 1.0, "variant": 0.85, "phonetic": 0.7}
