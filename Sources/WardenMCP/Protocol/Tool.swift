import WardenCore

/// A tool as an MCP server describes it in `tools/list`.
///
/// Free-form parts (schemas, annotations, icons, `_meta`) stay `JSONValue`: Warden pins the whole
/// definition by digest and treats annotations as untrusted hints, never as a classification.
public struct Tool: Sendable, Hashable {
    public var name: String
    public var title: String?
    public var description: String?
    /// A JSON Schema object; MCP requires `"type": "object"` at its root.
    public var inputSchema: JSONValue
    public var outputSchema: JSONValue?
    public var annotations: JSONValue?
    /// Every member as received, including ones this type does not name (icons, `_meta`, ...).
    public var raw: JSONValue

    public init(
        name: String,
        title: String? = nil,
        description: String? = nil,
        inputSchema: JSONValue = ["type": "object"],
        outputSchema: JSONValue? = nil,
        annotations: JSONValue? = nil
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        var o: [String: JSONValue] = ["name": .string(name), "inputSchema": inputSchema]
        if let title { o["title"] = .string(title) }
        if let description { o["description"] = .string(description) }
        if let outputSchema { o["outputSchema"] = outputSchema }
        if let annotations { o["annotations"] = annotations }
        self.raw = .object(o)
    }

    public init(json: JSONValue, path: String = "tool") throws(MCPDecodingError) {
        let f = try JSONFields(json, path: path)
        name = try f.string("name")
        guard !name.isEmpty else { throw MCPDecodingError(path: "\(path).name", problem: "must not be empty") }
        title = try f.optionalString("title")
        description = try f.optionalString("description")
        let schema = try f.object("inputSchema")
        guard schema["type"] == .string("object") else {
            throw MCPDecodingError(path: "\(path).inputSchema.type", problem: "must be \"object\"")
        }
        inputSchema = .object(schema)
        outputSchema = try f.optionalObject("outputSchema").map(JSONValue.object)
        annotations = try f.optionalObject("annotations").map(JSONValue.object)
        raw = json
    }
}

/// The result of one `tools/list` page.
public struct ListToolsResult: Sendable, Hashable {
    public var tools: [Tool]
    /// Present when more pages follow; opaque to the client.
    public var nextCursor: String?

    public init(tools: [Tool], nextCursor: String? = nil) {
        self.tools = tools
        self.nextCursor = nextCursor
    }

    public init(json: JSONValue) throws(MCPDecodingError) {
        let f = try JSONFields(json, path: "result")
        var tools: [Tool] = []
        for (index, item) in try f.array("tools").enumerated() {
            tools.append(try Tool(json: item, path: "result.tools[\(index)]"))
        }
        self.tools = tools
        nextCursor = try f.optionalString("nextCursor")
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["tools": .array(tools.map(\.raw))]
        if let nextCursor { o["nextCursor"] = .string(nextCursor) }
        return .object(o)
    }
}
