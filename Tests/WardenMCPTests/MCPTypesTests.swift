import Testing
import WardenCore

@testable import WardenMCP

/// MCP payloads are read strictly; free-form parts are kept whole.
@Suite struct MCPTypesTests {
    @Test func toolKeepsEveryMemberForDigestPinning() throws {
        let json: JSONValue = [
            "name": "send_email", "description": "Send", "inputSchema": ["type": "object", "properties": [:]],
            "annotations": ["destructiveHint": true], "icons": [["src": "https://x.example/i.png"]],
        ]
        let tool = try Tool(json: json)
        #expect(tool.name == "send_email")
        #expect(tool.annotations == ["destructiveHint": true])
        #expect(tool.raw == json)
    }

    @Test(
        "a tool with a malformed definition is refused",
        arguments: [
            ["inputSchema": ["type": "object"]] as JSONValue,
            ["name": "", "inputSchema": ["type": "object"]],
            ["name": "t"],
            ["name": "t", "inputSchema": ["type": "string"]],
            ["name": 5, "inputSchema": ["type": "object"]],
            ["name": "t", "inputSchema": ["type": "object"], "annotations": "x"],
        ]
    )
    func malformedToolIsRefused(_ json: JSONValue) {
        #expect(throws: MCPDecodingError.self) { try Tool(json: json) }
    }

    @Test func callToolParamsWithoutNameAreInvalidParams() throws {
        let error = try #require(throws: MCPDecodingError.self) { try CallToolParams(json: ["arguments": [:]]) }
        #expect(error.code == .invalidParams)
        #expect(error.path == "params.name")
        #expect(throws: MCPDecodingError.self) { try CallToolParams(json: nil) }
        #expect(throws: MCPDecodingError.self) { try CallToolParams(json: ["name": "t", "arguments": [1]]) }
    }

    @Test func callToolResultReadsContentStructuredContentAndIsError() throws {
        let result = try CallToolResult(
            json: [
                "content": [
                    ["type": "text", "text": "hi"], ["type": "image", "data": "AA==", "mimeType": "image/png"],
                ],
                "structuredContent": ["a": 1], "isError": true,
            ]
        )
        #expect(result.texts == ["hi"])
        #expect(result.structuredContent == ["a": 1])
        #expect(result.isError)
        #expect(throws: MCPDecodingError.self) { try CallToolResult(json: ["content": [["text": "no type"]]]) }
        #expect(throws: MCPDecodingError.self) { try CallToolResult(json: ["isError": false]) }
    }

    @Test func initializeResultNeedsVersionCapabilitiesAndServerInfo() throws {
        let ok: JSONValue = [
            "protocolVersion": "2025-06-18", "capabilities": ["tools": [:]],
            "serverInfo": ["name": "s", "version": "1"],
        ]
        #expect(try InitializeResult(json: ok).serverInfo.name == "s")
        #expect(throws: MCPDecodingError.self) {
            try InitializeResult(json: ["protocolVersion": "2025-06-18", "capabilities": [:]])
        }
        let params = InitializeParams()
        #expect(try InitializeParams(json: params.json) == params)
        #expect(params.clientInfo.name == "warden")
    }

    @Test func onlyBatchFreeProtocolVersionsAreSupported() {
        #expect(MCPProtocolVersion.isSupported("2025-06-18"))
        #expect(MCPProtocolVersion.isSupported("2025-11-25"))
        #expect(!MCPProtocolVersion.isSupported("2025-03-26"))
        #expect(!MCPProtocolVersion.isSupported("2024-11-05"))
    }
}
