"""Exit codes of the ``whyache`` command, defined in one place.

==  =====================================================================================
0   success (for ``check``/``kb lint``: everything passed; warnings alone are success)
1   a failure the command reports: a scenario failed, lint found errors, a batch case failed
2   usage or input error: unknown option or fact, bad value, unreadable or malformed input
    file, an output that cannot be written (full disk, I/O error, closed standard stream)
3   the knowledge base is invalid (cannot be loaded or compiled) or its rules ran away
70  internal error: a bug in whyache (please report it with the command that caused it)
130 interrupted (Ctrl-C)
141 the reader of standard output went away (``whyache … | head``); nothing more is printed
==  =====================================================================================
"""

OK = 0
FAILED = 1
USAGE = 2
KNOWLEDGE_BASE = 3
INTERNAL = 70
INTERRUPTED = 130
PIPE_CLOSED = 141  # 128 + SIGPIPE, as a shell reports a process killed by a closed pipe
