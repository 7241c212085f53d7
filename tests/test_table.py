"""Reading CSV files for the command: both engines give the same arrays and the same errors."""

import numpy as np
import pytest

from descend._table import DataError, read_table


def engines():
    found = ["csv"]
    try:
        import pandas  # noqa: F401
    except ImportError:
        return found
    return [*found, "pandas"]


@pytest.fixture(params=engines())
def engine(request):
    return request.param


def test_reads_features_and_target_as_float64_in_the_requested_order(tmp_path, engine):
    path = tmp_path / "d.csv"
    path.write_text('b,"a, quoted",y\n1.5,2,3\n-4e2,5,6\n')
    table = read_table(path, "y", ["a, quoted", "b"], engine=engine)
    np.testing.assert_array_equal(table.X, [[2.0, 1.5], [5.0, -400.0]])
    np.testing.assert_array_equal(table.y, [3.0, 6.0])
    assert table.X.dtype == np.float64 and table.X.flags.c_contiguous
    assert table.feature_names == ["a, quoted", "b"] and table.target == "y"


def test_numbers_are_parsed_exactly_as_python_float_does(tmp_path, engine):
    scales = 10.0 ** np.arange(-150, 150, 0.3)[:1000, None]  # 17 significant digits, any size
    values = np.random.default_rng(5).standard_normal((1000, 2)) * scales
    path = tmp_path / "d.csv"
    path.write_text("a,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in values.tolist()))
    table = read_table(path, "y", engine=engine)
    np.testing.assert_array_equal(table.X[:, 0], values[:, 0])
    np.testing.assert_array_equal(table.y, values[:, 1])


def test_default_features_are_all_columns_but_the_target(tmp_path, engine):
    path = tmp_path / "d.csv"
    path.write_text("x1,y,x2\n1,2,3\n")
    table = read_table(path, "y", engine=engine)
    assert table.feature_names == ["x1", "x2"]
    np.testing.assert_array_equal(table.X, [[1.0, 3.0]])


def test_labels_become_int64_when_integers_else_strings(tmp_path, engine):
    path = tmp_path / "d.csv"
    path.write_text("x,label\n1,0\n2,1\n3,1\n")
    assert read_table(path, "label", labels=True, engine=engine).y.dtype == np.int64
    path.write_text("x,label\n1,cat\n2,dog\n")
    labels = read_table(path, "label", labels=True, engine=engine).y
    assert labels.tolist() == ["cat", "dog"]


def test_many_rows_cross_pandas_chunks_and_error_lines_stay_exact(tmp_path, engine):
    n = 70_000  # more than one pandas chunk
    values = np.arange(n, dtype=np.float64)
    lines = ["x,y", *(f"{v:g},{2 * v:g}" for v in values)]
    lines[n - 5] = "oops,1"
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=f"line {n - 4} \\(data row {n - 5}\\), column 'x'"):
        read_table(path, "y", engine=engine)
    lines[n - 5] = f"{n - 6:g},{2 * (n - 6):g}"
    path.write_text("\n".join(lines) + "\n")
    table = read_table(path, "y", engine=engine)
    assert table.X.shape == (n, 1)
    np.testing.assert_array_equal(table.y, 2 * table.X[:, 0])


# what is wrong with a file: (its text, what the refusal says)
MALFORMED = {
    "blank line": ("x,y\n1,2\n\n3,4\n", "line 3"),
    "short row": ("x,y\n1,2\n3\n", "line 3"),
    "long row": ("x,y\n1,2\n3,4,5\n", "line 3"),
    "short row, target missing": ("a,b,y\n1,2,3\n4,5\n", "line 3 (data row 2) has 2 fields"),
    "every row one field long": ("x,y\n1,2,5\n3,4,6\n", "line 2 (data row 1) has 3 fields"),
    "trailing commas": ("x,y\n1,2,\n3,4,\n", "line 2 (data row 1) has 3 fields"),
    "nan": ("x,y\n1,nan\n", "line 2 (data row 1), column 'y': missing value ('nan')"),
    "infinity": ("x,y\n-inf,2\n", "column 'x': '-inf' is not a finite number"),
    "repeated name": ("x,x,y\n1,2,3\n", "names column 'x' twice"),
    "unnamed column": (",y\n1,2\n", "column 1 has no name"),
}


@pytest.mark.parametrize(("text", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_files_are_refused_naming_the_line(tmp_path, engine, text, message):
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(DataError) as error:
        read_table(path, "y", engine=engine)
    assert message in str(error.value)


def test_target_cannot_be_a_feature_and_unknown_engine_is_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,2\n")
    with pytest.raises(DataError, match="cannot also be a feature"):
        read_table(path, "y", ["x", "y"])
    with pytest.raises(ValueError, match="engine must be"):
        read_table(path, "y", engine="polars")


def test_header_names_with_spaces_after_the_commas_are_read_stripped(tmp_path, engine):
    # (pandas' own names kept the spaces: selecting 'b' failed with a KeyError)
    path = tmp_path / "d.csv"
    path.write_text("a, b, y\n1, 2, 3\n4, 5, 6\n")
    table = read_table(path, "y", engine=engine)
    assert table.feature_names == ["a", "b"] and table.target == "y"
    np.testing.assert_array_equal(table.X, [[1.0, 2.0], [4.0, 5.0]])
    np.testing.assert_array_equal(table.y, [3.0, 6.0])
    np.testing.assert_array_equal(read_table(path, "y", ["b"], engine=engine).X, [[2.0], [5.0]])
    labels = read_table(path, "y", labels=True, engine=engine).y
    assert labels.tolist() == [3, 6]


def test_an_empty_cell_of_an_unused_last_column_is_accepted(tmp_path, engine):
    # (the pandas path reads such a file again with the csv module, which tells it from a
    # short row)
    path = tmp_path / "d.csv"
    path.write_text("x,y,note\n1,2,\n3,4,ok\n")
    table = read_table(path, "y", ["x"], engine=engine)
    np.testing.assert_array_equal(table.X, [[1.0], [3.0]])
    np.testing.assert_array_equal(table.y, [2.0, 4.0])


def test_a_short_row_is_refused_even_when_only_an_unused_column_is_missing(tmp_path, engine):
    # (pandas padded the row with an empty cell and went on)
    path = tmp_path / "d.csv"
    path.write_text("x,y,unused\n1,2,3\n4,5\n")
    with pytest.raises(DataError, match=r"line 3 \(data row 2\) has 2 fields, the header has 3"):
        read_table(path, "y", ["x"], engine=engine)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # integers int64 holds are read exactly, not through float64
        (["9007199254740993", "0"], [9007199254740993, 0]),
        (["9007199254740993.0", "0"], [9007199254740993, 0]),
        (["-9223372036854775808", "9223372036854775807"], [-(2**63), 2**63 - 1]),
        (["2.0", "1e1"], [2, 10]),
        # an integer beyond int64 keeps every label as its text (1e30 became -2**63)
        (["1e30", "0", "9007199254740993"], ["1e30", "0", "9007199254740993"]),
        (["9223372036854775808", "1"], ["9223372036854775808", "1"]),
    ],
)
def test_integer_labels_are_kept_exactly_or_as_their_text(tmp_path, engine, cells, expected):
    path = tmp_path / "d.csv"
    path.write_text("x,label\n" + "".join(f"{i},{cell}\n" for i, cell in enumerate(cells)))
    labels = read_table(path, "label", labels=True, engine=engine).y
    assert labels.tolist() == expected
    assert labels.dtype == np.int64 if isinstance(expected[0], int) else labels.dtype.kind == "U"


def test_a_label_with_a_fraction_below_float64_precision_is_still_fractional(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x,label\n1,0\n2,1.00000000000000001\n")
    with pytest.raises(DataError, match="fractional parts \\(such as '1.00000000000000001'\\)"):
        read_table(path, "label", labels=True)


# A quoted cell over three lines (lines 2-4): the next record starts on line 5.
SPANNING = 'x,note,y\n1,"a\nb\nc",2\n'


@pytest.mark.parametrize(
    ("text", "labels", "message"),
    [
        (SPANNING + "bad,z,4\n", False, "line 5 (data row 2), column 'x': 'bad'"),
        (SPANNING + "3,z,oops\n", False, "line 5 (data row 2), column 'y': 'oops'"),
        (SPANNING + "3,z,\n", True, "line 5 (data row 2), column 'y': missing value"),
        (SPANNING + "3,z\n", False, "line 5 (data row 2) has 2 fields"),
        # the bad cell after a quoted cell that spans lines is on that cell's last line
        ('note,x,y\n"a\r\nb\rc",bad,4\n', False, "line 4 (data row 1), column 'x': 'bad'"),
        ('x,note,y\n1,"a\nb",2\n3,"\n\n",oops\n', False, "line 6 (data row 2), column 'y'"),
    ],
)
def test_error_lines_count_the_lines_of_quoted_cells_that_span_lines(
    tmp_path, engine, text, labels, message
):
    # (the line was the record's last line, and the data row was the line - 1)
    path = tmp_path / "d.csv"
    path.write_bytes(text.encode())
    with pytest.raises(DataError) as error:
        read_table(path, "y", ["x"], labels=labels, engine=engine)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "cell",
    ["1_000", "١٢", "１", "\u00a01", "1\u2003", "infinity", "-Infinity", "1e400", "0x10", "1e"],
)
@pytest.mark.parametrize("column", ["x", "y"])
def test_cells_python_float_reads_but_a_csv_number_is_not_are_refused(
    tmp_path, engine, cell, column
):
    # ("1_000" was 1000 and "١٢" 12: float() reads underscores and any script's digits)
    path = tmp_path / "d.csv"
    cells = {"x": "1", "y": "2", column: cell}
    path.write_text(f"x,y\n1,2\n{cells['x']},{cells['y']}\n")
    with pytest.raises(DataError) as error:
        read_table(path, "y", engine=engine)
    assert f"line 3 (data row 2), column '{column}': {cell!r} is not a finite number" in str(
        error.value
    )


@pytest.mark.parametrize(
    ("cell", "value"),
    [(" 1 ", 1.0), ("\t-2.5", -2.5), ("+.5e1", 5.0), ("1.", 1.0), ("1E+05", 1e5), ("-0", -0.0)],
)
def test_numbers_as_csv_writes_them_are_read(tmp_path, engine, cell, value):
    path = tmp_path / "d.csv"
    path.write_text(f"x,y\n{cell},{cell}\n")
    table = read_table(path, "y", engine=engine)
    assert table.X.tolist() == [[value]] and table.y.tolist() == [value]


def test_labels_int_would_read_as_numbers_stay_text(tmp_path, engine):
    # (int() read "1_000" as 1000 and "١٢" as 12: the labels became other numbers)
    path = tmp_path / "d.csv"
    path.write_text("x,label\n1,1_000\n2,2\n3,١٢\n")
    labels = read_table(path, "label", labels=True, engine=engine).y
    assert labels.tolist() == ["1_000", "2", "١٢"] and labels.dtype.kind == "U"
