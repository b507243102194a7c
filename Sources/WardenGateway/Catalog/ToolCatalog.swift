import WardenCore

/// One tool an agent may ask for, with everything the gatekeeper needs to judge it.
public struct CatalogEntry: Sendable, Hashable {
    public var name: QualifiedToolName
    /// From configuration; nil when the tool is not classified (such a tool is always denied).
    public var effect: EffectClass?
    /// The definition as the upstream reports it now.
    public var definition: JSONValue
    public var digest: String
    /// The digest an admin approved; nil when never approved.
    public var pinnedDigest: String?
    /// For send tools: argument name → what kind of recipient it holds.
    public var recipientFields: [String: RecipientKind] = [:]

    /// The definition agents see: the upstream's, renamed to `server.tool`.
    public var advertisedDefinition: JSONValue {
        guard case .object(var members) = definition else { return definition }
        members["name"] = .string(name.description)
        return .object(members)
    }
}

/// The answer of a catalog lookup: either a usable entry or the rule that refuses it.
public enum CatalogLookup: Sendable {
    case found(CatalogEntry)
    /// Refused; `entry` is set when the tool exists but may not be used (unclassified, unpinned, changed).
    case refused(Refusal, entry: CatalogEntry?)
}

/// All tools of all upstreams, namespaced `server.tool`, with classification and pin state.
///
/// Pure value: built from upstream listings plus configuration plus pins. Lookups are exact and byte-wise:
/// no case folding or Unicode normalisation, so a look-alike name is simply unknown.
public struct ToolCatalog: Sendable {
    public private(set) var entries: [String: CatalogEntry] = [:]

    public init() {}

    public init(
        listings: [String: [UpstreamToolDefinition]],
        classifications: [String: [String: EffectClass]],
        recipientFields: [String: [String: [String: RecipientKind]]] = [:],
        pins: ToolPins
    ) {
        for (server, tools) in listings {
            for tool in tools {
                guard let name = QualifiedToolName(parsing: "\(server).\(tool.name)") else { continue }
                let key = name.description
                entries[key] = CatalogEntry(
                    name: name,
                    effect: classifications[server]?[tool.name],
                    definition: tool.definition,
                    digest: tool.digest,
                    pinnedDigest: pins.digests[key],
                    recipientFields: recipientFields[server]?[tool.name] ?? [:]
                )
            }
        }
    }

    /// Resolves a requested tool name, refusing unknown, unclassified, unpinned and changed tools.
    public func lookup(_ requested: String) -> CatalogLookup {
        guard let name = QualifiedToolName(parsing: requested), let entry = entries[name.description] else {
            return .refused(
                Refusal(rule: "catalog.unknown-tool", message: "no tool of that name is available"),
                entry: nil
            )
        }
        guard entry.effect != nil else {
            return .refused(
                Refusal(rule: "catalog.unclassified-tool", message: "\(name) has no effect class in configuration"),
                entry: entry
            )
        }
        guard let pinned = entry.pinnedDigest else {
            return .refused(
                Refusal(
                    rule: "catalog.unpinned-tool",
                    message: "\(name) has not been approved; an admin must run `warden tools approve \(name)`"
                ),
                entry: entry
            )
        }
        guard pinned == entry.digest else {
            return .refused(
                Refusal(
                    rule: "catalog.tool-definition-changed",
                    message: "\(name) changed since it was approved; an admin must review and re-approve it"
                ),
                entry: entry
            )
        }
        return .found(entry)
    }

    /// Entries that are usable at all (classified, pinned, unchanged), in name order.
    public var usableEntries: [CatalogEntry] {
        entries.keys.sorted().compactMap { key in
            if case .found(let entry) = lookup(key) { return entry }
            return nil
        }
    }
}
