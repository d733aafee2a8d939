"""The routes, one router per concept; :data:`ROUTERS` is what the app includes (the transparency
endpoints and the pages of the next issues add their own routers beside these)."""

from __future__ import annotations

from api.http.routes import accounts, agencies, audit, draws, logs, public, records, witness

ROUTERS = (accounts.router, public.router, agencies.router, draws.router, records.router,
           audit.router, logs.router, witness.router)
