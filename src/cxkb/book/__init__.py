"""The Jupyter Book: pages generated from the release, notebooks, maps and a Sphinx extension.

The book is the knowledge base for people who read rather than query. Its hand-written
pages (landing page, bibliography page, notebook templates, theme assets) live in
``book/``; everything that follows from the release is generated into ``book/generated/``
and ``book/_toc.yml`` by :func:`cxkb.book.generate.generate`, then
:func:`cxkb.book.build.build_book` runs Jupyter Book.

Three rules shape this package:

* **Contributor text is data, never markup.** Every label, definition, title, note or
  keyword that reaches a page goes through ``markup.myst_escape`` (MyST Markdown) or
  ``html.escape`` (raw HTML), so a title such as ``<script>`` or ``{eval-rst}`` is shown
  as written and cannot break a table, a role or a directive.
* **Incremental builds stay incremental.** A generated file is written only when its
  content changed, so Sphinx re-reads only the pages whose sources changed; the notebooks
  carry a fingerprint of the release they read, so jupyter-cache re-executes a notebook
  only when its code or its data changed.
* **The site makes no request outside itself.** vis-network is shipped once in
  ``_static/``, MathJax is replaced by a plain-text math renderer, and the Sphinx
  extension strips the (unused) Thebe loader.

Modules: ``layout`` (folders), ``markup`` (escaping, links), ``site`` (the model the pages
share), ``pages/`` (one module per kind of page), ``frames``, ``maps`` and ``cokeywords``
(analyses), ``notebooks``, ``toc``, ``generate``, ``build`` and ``sphinxext``.
"""
