"""The HTTP service in this process, for tests: an app over an opened service, accounts made with
the administrator's command (``spotcheck users add`` / ``token``), requests as any of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commands import ledger_env, run
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.service import Service, open_service
from ledger.adapters.settings import Settings


class Api:
    """A test client of the service of ``settings`` and the tokens of the accounts made so far."""

    def __init__(self, settings: Settings, *, inline: bool = True) -> None:
        self.settings = settings
        self.service: Service = open_service(settings, inline=inline)
        # the tests read the English messages; tests/test_language.py asks for Chinese
        self.client = TestClient(create_app(service=self.service, access_log=False),
                                 raise_server_exceptions=False, headers={"Accept-Language": "en"})
        self.tokens: dict[str, str] = {}

    def env(self) -> dict[str, str]:
        return ledger_env(self.settings.db, self.settings.keys_dir)

    def add(self, username: str, role: str, *options: str, name: str = "测试用户") -> str:
        """``spotcheck users add`` then ``users token``: the account's token."""
        cwd = Path(self.settings.keys_dir).parent
        added = run(cwd, "spotcheck", "users", "add", username, "--name", name, "--role", role,
                    *options, env=self.env())
        assert added.returncode == 0, added.stderr
        issued = run(cwd, "spotcheck", "users", "token", username, env=self.env())
        assert issued.returncode == 0, issued.stderr
        self.tokens[username] = issued.stdout.strip()
        return self.tokens[username]

    def headers(self, who: str | None) -> dict[str, str]:
        return {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}

    def call(self, method: str, path: str, who: str | None = None, **kwargs: Any) -> Any:
        headers = {**self.headers(who), **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)

    def ok(self, method: str, path: str, who: str | None = None, **kwargs: Any) -> Any:
        """The call's JSON; fails the test on any status but 200, showing the error body."""
        response = self.call(method, path, who, **kwargs)
        assert response.status_code == 200, (method, path, response.status_code, response.text)
        return response.json() if response.headers["content-type"].startswith(
            "application/json") else response

    def close(self) -> None:
        self.client.close()
        self.service.close()
