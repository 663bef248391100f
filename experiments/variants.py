"""The experiments that answer the question, as `dvc exp run -S` overrides.

Each variant sets every value it depends on, so its meaning does not drift
when the defaults in params.yaml change.
"""


def init(scheme, **values):
    """Overrides that start weights and biases alike with `scheme` and its `values`."""
    overrides = []
    for part in ("weights", "biases"):
        overrides.append(f"model.init.{part}.scheme={scheme}")
        overrides += [f"model.init.{part}.{scheme}.{key}={value}" for key, value in values.items()]
    return overrides


def learning_rate(rate):
    return [f"train.learning_rate={rate}"]


# The question's two starts first, then the other schemes.
SCHEMES = {
    "uniform-0-1": init("uniform", low=0, high=1),
    "uniform-pm0.5": init("uniform", low=-0.5, high=0.5),
    "normal": init("normal", mean=0, std=1),
    "nielsen": init("nielsen"),
    "xavier": init("xavier"),
    "he": init("he"),
    "zeros": init("zeros"),
}

# Every scheme at the question's learning rate and at Nielsen's 3.0.
SWEEP = {
    f"{name}-lr{rate}": overrides + learning_rate(rate)
    for name, overrides in SCHEMES.items()
    for rate in (0.5, 3.0)
}
# Claim 1: no learning rate rescues the [0,1) start.
SWEEP |= {f"uniform-0-1-lr{rate}": SCHEMES["uniform-0-1"] + learning_rate(rate) for rate in (0.05, 10.0)}
# Claim 2: the scale of a centred start matters; too large saturates too.
SWEEP |= {
    f"uniform-pm{scale}-lr0.5": init("uniform", low=-scale, high=scale) + learning_rate(0.5)
    for scale in (0.05, 2, 5)
}

# CI's reduced sweep: the stuck and the learning start, a few epochs on a subset.
SUBSET = ["prepare.train_size=5000", "train.epochs=3", "train.diagnostic_sample=500"]
CI = {
    "ci-stuck": SCHEMES["uniform-0-1"] + learning_rate(0.5) + SUBSET,
    "ci-learning": SCHEMES["uniform-pm0.5"] + learning_rate(0.5) + SUBSET,
}
