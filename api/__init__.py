"""The edge: the composition root (:mod:`api.bootstrap`) and the entry points — the ``spotcheck``
command line (:mod:`api.cli`) and the HTTP service."""
