"""Compares the rows a server received with what pandas reads from the file they came from.

Usage: compare_with_pandas.py SPEC.json

SPEC holds:
  file          the dropped file (.csv, or .jsonl/.ndjson)
  rows          the rows received, in file order (a list of JSON objects)
  rejectedFile  the rejected rows file, if rows were set aside: pandas reads the file without the
                lines it lists (`_line`), since a column's type is decided by the rows that are sent
  text          columns the data config makes text (categorical features, ids): compared as text
  scores        the prediction scores column, written in CSV as "[0.1, 0.9]"
  filled        columns the service may add (inference id, timestamp): present in every row,
                compared only where the file has them

pandas reads CSV with its defaults (`pandas.read_csv(path)`) and JSON lines with
`pandas.read_json(path, lines=True, dtype=False)`: with its default dtype=True, read_json also guesses
(strings of digits become numbers, columns named like dates become datetimes), which is pandas'
interpretation, not the file's values; and it parses decimals exactly (`precise_float=True`): its
default JSON parser can be one unit in the last place off ("0.3" -> 0.30000000000000004), while
read_csv and the service both take the double nearest to what is written.

One documented difference is allowed: pandas turns an integer column holding a missing value into
float64 (3 -> 3.0, because NumPy integers have no null); the service keeps such a column's integers,
as pandas' nullable Int64 would. Every other value must be equal and of the same JSON type.

Prints "agrees: N rows x M columns" and exits 0, or prints each difference and exits 1.
"""

import json
import gzip
import math
import sys

import pandas as pd


def read_with_pandas(path, skip_lines):
    # pandas infers gzip from a .gz name, as the service does.
    if path.endswith(".csv") or path.endswith(".csv.gz"):
        skip = [line - 1 for line in skip_lines]  # read_csv counts lines from 0
        return pd.read_csv(path, skiprows=skip or None)
    frame = pd.read_json(path, lines=True, dtype=False, precise_float=True)
    if skip_lines:
        # Blank lines are not rows in read_json: count rows by the lines that hold one.
        with (gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")) as handle:
            row_lines = [number for number, text in enumerate(handle, start=1) if text.strip()]
        keep = [index for index, line in enumerate(row_lines) if line not in set(skip_lines)]
        frame = frame.iloc[keep].reset_index(drop=True)
    return frame


def plain(value):
    """A pandas cell as a plain Python value: NaN and NA as None, NumPy scalars as Python ones."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def same(expected, actual):
    """Equal and of the same JSON type (bool is not int; 1 is not 1.0; -0.0 is not 0.0)."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, float):
        return isinstance(actual, float) and (expected == actual) and math.copysign(1, expected) == math.copysign(1, actual)
    if isinstance(expected, int):
        return isinstance(actual, int) and expected == actual
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            same(e, a) or (isinstance(e, (int, float)) and isinstance(a, (int, float)) and e == a)
            for e, a in zip(expected, actual))
    return expected == actual


def integers_with_nulls(series):
    """A float64 column only because it holds a missing value: every other value is whole."""
    values = [plain(v) for v in series]
    present = [v for v in values if v is not None]
    return (str(series.dtype) == "float64" and len(present) < len(values)
            and all(isinstance(v, float) and v.is_integer() for v in present))


def rejected_lines(path):
    if not path:
        return []
    if path.endswith(".csv"):
        return [int(line) for line in pd.read_csv(path, dtype=str)["_line"]]
    with open(path, encoding="utf-8") as handle:
        return [json.loads(text)["_line"] for text in handle if text.strip()]


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    frame = read_with_pandas(spec["file"], rejected_lines(spec.get("rejectedFile")))
    rows = spec["rows"]
    text_columns = set(spec.get("text", []))
    scores = spec.get("scores")
    filled = set(spec.get("filled", []))
    problems = []
    if len(rows) != len(frame):
        problems.append(f"pandas reads {len(frame)} rows, the server received {len(rows)}")
    columns = [str(column) for column in frame.columns]
    whole_columns = {column for column in columns if integers_with_nulls(frame[column])}
    for index, row in enumerate(rows[: len(frame)]):
        extra = set(row) - set(columns) - filled
        if extra:
            problems.append(f"row {index}: keys pandas does not read: {sorted(extra)}")
        for column in filled - set(columns):
            if row.get(column) is None:
                problems.append(f"row {index}: '{column}' was not filled in")
        for column in columns:
            expected = plain(frame[column].iloc[index])
            actual = row.get(column)
            if column == scores and isinstance(expected, str):
                expected = json.loads(expected)
            if column in text_columns and expected is not None and not isinstance(expected, str):
                expected = str(expected)
            if column in whole_columns and isinstance(expected, float) and isinstance(actual, int) and not isinstance(actual, bool):
                expected = int(expected)
            if not same(expected, actual):
                problems.append(f"row {index}, column '{column}': pandas reads {expected!r}, the server received {actual!r}")
    if problems:
        print("\n".join(problems[:50]))
        sys.exit(1)
    print(f"agrees: {len(rows)} rows x {len(columns)} columns")


main()
