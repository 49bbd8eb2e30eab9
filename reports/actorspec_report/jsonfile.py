"""Reading an input JSON file, with one clear sentence for every way it can
be unusable: missing, empty, truncated, not text, not JSON, nested too
deeply to parse, or holding NaN/Infinity (which JSON does not have, and
which would turn into nonsense medians)."""

from __future__ import annotations

import json


class JsonFileError(ValueError):
    pass


def _no_constants(name: str):
    raise JsonFileError(f"contains {name}, which is not a JSON number (a benchmark or test wrote a non-finite value)")


def load(path: str, what: str = "input", allow_nonfinite: bool = False):
    """allow_nonfinite: Google Benchmark itself writes NaN (e.g. the CV of a
    counter that was 0 in every repetition); its reader takes them and
    judges each value where it is used."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise JsonFileError(f"{path}: cannot read ({e.strerror})") from None
    if not raw.strip():
        raise JsonFileError(f"{path}: empty file; did the program that writes it crash?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonFileError(f"{path}: not a text file (not UTF-8); not {what}") from None
    try:
        return json.loads(text, parse_constant=None if allow_nonfinite else _no_constants)
    except JsonFileError as e:
        raise JsonFileError(f"{path}: {e}") from None
    except RecursionError:
        raise JsonFileError(f"{path}: nested too deeply to read; not {what}") from None
    except json.JSONDecodeError as e:
        cut = e.msg.startswith("Unterminated") or e.pos >= len(text.rstrip()) - 1
        hint = "; truncated? did the program that writes it crash?" if cut else ""
        raise JsonFileError(f"{path}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno}){hint}") from None
