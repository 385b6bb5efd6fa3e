"""Defaults are written once, in cocoonlib.book.params.PARAMETERS: the physics classes that carry the book's model
(Halo, CocoonDisk, the local fits) have none, and where a physics function keeps a default for convenience under
a parameter's name, it equals the parameter's default (in the function's units)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import pkgutil

import pytest

from cocoonlib.book.params import PARAMETERS, from_params

PHYSICS_LAYERS = ("core", "io", "source", "production", "transport", "sky", "stats")
#: argument name in the physics -> (parameter, factor from the parameter's unit to the argument's)
ALIASES = {
    "R0_TV": ("R0", 1.0),
    "R_cut_TV": ("R_cut", 1.0),
    "delta_c": ("delta", 1.0),
    "E_SN_erg": ("E_SN", 1.0),
    "E_max_GeV": ("E_max", 1.0e6),
    "R_sun_kpc": ("R_sun", 1.0),
    "R_gal_kpc": ("R_gal", 1.0),
    "phi_GV": ("phi", 1.0),
    "chi0_max": ("chi0_scan_max", 1.0),  # fit_bc: the upper end of chi0's profile [g cm^-2]
}
#: defaults that mean "none of it" rather than a value of the model: no cocoon grammage, no cut-off, the grid as is
NEUTRAL = {("chi0", 0.0), ("R_cut", math.inf), ("R_cut_TV", math.inf), ("grid_scale", 1)}
#: arguments that share a parameter's name but not its meaning
OTHER_MEANING = {"n_sigma"}  # an interval's width (1 or 2 sigma), not the limits' threshold
#: a physics flag for a parameter given as a word
AS_WORD = {"cmb_absorption": {True: "on", False: "off"}}


def _physics_defaults():
    """(where, argument, default) of every function, method and dataclass field of the physics layers."""
    out = []
    for layer in PHYSICS_LAYERS:
        pkg = importlib.import_module(f"cocoonlib.{layer}")
        for info in pkgutil.iter_modules(pkg.__path__):
            mod = importlib.import_module(f"cocoonlib.{layer}.{info.name}")
            for name, obj in vars(mod).items():
                if getattr(obj, "__module__", None) != mod.__name__:
                    continue
                funcs = [(name, obj)] if inspect.isfunction(obj) else []
                if inspect.isclass(obj):
                    funcs = [(f"{name}.{k}", v) for k, v in vars(obj).items() if inspect.isfunction(v)]
                    if dataclasses.is_dataclass(obj):
                        out += [
                            (f"{mod.__name__}.{name}", f.name, f.default)
                            for f in dataclasses.fields(obj)
                            if f.default is not dataclasses.MISSING
                        ]
                for qual, f in funcs:
                    out += [
                        (f"{mod.__name__}.{qual}", a, p.default)
                        for a, p in inspect.signature(f).parameters.items()
                        if p.default is not inspect.Parameter.empty
                    ]
    return out


def _expected(argument):
    if argument in ALIASES:
        name, factor = ALIASES[argument]
        return name, factor
    return (argument, 1.0) if argument in PARAMETERS else (None, None)


def mismatches(defaults) -> list[str]:
    """The (where, argument, default) of ``defaults`` that name a parameter and differ from its default."""
    wrong = []
    for where, arg, default in defaults:
        name, factor = _expected(arg)
        if name is None or arg in OTHER_MEANING or default is None or (arg, default) in NEUTRAL:
            continue
        want, have = PARAMETERS[name].default, AS_WORD.get(arg, {}).get(default, default)
        same = (
            have == want
            if isinstance(want, str) or isinstance(have, (str, tuple))
            else have == pytest.approx(want * factor, rel=1e-12)
        )
        if not same:
            wrong.append(f"{where}({arg}={default!r}) but parameter {name} = {want!r}")
    return wrong


def test_physics_defaults_equal_the_parameters():
    wrong = mismatches(_physics_defaults())
    assert not wrong, "defaults typed twice and different:\n" + "\n".join(wrong)


def test_a_changed_default_is_caught():
    """The comparison itself: defaults that differ from the parameters' (in the function's units) are reported,
    equal and neutral ones are not."""
    E_max = PARAMETERS["E_max"].default
    assert mismatches([("m.f", "E_max_GeV", E_max * 1e6), ("m.f", "chi0", 0.0), ("m.g", "cmb_absorption", True)]) == []
    assert len(mismatches([("m.f", "E_max_GeV", E_max), ("m.f", "gamma_nuclei", 9.9)])) == 2


def test_the_book_model_classes_have_no_defaults():
    from cocoonlib.source.cocoon_disk import CocoonDisk
    from cocoonlib.transport.slab import Halo

    for cls in (Halo, CocoonDisk):
        assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(cls)), cls.__name__


def test_the_adapters_give_the_parameters_defaults():
    h, d = from_params.halo(), from_params.cocoon_disk()
    assert (h.D0, h.delta, h.H, h.f_He) == tuple(PARAMETERS[n].default for n in ("D0", "delta_gal", "H_halo", "f_He"))
    assert (d.R_SN, d.alpha, d.z0) == tuple(PARAMETERS[n].default for n in ("R_SN", "alpha", "z0"))
    assert from_params.cocoon_disk(z0=0.2).z0 == 0.2 and from_params.halo(D0=3.0).D0 == 3.0


def test_each_halo_parameter_reaches_the_transport_and_the_chapters():
    """HALO_PARAMETERS is the one list of the transport's parameters: each of them changes from_params.halo, and the
    chapters that use the transport (bc, gamma) accept each of them."""
    from cocoonlib.book.chapters import CHAPTERS
    from cocoonlib.book.params import HALO_PARAMETERS

    base = from_params.halo()
    for name in HALO_PARAMETERS:
        changed = from_params.halo(**{name: PARAMETERS[name].default * 1.1 + 0.01})
        assert changed != base, name
        for chapter in ("bc", "gamma"):
            assert name in CHAPTERS[chapter].parameters, (chapter, name)
