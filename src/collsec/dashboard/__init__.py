"""The teaching dashboard: a bilingual, offline Streamlit app (``collsec dashboard``).

Optional extra: ``pip install "collsec[dashboard]"``. Nothing here imports
Streamlit at import time except :mod:`collsec.dashboard.app` (the script the
server runs) and the page modules it calls, so ``collsec`` works without the
extra and says how to install it.

Layout
------
- :mod:`~collsec.dashboard.commands`: the ``collsec dashboard`` command and
  the server's offline configuration.
- :mod:`~collsec.dashboard.urlstate`: the whole state in the URL.
- :mod:`~collsec.dashboard.content`: chapter texts and the glossary (content
  files, one per language, under ``content/``).
- :mod:`~collsec.dashboard.chapters`: the seven guided chapters (one lever,
  one question, one run each).
- :mod:`~collsec.dashboard.words`: the diagnosis of a crisis in words.
- :mod:`~collsec.dashboard.runs`: the runs the pages show (small, cached).
- :mod:`~collsec.dashboard.network`: the state system as a network.
- :mod:`~collsec.dashboard.app` and the page modules ``learn``, ``explore``,
  ``history``, ``glossary``.
"""
