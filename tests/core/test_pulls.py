"""The one pull and chi^2 of the book (cocoonlib.core.pulls; Methods: pulls and chi-squared, methods-chi2), against
values written out by hand."""

import numpy as np
import pytest

from cocoonlib.core import pulls
from cocoonlib.stats import compare


def test_symmetric_and_asymmetric_pulls_by_hand():
    model, data = np.array([3.0, 1.0, 2.0]), np.array([2.0, 2.0, 2.0])
    assert pulls.pull(model, data, 0.5).tolist() == [2.0, -2.0, 0.0]
    # above the point: the upper error (4); below or on it: the lower error (0.25)
    assert pulls.pull(model, data, 0.25, 4.0).tolist() == [0.25, -4.0, 0.0]
    assert pulls.chi2(model, data, 0.25, 4.0) == pytest.approx(0.0625 + 16.0, rel=1e-15)
    assert isinstance(pulls.chi2(model, data, 0.5), float)
    assert compare.asymmetric_pulls(model, data, 0.25, 4.0).tolist() == [0.25, -4.0, 0.0]


def test_one_chi2_per_model_row():
    models = np.array([[2.0, 2.0], [3.0, 1.0]])
    assert pulls.chi2(models, np.array([2.0, 2.0]), np.array([1.0, 0.5])).tolist() == [0.0, 5.0]
