"""The compiled parts of parknews: the classifier's inner loop (model/score_kernel.c), its
text and token scans (model/token_kernel.c), jieba's word segmentation (model/cut_kernel.c)
and the JSONL writer (model/jsonl_kernel.c).

Everything else is declared in pyproject.toml. The extensions are optional: where no C
compiler is found the install goes on and parknews runs their Python twins, which give the
same results, more slowly (README, "Performance").
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            f"parknews.model.{name}",
            [f"model/{name}.c"],
            # No fused multiply-adds: the sums must round exactly as numpy's do.
            extra_compile_args=["-O2", "-ffp-contract=off", "-fno-fast-math"],
            optional=True,
        )
        for name in ("score_kernel", "token_kernel", "cut_kernel", "jsonl_kernel")
    ]
)
