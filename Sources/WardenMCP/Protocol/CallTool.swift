import WardenCore

/// The params of `tools/call`.
public struct CallToolParams: Sendable, Hashable {
    public var name: String
    public var arguments: [String: JSONValue]?

    public init(name: String, arguments: [String: JSONValue]? = nil) {
        self.name = name
        self.arguments = arguments
    }

    /// Reads the params of an incoming `tools/call`; failures map to -32602.
    public init(json: JSONValue?) throws(MCPDecodingError) {
        let f = try JSONFields(json ?? .null, path: "params")
        name = try f.string("name")
        arguments = try f.optionalObject("arguments")
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["name": .string(name)]
        if let arguments { o["arguments"] = .object(arguments) }
        return .object(o)
    }
}

/// The result of `tools/call`.
///
/// Content blocks stay `JSONValue` (text, image, audio, resource links, embedded resources): the gateway
/// labels and fences them as a whole. A tool's own failure is `isError: true`, not a JSON-RPC error.
public struct CallToolResult: Sendable, Hashable {
    public var content: [JSONValue]
    public var structuredContent: JSONValue?
    public var isError: Bool

    public init(content: [JSONValue], structuredContent: JSONValue? = nil, isError: Bool = false) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
    }

    public init(json: JSONValue) throws(MCPDecodingError) {
        let f = try JSONFields(json, path: "result")
        let content = try f.array("content")
        for (index, block) in content.enumerated() {
            let b = try JSONFields(block, path: "result.content[\(index)]")
            _ = try b.string("type")
        }
        self.content = content
        structuredContent = try f.optionalObject("structuredContent").map(JSONValue.object)
        isError = try f.optionalBool("isError") ?? false
    }

    /// The text of every `text` content block, in order.
    public var texts: [String] {
        content.compactMap { block in
            block["type"] == .string("text") ? block["text"]?.stringValue : nil
        }
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["content": .array(content)]
        if let structuredContent { o["structuredContent"] = structuredContent }
        if isError { o["isError"] = .bool(true) }
        return .object(o)
    }
}
