"""The event vocabulary (事件词汇): every aggregate whose events the ledger stores.

Importing this module registers every event type's topic (``ledger.draw:Draw.ListFixed`` …, see
:func:`ledger.domain.chained.stable_topics`), so that any stored event can be decoded whatever
else a process has imported. The application imports it; so does the schema of the vocabulary.
"""

from __future__ import annotations

from typing import Any

from ledger.domain.agency import Agency
from ledger.domain.directory import InspectionObject
from ledger.domain.draw import Draw
from ledger.domain.inspection import Inspection
from ledger.domain.inspector import Inspector

AGGREGATES: tuple[type[Any], ...] = (Agency, InspectionObject, Inspector, Draw, Inspection)
