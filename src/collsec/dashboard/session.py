"""The app's state in a Streamlit session, mirrored in the URL.

The state (:mod:`collsec.dashboard.urlstate`) is read from the query string
once per session and kept in ``st.session_state``; widgets are bound to it by
key (:func:`widget`), so a language switch or a page change keeps every value,
and :func:`sync_url` writes it back to the query string after every run.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from collsec.dashboard import urlstate
from collsec.i18n import available_languages, get_language

STATE = "_collsec_state"
PROBLEMS = "_collsec_url_problems"


def state() -> dict[str, Any]:
    """The session's state, read from the URL on the session's first run."""
    if STATE not in st.session_state:
        decoded, problems = urlstate.decode(st.query_params.to_dict())
        st.session_state[STATE] = decoded
        st.session_state[PROBLEMS] = problems
    value: dict[str, Any] = st.session_state[STATE]
    return value


def url_problems() -> list[str]:
    """Fields of the URL that were dropped, with why."""
    problems: list[str] = st.session_state.get(PROBLEMS, [])
    return problems


def key(name: str, value: Any, translated: bool = False) -> str:
    """The widget key of state field ``name``, seeded with ``value`` if the widget is new.

    Streamlit forgets a widget's value when it is not drawn in a run (another
    page); the state keeps it, and this puts it back before the widget is drawn.
    A widget whose options are shown translated (``translated``) gets a key per
    language: the browser matches a choice by its shown label, so a switch of
    language draws it anew, from the state.
    """
    k = f"w.{get_language()}.{name}" if translated else f"w.{name}"
    if k not in st.session_state:
        st.session_state[k] = value
    return k


def forget(name: str) -> None:
    """Drop a widget's value, so the next draw takes it from the state."""
    st.session_state.pop(f"w.{name}", None)
    for lang in available_languages():
        st.session_state.pop(f"w.{lang}.{name}", None)


def sync_url(s: dict[str, Any]) -> None:
    """Write the state to the query string (only when it changed)."""
    wanted = urlstate.encode(s)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
