"""Running the labelling on many processes or machines (``parknews.engine``).

- ``processes.py``: ``--jobs N``, worker processes on this machine.
- ``plan.py``: ``--engine dask``'s work plan: inputs cut into partitions (and large files
  into pieces) so that the records equal a single-process run's.
- ``worker.py``: what a Dask worker runs for one partition, and writes with ``--out``.
- ``parts.py``: the ``--out`` folder: its plan file, part files and notes.
- ``cluster.py``: the client: connect, submit, collect in input order.

Library code: no Typer, no printing (messages go to a callback); the command line's
options and its one output writer are in ``cli/``. Every path labels with
``model.annotate.label_article``, the function ``parknews.classify`` runs. Only
``cluster.py`` imports Dask, inside functions, so parknews runs without it.
"""
