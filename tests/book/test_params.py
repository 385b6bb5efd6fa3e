"""Parameter validation: every bad value stops with one line naming the parameter."""

import ast
import json
import math

import pytest

from cocoonlib.book.chapters import CHAPTERS
from cocoonlib.book.params import PARAMETERS, TAGS, ParameterError, parse_cli_value, provenance_table, validate

INVALID = [
    ("chi0", -0.4),
    ("chi0", 0.0),
    ("chi0", 11.0),
    ("chi0", "0.4"),
    ("chi0", True),
    ("chi0", math.nan),
    ("R0", 0.0),
    ("R0", -20.0),
    ("R0", math.inf),
    ("R_SN", 0.0),
    ("R_SN", -1 / 30),
    ("delta", 0.0),
    ("delta", 2.5),
    ("grammage_model", "gaussian"),
    ("grammage_model", 1),
    ("z_profile", "gaussian"),
    ("gamma_p", 5.0),
    ("gamma_He", "hard"),
    ("eps_p", 1.5),
    ("E_max", 0.0),
    ("n_gas", -1.0),
    ("grid_scale", 1.5),
    ("grid_scale", 0),
    ("user_window", [10, 5, -5, 5]),
    ("user_window", [0, 10, -5]),
    ("user_window", "0,10,-5,5"),
    ("user_window", [0, 400, -5, 5]),
    ("user_window", [0, 10, -95, 5]),
    ("alpha", -1.0),
    ("beta", 0.0),
    ("production_model", "sibyll"),
    ("ism_composition", "He"),
]


@pytest.mark.parametrize("name, value", INVALID, ids=[f"{n}={v!r}" for n, v in INVALID])
def test_invalid_value_one_line(name, value):
    with pytest.raises(ParameterError) as err:
        validate({name: value})
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(name) and "expected" in msg


def test_unknown_name():
    with pytest.raises(ParameterError, match="unknown parameter 'chi_0'"):
        validate({"chi_0": 0.4})


@pytest.mark.parametrize(
    "values, name",
    [({"R_sun": 16.0}, "R_sun"), ({"z0": 2.0, "h_disk": 1.0}, "z0"), ({"ism_composition": "H+He"}, "ism_composition")],
)
def test_inconsistent_combinations(values, name):
    with pytest.raises(ParameterError, match=f"^{name}"):
        validate(values)


def test_defaults_valid_and_coerced():
    v = validate({"chi0": 1, "grid_scale": 2.0, "user_window": (0, 10, -1, 1)})
    assert isinstance(v["chi0"], float) and v["grid_scale"] == 2 and isinstance(v["grid_scale"], int)
    assert v["user_window"] == [0.0, 10.0, -1.0, 1.0]
    assert set(v) == set(PARAMETERS)


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("chi0", "0.5", 0.5),
        ("grid_scale", "2", 2),
        ("user_window", "0,10,-1,1", [0.0, 10.0, -1.0, 1.0]),
        ("grammage_model", "constant", "constant"),
    ],
)
def test_cli_parsing(name, text, expected):
    assert parse_cli_value(name, text) == expected


@pytest.mark.parametrize("name, text", [("chi0", "abc"), ("chi0", "-1"), ("user_window", "a,b"), ("nope", "1")])
def test_cli_parsing_errors(name, text):
    with pytest.raises(ParameterError):
        parse_cli_value(name, text)


def test_every_parameter_has_provenance():
    t = provenance_table()
    assert list(t.index) == list(PARAMETERS)
    assert t.tag.isin(list(TAGS)).all()
    assert (t.source.str.len() > 10).all()


@pytest.mark.parametrize("chapter", CHAPTERS.values(), ids=CHAPTERS.keys())
def test_notebook_parameters_cell_matches_declarations(chapter):
    """The notebook's `parameters` cell sets exactly the chapter's parameters, to their declared defaults."""
    nb = json.loads(chapter.path.read_text())
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    assigned = {}
    for node in ast.parse("".join(cells[0]["source"])).body:
        assigned[node.targets[0].id] = (
            ast.literal_eval(node.value)
            if not isinstance(node.value, ast.BinOp)
            else eval(compile(ast.Expression(node.value), "<cell>", "eval"))
        )
    assert list(assigned) == list(chapter.parameters)
    for name, value in assigned.items():
        assert (
            value == pytest.approx(PARAMETERS[name].default)
            if isinstance(value, float)
            else value == PARAMETERS[name].default
        )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTERS.keys())
def test_notebook_parameters_cell_is_the_one_written_from_the_declarations(chapter):
    """The cell tools/parameters_cells.py writes: a parameter is declared once, in cocoonlib/book/params/declarations.py."""
    from cocoonlib.book.chapters import parameters_cell_source

    nb = json.loads(CHAPTERS[chapter].path.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    assert "".join(cell["source"]) == parameters_cell_source(chapter), "run python tools/parameters_cells.py"


def test_every_parameter_says_what_it_affects_and_the_groups_follow():
    """Each declaration names what a change of it changes; the sets the book uses are derived from that, so a sky
    cached under one value is never reused for another of a parameter that changes skies."""
    from cocoonlib.book.chapters import keys
    from cocoonlib.book.params import AFFECTS, Parameter, affecting, in_group

    for p in PARAMETERS.values():
        assert p.affects and p.affects <= set(AFFECTS), p.name
    sky = set(affecting("sky"))
    assert sky and not sky & set(keys.NOT_IN_SKY) and not sky & set(keys.SKY_COCOON_PARAMETERS)  # in every sky's key
    assert set(in_group("halo")) <= set(in_group("halo", "dge"))
    with pytest.raises(ValueError, match="affects"):
        Parameter(
            name="x",
            default=1.0,
            unit="",
            kind="float",
            symbol="x",
            description="d",
            tag="I",
            source="s",
            affects=set(),
            bounds=(0.0, 2.0, True, True),
        )
    with pytest.raises(ValueError, match="unknown tags"):
        affecting("everything")


def test_list_parameter():
    """R0_grid: a list of positive numbers, from Python or from the command line; anything else is one line."""
    from cocoonlib.book.params import PARAMETERS, ParameterError, parse_cli_value

    assert parse_cli_value("R0_grid", "5,10,20") == [5.0, 10.0, 20.0]
    assert PARAMETERS["R0_grid"].check([1, 2.5]) == [1.0, 2.5]
    for bad in ["5", [], [1, -2], [1, "a"], list(range(1, 20)), [True]]:
        with pytest.raises(ParameterError, match="R0_grid") as err:
            PARAMETERS["R0_grid"].check(bad)
        assert "\n" not in str(err.value)
