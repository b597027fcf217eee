"""Who joins a war: the (war, potential joiner) table and its statistics (O2, O3).

Hand-made war tables check the definitions of ``collsec.history.joining``
(initiating side, original participants, joiners, covariates); the real COW
record checks the facts the docs quote (docs/history.md, "Who joins a war:
the COW record"). The script ``scripts/joining_rates.py`` is run once on the
real data.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from collsec.errors import CollsecError
from collsec.history.joining import (
    era_of,
    fit_logit,
    joiner_dyads,
    joining_rates,
    war_entries,
    wilson_interval,
)

REPO = Path(__file__).resolve().parents[2]


def _war(rows: list[tuple[int, int, int, int, int, int, int]]) -> pd.DataFrame:
    """Rows of (war, ccode, side, initiator, year, month, day), as the loader names them."""
    df = pd.DataFrame(
        rows,
        columns=[
            "WarNum",
            "ccode",
            "Side",
            "Initiator",
            "StartYear1",
            "StartMonth1",
            "StartDay1",
        ],
    )
    df["WarName"] = "War " + df["WarNum"].astype(str)
    return df


# War 1 (1900): A=10 attacks B=20 on 1 May; C=30 joins B's side on 1 June
# (31 days later), D=40 joins A's side in 1901. War 2 (1900): the initiator F=60
# is coded on side 2.
WARS = _war(
    [
        (1, 10, 1, 1, 1900, 5, 1),
        (1, 20, 2, 2, 1900, 5, 1),
        (1, 30, 2, 2, 1900, 6, 1),
        (1, 40, 1, 2, 1901, 1, 1),
        (2, 50, 1, 2, 1900, 3, 1),
        (2, 60, 2, 1, 1900, 3, 1),
    ]
)


def _tables() -> dict[str, Any]:
    # States 10-70 in the system in 1899 and 1900; 70 is a great power with no
    # tie to anyone. 30 borders the defender 20 by land and has a defence pact
    # with it; 40 lies 100 miles of water (type 4) from the initiator 10 and
    # shares a non-defence alliance with it.
    codes = [10, 20, 30, 40, 50, 60, 70]
    system = pd.DataFrame(
        [(c, f"S{c}", y) for y in (1899, 1900) for c in codes],
        columns=["ccode", "stateabb", "year"],
    )
    majors = pd.DataFrame({"ccode": [70], "styear": [1890], "endyear": [1950]})
    contiguity = pd.DataFrame(
        [(30, 20, 1899, 1), (20, 30, 1899, 1), (40, 10, 1899, 4), (10, 40, 1899, 4)],
        columns=["state1no", "state2no", "year", "conttype"],
    )
    alliances = pd.DataFrame(
        [(1, 30, 1899, True), (1, 20, 1899, True), (2, 40, 1899, False), (2, 10, 1899, False)],
        columns=["version4id", "ccode", "year", "defense"],
    )
    cinc = {10: 0.2, 20: 0.1, 30: 0.05, 40: 0.4, 50: 0.1, 60: 0.1, 70: 0.8}
    nmc = pd.DataFrame([(c, 1899, v) for c, v in cinc.items()], columns=["ccode", "year", "cinc"])
    return {
        "system": system,
        "majors": majors,
        "contiguity": contiguity,
        "alliances": alliances,
        "nmc": nmc,
    }


def _row(d: pd.DataFrame, war: int, ccode: int) -> dict[str, Any]:
    """One dyad as a plain dict."""
    sub = d.loc[(d["war_num"] == war) & (d["ccode"] == ccode)]
    assert len(sub) == 1
    return {str(k): v for k, v in sub.iloc[0].to_dict().items()}


def _dyads(*, window_days: int = 0, max_conttype: int = 3) -> pd.DataFrame:
    entries = war_entries(WARS, window_days=window_days)
    return joiner_dyads(entries, max_conttype=max_conttype, **_tables())


def test_originals_enter_on_the_first_day_and_later_entrants_join() -> None:
    e = war_entries(WARS).set_index(["war_num", "ccode"])
    assert e.loc[(1, 10), "original"]
    assert e.loc[(1, 20), "original"]
    assert not e.loc[(1, 30), "original"]
    assert e.loc[(1, 30), "role"] == "defender"
    assert e.loc[(1, 40), "role"] == "initiator"


def test_the_window_makes_a_prompt_entrant_original() -> None:
    e = war_entries(WARS, window_days=31).set_index(["war_num", "ccode"])
    assert e.loc[(1, 30), "original"]


def test_the_initiating_side_follows_the_initiator_code_not_the_side_number() -> None:
    e = war_entries(WARS).set_index(["war_num", "ccode"])
    assert e.loc[(2, 60), "role"] == "initiator"
    assert e.loc[(2, 50), "role"] == "defender"
    assert set(e["init_rule"]) == {"coded"}


def test_initiators_on_both_sides_are_ambiguous_and_the_earliest_wins() -> None:
    wars = _war([(3, 10, 1, 1, 1900, 5, 2), (3, 20, 2, 1, 1900, 5, 1)])
    e = war_entries(wars).set_index("ccode")
    assert e.loc[20, "role"] == "initiator"
    assert e.loc[10, "init_rule"] == "ambiguous"


def test_a_war_without_initiators_takes_side_one() -> None:
    wars = _war([(4, 10, 1, 2, 1900, 5, 1), (4, 20, 2, 2, 1900, 5, 1)])
    e = war_entries(wars).set_index("ccode")
    assert e.loc[10, "role"] == "initiator"
    assert e.loc[10, "init_rule"] == "none"


def test_a_state_on_both_sides_counts_with_its_first_side() -> None:
    wars = _war(
        [
            (5, 10, 1, 1, 1900, 1, 1),
            (5, 20, 2, 2, 1900, 1, 1),
            (5, 30, 1, 2, 1900, 3, 1),
            (5, 30, 2, 2, 1901, 3, 1),
        ]
    )
    e = war_entries(wars)
    assert e.loc[e["ccode"] == 30, "role"].tolist() == ["initiator"]


def test_a_negative_window_is_refused() -> None:
    with pytest.raises(CollsecError, match="window_days"):
        war_entries(WARS, window_days=-1)


def test_a_table_without_its_columns_is_refused() -> None:
    with pytest.raises(CollsecError, match="Initiator"):
        war_entries(WARS.drop(columns="Initiator"))


def test_potential_joiners_are_the_system_less_the_originals() -> None:
    d = _dyads()
    assert sorted(d.loc[d["war_num"] == 1, "ccode"]) == [30, 40, 50, 60, 70]
    assert sorted(d.loc[d["war_num"] == 2, "ccode"]) == [10, 20, 30, 40, 70]


def test_outcomes_and_covariates_of_the_hand_made_war() -> None:
    d = _dyads()
    c = _row(d, 1, 30)
    assert c["outcome"] == "defender"
    assert c["joined_defender"]
    assert c["contig_defender"]
    assert c["pact_defender"]
    assert c["ally_defender"]
    assert not c["great_power"]
    # Initiating side 0.2 against the joiner's 0.05.
    assert c["log_ratio"] == pytest.approx(math.log(0.2 / 0.05))
    dd = _row(d, 1, 40)
    assert dd["outcome"] == "initiator"
    assert dd["ally_initiator"]
    assert not dd["pact_defender"]
    # Type 4 is 100 miles of water: not a border at the default of type 3.
    assert not dd["contig_initiator"]
    g = _row(d, 1, 70)
    assert g["great_power"]
    assert g["outcome"] == "none"
    assert g["log_ratio"] < 0


def test_a_looser_contiguity_type_adds_the_water_border() -> None:
    assert _row(_dyads(max_conttype=4), 1, 40)["contig_initiator"]


def test_a_bad_contiguity_type_is_refused() -> None:
    with pytest.raises(CollsecError, match="max_conttype"):
        _dyads(max_conttype=6)


def test_a_joiner_outside_the_system_is_listed() -> None:
    wars = pd.concat([WARS, _war([(1, 80, 2, 2, 1902, 1, 1)])], ignore_index=True)
    d = joiner_dyads(war_entries(wars), **_tables())
    assert d.attrs["outside"] == [(1, 80)]


def test_rates_count_joins_per_cell() -> None:
    r = joining_rates(_dyads(), ["great_power"]).set_index("great_power")
    assert r.loc[False, "n"] == 8
    assert r.loc[False, "joined"] == 1
    assert r.loc[False, "joined_initiator"] == 1
    assert r.loc[True, "joined"] == 0
    assert r.loc[True, "low"] == 0.0


def test_wilson_interval_matches_the_formula() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(0.27753, abs=1e-5)
    low, high = wilson_interval(5, 10)
    assert (low + high) / 2 == pytest.approx(0.5)
    assert low == pytest.approx(0.23659, abs=1e-5)


def test_wilson_interval_of_nothing_is_undefined() -> None:
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_wilson_interval_refuses_more_successes_than_trials() -> None:
    with pytest.raises(CollsecError, match="k <= n"):
        wilson_interval(3, 2)


def test_era_of() -> None:
    assert era_of(1919) == "1816-1919"
    assert era_of(1946) == "1946-2003"


def test_logit_of_one_binary_covariate_is_the_log_odds_table() -> None:
    # x=0: 3 ones of 10; x=1: 6 ones of 8. The MLE is the log odds of each
    # group and its variance the sum of the cell reciprocals (Woolf).
    x = np.array([0] * 10 + [1] * 8, dtype=float)
    y = np.array([1] * 3 + [0] * 7 + [1] * 6 + [0] * 2, dtype=float)
    fit = fit_logit(x[:, None], y, ["x"], groups=np.arange(18) % 6)
    b0 = math.log(3 / 7)
    assert fit.converged
    assert fit.coef[0] == pytest.approx(b0)
    assert fit.coef[1] == pytest.approx(math.log(6 / 2) - b0)
    assert fit.se[0] == pytest.approx(math.sqrt(1 / 3 + 1 / 7))
    assert fit.se[1] == pytest.approx(math.sqrt(1 / 3 + 1 / 7 + 1 / 6 + 1 / 2))
    assert np.isfinite(fit.se_cluster).all()
    assert fit.names == ("const", "x")


def test_logit_refuses_a_constant_covariate() -> None:
    y = np.array([0, 1, 0, 1], dtype=float)
    with pytest.raises(CollsecError, match="singular"):
        fit_logit(np.ones((4, 1)), y, ["one"])


def test_logit_refuses_an_outcome_that_is_not_binary() -> None:
    with pytest.raises(CollsecError, match="0 and 1"):
        fit_logit(np.zeros((2, 1)), np.array([0.0, 2.0]), ["x"])


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real(cow_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from collsec.data import (
        load_alliances,
        load_contiguity,
        load_majors,
        load_nmc,
        load_system,
        load_wars,
    )

    e = war_entries(load_wars(cow_dir))
    d = joiner_dyads(
        e,
        system=load_system(cow_dir),
        majors=load_majors(cow_dir),
        contiguity=load_contiguity(cow_dir),
        alliances=load_alliances("member_yearly", cow_dir),
        nmc=load_nmc("6.0", cow_dir),
    )
    return e, d


def test_every_cow_war_has_initiators_on_one_side_among_the_originals(
    real: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    e, _ = real
    assert e["war_num"].nunique() == 95
    assert set(e["init_rule"]) == {"coded"}
    per_war = e.groupby("war_num").agg(orig_init=("role", lambda r: (r == "initiator").sum()))
    assert (per_war["orig_init"] > 0).all()


def test_the_record_counts_the_joiners_the_docs_quote(
    real: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    e, d = real
    later = e.loc[~e["original"]]
    assert (later["role"] == "defender").sum() == 67
    assert (later["role"] == "initiator").sum() == 31
    # Ethiopia re-entered the system in 1941 and joined World War II then.
    assert d.attrs["outside"] == [(139, 530)]
    # Britain joined Poland's side in 1939, the United States South Korea's in 1950.
    assert _row(d, 139, 200)["outcome"] == "defender"
    usa = _row(d, 151, 2)
    assert usa["outcome"] == "defender"
    assert usa["log_ratio"] < 0
    # Italy's first side in World War II is Germany's.
    assert _row(d, 139, 325)["outcome"] == "initiator"


def test_unattached_great_powers_rarely_join_the_defending_side(
    real: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    _, d = real
    gp = d.loc[
        d["great_power"]
        & ~d["ally_defender"]
        & ~d["ally_initiator"]
        & ~d["contig_defender"]
        & ~d["contig_initiator"]
    ]
    r = joining_rates(gp, []).iloc[0]
    assert (r["joined"], r["n"]) == (13, 314)
    assert r["high"] < 0.1


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "joining_rates", REPO / "scripts" / "joining_rates.py"
    )
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_script_writes_its_json(cow_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "j.json"
    code = _script().main(["--data-dir", str(cow_dir), "--no-robustness", "--json", str(out)])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["headline"]["all"]["joined"] == 13
    assert data["logit"]["converged"]
    assert data["logit"]["terms"][0]["term"] == "const"


def test_the_script_reports_a_missing_folder_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _script().main(["--data-dir", str(tmp_path / "nowhere"), "--no-robustness"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ")
    assert "Traceback" not in err
