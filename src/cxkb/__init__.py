"""cxkb: the open customer-experience knowledge base.

Data flows one way: CSV tables -> validated records -> RDF graph -> queries, book, maps and
the vocabulary checker. Each module below holds one step; ``cli`` is a thin layer over them.
"""

__version__ = "0.1.0"
