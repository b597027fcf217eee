"""Glossary: the theory's terms in English and Bahasa Indonesia, side by side."""

from __future__ import annotations

from typing import Any

import streamlit as st

from collsec.dashboard.content import glossary
from collsec.i18n import _, get_language


def render(s: dict[str, Any]) -> None:
    """Draw the glossary (both languages; the app's language first)."""
    del s
    st.header(_("Glossary"))
    first, second = ("id", "en") if get_language() == "id" else ("en", "id")
    rows = [
        {
            _("claim"): e.get("claim", ""),
            _("term"): e[first]["term"],
            _("in the other language"): e[second]["term"],
            _("meaning"): e[first]["definition"],
        }
        for e in glossary()
    ]
    st.table(rows)
