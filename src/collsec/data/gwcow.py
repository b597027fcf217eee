"""Gleditsch-Ward state codes (as used by ICB) to Correlates of War codes.

ICB's actor codes (``cracid``, ``trigent``, ``southv``, the dyadic
``statea``/``stateb``) follow Gleditsch and Ward (1999), which agrees with the
COW state list for nearly every state. :func:`gw_to_cow` returns the COW code
of a GW code in a given year; the exceptions are in :data:`RENUMBERED` (a
different COW number, possibly from a year on) and :data:`NO_COW` (no COW
state). The table is checked against every code in the ICB files by
``tests/data/test_data_icb.py``; docs/data.md lists it.

References
----------
Gleditsch, Kristian S., and Michael D. Ward. 1999. "A Revised List of
Independent States since the Congress of Vienna." International Interactions
25(4): 393-413 [gleditsch1999].
"""

from __future__ import annotations

from typing import NamedTuple

from collsec.i18n import N_

__all__ = ["NON_STATE", "NO_COW", "RENUMBERED", "Renumbering", "gw_to_cow"]


class Renumbering(NamedTuple):
    """A GW code whose COW number differs (from ``from_year`` on, when given)."""

    cow: int
    from_year: int | None
    why: str


#: GW (or ICB) codes that COW numbers differently.
RENUMBERED: dict[int, Renumbering] = {
    260: Renumbering(
        255,
        1991,
        N_(
            "GW 260 is the German Federal Republic from 1949 and united Germany after "
            "3 October 1990; COW numbers the Federal Republic 260 to 1990 and united "
            "Germany 255"
        ),
    ),
    678: Renumbering(
        679,
        1991,
        N_(
            "GW 678 is the Yemen Arab Republic and, after unification on 22 May 1990, "
            "Yemen; COW numbers the Yemen Arab Republic 678 to 1990 and Yemen 679"
        ),
    ),
    340: Renumbering(
        345,
        None,
        N_(
            "GW 340 is Serbia (to 1915 and from 2006); COW keeps Serbia under 345 "
            "(Yugoslavia), which GW uses for 1918-2006"
        ),
    ),
    219: Renumbering(
        220,
        None,
        N_("ICB codes Vichy France 219; COW counts France (220) to 1942"),
    ),
    970: Renumbering(946, None, N_("Kiribati: GW 970, COW 946")),
    971: Renumbering(970, None, N_("Nauru: GW 971, COW 970")),
    972: Renumbering(955, None, N_("Tonga: GW 972, COW 955")),
    973: Renumbering(947, None, N_("Tuvalu: GW 973, COW 947")),
}

#: GW (or ICB) codes of states that are not in the COW state list.
NO_COW: dict[int, str] = {
    671: N_("Hijaz (ICB actor 1924): not a COW state; COW's Saudi Arabia (670) begins in 1927"),
    672: N_("Najd (ICB actor 1924): not a COW state; COW's Saudi Arabia (670) begins in 1927"),
    711: N_("Tibet (GW 1913-1950): not a COW state"),
    563: N_("Transvaal (GW 1852-1902): not a COW state"),
    564: N_("Orange Free State (GW 1854-1902): not a COW state"),
    396: N_("Abkhazia (GW 2008-): not a COW state"),
    397: N_("South Ossetia (GW 2008-): not a COW state"),
    815: N_("Vietnam (Annam, GW 1816-1893): not a COW state"),
    99: N_("Great Colombia (GW 1821-1830): not a COW state"),
    89: N_("United Provinces of Central America (GW 1823-1839): not a COW state"),
}

#: ICB's trigger codes that name no state: internal (995), a non-state actor
#: (996), several states or an alliance (997).
NON_STATE: dict[int, str] = {
    995: N_("the trigger was internal (995)"),
    996: N_("the trigger was a non-state actor (996)"),
    997: N_("the trigger was several states or an alliance (997)"),
}


def gw_to_cow(code: int, year: int) -> int | None:
    """Return the COW code of GW (ICB) state ``code`` in ``year``, or ``None``.

    Parameters
    ----------
    code
        A Gleditsch-Ward code as ICB writes it.
    year
        The year the code is used in (some renumberings start in a year).

    Returns
    -------
    int or None
        The COW code; ``None`` for a code in :data:`NO_COW` or :data:`NON_STATE`.

    Examples
    --------
    >>> gw_to_cow(260, 1985), gw_to_cow(260, 1994), gw_to_cow(2, 1950)
    (260, 255, 2)
    >>> gw_to_cow(671, 1924) is None
    True
    """
    if code in NO_COW or code in NON_STATE:
        return None
    rule = RENUMBERED.get(code)
    if rule is None:
        return code
    if rule.from_year is None or year >= rule.from_year:
        return rule.cow
    return code
