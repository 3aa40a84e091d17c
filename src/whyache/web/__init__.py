"""``whyache serve``: the live teaching page, an edge beside the CLI.

The server may talk to the outside world (a socket, a browser, Graphviz); the engine never
does. ``answers.py`` turns requests into the engine's results as plain data; ``server.py``
speaks HTTP; ``assets/`` holds the page, its script and its style (served from a fixed list).
"""
