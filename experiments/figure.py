"""Render the README's figure: DVC's own error and saturation plots over the sweep, as one PNG.

    python -m experiments.figure [--output docs/init-curves.png]     (or: make figure)

The charts are the Vega-Lite specs that `dvc plots diff --json` fills for the
plots defined in dvc.yaml, one line per experiment; vl-convert renders them
without a browser, and Pillow puts them side by side.
"""

import io
import json

import click
import vl_convert
from PIL import Image

from experiments.dvccli import dvc
from experiments.sweep import earlier
from experiments.variants import SCHEMES
from pipeline.files import atomic_path

PLOTS = ("Total error (mean per example, training sample)", "Saturated hidden units (fraction with sigmoid'(z) < 0.01)")
EXPERIMENTS = [f"{scheme}-lr0.5" for scheme in SCHEMES]


def chart(spec):
    """A Pillow image of the Vega-Lite `spec`."""
    spec = json.loads(spec) if isinstance(spec, str) else spec
    spec |= {"width": 420, "height": 300}
    return Image.open(io.BytesIO(vl_convert.vegalite_to_png(spec, scale=2)))


@click.command()
@click.option("-o", "--output", default="docs/init-curves.png", show_default=True, type=click.Path(dir_okay=False))
def main(output):
    """Draw total error and hidden-unit saturation per epoch for every init scheme at learning rate 0.5."""
    found = {ref.rsplit("/", 1)[-1] for ref in earlier(EXPERIMENTS)}
    if missing := [name for name in EXPERIMENTS if name not in found]:
        raise click.ClickException(f"no experiment named {', '.join(missing)}; run `make sweep` first")
    shown = json.loads(dvc("plots", "diff", *EXPERIMENTS, "--json", capture=True))
    missing = [plot for plot in PLOTS if plot not in shown.get("data", {})]
    if missing or shown.get("errors"):
        raise click.ClickException(
            f"dvc plots diff gave no {missing or shown['errors']}; run `make sweep` first"
        )
    charts = [chart(shown["data"][plot][0]["content"]) for plot in PLOTS]
    figure = Image.new("RGB", (sum(c.width for c in charts), max(c.height for c in charts)), "white")
    for i, image in enumerate(charts):
        figure.paste(image, (sum(c.width for c in charts[:i]), 0))
    with atomic_path(output) as temporary:
        figure.save(temporary, format="PNG", optimize=True)
    click.echo(f"{output}: {', '.join(EXPERIMENTS)}")


if __name__ == "__main__":
    main()
