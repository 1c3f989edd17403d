"""The ``parknews`` command line (``app.py`` wires the commands).

This package is imported first, before anything loads numpy, so it is where
the command's process chooses one OpenBLAS thread: starting a thread per core
costs ~0.06 s of a ~0.5 s cold start, while the command's matrix products are
small (a batch of paragraphs × 6 labels) and ``--jobs`` workers are the
command's parallelism (a BLAS thread per core in each would only compete with
them). A value the user set is kept; the library (``parknews.api``) sets nothing.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
