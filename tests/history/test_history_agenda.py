"""The trigger-time inputs of the agenda and of the General Assembly (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from collsec.errors import CollsecError
from collsec.history.agenda import ICB_COLUMNS, case_inputs, ga_isolation, icb_inputs
from collsec.history.calibration import (
    BASELINE_INPUTS,
    baseline_variant,
    choose_variant,
    variant_of,
)
from collsec.history.evaluate import read_case_book

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def test_case_inputs_read_the_permanent_seat_and_the_region() -> None:
    got = case_inputs(("365",), "710", ("2", "200", "220", "365", "710"))
    assert got["aggressor_permanent"] == 1.0
    assert got["victim_asia"] == 1.0
    assert got["victim_africa"] == got["victim_americas"] == got["victim_mideast"] == 0.0
    eur = case_inputs(("345",), "344", ("2", "200"))
    assert eur["aggressor_permanent"] == 0.0
    assert sum(v for k, v in eur.items() if k.startswith("victim_")) == 0.0  # the reference
    assert case_inputs(("652",), "666", ())["victim_mideast"] == 1.0
    assert case_inputs(("490",), "517", ())["victim_africa"] == 1.0


def test_icb_inputs_code_the_onset_and_fill_a_blank() -> None:
    codes = dict(zip(ICB_COLUMNS, (9.0, 7.0, 3.0, 4.0, 1.0, -250.0), strict=True))
    got = icb_inputs(codes)
    assert got == {
        "violent_trigger": 1.0,
        "intra_war": 1.0,
        "protracted": 1.0,
        "threat_great_power": 1.0,
        "victim_small": 1.0,
        "power_discrepancy": -1.0,
    }
    calm = icb_inputs({"icb_triggr": 2.0, "icb_iwc": 1.0, "icb_pc": 1.0, "icb_southpow": 2.0})
    assert set(calm.values()) == {0.0}
    assert icb_inputs({}) == {}


def test_a_book_reads_the_icb_columns_and_names_a_bad_one(tmp_path: Path) -> None:
    head = "id,year,organization,aggressors,victim,absent,designated,action,reversed,"
    head += ",".join(ICB_COLUMNS)
    book = tmp_path / "b.csv"
    book.write_text(head + "\nk,1950,un,731,732,,yes,military,partial,9,1,2,4,2,\n")
    (row,) = read_case_book(book)
    assert row.attributes == {"icb_triggr": 9, "icb_iwc": 1, "icb_pc": 2, "icb_southpow": 4,
                              "icb_powsta": 2}  # fmt: skip
    book.write_text(head + "\nk,1950,un,731,732,,yes,military,partial,x,1,2,4,2,\n")
    with pytest.raises(CollsecError) as err:
        read_case_book(book)
    assert err.value.field == "icb_triggr"


def test_ga_isolation_is_zero_under_the_league_and_reads_the_prior_year() -> None:
    assert ga_isolation(1935, "league", ("325",), "530", None) == {
        "ga_isolation": 0.0,
        "victim_ga_isolation": 0.0,
    }
    if not (SHARED / "unga").is_dir():
        pytest.skip(f"UNGA ideal points not found in {SHARED / 'unga'}")
    # Israel 1982 stood far from the Assembly's median; Lebanon near it.
    got = ga_isolation(1982, "un", ("666",), "660", SHARED)
    assert got["ga_isolation"] > 1.5 > got["victim_ga_isolation"]


def test_composite_variants_and_the_fair_baseline() -> None:
    v = variant_of("sim+region|sim+assembly")
    assert "victim_asia" in v.finding
    assert "ga_isolation" in v.measure
    with pytest.raises(CollsecError):
        variant_of("sim|nosuch")
    b = baseline_variant("sim+region|sim+assembly")
    assert b.finding[: len(BASELINE_INPUTS)] == BASELINE_INPUTS
    assert "victim_asia" in b.finding
    assert "ga_isolation" in b.measure
    assert not any(k.startswith("sim_") for k in (*b.finding, *b.measure, *b.military))


def test_the_finding_and_the_action_are_chosen_separately() -> None:
    # The finding follows the region, the measures the simulated share: the
    # choice takes each logit from the variant that predicts it best.
    rows, years, des, act = [], [], [], []
    for k in range(60):
        asia = k % 2 == 0
        measure = k % 3 == 0
        rows.append(
            {"sim_designated": 0.0, "sim_measure": 2.0 if measure else -2.0,
             "sim_military": 0.0, "un": 1.0, "victim_asia": float(asia),
             "victim_africa": 0.0, "victim_americas": 0.0, "victim_mideast": 0.0}
        )  # fmt: skip
        years.append(1950 + k // 3)
        des.append("no" if asia else "yes")
        act.append("sanctions" if measure else "none")
    chosen, table = choose_variant(rows, years, des, act)
    finding, action = chosen.split("|")
    assert "victim_asia" in variant_of(finding).finding
    assert table[finding]["designated"] < table["sim"]["designated"]
    assert "sim_measure" in variant_of(action).measure


def test_the_icb_book_carries_the_victims_onset_codes(tmp_path: Path) -> None:
    """`cases from-icb` writes the victim's onset codes; the outcome fields stay out."""
    if not (SHARED / "icb" / "icb2v15.csv").exists():
        pytest.skip(f"ICB data not found in {SHARED / 'icb'}")
    from collsec.history.icb import icb_case_book, write_icb_book

    book = icb_case_book(SHARED, first=1920, last=1999)
    path = tmp_path / "icb.csv"
    write_icb_book(book, path)
    rows = read_case_book(path)
    assert len(rows) == 265
    # Every row has the trigger; only powdis is ever blank (League-era crises).
    assert all("icb_triggr" in r.attributes for r in rows)
    blank = [r for r in rows if len(r.attributes) < len(ICB_COLUMNS)]
    assert all(set(ICB_COLUMNS) - set(r.attributes) == {"icb_powdis"} for r in blank)
    assert all(not any(w in c for w in ("glob", "outcom")) for c in ICB_COLUMNS)
    # The first crisis: Rhenish Rebellions 1920, a non-violent military act (7).
    assert rows[0].attributes["icb_triggr"] == 7
