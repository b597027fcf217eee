"""The History page's comparison of the mechanism's simulated shares (no Streamlit run)."""

from __future__ import annotations

from types import SimpleNamespace

from collsec.dashboard.history_page import MOVE, moved_shares, simulated_shares


def _pred(des: float, sanc: float, mil: float, rev: float) -> SimpleNamespace:
    action = {"none": 1.0 - sanc - mil, "sanctions": sanc, "military": mil}
    return SimpleNamespace(p_designated=des, p_action=action, p_reversed=rev)


def test_simulated_shares_reads_the_finding_each_instrument_and_the_reversal() -> None:
    assert simulated_shares(_pred(0.9, 0.1, 0.7, 0.6)) == {
        "designated": 0.9,
        "sanctions": 0.1,
        "military": 0.7,
        "reversed": 0.6,
    }


def test_moved_shares_lists_the_shares_that_move_by_the_tolerance_in_order() -> None:
    base = _pred(0.0, 0.0, 0.0, 0.01)
    after = _pred(0.99, 0.15, 0.84, 0.01 + MOVE / 2)
    assert moved_shares(base, after) == [
        ("designated", 0.0, 0.99),
        ("sanctions", 0.0, 0.15),
        ("military", 0.0, 0.84),
    ]
    assert moved_shares(base, base) == []
    assert moved_shares(after, base, tol=0.9) == [("designated", 0.99, 0.0)]
