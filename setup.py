"""The one compiled part of parknews: the classifier's inner loop (model/score_kernel.c).

Everything else is declared in pyproject.toml. The extension is optional: where no C
compiler is found the install goes on and the classifier runs its numpy path, which
gives the same probabilities, about a third slower (README, "Performance").
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "parknews.model.score_kernel",
            ["model/score_kernel.c"],
            # No fused multiply-adds: the sums must round exactly as numpy's do.
            extra_compile_args=["-O2", "-ffp-contract=off", "-fno-fast-math"],
            optional=True,
        )
    ]
)
