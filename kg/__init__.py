"""newskg: news articles in, a SHACL-validated knowledge graph out, published as linked data.

The package follows the data's way, one module per stage:
corpus -> nlp -> extract -> resolve -> rdf -> validate -> publish, with ``server`` serving it.
"""

__version__ = "0.1.0"
