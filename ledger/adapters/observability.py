"""Structured logs with structlog: JSON lines when not on a terminal, readable lines when on one.

Logs go to standard error so that a command's own output (a key, a proof, a report) stays clean
on standard output. One line is written per appended batch and per checkpoint, with sizes and
timings.

structlog is imported on the first line actually logged, not when a module is imported: a command
that logs nothing (``spotcheck --help``, a read) does not pay for it.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

_requested: list[str] = []  # the level asked for by configure_logging, applied on first use


def configure_logging(level: str = "INFO") -> None:
    """Log at ``level`` and above to standard error (applied when the first line is logged)."""
    _requested[:] = [level]
    if "structlog" in sys.modules:
        _apply()


def _apply() -> None:
    import structlog

    level = _requested.pop()
    renderer: structlog.typing.Processor
    if sys.stderr.isatty():
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    else:
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_to_stderr,  # standard error as it is when a line is written
        cache_logger_on_first_use=False,
    )


def _to_stderr(*_: Any) -> Any:
    import structlog

    return structlog.PrintLogger(file=sys.stderr)


class Logger:
    """A named structlog logger, imported and configured on its first call
    (``log.info("log.checkpoint_signed", size=…)``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, method: str) -> Any:
        import structlog

        if _requested:
            _apply()
        return getattr(structlog.get_logger(self.name), method)


def get_logger(name: str) -> Logger:
    return Logger(name)
