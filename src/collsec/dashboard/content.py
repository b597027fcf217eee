"""Chapter texts and the glossary: content files, one per language.

A chapter file is Markdown (``content/<lang>/ch<N>.md``). Its first line is
the title (``# ...``); the rest is split into named sections by marker lines
``<!-- section: NAME -->`` (``intro``, ``try``, ``debrief``, ...), so a
translator edits prose, never code. The glossary (``content/glossary.yaml``)
holds every term in both languages, so the app can show them side by side.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

from collsec.errors import CollsecError
from collsec.i18n import ENGLISH, _

_MARKER = re.compile(r"^<!--\s*section:\s*([a-z_]+)\s*-->\s*$")


def _folder() -> Any:
    return resources.files("collsec.dashboard") / "content"


def parse_sections(text: str, source: str = "<text>") -> dict[str, str]:
    """Split a chapter file into ``{"title": ..., section: markdown, ...}``.

    Raises
    ------
    CollsecError
        If the file does not start with a ``# `` title, or names a section twice.

    Examples
    --------
    >>> parse_sections("# T\\n<!-- section: intro -->\\nHello\\n")
    {'title': 'T', 'intro': 'Hello'}
    """
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise CollsecError(_("a chapter file must start with a '# ' title line"), source=source)
    out: dict[str, str] = {"title": lines[0][2:].strip()}
    name: str | None = None
    body: list[str] = []

    def flush() -> None:
        if name is not None:
            out[name] = "\n".join(body).strip()

    for k, line in enumerate(lines[1:], start=2):
        m = _MARKER.match(line)
        if m:
            flush()
            name, body = m.group(1), []
            if name in out:
                raise CollsecError(
                    _("section {name!r} appears twice").format(name=name), source=source, line=k
                )
        else:
            body.append(line)
    flush()
    return out


@cache
def chapter_text(lang: str, number: int) -> dict[str, str]:
    """The sections of chapter ``number`` in ``lang`` (English if not translated)."""
    for code in (lang, ENGLISH):
        res = _folder() / code / f"ch{number}.md"
        if res.is_file():
            return parse_sections(res.read_text(encoding="utf-8"), f"{code}/ch{number}.md")
    raise CollsecError(
        _("no text for chapter {n}").format(n=number), source=f"content/{lang}/ch{number}.md"
    )


@cache
def glossary() -> list[dict[str, Any]]:
    """Every glossary entry: ``{"claim": ..., "en": {term, definition}, "id": {...}}``.

    Raises
    ------
    CollsecError
        If an entry lacks a language or a field.
    """
    data = yaml.safe_load((_folder() / "glossary.yaml").read_text(encoding="utf-8"))
    entries = data.get("terms", []) if isinstance(data, dict) else []
    for k, e in enumerate(entries):
        for code in ("en", "id"):
            part = e.get(code) if isinstance(e, dict) else None
            if not isinstance(part, dict) or not part.get("term") or not part.get("definition"):
                raise CollsecError(
                    _("needs a term and a definition in {lang}").format(lang=code),
                    source="glossary.yaml",
                    field=f"terms[{k}].{code}",
                )
    return list(entries)
