"""Path and query parameters shared by the routes, and how a file is answered."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Path
from fastapi.responses import Response

from api.service import Download

Code = Annotated[str, Path(pattern=r"^[0-9]{6}$", description="an agency's division code",
                           examples=["652301"])]
DrawId = Annotated[str, Path(pattern=r"^[0-9]{6}-[0-9]{4}Q[1-4]-(units|audit)$",
                             examples=["652301-2026Q1-units"])]
CreditCode = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{1,40}$",
                                 description="a unit's unified social credit code")]
Certificate = Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,40}$",
                                  description="an inspector's certificate number (执法证号)")]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}}}


def file_response(download: Download) -> Response:
    ascii_name = download.filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = (f'attachment; filename="{ascii_name}"; '
                   f"filename*=UTF-8''{quote(download.filename)}")
    return Response(download.content, media_type=download.media_type,
                    headers={"Content-Disposition": disposition})
