"""The course's private exercise tooling: building, grading, the sandbox and publishing.

Run its tools from the project root as modules: ``python -m exercises.build``,
``python -m exercises.grade``, ``python -m exercises.bench_grading``,
``python -m exercises.publish`` (see ``exercises/README.md``). :mod:`exercises.catalog`
finds the exercises and needs only the standard library, so that ``make`` can ask it
before the virtual environment exists.

Two modules also run outside the package, and import nothing from it: ``collect.py`` runs
alone in the grading sandbox and in the student's kernel, and ``judge.py`` and
``judge_plugin.py`` are top-level modules at the root of each Gradescope autograder zip.
"""
