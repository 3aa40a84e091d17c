"""whyache: an explainable expert system for why legs ache or hurt when and after running.

The package has three layers with imports pointing one way only:
``cli -> knowledge_base -> engine -> experta, networkx``.
"""

__version__ = "0.1.0"
