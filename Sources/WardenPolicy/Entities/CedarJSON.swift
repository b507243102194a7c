/// Cedar's JSON formats for values, entity references, entities and request contexts.
///
/// With a schema, parsing is schema-directed: a string where the schema expects an extension type is read with that
/// type's constructor, `{"type", "id"}` where it expects an entity is an entity reference, and values that do not
/// conform to the declared types are refused.
public enum CedarJSON {
    /// Reads `{"type": "T", "id": "i"}` or `{"__entity": {"type": "T", "id": "i"}}`.
    public static func entityUID(_ json: JSONValue) throws(CedarJSONError) -> EntityUID {
        var json = json
        if let inner = json["__entity"] { json = inner }
        guard let members = json.objectMembers, members.count == 2, let type = json["type"]?.stringValue,
            let id = json["id"]?.stringValue
        else { throw CedarJSONError("expected an entity reference `{\"type\": …, \"id\": …}`") }
        return EntityUID(type: Name(qualified: type), id: id)
    }

    /// Reads a Cedar value, directed by `expected` when a schema type is known.
    public static func value(_ json: JSONValue, expected: SchemaType? = nil) throws(CedarJSONError) -> Value {
        switch json {
        case .null:
            throw CedarJSONError("null is not a Cedar value")
        case .bool(let b):
            if let expected, expected != .bool { throw mismatch(expected, json) }
            return .bool(b)
        case .integer(let i):
            if let expected, expected != .long { throw mismatch(expected, json) }
            return .long(i)
        case .number(let text):
            throw CedarJSONError("number `\(text)` is not a 64-bit integer")
        case .string(let s):
            switch expected {
            case nil, .string?: return .string(s)
            case .ext(let name)?:
                guard let v = ExtensionFunctions.construct(name, s) else {
                    throw CedarJSONError("cannot parse \(quoteCedarString(s)) as \(name)")
                }
                return .ext(v)
            case let other?: throw mismatch(other, json)
            }
        case .array(let items):
            var elementType: SchemaType?
            if let expected {
                guard case .set(let el) = expected else { throw mismatch(expected, json) }
                elementType = el
            }
            var s = Set<Value>()
            for i in items { s.insert(try value(i, expected: elementType)) }
            return .set(s)
        case .object(let members):
            if members.count == 1, members[0].0 == "__entity" {
                let uid = try entityUID(json)
                if let expected, case .entity(let t) = expected, t != uid.type {
                    throw CedarJSONError("expected an entity of type `\(t)`, got `\(uid.type)`")
                }
                return .entity(uid)
            }
            if members.count == 1, members[0].0 == "__extn" {
                let v = try extensionValue(members[0].1)
                if let expected, expected != .ext(v.typeName) { throw mismatch(expected, json) }
                return .ext(v)
            }
            switch expected {
            case .entity(let t)?:
                let uid = try entityUID(json)
                guard uid.type == t else {
                    throw CedarJSONError("expected an entity of type `\(t)`, got `\(uid.type)`")
                }
                return .entity(uid)
            case .ext(let n)?:
                throw mismatch(.ext(n), json)
            case .record(let r)?:
                return .record(try record(members, type: r))
            case nil:
                var out: [String: Value] = [:]
                for (k, v) in members { out[k] = try value(v) }
                return .record(out)
            case let other?:
                throw mismatch(other, json)
            }
        }
    }

    /// Reads the body of `{"__extn": {"fn": "ip", "arg": "…"}}` or `{"__extn": {"fn": "offset", "args": […]}}`.
    private static func extensionValue(_ body: JSONValue) throws(CedarJSONError) -> ExtensionValue {
        guard let fn = body["fn"]?.stringValue else { throw CedarJSONError("`__extn` lacks `fn`") }
        var args: [Value] = []
        if let arg = body["arg"] {
            args = [try value(arg)]
        } else if case .array(let items) = body["args"] {
            for i in items { args.append(try value(i)) }
        } else {
            throw CedarJSONError("`__extn` lacks `arg` or `args`")
        }
        let result: Value
        do {
            result = try ExtensionFunctions.call(fn, args)
        } catch {
            throw CedarJSONError("invalid `__extn` value: \(error.message)")
        }
        guard case .ext(let v) = result else {
            throw CedarJSONError("`__extn` function `\(fn)` does not build an extension value")
        }
        return v
    }

    private static func mismatch(_ expected: SchemaType, _ json: JSONValue) -> CedarJSONError {
        CedarJSONError("expected a value of type \(expected.displayName), got a JSON \(json.kindName)")
    }

    static func record(_ members: [(String, JSONValue)], type: RecordType) throws(CedarJSONError) -> [String: Value] {
        var out: [String: Value] = [:]
        for (k, v) in members {
            guard let attr = type.attributes[k] else {
                if type.isOpen {
                    out[k] = try value(v)
                    continue
                }
                throw CedarJSONError("attribute `\(k)` is not declared in the schema")
            }
            out[k] = try value(v, expected: attr.type)
        }
        for (k, attr) in type.attributes where attr.isRequired && out[k] == nil {
            throw CedarJSONError("required attribute `\(k)` is missing")
        }
        return out
    }

    /// Reads an entities document (a JSON array). With a schema, attributes are typed by the schema and the
    /// schema's action entities are added (action entities in the document are replaced by the schema's).
    public static func entities(_ json: JSONValue, schema: Schema? = nil) throws(CedarJSONError) -> Entities {
        guard case .array(let items) = json else { throw CedarJSONError("entities: expected a JSON array") }
        var list: [Entity] = []
        var seen: Set<EntityUID> = []
        for item in items {
            guard let uidJSON = item["uid"] else { throw CedarJSONError("entity: missing `uid`") }
            let uid = try entityUID(uidJSON)
            guard seen.insert(uid).inserted else { throw CedarJSONError("duplicate entity `\(uid)`") }
            if let schema, uid.type.isActionType, schema.actions[uid] != nil { continue }
            var parents: Set<EntityUID> = []
            if case .array(let ps) = item["parents"] ?? .array([]) {
                for p in ps { parents.insert(try entityUID(p)) }
            } else {
                throw CedarJSONError("entity `\(uid)`: `parents` must be an array")
            }
            guard let attrsJSON = (item["attrs"] ?? .object([])).objectMembers,
                let tagsJSON = (item["tags"] ?? .object([])).objectMembers
            else { throw CedarJSONError("entity `\(uid)`: `attrs` and `tags` must be objects") }
            var attrs: [String: Value] = [:]
            var tags: [String: Value] = [:]
            if let schema {
                guard let def = schema.entityTypes[uid.type] else {
                    throw CedarJSONError("entity `\(uid)`: type `\(uid.type)` is not declared in the schema")
                }
                if let ids = def.enumeratedIDs, !ids.contains(where: { $0.utf8.elementsEqual(uid.id.utf8) }) {
                    throw CedarJSONError("entity `\(uid)`: id is not one of the enumerated ids of `\(uid.type)`")
                }
                do {
                    attrs = try record(attrsJSON, type: def.shape)
                } catch {
                    throw CedarJSONError("entity `\(uid)`: \(error.message)")
                }
                if !tagsJSON.isEmpty {
                    guard let tagType = def.tags else {
                        throw CedarJSONError("entity `\(uid)`: type `\(uid.type)` does not allow tags")
                    }
                    for (k, v) in tagsJSON { tags[k] = try value(v, expected: tagType) }
                }
                for p in parents where !def.memberOfTypes.contains(p.type) {
                    throw CedarJSONError("entity `\(uid)`: `\(p.type)` is not a declared parent type")
                }
            } else {
                for (k, v) in attrsJSON { attrs[k] = try value(v) }
                for (k, v) in tagsJSON { tags[k] = try value(v) }
            }
            list.append(Entity(uid: uid, attributes: attrs, parents: parents, tags: tags))
        }
        if let schema { list.append(contentsOf: schema.actionEntities) }
        return Entities(list)
    }

    /// Reads a request context (a JSON object), typed by the action's context in `schema` when given.
    public static func context(_ json: JSONValue, schema: Schema? = nil, action: EntityUID? = nil)
        throws(CedarJSONError) -> [String: Value]
    {
        guard let members = json.objectMembers else { throw CedarJSONError("context: expected a JSON object") }
        if let schema, let action {
            guard let def = schema.actions[action] else {
                throw CedarJSONError("action `\(action)` is not declared in the schema")
            }
            return try record(members, type: def.appliesTo?.context ?? .empty)
        }
        var out: [String: Value] = [:]
        for (k, v) in members { out[k] = try value(v) }
        return out
    }
}

extension SchemaType {
    /// How the type is written in the schema syntax.
    public var displayName: String {
        switch self {
        case .bool: return "Bool"
        case .long: return "Long"
        case .string: return "String"
        case .entity(let n): return n.description
        case .set(let el): return "Set<\(el.displayName)>"
        case .record(let r):
            let fields = r.attributes.sorted { $0.key < $1.key }.map {
                "\($0.key)\($0.value.isRequired ? "" : "?"): \($0.value.type.displayName)"
            }
            return "{" + fields.joined(separator: ", ") + "}"
        case .ext(let n): return n
        }
    }
}
