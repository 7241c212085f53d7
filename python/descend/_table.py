"""Reading a CSV file of numbers for the ``descend`` command.

The file has a header row; the feature columns (and a numeric target) must hold finite
numbers, written as CSV files write them (ASCII digits, sign, point, exponent: not
``1_000``, other scripts' digits or ``infinity``, which Python's float() reads). A cell that is
empty, ``NA``-like, not a number or infinite is refused with a :class:`DataError` naming the
file, the line (the line the cell is on, counting the lines of quoted cells that span lines),
the data row and the column. Rows are read in one
streaming pass: with pandas (when installed) in chunks, else with the standard library's
:mod:`csv` reader row by row into a compact buffer, so the file is never held twice as text.
"""

from __future__ import annotations

import array
import csv
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

__all__ = ["DataError", "Table", "read_table"]

# Cell texts read as "missing" (compared after stripping and lower-casing).
_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})
# A number as a CSV cell may write it: ASCII digits, an optional sign, point and exponent,
# spaces or tabs around it (what pandas' parser reads). Python's float() also takes "1_000",
# other scripts' digits ("١٢"), other whitespace and "infinity": refused here, as pandas does.
_NUMBER = re.compile(r"[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*")
# Rows per pandas chunk.
_CHUNK_ROWS = 65_536
# The integers an int64 label holds.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class DataError(ValueError):
    """A CSV file the command cannot use; the message says where and why."""


class _UseCsvModule(Exception):
    """pandas' fast path met a cell it cannot parse: read with the csv module instead."""


@dataclass
class Table:
    """Columns read from a CSV file.

    ``X`` holds the features as float64, one row per data row. ``y`` is the target: float64
    for a numeric target, or the labels (int64 when every label is an integer that int64 holds,
    read exactly, else str) for ``labels=True``; None without a target. ``path`` is the
    file's.
    """

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    target: str | None
    path: str


def _number(text: str) -> float | None:
    """The cell as a finite float (rounded as Python's float() rounds), or None if it is not
    a number as _NUMBER writes one, or is beyond float64's range."""
    if _NUMBER.fullmatch(text) is None:
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _line_breaks(text: str) -> int:
    """The line breaks in a (quoted) cell, as a text editor counts them: \\n, \\r or \\r\\n."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _bad_cell(path: Path, line: int, row: int, column: str, text: str) -> DataError:
    where = f"{path}: line {line} (data row {row}), column {column!r}"
    if text.strip().lower() in _MISSING:
        shown = "" if not text.strip() else f" ({text!r})"
        return DataError(f"{where}: missing value{shown}")
    return DataError(f"{where}: {text!r} is not a finite number")


def _bad_cell_of_row(
    path: Path, row: list[str], i: int, start: int, row_number: int, column: str
) -> DataError:
    """_bad_cell for cell i of a record that starts on line ``start``: on that line plus the
    line breaks of the quoted cells before it."""
    line = start + sum(_line_breaks(cell) for cell in row[:i])
    return _bad_cell(path, line, row_number, column, row[i])


def _header(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            header = next(csv.reader(file), None)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not a UTF-8 text file ({error.reason})") from None
    except csv.Error as error:
        raise DataError(f"{path}: line 1: {error}") from None
    if not header:
        raise DataError(f"{path}: empty file; expected a header row of column names")
    header = [name.strip() for name in header]
    if "" in header:
        raise DataError(f"{path}: line 1: column {header.index('') + 1} has no name")
    return header


def _columns(
    path: Path, header: list[str], target: str | None, features: Sequence[str] | None
) -> list[str]:
    """The feature columns, checked against the header."""

    def missing(name: str) -> DataError:
        return DataError(f"{path}: no column {name!r}; the columns are {', '.join(header)}")

    if target is not None and target not in header:
        raise missing(target)
    if features is None:
        features = [name for name in header if name != target]
    else:
        for name in features:
            if name not in header:
                raise missing(name)
        if target in features:
            raise DataError(f"the target {target!r} cannot also be a feature")
        if len(set(features)) != len(features):
            raise DataError(f"features: a column is named twice in {', '.join(features)}")
    if not features:
        raise DataError(f"{path}: no feature columns besides the target {target!r}")
    used = [*features, *([target] if target is not None else [])]
    for name in used:
        if header.count(name) > 1:
            raise DataError(f"{path}: the header names column {name!r} twice")
    return list(features)


def _as_labels(path: Path, target: str, texts: list[str]) -> np.ndarray:
    """Labels as int64 when every one is an integer that int64 holds, else as str (the texts);
    DataError for a numeric target with fractional parts (a regression target: one class per
    distinct value would be a softmax over them all, as scikit-learn's classifiers refuse
    "continuous" targets).

    Every number is read exactly (as a decimal, never through float64): "9007199254740993"
    stays 9007199254740993 and "2.0" is 2, while "1e30", an integer beyond int64, keeps the
    labels as their text rather than becoming another number."""
    labels = np.array(texts)
    distinct, inverse = np.unique(labels, return_inverse=True)
    if not all(_NUMBER.fullmatch(text) for text in distinct.tolist()):
        return labels  # text labels ("1_000" and "١٢" too, which int() reads as numbers)
    try:  # (Python's int() of each text: exact, OverflowError beyond int64)
        return distinct.astype(np.int64)[inverse]
    except (ValueError, OverflowError):
        pass
    numbers = []
    for text in distinct.tolist():
        try:
            number = Decimal(text)
        except InvalidOperation:
            return labels  # text labels
        if not number.is_finite():
            return labels
        numbers.append(number)
    fractional = np.array([number != number.to_integral_value() for number in numbers])
    if np.any(fractional):
        example = texts[int(np.argmax(fractional[inverse]))]
        raise DataError(
            f"{path}: column {target!r} is a numeric target with fractional parts (such as "
            f"{example!r}), not class labels: --model logistic needs labels (text or integers); "
            "use --model linear to predict a number"
        )
    if all(_INT64_MIN <= number <= _INT64_MAX for number in numbers):
        return np.array([int(number) for number in numbers], dtype=np.int64)[inverse]
    return labels  # an integer int64 cannot hold: never rounded into another label


# A block of rows as a reader yields it: the features, and the target (None without one; the
# label texts, stripped, with labels=True; else its numbers as float64).
_Block = tuple[np.ndarray, "np.ndarray | list[str] | None"]


def _read_csv_module(
    path: Path, header: list[str], used: list[str], n_features: int, labels: bool
) -> Iterator[_Block]:
    """One block read with the csv module, every cell checked where it is read: an error names
    the line the cell is on (a quoted cell may span lines), the data row and the column."""
    index = [header.index(name) for name in used]
    values = array.array("d")
    numbers = array.array("d")
    texts: list[str] = []
    target = used[n_features] if len(used) > n_features else None
    target_index = index[n_features] if len(index) > n_features else None
    feature_index = list(zip(index[:n_features], used[:n_features], strict=True))
    with open(path, newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        next(reader)
        end = reader.line_num  # the last line of the previous record
        row_number = 0
        try:
            for row in reader:
                start, end = end + 1, reader.line_num
                row_number += 1
                if len(row) != len(header):
                    if not row:
                        raise DataError(f"{path}: line {start} is empty")
                    raise DataError(
                        f"{path}: line {start} (data row {row_number}) has {len(row)} fields, "
                        f"the header has {len(header)}"
                    )
                for i, name in feature_index:
                    value = _number(row[i])
                    if value is None:
                        raise _bad_cell_of_row(path, row, i, start, row_number, name)
                    values.append(value)
                if target_index is not None and target is not None:
                    text = row[target_index]
                    if labels:
                        if text.strip().lower() in _MISSING:
                            raise _bad_cell_of_row(
                                path, row, target_index, start, row_number, target
                            )
                        texts.append(text.strip())
                    else:
                        value = _number(text)
                        if value is None:
                            raise _bad_cell_of_row(
                                path, row, target_index, start, row_number, target
                            )
                        numbers.append(value)
        except csv.Error as error:
            raise DataError(f"{path}: line {reader.line_num}: {error}") from None
        except UnicodeDecodeError as error:
            raise DataError(f"{path}: not a UTF-8 text file ({error.reason})") from None
    y: np.ndarray | list[str] | None = None
    if target is not None:
        y = texts if labels else np.frombuffer(numbers, dtype=np.float64)
    yield np.frombuffer(values, dtype=np.float64).reshape(-1, n_features), y


def _read_pandas(
    path: Path, header: list[str], used: list[str], n_features: int, labels: bool
) -> Iterator[_Block]:
    """Blocks read by pandas' C parser in chunks, numbers rounded as Python's float() rounds
    them.

    Every column is read (not ``usecols``), so that a row with too many fields is refused. A
    chunk with anything pandas cannot turn into finite numbers, or a missing label, ends the
    fast path (_UseCsvModule): the file is then read with the csv module, which names the
    line, the column and the cell (pandas' rows do not tell the lines of a file whose quoted
    cells span lines). So does a chunk that may hold a row of the wrong length, which pandas
    would accept: an empty cell in the last column (pandas pads a short row with empty cells)
    or a row index taken from the data (pandas' reading of a first row with one field more than
    the header)."""
    import pandas as pd

    # Columns are named by position (names=range, the file's header row skipped): the header's
    # names as pandas reads them are not stripped, nor unique, as _header's are.
    features = [header.index(name) for name in used[:n_features]]
    target = header.index(used[n_features]) if len(used) > n_features else None
    numeric = [*features, *([target] if target is not None and not labels else [])]
    last = len(header) - 1  # read as text unless numeric: "" there may be a short row
    # pandas 3 parses correctly rounded by default (and deprecates the option)
    precision = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
    try:
        with pd.read_csv(
            path,
            header=0,
            names=list(range(len(header))),
            dtype={
                **{i: np.float64 for i in numeric},
                **({target: str} if target is not None and labels else {}),
                **({last: str} if last not in numeric else {}),
            },
            skip_blank_lines=False,
            keep_default_na=False,
            na_values={i: [""] for i in numeric},
            chunksize=_CHUNK_ROWS,
            encoding="utf-8-sig",
            **precision,
        ) as chunks:
            for chunk in chunks:
                if not isinstance(chunk.index, pd.RangeIndex):
                    raise ValueError("a row longer than the header")
                if last not in numeric:
                    cells = chunk[last]
                    if cells.isna().any() or (cells == "").any():
                        raise ValueError("maybe a row shorter than the header")
                block = chunk[features].to_numpy(np.float64)
                if not np.isfinite(block).all():
                    raise ValueError("not finite")
                y: np.ndarray | list[str] | None = None
                if target is not None and labels:
                    y = [text.strip() for text in chunk[target].tolist()]
                    if any(text.lower() in _MISSING for text in y):
                        raise ValueError("a missing label")
                elif target is not None:
                    y = chunk[target].to_numpy(np.float64)
                    if not np.isfinite(y).all():
                        raise ValueError("not finite")
                yield np.ascontiguousarray(block), y
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        raise _UseCsvModule from None


def _collect(
    path: Path,
    blocks: Iterator[_Block],
    target: str | None,
    labels: bool,
    n_features: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    """(X, y) from the blocks of a reader (their cells checked by the reader), the labels
    converted."""
    # Blocks after the first are appended to one growing buffer, so that the numbers are held
    # about once (not as a list of blocks plus their concatenation).
    first: np.ndarray | None = None  # the only block so far
    rest = array.array("d")  # or all of them
    targets = array.array("d")
    label_texts: list[str] = []
    for block, part in blocks:
        if first is None and not rest:
            first = block
        else:
            if first is not None:  # a second block: move the first into the buffer
                rest.frombytes(first.tobytes())
                first = None
            rest.frombytes(block.tobytes())
        if isinstance(part, list):
            label_texts += part
        elif part is not None:
            targets.frombytes(np.ascontiguousarray(part, dtype=np.float64).tobytes())
    if first is not None:
        X = first
    else:
        X = np.frombuffer(rest, dtype=np.float64).reshape(-1, n_features)
    if X.shape[0] == 0:
        raise DataError(f"{path}: no data rows after the header")
    y = None
    if target is not None and labels:
        y = _as_labels(path, target, label_texts)
    elif target is not None:
        y = np.frombuffer(targets, dtype=np.float64)
    return X, y


def read_table(
    path: str | Path,
    target: str | None = None,
    features: Sequence[str] | None = None,
    *,
    labels: bool = False,
    engine: str = "auto",
) -> Table:
    """Read the feature columns (and the target) of a CSV file with a header row.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    target : str, optional
        The target column; without it, only features are read.
    features : sequence of str, optional
        The feature columns, in this order; default: every column but the target.
    labels : bool, default=False
        Read the target as class labels (any text) instead of numbers.
    engine : {"auto", "pandas", "csv"}, default="auto"
        pandas when installed ("auto"), or the standard library's csv module.

    Raises
    ------
    DataError
        A missing file or column, a row with the wrong number of fields, or a cell that is
        missing or not a finite number; the message names the line and column.
    """
    path = Path(path)
    header = _header(path)
    feature_names = _columns(path, header, target, features)
    used = [*feature_names, *([target] if target is not None else [])]
    if engine == "auto":
        try:
            import pandas  # noqa: F401
        except ImportError:
            engine = "csv"
        else:
            engine = "pandas"
    if engine not in ("pandas", "csv"):
        raise ValueError(f"engine must be 'auto', 'pandas' or 'csv', got {engine!r}")
    n_features = len(feature_names)
    if engine == "pandas":
        try:
            X, y = _collect(
                path,
                _read_pandas(path, header, used, n_features, labels),
                target,
                labels,
                n_features,
            )
        except _UseCsvModule:
            engine = "csv"
    if engine == "csv":
        X, y = _collect(
            path,
            _read_csv_module(path, header, used, n_features, labels),
            target,
            labels,
            n_features,
        )
    return Table(np.ascontiguousarray(X), y, feature_names, target, str(path))
