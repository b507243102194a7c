import Foundation
import WardenCore

/// Approved tool-definition digests, one per `server.tool`, kept in the cell's data directory.
///
/// An upstream can change a tool's description or schema at any time (a "rug pull"); a pinned digest
/// turns that into a refusal until an admin approves the new definition with `warden tools approve`.
public struct ToolPins: Sendable, Equatable {
    public var digests: [String: String]
    /// The approved definitions themselves: policies are typed from what an admin approved, never from what an
    /// upstream offers right now (an upstream that is down or changed its schema cannot change the Cedar schema).
    public var definitions: [String: JSONValue]

    public init(digests: [String: String] = [:], definitions: [String: JSONValue] = [:]) {
        self.digests = digests
        self.definitions = definitions
    }

    /// Pins `definition` (its digest and the definition) under `name`.
    public mutating func pin(_ name: String, definition: JSONValue, digest: String) {
        digests[name] = digest
        definitions[name] = definition
    }

    public mutating func revoke(_ name: String) -> Bool {
        definitions[name] = nil
        return digests.removeValue(forKey: name) != nil
    }

    public static func fileURL(dataDirectory: String) -> URL {
        URL(fileURLWithPath: CellLayout(dataDirectory: dataDirectory).toolPins)
    }

    /// Loads pins; a missing file is an empty set, an unreadable or malformed one is an error (never "no pins").
    public static func load(dataDirectory: String) throws -> ToolPins {
        let url = fileURL(dataDirectory: dataDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else { return ToolPins() }
        let data = try Data(contentsOf: url)
        let value = try StrictJSONParser().parse(Array(data))
        guard case .object(let members) = value else {
            throw Refusal(rule: "catalog.pins-malformed", message: "\(url.path) is not a JSON object")
        }
        var pins = ToolPins()
        for (key, member) in members {
            // `"name": "digest"` (pins written before definitions were kept) or `{"sha256", "definition"}`.
            let digest = member.stringValue ?? member["sha256"]?.stringValue
            guard let digest, digest.count == 64 else {
                throw Refusal(rule: "catalog.pins-malformed", message: "\(url.path): bad digest for \(key)")
            }
            pins.digests[key] = digest
            if let definition = member["definition"] {
                guard CanonicalJSON.sha256Hex(definition) == digest else {
                    throw Refusal(
                        rule: "catalog.pins-malformed", message: "\(url.path): \(key)'s definition does not match")
                }
                pins.definitions[key] = definition
            }
        }
        return pins
    }

    public func save(dataDirectory: String) throws {
        let url = Self.fileURL(dataDirectory: dataDirectory)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        var members: [String: JSONValue] = [:]
        for (name, digest) in digests {
            members[name] =
                definitions[name].map { .object(["sha256": .string(digest), "definition": $0]) } ?? .string(digest)
        }
        let object = JSONValue.object(members)
        try Data(CanonicalJSON.encode(object)).write(to: url, options: .atomic)
    }
}
