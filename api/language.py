"""The language people read (界面语言): Simplified Chinese by default, English on request.

Everything a bureau member or a citizen reads — command output, help, errors, the service's error
answers — is written in the language of the current request: ``zh`` unless ``--lang en`` (or
``SPOTCHECK_LANG=en``) was given to ``spotcheck``, or the service's caller sent
``Accept-Language: en``. The entry point decides it once (:func:`use`); the code that writes text
asks :func:`current`, or writes both versions side by side with :func:`t` so that a sentence and its
translation are read and changed together.

The language lives in a :class:`contextvars.ContextVar`: one value per command run, and one per
HTTP request (starlette copies the request's context into the thread that runs a route), never a
module-level setting that one request could change under another. This module imports nothing
heavy: the command line imports it at startup.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT: Lang = "zh"
#: The environment variable ``spotcheck`` reads when no ``--lang`` is given.
ENV_VAR = "SPOTCHECK_LANG"

_current: ContextVar[Lang] = ContextVar("spotcheck_lang", default=DEFAULT)


def current() -> Lang:
    """The language of the command or request being served."""
    return _current.get()


def use(lang: Lang) -> None:
    """Serve the rest of this command or request in ``lang``."""
    _current.set(lang)


@contextmanager
def using(lang: Lang) -> Iterator[None]:
    """Serve the block in ``lang``, then go back to the language before it."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def t(en: str, zh: str) -> str:
    """The sentence in the current language, given both versions."""
    return zh if _current.get() == "zh" else en


def parse(text: str | None) -> Lang | None:
    """``zh``, ``zh-CN``, ``zh_CN.UTF-8``, ``中文`` → ``zh``; ``en``, ``en-US`` → ``en``; else None."""
    if text is None:
        return None
    tag = text.strip().lower().replace("_", "-").split(".", 1)[0]
    if tag in ("中文", "简体中文", "chinese") or tag == "zh" or tag.startswith("zh-"):
        return "zh"
    if tag in ("english",) or tag == "en" or tag.startswith("en-"):
        return "en"
    return None


def from_accept_language(header: str | None) -> Lang:
    """The language an HTTP ``Accept-Language`` header prefers among ours (RFC 9110 §12.5.4):
    the highest ``q`` wins, the first listed among equals; ``*``, none or none of ours: Chinese."""
    if not header:
        return DEFAULT
    ranked: list[tuple[float, int, Lang]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = parse(tag)
        if lang is not None and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else DEFAULT
