"""The knowledge base: files that the engine loads, and the code that reads them.

``data/`` holds the bundled knowledge base (YAML); :func:`load_knowledge_base` reads it or
any other knowledge-base directory into the engine's model and validates it.
"""

from whyache.knowledge_base.case_files import dump_case, parse_case_data, read_case_file
from whyache.knowledge_base.loader import BUNDLED, load_knowledge_base, read_knowledge_base

__all__ = [
    "BUNDLED",
    "dump_case",
    "load_knowledge_base",
    "parse_case_data",
    "read_case_file",
    "read_knowledge_base",
]
