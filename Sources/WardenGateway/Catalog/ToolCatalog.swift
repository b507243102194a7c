import WardenContainment
import WardenCore
import WardenSchema

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
    /// For send tools: address-like arguments declared not to be recipients.
    public var nonRecipientFields: Set<String> = []
    /// The compiled `inputSchema`: every call's arguments are validated against it before policy.
    public var argumentSchema: ArgumentSchema?
    /// Injection containment labels: trusted output, critical arguments.
    public var containment: ToolContainment
    /// Why this tool cannot be used whatever its pin (an unenforceable schema, an undeclared send field).
    public var problem: Refusal?

    init(
        name: QualifiedToolName, effect: EffectClass?, definition: JSONValue, digest: String, pinnedDigest: String?,
        recipientFields: [String: RecipientKind] = [:], nonRecipientFields: Set<String> = [],
        containment: ToolContainment = ToolContainment()
    ) {
        self.name = name
        self.effect = effect
        self.definition = definition
        self.digest = digest
        self.pinnedDigest = pinnedDigest
        self.recipientFields = recipientFields
        self.nonRecipientFields = nonRecipientFields
        self.containment = containment
        do {
            let schema = try ArgumentSchema.compile(inputSchema: definition["inputSchema"] ?? .object([:]))
            argumentSchema = schema
            if effect == .send { problem = Self.sendFieldProblem(schema, name, recipientFields, nonRecipientFields) }
            if problem == nil, let critical = containment.criticalArguments {
                let unknown = critical.subtracting(schema.properties.keys).sorted()
                if !unknown.isEmpty {
                    problem = Refusal(
                        rule: "catalog.critical-undeclared",
                        message:
                            "\(name): critical argument(s) \(unknown.joined(separator: ", ")) are not in the tool's schema"
                    )
                }
            }
        } catch {
            problem = Refusal(rule: "catalog.schema-unsupported", message: "\(name): \(error)")
        }
    }

    /// A send tool must account for every argument: each is a recipient (checked against the grant) or declared
    /// not to be one. Guessing which fields carry addresses by name or type is evadable (`sendTo`, `chat_id`, a
    /// raw MIME message), so nothing is guessed: an undeclared argument refuses the tool.
    static func sendFieldProblem(
        _ schema: ArgumentSchema, _ name: QualifiedToolName, _ recipients: [String: RecipientKind],
        _ nonRecipients: Set<String>
    ) -> Refusal? {
        var undeclared: [String] = []
        for (field, property) in schema.properties.sorted(by: { $0.key < $1.key }) {
            if let kind = recipients[field] {
                guard property.canHoldAddresses else {
                    return Refusal(
                        rule: "catalog.send-field-undeclared",
                        message:
                            "\(name): recipient argument '\(field)' (\(kind.rawValue)) is not a string or list of strings"
                    )
                }
                continue
            }
            if !nonRecipients.contains(field) { undeclared.append("'\(field)'") }
        }
        if !undeclared.isEmpty {
            return Refusal(
                rule: "catalog.send-field-undeclared",
                message:
                    "\(name): argument(s) \(undeclared.joined(separator: ", ")) are neither recipients nor declared not "
                    + "to be; list each under `recipients:` or `not_recipients:` in the tool's configuration")
        }
        return nil
    }

    /// The arguments containment judges: the configured critical ones plus every recipient field (nil: all).
    public var criticalArguments: Set<String>? {
        containment.criticalArguments.map { $0.union(recipientFields.keys) }
    }

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
    /// The approved definitions (policies are typed from these).
    public private(set) var pins = ToolPins()
    /// Values the tools' descriptions mention (untrusted content, for containment).
    public private(set) var descriptionValues = ProvenanceIndex()
    /// The names only the tool layer uses; content that speaks them steers (see `ToolVocabulary`).
    public private(set) var vocabulary = ToolVocabulary()
    /// The coded choices the tools' schemas enumerate; content that names one chose it (see `ChoiceVocabulary`).
    public private(set) var choices = ChoiceVocabulary()

    public init() {}

    public init(
        listings: [String: [UpstreamToolDefinition]],
        classifications: [String: [String: EffectClass]],
        recipientFields: [String: [String: [String: RecipientKind]]] = [:],
        nonRecipientFields: [String: [String: Set<String>]] = [:],
        containment: [String: [String: ToolContainment]] = [:],
        pins: ToolPins
    ) {
        self.pins = pins
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
                    recipientFields: recipientFields[server]?[tool.name] ?? [:],
                    nonRecipientFields: nonRecipientFields[server]?[tool.name] ?? [],
                    containment: containment[server]?[tool.name] ?? ToolContainment()
                )
            }
        }
        descriptionValues = Self.descriptionIndex(entries)
        let parameters = entries.values.flatMap { $0.argumentSchema.map { Array($0.properties.keys) } ?? [] }
        vocabulary = ToolVocabulary(tools: entries.keys, parameters: parameters)
        choices = ChoiceVocabulary(
            choices: entries.values.flatMap { entry in
                (entry.argumentSchema?.properties.values).map { $0.flatMap { $0.allowed ?? [] } } ?? []
            }.compactMap(\.stringValue))
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
        if let problem = entry.problem { return .refused(problem, entry: entry) }
        return .found(entry)
    }

    /// The argument schema of the definition an admin approved for `name` (nil: none approved, or only a digest
    /// was kept and the live definition no longer matches it).
    public func approvedArgumentSchema(_ name: String) -> ArgumentSchema? {
        if let definition = pins.definitions[name] {
            return try? ArgumentSchema.compile(inputSchema: definition["inputSchema"] ?? .object([:]))
        }
        guard let entry = entries[name], entry.pinnedDigest == entry.digest else { return nil }
        return entry.argumentSchema
    }

    /// Entries that are usable at all (classified, pinned, unchanged), in name order.
    public var usableEntries: [CatalogEntry] {
        entries.keys.sorted().compactMap { key in
            if case .found(let entry) = lookup(key) { return entry }
            return nil
        }
    }
}

extension ArgumentSchema {
    /// A string, a list of strings, or either: what a recipient argument can be.
    var canHoldAddresses: Bool {
        switch kind {
        case .string, .stringOrStrings: return true
        case .array(let items): return items.kind == .string
        default: return false
        }
    }
}
