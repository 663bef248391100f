"""Every initialization scheme draws what it says, the same way every time."""

import numpy as np
import pytest

from model.init import initialize

SIZES = [400, 3000, 10]  # a wide layer, so that its 1.2 million weights and 3,000 biases give close statistics


def settings(scheme, uniform=(-0.5, 0.5), normal=(0.0, 1.0)):
    """A model.init.<part> mapping as params.yaml writes it."""
    return {
        "scheme": scheme,
        "uniform": {"low": uniform[0], "high": uniform[1]},
        "normal": {"mean": normal[0], "std": normal[1]},
    }


def first_layer(weights_init, biases_init, seed=0):
    weights, biases = initialize(SIZES, {"weights": weights_init, "biases": biases_init}, np.random.default_rng(seed))
    return weights[0], biases[0]


# (scheme settings, expected mean, expected std, bound on |value - mean| or None), for fan-in 400 and fan-out 3000.
XAVIER_LIMIT = np.sqrt(6 / (400 + 3000))
CASES = {
    "question's [0,1)": (settings("uniform", uniform=(0, 1)), 0.5, 1 / np.sqrt(12), 0.5),
    "uniform [-0.5,0.5]": (settings("uniform"), 0.0, 1 / np.sqrt(12), 0.5),
    "uniform [2,6)": (settings("uniform", uniform=(2, 6)), 4.0, 4 / np.sqrt(12), 2.0),
    "normal(3, 0.2)": (settings("normal", normal=(3.0, 0.2)), 3.0, 0.2, None),
    "nielsen": (settings("nielsen"), 0.0, 1 / np.sqrt(400), None),
    "xavier": (settings("xavier"), 0.0, XAVIER_LIMIT / np.sqrt(3), XAVIER_LIMIT),
    "he": (settings("he"), 0.0, np.sqrt(2 / 400), None),
    "zeros": (settings("zeros"), 0.0, 0.0, 0.0),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("part", ["weights", "biases"])
def test_each_scheme_has_its_mean_std_and_range(case, part):
    init, mean, std, bound = CASES[case]
    other = settings("zeros")
    weights, biases = first_layer(init, other) if part == "weights" else first_layer(other, init)
    values = weights if part == "weights" else biases
    assert values.dtype == np.float32
    assert values.shape == ((3000, 400) if part == "weights" else (3000,))
    # The standard error of a mean or std over n draws is at most about std / sqrt(n); allow five.
    slack = 5 / np.sqrt(values.size)
    assert values.mean() == pytest.approx(mean, abs=slack * std + 1e-7)
    assert values.std() == pytest.approx(std, rel=slack, abs=1e-7)
    if bound is not None:
        assert np.abs(values - mean).max() <= bound * (1 + 1e-6)
    if std:
        assert len(np.unique(values)) > values.size // 2  # draws, not a constant


def test_uniform_never_reaches_its_upper_end():
    weights, _ = first_layer(settings("uniform", uniform=(0, 1)), settings("zeros"))
    assert weights.min() >= 0 and weights.max() < 1


def test_fan_in_and_fan_out_are_those_of_each_layer():
    weights, biases = initialize([400, 3000, 10], {"weights": settings("he"), "biases": settings("xavier")}, np.random.default_rng(1))
    assert weights[1].shape == (10, 3000) and biases[1].shape == (10,)
    assert weights[1].std() == pytest.approx(np.sqrt(2 / 3000), rel=0.1)
    assert np.abs(biases[1]).max() <= np.sqrt(6 / 3010)


def test_same_seed_gives_bit_identical_arrays_and_another_seed_does_not():
    init = {"weights": settings("uniform"), "biases": settings("normal")}
    first, again, other = (initialize([50, 20, 10], init, np.random.default_rng(seed)) for seed in (5, 5, 6))
    for a, b, c in zip(first[0] + first[1], again[0] + again[1], other[0] + other[1]):
        assert a.tobytes() == b.tobytes()
        assert not np.array_equal(a, c)


def test_the_biases_scheme_does_not_change_the_weights():
    with_uniform = first_layer(settings("uniform"), settings("uniform"))
    with_zeros = first_layer(settings("uniform"), settings("zeros"))
    assert np.array_equal(with_uniform[0], with_zeros[0])
    assert not np.array_equal(with_uniform[1], with_zeros[1])
