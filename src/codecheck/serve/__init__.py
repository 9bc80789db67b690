"""`codecheck serve`: the checks in a local web page for complaints officers (see docs/serve.md)."""

from codecheck.serve.app import create_app

__all__ = ["create_app"]
