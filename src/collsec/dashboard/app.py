"""The Streamlit script of the teaching app (``collsec dashboard`` runs it).

Each run: read the state (URL on a session's first run), set the language,
draw the sidebar (language, page) and the page, write the state back to the
URL. Everything a user sees goes through :func:`collsec.i18n._` or a content
file of the chosen language.
"""

from __future__ import annotations

import streamlit as st

from collsec.dashboard import cache, session, urlstate
from collsec.i18n import _, available_languages, get_language, set_thread_language

LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia"}

_CSS = """
<style>
/* readable at phone width: charts and tables never wider than the screen */
img, [data-testid="stImage"] img { max-width: 100%; height: auto; }
</style>
"""


def _page_label(page: str) -> str:
    return {
        "learn": _("Learn"),
        "explore": _("Explore"),
        "history": _("History"),
        "glossary": _("Glossary"),
    }[page]


def main() -> None:
    """Draw the app once (Streamlit calls the script on every interaction)."""
    st.set_page_config(page_title="collsec", layout="wide", initial_sidebar_state="auto")
    cache.warm()
    s = session.state()
    langs = available_languages()
    # This session's language, in this run's thread only: another user's
    # session on the same server keeps its own. Unset, it is the server's
    # (--lang, COLLSEC_LANG).
    set_thread_language(None)
    chosen = st.session_state.get("w.lang") or s["lang"] or get_language()
    set_thread_language(chosen if chosen in langs else "en")
    st.markdown(_CSS, unsafe_allow_html=True)
    with st.sidebar:
        st.title(_("Collective security"))
        st.caption(_("See collective security work, and fail."))
        lang = st.selectbox(
            _("Language / Bahasa"),
            langs,
            format_func=lambda c: LANGUAGE_NAMES.get(c, c),
            key=session.key("lang", chosen),
        )
        s["lang"] = lang
        page = st.radio(
            _("Page"),
            urlstate.PAGES,
            format_func=_page_label,
            key=session.key("page", s["page"], translated=True),
        )
        s["page"] = page
    for problem in session.url_problems():
        st.warning(_("Part of the link was ignored: {problem}").format(problem=problem))
    if page == "learn":
        from collsec.dashboard import learn

        learn.render(s)
    elif page == "explore":
        from collsec.dashboard import explore

        explore.render(s)
    elif page == "history":
        from collsec.dashboard import history_page

        history_page.render(s)
    else:
        from collsec.dashboard import glossary_page

        glossary_page.render(s)
    session.sync_url(s)


main()
