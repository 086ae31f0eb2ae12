"""The name a message offers for a mistyped one («Có phải ý bạn là …?»): a criteria set's id, a base set's
id, a YAML key. One rule for all of them: the closest known name by difflib's ratio, at least 0.6 alike."""
from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word`` («xa_ntm_2026_203» -> «xa_ntm_2026_2030»), or None when none is close."""
    import difflib  # lazy: only for a message that suggests a name

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` Có phải ý bạn là «…»?`` after a sentence that names ``word``, or nothing when no choice is close."""
    guess = closest(word, choices)
    return f" Có phải ý bạn là «{guess}»?" if guess else ""
