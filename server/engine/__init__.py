"""The query engine, free of Flask (a test checks it): executor processes that run SPARQL on
pyoxigraph under a time and memory limit and a network sandbox (``executors``, ``worker``,
``writer``, ``sandbox``, ``jobs``), the result writers (``results``), the lexical checks on
query text (``lexer``, ``syntax``, ``update_dataset``), the recogniser and in-process runner of
simple lookups (``lookup``, ``inline``) and the per-worker answer cache (``cache``).
"""
