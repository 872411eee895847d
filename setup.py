"""Only for tools that still call `setup.py` (scrapyd-deploy builds its egg with it); the
project is described in pyproject.toml."""

from setuptools import setup

setup()
