"""Scraped text made inert for HTML: entities escaped everywhere (text and attribute values).

Why not only ``html.escape``: control characters and bidirectional overrides are also dropped
("Trojan source" text that displays in another order than it reads), as the other renderers do.
"""

from __future__ import annotations

import html
import re

# C0/C1 controls except tab and newline, and the bidirectional overrides and isolates.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def esc(text: object) -> str:
    """Text for an HTML text node or a quoted attribute value."""
    return html.escape(_CONTROL.sub(" ", str(text)), quote=True)

