"""A case book from International Crisis Behavior: ``collsec cases from-icb``.

One row per ICB crisis with a state aggressor and a state victim, in the
schema of ``shared/data/cases/README.md``, so that ``collsec cases evaluate``
reads it. Every crisis of the chosen years that cannot be mapped is listed
with the reason (:attr:`IcbBook.unmapped`), never dropped in silence. The
mapping is general: it reads only ICB's codes, never a crisis' number, name,
year or states. docs/history.md ("The ICB case book") gives it in full:

- **Parties** (actor level, ``icb2``): the victim is the first crisis actor
  (earliest trigger, then ICB's actor number) whose crisis was triggered by a
  military act (``triggr`` 7, non-violent military act, or 9, violent act) of
  another state (``trigent`` a state code); in a crisis with serious clashes
  or war (system ``viol`` 3-4) and no such actor, the first actor whose crisis
  another state triggered by any act. The aggressor is the triggering state. ICB's
  Gleditsch-Ward codes become COW codes (:func:`collsec.data.gwcow.gw_to_cow`)
  and both states must be in the COW state system in the crisis' year.
- **Organisation** by the trigger year (``yrtrig``): the League 1920-1939, the
  UN from 1945; none in 1918-1919 and 1940-1944.
- **Designation and action** (system level, ``icb1``): from the content of the
  organisation's involvement (``globactm``) and its highest organ
  (``globorg``): :data:`ACTIVITY`. A finding (``designated`` yes) is a
  condemnation, a call on the adversaries to cease fire or withdraw,
  sanctions, authorised force or an emergency force, decided by the Council
  or the Assembly (``globorg`` 4 or 5); the action is ``sanctions`` for
  sanctions and ``military`` for authorised or emergency force.
- **Reversal** (actor level ``outcom`` of victim and aggressor, and the
  termination year): :func:`reversal`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from collsec import data
from collsec.atomic import write_text
from collsec.data.gwcow import NO_COW, NON_STATE, gw_to_cow
from collsec.errors import CollsecError
from collsec.history.agenda import ICB_COLUMNS, onset_codes
from collsec.history.evaluate import REQUIRED
from collsec.i18n import N_, _

__all__ = [
    "ACTIVITY",
    "MILITARY_TRIGGERS",
    "REASONS",
    "VIOLENT",
    "IcbBook",
    "build_icb_book",
    "icb_case_book",
    "organisation_of",
    "recorded_response",
    "reversal",
    "write_icb_book",
]

#: ICB ``triggr`` codes that count as aggression: 7 non-violent military act
#: (show of force, mobilisation, movement of forces), 9 violent act (border
#: clash or crossing, invasion of air space, attack, war).
MILITARY_TRIGGERS: frozenset[int] = frozenset({7, 9})

#: ICB ``viol`` (system level) codes of a crisis that turned violent: 3 serious
#: clashes, 4 full-scale war. In such a crisis a state's trigger of any kind
#: (e.g. the Walwal incident, a "political act", for Ethiopia in 1934) names
#: the aggressor when no military trigger does.
VIOLENT: frozenset[int] = frozenset({3, 4})

#: ``globactm`` (system level) -> (a finding when decided by a deciding body, action).
ACTIVITY: dict[int, tuple[bool, str]] = {
    1: (False, "none"),  # no activity
    2: (False, "none"),  # discussion without resolution
    3: (False, "none"),  # fact-finding
    4: (False, "none"),  # good offices
    5: (True, "none"),  # condemnation
    6: (True, "none"),  # call for action by the adversaries (cease-fire, withdrawal)
    7: (False, "none"),  # mediation
    8: (False, "none"),  # arbitration
    9: (True, "sanctions"),  # sanctions
    10: (False, "none"),  # observer group
    11: (True, "military"),  # authorisation of military force by members
    12: (True, "military"),  # emergency military forces
    13: (False, "none"),  # general/other
}

#: ``globorg`` codes of the deciding bodies: 4 the Assembly, 5 the Council
#: (League or UN). A condemnation by the Secretary-General (3) or another
#: organ (2) is not the organisation's finding.
DECIDING_ORGANS: frozenset[int] = frozenset({4, 5})

_REVERSAL_WINDOW = 5  # years: the case book's "within five years of the crisis' start"

# Why a crisis is not in the book: kind -> message (user-facing, so translated).
REASONS: dict[str, str] = {
    "before-league": N_("before the League existed (10 January 1920)"),
    "no-organisation": N_(
        "no global organisation acted in 1940-1944 (the League dormant, the UN not founded)"
    ),
    "no-state-trigger": N_(
        "no crisis actor's crisis was triggered by a military act (triggr 7 or 9) of another "
        "state, nor by any act of another state in a crisis with serious clashes or war (viol 3-4)"
    ),
    "no-cow-code": N_("{who} {code}: {why}"),
    "not-in-system": N_("{who} {code} is not in the COW state system in {year}"),
    "organ-out-of-range": N_("globorg {org} is outside the codebook's range 0-5"),
    "activity-out-of-range": N_("globactm {act} is outside the codebook's range 1-13"),
    "codes-disagree": N_(
        "the organisation's codes disagree (globorg {org}, globactm {act}, globefct {efct})"
    ),
    "no-outcome": N_("no usable outcome for victim or aggressor (outcom {victim} and {aggressor})"),
}

_UNMAPPED_COLUMNS = ("crisno", "crisname", "year", "kind", "reason")


@dataclass
class IcbBook:
    """The case book built from ICB, and what could not be mapped.

    Attributes
    ----------
    rows
        Case-book rows (dicts over the case-book columns), by year then crisis.
    unmapped
        One dict per crisis of the chosen years left out: ``crisno``,
        ``crisname``, ``year``, ``kind`` (a key of :data:`REASONS`) and
        ``reason`` (the message, with the codes).
    first, last
        The trigger years covered.
    variant
        ``"release"`` or ``"extract"``: which ICB files were read.
    """

    rows: list[dict[str, str]]
    unmapped: list[dict[str, Any]]
    first: int
    last: int
    variant: str | None = None
    notes: list[str] = field(default_factory=list)

    def labels(self) -> dict[str, dict[str, int]]:
        """Count of each recorded label, per outcome column."""
        return {
            col: dict(Counter(r[col] for r in self.rows))
            for col in ("organization", "designated", "action", "reversed")
        }

    def reasons(self) -> dict[str, int]:
        """Count of unmapped crises per kind of reason (keys of :data:`REASONS`)."""
        return dict(Counter(str(u["kind"]) for u in self.unmapped))


def organisation_of(year: int) -> str | None:
    """The global organisation of a crisis triggered in ``year``: league, un, or None."""
    if 1920 <= year <= 1939:
        return "league"
    if year >= 1945:
        return "un"
    return None


def recorded_response(globorg: int, globactm: int, globefct: int) -> tuple[str, str] | str:
    """Map ICB's system-level codes to (designated, action), or a reason they cannot be.

    Parameters
    ----------
    globorg, globactm, globefct
        Highest organ involved, content of the involvement, its effectiveness
        (ICB1 codebook, variables 31-33).

    Returns
    -------
    tuple of (str, str), or str
        ``("yes" | "no", "none" | "sanctions" | "military")``; the kind of
        reason (a key of :data:`REASONS`) when the codes are out of range or
        disagree.

    Examples
    --------
    >>> recorded_response(5, 9, 4)
    ('yes', 'sanctions')
    >>> recorded_response(3, 5, 3)
    ('no', 'none')
    """
    if globorg not in range(6):
        return "organ-out-of-range"
    if globactm not in ACTIVITY:
        return "activity-out-of-range"
    # "No GO activity" must agree across the three codes.
    inactive = (globorg == 1, globactm == 1, globefct == 1)
    if any(inactive) and not all(inactive):
        return "codes-disagree"
    finding, action = ACTIVITY[globactm]
    designated = finding and globorg in DECIDING_ORGANS
    return ("yes" if designated else "no", action)


def reversal(victim: int | None, aggressor: int | None, years: int | None) -> str | None:
    """Whether the aggression was undone, from the parties' outcomes (ICB ``outcom``).

    Parameters
    ----------
    victim, aggressor
        ``outcom`` of the victim and of the aggressor (1 victory, 2 compromise,
        3 stalemate, 4 defeat; 5 other and any other code are unusable);
        ``None`` when that party is not a crisis actor.
    years
        Years from trigger to termination (``None`` if unknown).

    Returns
    -------
    str or None
        ``yes`` when the victim won or the aggressor was defeated, ``no`` when
        the victim was defeated, the aggressor won or either saw a stalemate
        (nothing was undone), ``partial`` for a compromise; a crisis that
        ended more than five years after its trigger is ``no`` (nothing was
        undone within five years). ``None`` when neither outcome is usable.

    Examples
    --------
    >>> reversal(1, 4, 0), reversal(2, None, 1), reversal(4, 1, 0), reversal(5, None, 0)
    ('yes', 'partial', 'no', None)
    """
    usable = {1, 2, 3, 4}
    v = victim if victim in usable else None
    a = aggressor if aggressor in usable else None
    if v is None and a is None:
        return None
    if v == 1 or a == 4:
        label = "yes"
        if v == 4 or a == 1:  # each claims victory over the other: a draw
            label = "partial"
    elif v == 4 or a == 1 or 3 in (v, a):
        label = "no"
    else:
        label = "partial"
    if years is not None and years > _REVERSAL_WINDOW and label != "no":
        label = "no"
    return label


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


Record = dict[str, Any]


def _records(df: pd.DataFrame) -> list[Record]:
    """Rows as plain dicts, ``<NA>`` as ``None`` (the mapping runs row by row)."""
    return [
        {str(k): (None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v)
         for k, v in row.items()}
        for row in df.to_dict("records")
    ]  # fmt: skip


def _parties(actors: list[Record], violent: bool) -> Record | None:
    """The victim's actor row (see the module's docstring), or None."""

    def by_state(a: Record) -> bool:
        t = a["trigent"]
        return t is not None and int(t) not in NON_STATE and t != a["cracid"]

    cand = [a for a in actors if by_state(a) and a["triggr"] in MILITARY_TRIGGERS]
    if not cand and violent:
        # A crisis that turned to serious clashes or war: any state's trigger.
        cand = [a for a in actors if by_state(a)]
    if not cand:
        return None

    def when(a: Record) -> tuple[int, int, int, int]:
        def v(k: str, d: int) -> int:
            return d if a[k] is None else int(a[k])

        return (v("yrtrig", 9999), v("motrig", 99), v("datrig", 99), int(a["cracno"]))

    return min(cand, key=when)


def _map_crisis(
    c: Record, acts: list[Record], in_system: Callable[[int, int], bool] | None
) -> dict[str, str] | tuple[str, dict[str, Any]]:
    """One crisis' case-book row, or (kind of reason, its codes) when it cannot be mapped."""
    crisno, year, name = int(c["crisno"]), int(c["yrtrig"]), str(c["crisname"])
    org = organisation_of(year)
    if org is None:
        return ("before-league" if year < 1920 else "no-organisation"), {}
    victim_row = _parties(acts, violent=int(c["viol"]) in VIOLENT)
    if victim_row is None:
        return "no-state-trigger", {}
    gw_v, gw_a = int(victim_row["cracid"]), int(victim_row["trigent"])
    codes: dict[str, int] = {}
    for who, gw in ((N_("victim"), gw_v), (N_("aggressor"), gw_a)):
        cow = gw_to_cow(gw, year)
        if cow is None:
            return "no-cow-code", {"who": _(who), "code": gw, "why": _(NO_COW[gw])}
        if in_system is not None and not in_system(cow, year):
            return "not-in-system", {"who": _(who), "code": cow, "year": year}
        codes[who] = cow
    globorg, globactm, globefct = (int(c[k]) for k in ("globorg", "globactm", "globefct"))
    response = recorded_response(globorg, globactm, globefct)
    if isinstance(response, str):
        return response, {"org": globorg, "act": globactm, "efct": globefct}
    designated, action = response
    aggressor_rows = [a for a in acts if a["cracid"] == gw_a]
    out_v = _int(victim_row["outcom"])
    out_a = _int(aggressor_rows[0]["outcom"]) if aggressor_rows else None
    yrterm = _int(c["yrterm"])
    rev = reversal(out_v, out_a, None if yrterm is None else yrterm - year)
    shown_a = "-" if out_a is None else str(out_a)
    if rev is None:
        return "no-outcome", {"victim": out_v, "aggressor": shown_a}
    return {
        "id": f"icb{crisno:03d}-{_slug(name)}",
        "year": str(year),
        "organization": org,
        "aggressors": str(codes["aggressor"]),
        "victim": str(codes["victim"]),
        "absent": "",
        "designated": designated,
        "action": action,
        "reversed": rev,
        "summary": (
            f"ICB crisis {crisno} ({name}): crisis for {victim_row['actor']} "
            f"triggered by state {gw_a} (triggr {int(victim_row['triggr'])}); "
            f"globorg {globorg}, globactm {globactm}, globefct {globefct}; "
            f"outcom victim {out_v}, aggressor {shown_a}"
        ),
        "sources": (
            "International Crisis Behavior v15 (Brecher and Wilkenfeld 2000; "
            f"codebook 2023), crisis {crisno}; mapped by collsec cases from-icb"
        ),
        # The victim's codes at the onset of its crisis (collsec.history.agenda).
        **{
            col: "" if (v := _int(victim_row.get(col[len("icb_") :]))) is None else str(v)
            for col in ICB_COLUMNS
        },
    }


def build_icb_book(
    crises: pd.DataFrame,
    actors: pd.DataFrame,
    *,
    first: int | None = None,
    last: int | None = None,
    in_system: Callable[[int, int], bool] | None = None,
) -> IcbBook:
    """Build the case book from ICB's crisis and actor tables.

    Parameters
    ----------
    crises, actors
        ICB's system-level and actor-level tables (as :func:`collsec.data.load_icb`
        returns them; only the columns the mapping reads are needed).
    first, last
        Trigger years to cover (inclusive); the data's own range if ``None``.
    in_system
        ``in_system(cow_code, year)``: whether a state is in the COW state
        system that year (the states a historical world has). ``None`` skips
        the check.

    Returns
    -------
    IcbBook
        The rows and the unmapped crises with their reasons.

    Raises
    ------
    CollsecError
        If ``first`` is after ``last`` or either lies outside the data's years.
    """
    lo, hi = int(crises["yrtrig"].min()), int(crises["yrtrig"].max())
    first = lo if first is None else first
    last = hi if last is None else last
    for opt, y in (("--from", first), ("--to", last)):
        if not lo <= y <= hi:
            raise CollsecError(
                _("year {year} is outside the ICB data ({lo}-{hi})").format(year=y, lo=lo, hi=hi),
                field=opt,
            )
    if first > last:
        raise CollsecError(
            _("--from {first} is after --to {last}").format(first=first, last=last),
            field="--from",
        )
    by_crisis: dict[int, list[Record]] = {}
    for a in _records(actors):
        by_crisis.setdefault(int(a["crisno"]), []).append(a)
    chosen = crises[(crises["yrtrig"] >= first) & (crises["yrtrig"] <= last)]
    chosen = chosen.sort_values(["yrtrig", "crisno"], kind="stable")
    rows: list[dict[str, str]] = []
    unmapped: list[dict[str, Any]] = []
    for c in _records(chosen):
        crisno = int(c["crisno"])
        acts = by_crisis.get(crisno, [])
        got = _map_crisis(c, acts, in_system)
        if isinstance(got, dict):
            rows.append(got)
            continue
        kind, fmt = got
        unmapped.append(
            {
                "crisno": crisno,
                "crisname": str(c["crisname"]),
                "year": int(c["yrtrig"]),
                "kind": kind,
                "reason": _(REASONS[kind]).format(**fmt),
            }
        )
    return IcbBook(rows=rows, unmapped=unmapped, first=first, last=last)


def _system_check(data_dir: Path | str | None) -> Callable[[int, int], bool]:
    system = data.load_system(data_dir)
    members = {(int(c), int(y)) for c, y in zip(system["ccode"], system["year"], strict=True)}
    last = int(system["year"].max())

    def in_system(code: int, year: int) -> bool:
        # A year past the state list's end uses its last year, as the worlds do.
        return (code, min(year, last)) in members

    return in_system


def icb_case_book(
    data_dir: Path | str | None = None, *, first: int | None = None, last: int | None = None
) -> IcbBook:
    """Load ICB (and the COW state system) from ``data_dir`` and build the case book.

    Raises
    ------
    CollsecError
        A file is missing or malformed (:class:`collsec.data.DataError`), or
        the years are bad (see :func:`build_icb_book`).
    """
    crises = data.load_icb("crisis", data_dir)
    actors = data.load_icb("actor", data_dir)
    onset = onset_codes(data_dir)
    if onset is not None:
        keep = [c for c in onset.columns if c not in actors.columns or c in ("crisno", "cracno")]
        attrs = dict(actors.attrs)
        actors = actors.merge(onset[keep], on=["crisno", "cracno"], how="left")
        actors.attrs = attrs
    book = build_icb_book(crises, actors, first=first, last=last, in_system=_system_check(data_dir))
    book.variant = crises.attrs.get("collsec", {}).get("variant")
    return book


def _write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> None:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    try:
        write_text(path, buf.getvalue())
    except OSError as err:
        raise CollsecError(
            _("cannot write the file: {reason}").format(reason=err.strerror or err),
            source=str(path),
        ) from None


def write_icb_book(book: IcbBook, path: Path | str) -> Path:
    """Write the case book to ``path`` and the unmapped crises beside it.

    Returns
    -------
    Path
        The side file, ``<stem>.unmapped.csv``: ``crisno, crisname, year, reason``.
    """
    path = Path(path)
    _write_csv(path, (*REQUIRED, *ICB_COLUMNS, "summary", "sources"), book.rows)
    side = path.with_name(f"{path.stem}.unmapped.csv")
    _write_csv(side, _UNMAPPED_COLUMNS, book.unmapped)
    return side
