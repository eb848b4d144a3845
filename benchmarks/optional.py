"""Call the search and serve benchmarks when they exist, adapting to the parameters they ask for."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"  # search_bench drives Chromium through the test harness in tests/support
SEARCH_FUNCTIONS = ("measure_query", "query_download_bytes", "query_bytes")
SERVE_FUNCTIONS = ("measure_edit_to_serve", "edit_to_serve")


def search_query_bytes(output: Path, query: str) -> Any:
    """What one search query downloads from the built site, per benchmarks/search_bench.py."""
    if not (output / "pagefind").is_dir():
        return "unavailable: the build wrote no search index (output/pagefind/)"
    found = _call("search_bench", SEARCH_FUNCTIONS, {
        "output": output, "output_dir": output, "site": output, "site_dir": output, "root": output,
        "query": query, "term": query,
    })
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], dict):
        received, results = found  # search_bench.measure_query: (bytes per kind, result count)
        return {"query": query, "bytes": sum(received.values()), "by_kind": dict(received), "results": results}
    return found


def edit_to_serve(site: Path, article: Path, runs: int) -> Any:
    """Seconds from saving an article to the served page changing, per benchmarks/serve_bench.py."""
    return _call("serve_bench", SERVE_FUNCTIONS, {
        "site": site, "site_dir": site, "root": site, "source": site, "article": article, "path": article,
        "runs": runs, "rounds": runs, "repeat": runs,
    })


def _call(module_name: str, names: tuple[str, ...], offered: dict[str, Any]) -> Any:
    """The first known function of the module, given the arguments it names; a reason string when not possible."""
    if not (HERE / f"{module_name}.py").is_file():
        return f"unavailable: benchmarks/{module_name}.py does not exist"
    if str(TESTS) not in sys.path:
        sys.path.append(str(TESTS))
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
