import Foundation
import WardenCore

/// Approved tool-definition digests, one per `server.tool`, kept in the cell's data directory.
///
/// An upstream can change a tool's description or schema at any time (a "rug pull"); a pinned digest
/// turns that into a refusal until an admin approves the new definition with `warden tools approve`.
public struct ToolPins: Sendable, Equatable {
    public var digests: [String: String]

    public init(digests: [String: String] = [:]) {
        self.digests = digests
    }

    public static func fileURL(dataDirectory: String) -> URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("tool-pins.json")
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
        var digests: [String: String] = [:]
        for (key, member) in members {
            guard let digest = member.stringValue, digest.count == 64 else {
                throw Refusal(rule: "catalog.pins-malformed", message: "\(url.path): bad digest for \(key)")
            }
            digests[key] = digest
        }
        return ToolPins(digests: digests)
    }

    public func save(dataDirectory: String) throws {
        let url = Self.fileURL(dataDirectory: dataDirectory)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        let object = JSONValue.object(digests.mapValues { .string($0) })
        try Data(CanonicalJSON.encode(object)).write(to: url, options: .atomic)
    }
}
