"""parknews: label and summarize Chinese development-zone news.

The code lives in the project's top-level folders, installed as subpackages:
``parknews.model`` (inference), ``parknews.training`` (data and fitting) and
``parknews.cli`` (the Typer app).
"""

__version__ = "0.1.0"
