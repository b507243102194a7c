"""Small helpers: the official MCP SDK client with a bearer token, and raw JSON-RPC over HTTP."""

import asyncio
import contextlib

import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from canaries import CANARIES, PLANTED


# Warden's built-in tool that every agent sees (ends a run escalated); listings compare the other tools.
BUILTIN_ESCALATE = "warden.escalate"

# Tools whose arguments are bound by a send grant's content digest: they get no extra canary argument.
SEND_TOOLS = {"billing.send_email", "warden.send_email", "warden.post_webhook"}


class CanaryClientSession(ClientSession):
    """The official client, planting canaries in every call's `_meta` and (except sends) in a `note` argument
    wherever the tool declares one (Warden refuses undeclared arguments)."""

    _note_tools = None

    async def call_tool(self, name, arguments=None, *args, meta=None, **kwargs):
        planted_meta = {"canary/note": PLANTED, **(meta or {})}
        if self._note_tools is None:
            listed = (await self.list_tools()).tools
            self._note_tools = {t.name for t in listed if "note" in (t.inputSchema or {}).get("properties", {})}
        if name not in SEND_TOOLS and name in self._note_tools and "note" not in (arguments or {}):
            arguments = {**(arguments or {}), "note": PLANTED}
        return await super().call_tool(name, arguments, *args, meta=planted_meta, **kwargs)


@contextlib.asynccontextmanager
async def mcp_session(url, token):
    headers = {"Authorization": f"Bearer {token}", "X-Canary-Note": CANARIES["email"] + " " + CANARIES["aws"]}
    async with httpx.AsyncClient(headers=headers, timeout=30) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, _):
            async with CanaryClientSession(read, write) as session:
                await session.initialize()
                yield session


def run(coro):
    return asyncio.run(coro)


def raw_initialize(url, token):
    """Initialises a session by hand and returns its id (for raw JSON-RPC tests)."""
    r = httpx.post(
        url,
        headers=json_headers(token),
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
        },
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.headers["mcp-session-id"]


def json_headers(token, session=None):
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
    }
    if session:
        headers["Mcp-Session-Id"] = session
        headers["MCP-Protocol-Version"] = "2025-06-18"
    return headers
