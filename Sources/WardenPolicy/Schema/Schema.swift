/// A type in a Cedar schema.
public indirect enum SchemaType: Hashable, Sendable {
    case bool
    case long
    case string
    case entity(Name)
    case set(SchemaType)
    case record(RecordType)
    /// `ipaddr`, `decimal`, `datetime` or `duration`.
    case ext(String)

    public static let extensionNames: Set<String> = ["ipaddr", "decimal", "datetime", "duration"]
}

/// A record type: named attributes, each required or optional.
public struct RecordType: Hashable, Sendable {
    public struct Attribute: Hashable, Sendable {
        public let type: SchemaType
        public let isRequired: Bool
        public init(type: SchemaType, isRequired: Bool) {
            self.type = type
            self.isRequired = isRequired
        }
    }
    public let attributes: [String: Attribute]
    /// Whether attributes beyond those listed may appear (JSON schema `additionalAttributes`).
    public let isOpen: Bool

    public init(attributes: [String: Attribute], isOpen: Bool = false) {
        self.attributes = attributes
        self.isOpen = isOpen
    }

    public static let empty = RecordType(attributes: [:])
}

/// An entity type declared in a schema.
public struct EntityTypeDefinition: Hashable, Sendable {
    public let name: Name
    /// Types whose entities may be parents of this type's entities.
    public let memberOfTypes: [Name]
    public let shape: RecordType
    public let tags: SchemaType?
    /// For enumerated entity types, the only valid ids.
    public let enumeratedIDs: [String]?
}

/// An action declared in a schema.
public struct ActionDefinition: Hashable, Sendable {
    public let uid: EntityUID
    public let memberOf: [EntityUID]
    /// nil when the action has no `appliesTo` (it then applies to no request).
    public let appliesTo: AppliesTo?

    public struct AppliesTo: Hashable, Sendable {
        public let principalTypes: [Name]
        public let resourceTypes: [Name]
        public let context: RecordType
    }
}

/// A Cedar schema: entity types and actions, with all type names resolved to fully qualified names.
public struct Schema: Sendable {
    public let entityTypes: [Name: EntityTypeDefinition]
    public let actions: [EntityUID: ActionDefinition]
    /// Transitive closure of action membership (action → all action groups it is in).
    let actionAncestors: [EntityUID: Set<EntityUID>]

    init(entityTypes: [Name: EntityTypeDefinition], actions: [EntityUID: ActionDefinition]) {
        self.entityTypes = entityTypes
        self.actions = actions
        var closure: [EntityUID: Set<EntityUID>] = [:]
        for uid in actions.keys {
            var result: Set<EntityUID> = []
            var queue = actions[uid]?.memberOf ?? []
            while let p = queue.popLast() {
                guard result.insert(p).inserted else { continue }
                queue.append(contentsOf: actions[p]?.memberOf ?? [])
            }
            closure[uid] = result
        }
        actionAncestors = closure
    }

    /// Parses a schema in Cedar's human-readable syntax (`.cedarschema`).
    public init(cedarSchema text: String, fileName: String = "schema.cedarschema") throws(PolicyParseError) {
        var parser = try SchemaTextParser(text: text, fileName: fileName)
        let raw = try parser.parseSchema()
        do {
            self = try raw.resolve()
        } catch {
            throw PolicyParseError(
                fileName: fileName, source: Array(text.unicodeScalars),
                location: error.location ?? SourceLocation(line: 1, column: 1, offset: 0), message: error.message)
        }
    }

    /// Parses a schema in Cedar's JSON form.
    public init(json text: String) throws(CedarJSONError) {
        let raw = try RawSchema(json: try JSONValue.parse(text))
        do {
            self = try raw.resolve()
        } catch {
            throw CedarJSONError(error.message)
        }
    }

    /// Parses either form: JSON if the text starts with `{`, the human syntax otherwise.
    public static func parse(_ text: String, fileName: String = "schema") throws -> Schema {
        if text.drop(while: { $0.isWhitespace }).first == "{" {
            return try Schema(json: text)
        }
        return try Schema(cedarSchema: text, fileName: fileName)
    }

    /// The action entities the schema defines, with their group memberships as parents.
    public var actionEntities: [Entity] {
        actions.values.map { Entity(uid: $0.uid, parents: Set($0.memberOf)) }
    }

    /// The types whose entities may be (transitive) ancestors of `type`'s entities.
    func ancestorTypes(of type: Name) -> Set<Name> {
        var result: Set<Name> = []
        var queue = entityTypes[type]?.memberOfTypes ?? []
        while let t = queue.popLast() {
            guard result.insert(t).inserted else { continue }
            queue.append(contentsOf: entityTypes[t]?.memberOfTypes ?? [])
        }
        return result
    }

    func isKnownEntityType(_ name: Name) -> Bool {
        entityTypes[name] != nil || (name.isActionType && actions.keys.contains { $0.type == name })
    }
}

/// A failure to resolve or check a schema's declarations.
struct SchemaError: Error {
    let message: String
    var location: SourceLocation?
    init(_ message: String) { self.message = message }

    /// The same error placed at `location` unless it already has a more precise one.
    func located(_ location: SourceLocation?) -> SchemaError {
        var copy = self
        if copy.location == nil { copy.location = location }
        return copy
    }
}
