extension Schema {
    /// Checks that a request fits the schema: the action is declared and applies to the principal's and the
    /// resource's types. (The context is checked when it is parsed with `CedarJSON.context(_:schema:action:)`.)
    public func validateRequest(principal: EntityUID, action: EntityUID, resource: EntityUID) throws(CedarJSONError) {
        guard let def = actions[action] else {
            throw CedarJSONError("action `\(action)` is not declared in the schema")
        }
        guard let applies = def.appliesTo else { throw CedarJSONError("action `\(action)` applies to no request") }
        guard applies.principalTypes.contains(principal.type) else {
            throw CedarJSONError("action `\(action)` does not apply to principals of type `\(principal.type)`")
        }
        guard applies.resourceTypes.contains(resource.type) else {
            throw CedarJSONError("action `\(action)` does not apply to resources of type `\(resource.type)`")
        }
        for (uid, type) in [(principal, principal.type), (resource, resource.type)] {
            if let ids = entityTypes[type]?.enumeratedIDs, !ids.contains(where: { utf8Equal($0, uid.id) }) {
                throw CedarJSONError("`\(uid)` is not one of the enumerated entities of `\(type)`")
            }
        }
    }
}

extension Entities {
    /// Parses an entities JSON document (see `CedarJSON.entities(_:schema:)`).
    public init(json text: String, schema: Schema? = nil) throws(CedarJSONError) {
        self = try CedarJSON.entities(try JSONValue.parse(text), schema: schema)
    }
}

extension Schema {
    /// Checks a context built in Swift against the action's declared context type, so that a request the
    /// validator's guarantees rely on cannot carry missing, extra or mistyped fields.
    public func validateContext(_ context: [String: Value], for action: EntityUID) throws(CedarJSONError) {
        guard let def = actions[action] else {
            throw CedarJSONError("action `\(action)` is not declared in the schema")
        }
        try Schema.check(.record(context), against: .record(def.appliesTo?.context ?? .empty), path: "context")
    }

    /// Whether `value` conforms to `type` (records: required attributes present, no undeclared ones unless open).
    public func conforms(_ value: Value, to type: SchemaType) -> Bool {
        (try? Schema.check(value, against: type, path: "value")) != nil
    }

    static func check(_ value: Value, against type: SchemaType, path: String) throws(CedarJSONError) {
        switch (value, type) {
        case (.bool, .bool), (.long, .long), (.string, .string): return
        case (.entity(let uid), .entity(let t)):
            guard uid.type == t else { throw CedarJSONError("\(path): expected `\(t)`, got `\(uid.type)`") }
        case (.ext(let x), .ext(let name)):
            guard x.typeName == name else { throw CedarJSONError("\(path): expected \(name), got \(x.typeName)") }
        case (.set(let items), .set(let element)):
            for item in items { try check(item, against: element, path: "\(path)[]") }
        case (.record(let fields), .record(let r)):
            for (k, v) in fields {
                guard let attr = r.attributes[k] else {
                    if r.isOpen { continue }
                    throw CedarJSONError("\(path).\(k): not declared in the schema")
                }
                try check(v, against: attr.type, path: "\(path).\(k)")
            }
            for (k, attr) in r.attributes where attr.isRequired && fields[k] == nil {
                throw CedarJSONError("\(path).\(k): required but missing")
            }
        default:
            throw CedarJSONError("\(path): expected \(type.displayName), got \(value.typeName)")
        }
    }
}
