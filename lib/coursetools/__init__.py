"""The course's public tooling: notebooks, the Colab set-up cell, launch links, site checks.

Installed with the project (``pip install -e .[tools]``); the command-line tools are entry points
named ``course-...`` (``[project.scripts]`` in ``pyproject.toml``). The modules:

``project``
    Where the project is and what ``_config.yml`` says about its public repository.
``notebooks``
    Reading MyST Markdown notebook pages, stable cell ids and writing ``.ipynb`` files.
``colab``
    The first cell of a launched notebook, which installs the course package on Colab only.
``pairing``
    The ``.ipynb`` committed next to each lesson page (``course-pair``).
``launch``
    Parsing the Binder, Colab and JupyterHub launch links of the built site.
``binder_sim``, ``colab_sim``, ``dist_offline``
    Opening every launch link as Binder or Colab would, and the offline copies of the site.
"""

__all__: list[str] = []
