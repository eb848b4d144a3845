"""Packaging beyond pyproject.toml: the theme, kept in the repository's templates/ (the sample site
edits it there), is installed as the package folder archivist/default_theme/, so every install ships it."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["archivist", "archivist.*"]), "archivist.default_theme"],
    package_dir={"archivist.default_theme": "templates"},
    package_data={"archivist": ["citations/*.js", "search/*.js", "starter_site/**/*"], "archivist.default_theme": ["**/*"]},
)
