/// Schema declarations as written, before type names are resolved against namespaces.
struct RawSchema {
    indirect enum RawType {
        /// A name that may be a common type, an entity type or a built-in type.
        case reference(Name)
        /// A name that must be an entity type (JSON `"type": "Entity"`).
        case entityReference(Name)
        case builtin(SchemaType)
        case set(RawType)
        case record([RawAttribute], isOpen: Bool)
    }

    struct RawAttribute {
        let name: String
        let type: RawType
        let isRequired: Bool
    }

    struct RawEntity {
        let name: Name
        let namespace: [String]
        let memberOf: [Name]
        let shape: RawType?
        let tags: RawType?
        let enumeratedIDs: [String]?
        var location: SourceLocation? = nil
    }

    struct RawAction {
        let uid: EntityUID
        let namespace: [String]
        let memberOf: [EntityUID]
        let principals: [Name]?
        let resources: [Name]?
        let context: RawType?
        let hasAppliesTo: Bool
        var location: SourceLocation? = nil
    }

    struct RawCommonType {
        let name: Name
        let namespace: [String]
        let type: RawType
        var location: SourceLocation? = nil
    }

    var entities: [RawEntity] = []
    var actions: [RawAction] = []
    var commonTypes: [RawCommonType] = []

    static let builtins: [String: SchemaType] = [
        "String": .string, "Long": .long, "Bool": .bool, "Boolean": .bool,
        "ipaddr": .ext("ipaddr"), "decimal": .ext("decimal"), "datetime": .ext("datetime"),
        "duration": .ext("duration"),
    ]

    func resolve() throws(SchemaError) -> Schema {
        var commons: [Name: RawCommonType] = [:]
        for c in commonTypes {
            guard commons[c.name] == nil else { throw SchemaError("duplicate common type `\(c.name)`") }
            if RawSchema.builtins[c.name.basename] != nil && c.name.components.count == 1
                && c.name.basename != "Boolean"
            {
                throw SchemaError("common type `\(c.name)` shadows a built-in type")
            }
            commons[c.name] = c
        }
        var entityNames: Set<Name> = []
        for e in entities {
            guard entityNames.insert(e.name).inserted else { throw SchemaError("duplicate entity type `\(e.name)`") }
        }
        func entityType(_ n: Name, _ ns: [String]) throws(SchemaError) -> Name {
            if n.components.count == 1 {
                let qualified = Name(ns + n.components)
                if entityNames.contains(qualified) { return qualified }
            }
            if entityNames.contains(n) { return n }
            throw SchemaError("undeclared entity type `\(n)`")
        }
        func type(_ raw: RawType, _ ns: [String], _ visiting: Set<Name>) throws(SchemaError) -> SchemaType {
            switch raw {
            case .builtin(let t): return t
            case .set(let el): return .set(try type(el, ns, visiting))
            case .record(let attrs, let isOpen):
                var out: [String: RecordType.Attribute] = [:]
                for a in attrs {
                    guard out[a.name] == nil else { throw SchemaError("duplicate attribute `\(a.name)`") }
                    out[a.name] = .init(type: try type(a.type, ns, visiting), isRequired: a.isRequired)
                }
                return .record(RecordType(attributes: out, isOpen: isOpen))
            case .entityReference(let n):
                return .entity(try entityType(n, ns))
            case .reference(let n):
                func common(_ q: Name) throws(SchemaError) -> SchemaType? {
                    guard let c = commons[q] else { return nil }
                    guard !visiting.contains(q) else { throw SchemaError("common type `\(q)` refers to itself") }
                    return try type(c.type, c.namespace, visiting.union([q]))
                }
                if n.components.count == 2, n.components[0] == "__cedar" {
                    guard let b = RawSchema.builtins[n.basename], n.basename != "Boolean" else {
                        throw SchemaError("unknown built-in type `\(n)`")
                    }
                    return b
                }
                if n.components.count == 1 {
                    if !ns.isEmpty {
                        let q = Name(ns + n.components)
                        if let t = try common(q) { return t }
                        if entityNames.contains(q) { return .entity(q) }
                    }
                    if let t = try common(n) { return t }
                    if entityNames.contains(n) { return .entity(n) }
                    if let b = RawSchema.builtins[n.basename], n.basename != "Boolean" { return b }
                    throw SchemaError("undeclared type `\(n)`")
                }
                if let t = try common(n) { return t }
                if entityNames.contains(n) { return .entity(n) }
                throw SchemaError("undeclared type `\(n)`")
            }
        }
        func recordType(_ raw: RawType?, _ ns: [String], _ what: String) throws(SchemaError) -> RecordType {
            guard let raw else { return .empty }
            guard case .record(let r) = try type(raw, ns, []) else {
                throw SchemaError("\(what) must be a record type")
            }
            return r
        }
        var entityDefs: [Name: EntityTypeDefinition] = [:]
        for e in entities {
            do {
                var parents: [Name] = []
                for p in e.memberOf { parents.append(try entityType(p, e.namespace)) }
                entityDefs[e.name] = EntityTypeDefinition(
                    name: e.name, memberOfTypes: parents,
                    shape: try recordType(e.shape, e.namespace, "an entity shape"),
                    tags: try e.tags.map { t throws(SchemaError) in try type(t, e.namespace, []) },
                    enumeratedIDs: e.enumeratedIDs)
            } catch {
                throw error.located(e.location)
            }
        }
        for c in commonTypes {
            do {
                _ = try type(.reference(c.name), [], [])
            } catch {
                throw error.located(c.location)
            }
        }
        var actionUIDs: Set<EntityUID> = []
        for a in actions {
            guard actionUIDs.insert(a.uid).inserted else { throw SchemaError("duplicate action `\(a.uid)`") }
        }
        var actionDefs: [EntityUID: ActionDefinition] = [:]
        for a in actions {
            do throws(SchemaError) {
                for p in a.memberOf where !actionUIDs.contains(p) {
                    throw SchemaError("action `\(a.uid)` is in undeclared action `\(p)`")
                }
                var appliesTo: ActionDefinition.AppliesTo?
                if a.hasAppliesTo {
                    var principals: [Name] = []
                    for p in a.principals ?? [] { principals.append(try entityType(p, a.namespace)) }
                    var resources: [Name] = []
                    for r in a.resources ?? [] { resources.append(try entityType(r, a.namespace)) }
                    appliesTo = .init(
                        principalTypes: principals, resourceTypes: resources,
                        context: try recordType(a.context, a.namespace, "an action context"))
                }
                actionDefs[a.uid] = ActionDefinition(uid: a.uid, memberOf: a.memberOf, appliesTo: appliesTo)
            } catch {
                throw error.located(a.location)
            }
        }
        // Action groups must not form cycles.
        for a in actions {
            var seen: Set<EntityUID> = []
            var queue = a.memberOf
            while let p = queue.popLast() {
                if p == a.uid { throw SchemaError("action `\(a.uid)` is a member of itself") }
                guard seen.insert(p).inserted else { continue }
                queue.append(contentsOf: actionDefs[p]?.memberOf ?? [])
            }
        }
        return Schema(entityTypes: entityDefs, actions: actionDefs)
    }
}
