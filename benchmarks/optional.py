"""Call the search and serve benchmarks when they exist, adapting to the parameters they ask for."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEARCH_FUNCTIONS = ("query_download_bytes", "bytes_per_query", "query_bytes", "measure_query_bytes")
SERVE_FUNCTIONS = ("measure_edit_to_serve", "edit_to_serve", "measure_serve", "measure")


def search_query_bytes(output: Path, query: str) -> Any:
    """What one search query downloads from the built site, per benchmarks/search_bench.py."""
    return _call("search_bench", SEARCH_FUNCTIONS, {
        "output": output, "output_dir": output, "site": output, "site_dir": output, "root": output,
        "query": query, "term": query,
    })


def edit_to_serve(site: Path, runs: int) -> Any:
    """Seconds from saving an article to the served page changing, per benchmarks/serve_bench.py."""
    return _call("serve_bench", SERVE_FUNCTIONS, {
        "site": site, "site_dir": site, "root": site, "source": site, "runs": runs, "repeat": runs,
    })


def _call(module_name: str, names: tuple[str, ...], offered: dict[str, Any]) -> Any:
    """The first known function of the module, given the arguments it names; a reason string when not possible."""
    if not (HERE / f"{module_name}.py").is_file():
        return f"unavailable: benchmarks/{module_name}.py does not exist"
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # someone else's module: report, never abort the suite
        return f"unavailable: importing {module_name} failed: {type(exc).__name__}: {exc}"
    function = next((getattr(module, n) for n in names if callable(getattr(module, n, None))), None)
    if function is None:
        return f"unavailable: {module_name} has none of {', '.join(names)}"
    try:
        return function(**_arguments(function, offered))
    except Exception as exc:
        print(f"  {module_name}.{function.__name__} failed: {exc}", file=sys.stderr)
        return f"failed: {type(exc).__name__}: {exc}"


def _arguments(function: Any, offered: dict[str, Any]) -> dict[str, Any]:
    chosen = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name in offered:
            chosen[name] = offered[name]
        elif parameter.default is inspect.Parameter.empty and parameter.kind not in (
                parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise TypeError(f"cannot supply required parameter '{name}'")
    return chosen
