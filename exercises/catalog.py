"""Where the exercises are: the one list of them, for the build, ``make`` and the tests.

An exercise ``NAME`` is a folder ``exercises/NAME/`` holding its master ``NAME.md``. This
module needs only the standard library: ``make`` runs ``python3 -m exercises.catalog``
(the system Python, before the virtual environment exists) to get the names.
"""

from pathlib import Path

__all__ = ["BUILD", "EXERCISES", "ROOT", "STUDENT", "masters", "names"]

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
STUDENT = EXERCISES / "student"  # the built student notebooks, committed
BUILD = ROOT / "_build" / "exercises"  # everything else the build writes


def masters() -> dict[str, Path]:
    """Return the master of every exercise, by name, in name order.

    Examples
    --------
    >>> sorted(masters())
    ['nonuniqueness', 'reinitialization']
    >>> masters()["nonuniqueness"].relative_to(ROOT).as_posix()
    'exercises/nonuniqueness/nonuniqueness.md'
    """
    return {md.stem: md for md in sorted(EXERCISES.glob("*/*.md")) if md.stem == md.parent.name}


def names() -> list[str]:
    """Return the names of the exercises, in name order."""
    return list(masters())


if __name__ == "__main__":
    print(" ".join(names()))
