extension RawSchema {
    /// Reads Cedar's JSON schema form: `{ "<namespace>": { "entityTypes", "actions", "commonTypes" } }`.
    init(json: JSONValue) throws(CedarJSONError) {
        guard let namespaces = json.objectMembers else { throw CedarJSONError("schema: expected an object") }
        for (nsName, body) in namespaces {
            let ns = nsName.isEmpty ? [] : Name(qualified: nsName).components
            guard let members = body.objectMembers else { throw CedarJSONError("schema: namespace must be an object") }
            for (key, value) in members {
                switch key {
                case "entityTypes":
                    for (name, def) in value.objectMembers ?? [] {
                        var memberOf: [Name] = []
                        if case .array(let items) = def["memberOfTypes"] ?? .array([]) {
                            for i in items {
                                guard let s = i.stringValue else {
                                    throw CedarJSONError("memberOfTypes: expected strings")
                                }
                                memberOf.append(Name(qualified: s))
                            }
                        }
                        var enumIDs: [String]?
                        if case .array(let items) = def["enum"] { enumIDs = items.compactMap(\.stringValue) }
                        entities.append(
                            .init(
                                name: Name(ns + [name]), namespace: ns, memberOf: memberOf,
                                shape: try def["shape"].map { s throws(CedarJSONError) in try RawSchema.jsonType(s) },
                                tags: try def["tags"].map { s throws(CedarJSONError) in try RawSchema.jsonType(s) },
                                enumeratedIDs: enumIDs))
                    }
                case "actions":
                    for (name, def) in value.objectMembers ?? [] {
                        var memberOf: [EntityUID] = []
                        if case .array(let items) = def["memberOf"] ?? .array([]) {
                            for i in items {
                                guard let id = i["id"]?.stringValue else {
                                    throw CedarJSONError("memberOf: missing id")
                                }
                                let type = i["type"]?.stringValue.map { Name(qualified: $0) } ?? Name(ns + ["Action"])
                                memberOf.append(EntityUID(type: type, id: id))
                            }
                        }
                        let applies = def["appliesTo"]
                        func names(_ key: String) -> [Name]? {
                            guard case .array(let items) = applies?[key] else { return applies == nil ? nil : [] }
                            return items.compactMap(\.stringValue).map { Name(qualified: $0) }
                        }
                        actions.append(
                            .init(
                                uid: EntityUID(type: Name(ns + ["Action"]), id: name), namespace: ns,
                                memberOf: memberOf,
                                principals: names("principalTypes"), resources: names("resourceTypes"),
                                context: try applies?["context"].map { c throws(CedarJSONError) in
                                    try RawSchema.jsonType(c)
                                },
                                hasAppliesTo: applies != nil && applies != .null))
                    }
                case "commonTypes":
                    for (name, def) in value.objectMembers ?? [] {
                        commonTypes.append(
                            .init(name: Name(ns + [name]), namespace: ns, type: try RawSchema.jsonType(def)))
                    }
                case "annotations":
                    continue
                default:
                    throw CedarJSONError("schema: unknown namespace key `\(key)`")
                }
            }
        }
    }

    static func jsonType(_ json: JSONValue) throws(CedarJSONError) -> RawType {
        guard let type = json["type"]?.stringValue else { throw CedarJSONError("schema type: missing `type`") }
        switch type {
        case "String": return .builtin(.string)
        case "Long": return .builtin(.long)
        case "Boolean": return .builtin(.bool)
        case "Set":
            guard let element = json["element"] else { throw CedarJSONError("Set type: missing `element`") }
            return .set(try jsonType(element))
        case "Record":
            var attributes: [RawAttribute] = []
            for (name, def) in json["attributes"]?.objectMembers ?? [] {
                let required: Bool
                if case .bool(let b) = def["required"] { required = b } else { required = true }
                attributes.append(.init(name: name, type: try jsonType(def), isRequired: required))
            }
            let open: Bool
            if case .bool(let b) = json["additionalAttributes"] { open = b } else { open = false }
            return .record(attributes, isOpen: open)
        case "Entity":
            guard let n = json["name"]?.stringValue else { throw CedarJSONError("Entity type: missing `name`") }
            return .entityReference(Name(qualified: n))
        case "Extension":
            guard let n = json["name"]?.stringValue, SchemaType.extensionNames.contains(n) else {
                throw CedarJSONError("Extension type: unknown `name`")
            }
            return .builtin(.ext(n))
        case "EntityOrCommon":
            guard let n = json["name"]?.stringValue else { throw CedarJSONError("EntityOrCommon: missing `name`") }
            return .reference(Name(qualified: n))
        default:
            return .reference(Name(qualified: type))
        }
    }
}
