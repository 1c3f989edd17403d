"""The bundled model, shipped as package data (``parknews.artifacts`` / ``model/``)."""
