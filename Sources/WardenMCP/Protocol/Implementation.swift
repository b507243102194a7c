import WardenCore

/// The `clientInfo` / `serverInfo` of `initialize`: who is on the other end.
public struct MCPImplementation: Sendable, Hashable {
    public var name: String
    public var version: String
    public var title: String?

    public init(name: String, version: String, title: String? = nil) {
        self.name = name
        self.version = version
        self.title = title
    }

    /// How Warden introduces itself to upstream servers.
    public static let warden = MCPImplementation(name: "warden", version: "0.1.0", title: "Warden")

    init(json: JSONValue, path: String) throws(MCPDecodingError) {
        let f = try JSONFields(json, path: path)
        name = try f.string("name")
        version = try f.string("version")
        title = try f.optionalString("title")
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["name": .string(name), "version": .string(version)]
        if let title { o["title"] = .string(title) }
        return .object(o)
    }
}
