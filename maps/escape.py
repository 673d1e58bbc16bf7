"""Make data-derived text inert in HTML, JavaScript template literals and Jinja."""

from __future__ import annotations

import html
import math
from urllib.parse import urlsplit

__all__ = ["safe_link", "safe_text", "safe_url"]

_NEUTRALISE = str.maketrans(
    {
        "\\": "&#92;",
        "`": "&#96;",
        "$": "&#36;",
        "{": "&#123;",
        "}": "&#125;",
    }
)


def safe_text(value: object) -> str:
    """
    Return `value` as text that displays literally wherever folium puts it.

    HTML metacharacters are escaped (quotes included), and so are the
    characters that a JavaScript template literal (backslash, backtick, ``$``)
    or folium's Jinja re-rendering pass (``{``, ``}``) would interpret.
    None and NaN become the empty string.

    Examples
    --------
    >>> safe_text("<b>{{7*7}}</b>")
    '&lt;b&gt;&#123;&#123;7*7&#125;&#125;&lt;/b&gt;'
    >>> safe_text(None)
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_NEUTRALISE)


def safe_url(value: object) -> str | None:
    """
    Return an escaped ``http(s)`` URL, or None for anything else.

    Examples
    --------
    >>> safe_url("https://example.org/a?b=1&c=2")
    'https://example.org/a?b=1&amp;c=2'
    >>> safe_url("javascript:alert(1)") is None
    True
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return safe_text(text)


def safe_link(text: object, url: object) -> str:
    """
    Return escaped `text` as a link to `url` when `url` is ``http(s)``, else as text.

    With no `text`, a valid `url` is shown as its own text. Links open in a new
    tab with ``rel="noopener noreferrer"``.

    Examples
    --------
    >>> safe_link("<Report>", "https://example.org/r")  # doctest: +ELLIPSIS
    '<a href="https://example.org/r" ...>&lt;Report&gt;</a>'
    >>> safe_link("Report", "javascript:alert(1)")
    'Report'
    """
    label = safe_text(text)
    href = safe_url(url)
    if href is None:
        return label
    return (
        f'<a href="{href}" target="_blank" rel="noopener noreferrer">'
        f"{label or href}</a>"
    )
