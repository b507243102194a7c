"""Small helpers: the official MCP SDK client with a bearer token, and raw JSON-RPC over HTTP."""

import asyncio
import contextlib

import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


@contextlib.asynccontextmanager
async def mcp_session(url, token):
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, _):
            async with ClientSession(read, write) as session:
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
