"""The history parameters of ``collsec validate`` (docs/history.md, section 4).

Interest similarity from General Assembly ideal points, the ``validation``
block of ``params.yaml`` and its checks, the sanction willingness recomputed
from the ICB book (so the bundled number cannot go stale), and the onset
target: both runs within a factor of 1.5 of the COW record.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from collsec.errors import CollsecError
from collsec.history.icb import icb_case_book
from collsec.history.preferences import unga_similarity
from collsec.history.validate import validate
from collsec.history.worlds import historical_scenario, load_history_params

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared" / "data").resolve()

HEADER = "ccode,year,iso3c,countryname,idealpointfp,idealpointall,idealpointlegacy,"
HEADER += "nvotesfp,nvotesall,nvotesLegacy\n"


def _unga(tmp_path: Path, rows: list[str]) -> Path:
    (tmp_path / "IdealpointsJuly2025.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    return tmp_path


def test_unga_similarity_by_hand(tmp_path: Path) -> None:
    folder = _unga(
        tmp_path,
        [
            "2,1950,USA,US,1.0,2.0,2.0,5,5,5\n",
            "200,1950,GBR,UK,1.0,1.0,1.0,5,5,5\n",
            "365,1950,RUS,USSR,1.0,-2.0,-2.0,5,5,5\n",
            "710,1950,CHN,China,-1.5,,0.0,5,0,5\n",  # no idealpointall: fp is used
        ],
    )
    fallback = np.full((5, 5), 0.3)
    np.fill_diagonal(fallback, 1.0)
    codes = [2, 200, 365, 710, 999]  # 999 has no ideal point
    sim = unga_similarity(1950, codes, fallback, data_dir=folder, verify=False)
    span = 2.0 - (-2.0)
    assert sim[0, 1] == pytest.approx(1 - 1.0 / span)
    assert sim[0, 2] == pytest.approx(0.0)  # the year's two extremes
    assert sim[2, 3] == pytest.approx(1 - 0.5 / span)
    assert sim[1, 0] == sim[0, 1]
    assert list(sim[4]) == [0.3, 0.3, 0.3, 0.3, 1.0]  # the alliance similarity is kept
    assert np.allclose(np.diag(sim), 1.0)


def test_unga_similarity_of_another_year_keeps_the_fallback(tmp_path: Path) -> None:
    folder = _unga(tmp_path, ["2,1950,USA,US,1.0,2.0,2.0,5,5,5\n"])
    fallback = np.eye(2)
    got = unga_similarity(1960, [2, 200], fallback, data_dir=folder, verify=False)
    assert np.array_equal(got, fallback)


def test_unga_file_with_wrong_columns_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "IdealpointsJuly2025.csv").write_text("ccode,year\n2,1950\n", encoding="utf-8")
    with pytest.raises(CollsecError, match=r"missing column\(s\)"):
        unga_similarity(1950, [2], np.eye(1), data_dir=tmp_path, verify=False)
    with pytest.raises(CollsecError, match="corrupt or a different release"):
        unga_similarity(1950, [2], np.eye(1), data_dir=tmp_path)


@pytest.fixture(scope="module")
def shared_cow() -> Path:
    if not (SHARED / "unga" / "IdealpointsJuly2025.csv").is_file():
        pytest.skip(f"UNGA data folder not found at {SHARED / 'unga'}")
    return SHARED / "cow"


def test_un_world_of_1946_reads_the_assembly(shared_cow: Path) -> None:
    hp = load_history_params().with_(similarity="unga")
    sc = historical_scenario(1946, "un", data_dir=shared_cow, hp=hp)
    codes = [s.code for s in sc.world.states]
    sim = np.asarray(sc.world.similarity)
    us, uk, su = codes.index("2"), codes.index("200"), codes.index("365")
    assert sim[us, uk] > 0.8 > 0.2 > sim[us, su]
    base = historical_scenario(1946, "un", data_dir=shared_cow, hp=hp.with_(similarity="alliances"))
    assert not np.allclose(np.asarray(base.world.similarity), sim)
    # The League's world has no Assembly votes: its similarity is the alliances'.
    league = historical_scenario(1925, "league", data_dir=shared_cow, hp=hp)
    league0 = historical_scenario(
        1925, "league", data_dir=shared_cow, hp=hp.with_(similarity="alliances")
    )
    assert np.array_equal(np.asarray(league.world.similarity), np.asarray(league0.world.similarity))


# --- the validation block -----------------------------------------------------


def test_bundled_validation_block() -> None:
    vs = load_history_params().validation
    assert (vs.power_measure, vs.revisionism, vs.similarity) == ("cinc", "constant", "unga")
    assert vs.overrides["params.response.foresee_force_only"] is True
    assert vs.overrides["params.response.join_base"] == pytest.approx(-4.636)
    assert 0 < vs.sanction_willingness < 1


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("validation:\n  guess: 1\n", "unknown setting 'guess'"),
        ("validation:\n  sanction_willingness: 2\n", "from 0 to 1"),
        ("validation:\n  sanction_willingness: many\n", "from 0 to 1"),
        ("validation:\n  similarity: gossip\n", "'gossip' is not one of alliances, unga"),
        ("validation:\n  overrides: [1]\n", "must be a mapping"),
        ("validation: 3\n", "must be a mapping"),
        ("similarity: gossip\n", "'gossip' is not one of"),
    ],
)
def test_bad_validation_block(tmp_path: Path, text: str, match: str) -> None:
    p = tmp_path / "params.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CollsecError, match=match):
        load_history_params(p)


def test_validate_rejects_an_unknown_similarity(shared_cow: Path) -> None:
    with pytest.raises(CollsecError, match="similarity"):
        validate(data_dir=shared_cow, reps=1, similarity="gossip")


def test_sanction_willingness_is_the_icb_record() -> None:
    if not (SHARED / "icb" / "icb1v15.csv").is_file():
        pytest.skip(f"ICB data folder not found at {SHARED / 'icb'}")
    rows = icb_case_book(SHARED, last=1999).rows
    findings = [r for r in rows if r["designated"] == "yes" and r["action"] != "military"]
    sanctioned = [r for r in findings if r["action"] == "sanctions"]
    assert (len(sanctioned), len(findings)) == (4, 54)
    want = load_history_params().validation.sanction_willingness
    assert want == pytest.approx(len(sanctioned) / len(findings), abs=0.0005)


def test_validate_applies_the_block_and_reports_it(shared_cow: Path) -> None:
    v = validate(data_dir=shared_cow, reps=1, seed=3)
    vs = load_history_params().validation
    assert v.settings["similarity"] == "unga"
    assert v.settings["sanction_penalty"] == pytest.approx(0.01 * vs.sanction_willingness)
    assert v.to_dict()["settings"]["overrides"] == vs.overrides


# --- the onset target (issue 12, item 8) --------------------------------------


def test_onsets_within_a_factor_of_1_5_of_the_record(shared_cow: Path) -> None:
    """Both runs within a factor of 1.5 of the record (exponent: test_history_validation_target)."""
    v = validate(data_dir=shared_cow, reps=20, seed=20261127)
    for run in v.runs:
        ratio = run["record_per_state_year"] / run["simulated_per_state_year"]
        assert 1 / 1.5 <= ratio <= 1.5, (run["organization"], ratio)
    # Before the validation block the League's onsets were a quarter of the record's.
    league = v.runs[0]
    assert league["deterred_per_state_year"] < 0.25 * league["attempted_per_state_year"]
