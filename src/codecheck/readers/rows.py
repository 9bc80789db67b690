"""What a row of a case-record file is, for every reader (the csv-module path, the columnar path,
Excel): one definition, not copies kept equal by a test.

* a **blank** line (no field, or one field of spaces only) is not a case: it is dropped, and not
  counted as a row read;
* a **ragged** row has a number of fields other than the header's (most often an unquoted comma
  that shifts every value after it): it is kept at its line, cut or padded to the header's width so
  the columns stay aligned, and reported once by rule CD004; no other rule reads it;
* a **broken** row is one the reader could not split into fields at all (a quote left open, a NUL
  byte): it is kept at its line with every cell blank, and reported once by rule CD004 with why.

And what a batch is: the next ``batch_size`` records of the file (a record being a line, or the lines
a quoted value spans), the blank ones then dropped; so a batch holds at most ``batch_size`` rows and
its boundaries depend only on the file, never on the reader. The columnar path reads only files whose
records are one line each (it hands over to the csv-module path otherwise), where the two coincide;
`tests/test_fast_reader.py` holds both paths to it.
"""

from __future__ import annotations

BLANK, RAGGED, ROW = "blank", "ragged", "row"


def shape(record: list[str], width: int) -> str:
    """BLANK, RAGGED or ROW: what a record split into fields is, under a header of `width` fields."""
    n = len(record)
    if n == width:
        return ROW
    if not record or (n == 1 and not record[0].strip()):
        return BLANK
    return RAGGED


def fitted(record: list[str], width: int) -> list[str]:
    """A ragged record cut or padded to the header's width, so its columns line up with the others."""
    n = len(record)
    return record[:width] if n > width else record + [""] * (width - n)
