"""``spotcheck``: the administrators' and operators' command line (:mod:`api.cli.main`), a thin
adapter over the application services opened by :mod:`api.bootstrap`."""
