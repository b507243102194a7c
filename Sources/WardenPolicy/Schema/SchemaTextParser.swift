/// Parser for Cedar's human-readable schema syntax (`.cedarschema`).
struct SchemaTextParser {
    private let lexer: Lexer
    private let tokens: [Token]
    private var position = 0
    private var schema = RawSchema()
    /// Nesting of `Set<…>` and record types, bounded so hostile schema text cannot exhaust the stack.
    private var nesting = 0
    static let maximumNesting = 128

    init(text: String, fileName: String) throws(PolicyParseError) {
        lexer = Lexer(text, fileName: fileName)
        tokens = try lexer.tokenize()
    }

    private var current: Token { tokens[position] }
    private var next: Token { tokens[min(position + 1, tokens.count - 1)] }
    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }
    private func error(_ m: String) -> PolicyParseError { lexer.error(m, at: current.location) }
    private func isPunct(_ p: String) -> Bool { current.kind == .punct(p) }
    private func isKeyword(_ k: String) -> Bool { current.kind == .identifier(k) }

    private mutating func eat(_ p: String) -> Bool {
        if isPunct(p) {
            advance()
            return true
        }
        return false
    }

    private mutating func expect(_ p: String) throws(PolicyParseError) {
        guard eat(p) else { throw error("expected `\(p)`") }
    }

    private mutating func identifier() throws(PolicyParseError) -> String {
        guard case .identifier(let s) = current.kind else { throw error("expected an identifier") }
        advance()
        return s
    }

    private mutating func string() throws(PolicyParseError) -> String {
        guard case .string(let raw) = current.kind else { throw error("expected a string") }
        guard case .success(let s) = StringUnescaper.unescape(raw) else { throw error("invalid escape in string") }
        advance()
        return s
    }

    /// An identifier or a string (names of actions and attributes may be either).
    private mutating func name() throws(PolicyParseError) -> String {
        if case .string = current.kind { return try string() }
        return try identifier()
    }

    private mutating func path() throws(PolicyParseError) -> Name {
        var parts = [try identifier()]
        while isPunct("::"), case .identifier = next.kind {
            advance()
            parts.append(try identifier())
        }
        return Name(parts)
    }

    private mutating func skipAnnotations() throws(PolicyParseError) {
        while eat("@") {
            _ = try identifier()
            if eat("(") {
                _ = try string()
                try expect(")")
            }
        }
    }

    mutating func parseSchema() throws(PolicyParseError) -> RawSchema {
        while current.kind != .eof {
            try skipAnnotations()
            if isKeyword("namespace") {
                advance()
                let ns = try path()
                try expect("{")
                while !isPunct("}") {
                    guard current.kind != .eof else { throw error("expected `}` to close the namespace") }
                    try skipAnnotations()
                    try declaration(ns.components)
                }
                advance()
            } else {
                try declaration([])
            }
        }
        return schema
    }

    private mutating func declaration(_ ns: [String]) throws(PolicyParseError) {
        let start = current.location
        defer { locate(from: start) }
        if isKeyword("entity") {
            advance()
            try entityDeclaration(ns)
        } else if isKeyword("action") {
            advance()
            try actionDeclaration(ns)
        } else if isKeyword("type") {
            advance()
            let n = try identifier()
            try expect("=")
            let t = try type(ns)
            try expect(";")
            schema.commonTypes.append(.init(name: Name(ns + [n]), namespace: ns, type: t))
        } else {
            throw error("expected `entity`, `action`, `type` or `namespace`")
        }
    }

    /// Gives the declarations added since `start` their source location.
    private mutating func locate(from start: SourceLocation) {
        for i in schema.entities.indices where schema.entities[i].location == nil {
            schema.entities[i].location = start
        }
        for i in schema.actions.indices where schema.actions[i].location == nil { schema.actions[i].location = start }
        for i in schema.commonTypes.indices where schema.commonTypes[i].location == nil {
            schema.commonTypes[i].location = start
        }
    }

    private mutating func entityDeclaration(_ ns: [String]) throws(PolicyParseError) {
        var names = [try identifier()]
        while eat(",") { names.append(try identifier()) }
        var memberOf: [Name] = []
        var shape: RawSchema.RawType?
        var tags: RawSchema.RawType?
        var enumIDs: [String]?
        if isKeyword("enum") {
            advance()
            try expect("[")
            var ids: [String] = []
            repeat {
                if isPunct("]") { break }
                ids.append(try string())
            } while eat(",")
            try expect("]")
            enumIDs = ids
        } else {
            if isKeyword("in") {
                advance()
                memberOf = try typeList()
            }
            if eat("=") {
                shape = try recordType(ns)
            } else if isPunct("{") {
                shape = try recordType(ns)
            }
            if isKeyword("tags") {
                advance()
                tags = try type(ns)
            }
        }
        try expect(";")
        for n in names {
            schema.entities.append(
                .init(
                    name: Name(ns + [n]), namespace: ns, memberOf: memberOf, shape: shape, tags: tags,
                    enumeratedIDs: enumIDs))
        }
    }

    private mutating func typeList() throws(PolicyParseError) -> [Name] {
        if eat("[") {
            var list: [Name] = []
            repeat {
                if isPunct("]") { break }
                list.append(try path())
            } while eat(",")
            try expect("]")
            return list
        }
        return [try path()]
    }

    private mutating func actionReference(_ ns: [String]) throws(PolicyParseError) -> EntityUID {
        if case .identifier = current.kind, next.kind == .punct("::") {
            let p = try path()
            try expect("::")
            let id = try string()
            return EntityUID(type: p, id: id)
        }
        return EntityUID(type: Name(ns + ["Action"]), id: try name())
    }

    private mutating func actionDeclaration(_ ns: [String]) throws(PolicyParseError) {
        var names = [try name()]
        while eat(",") { names.append(try name()) }
        var memberOf: [EntityUID] = []
        if isKeyword("in") {
            advance()
            if eat("[") {
                repeat {
                    if isPunct("]") { break }
                    memberOf.append(try actionReference(ns))
                } while eat(",")
                try expect("]")
            } else {
                memberOf.append(try actionReference(ns))
            }
        }
        var principals: [Name]?
        var resources: [Name]?
        var context: RawSchema.RawType?
        var hasAppliesTo = false
        if isKeyword("appliesTo") {
            advance()
            hasAppliesTo = true
            try expect("{")
            while !isPunct("}") {
                let key = try identifier()
                try expect(":")
                switch key {
                case "principal":
                    guard principals == nil else { throw error("duplicate `principal`") }
                    principals = try typeList()
                case "resource":
                    guard resources == nil else { throw error("duplicate `resource`") }
                    resources = try typeList()
                case "context":
                    guard context == nil else { throw error("duplicate `context`") }
                    context = try type(ns)
                default:
                    throw error("expected `principal`, `resource` or `context`")
                }
                if !eat(",") { break }
            }
            try expect("}")
            guard principals != nil, resources != nil else {
                throw error("`appliesTo` needs both `principal` and `resource`")
            }
        }
        if isKeyword("attributes") { throw error("action attributes are not supported") }
        try expect(";")
        for n in names {
            schema.actions.append(
                .init(
                    uid: EntityUID(type: Name(ns + ["Action"]), id: n), namespace: ns, memberOf: memberOf,
                    principals: principals, resources: resources, context: context, hasAppliesTo: hasAppliesTo))
        }
    }

    private mutating func type(_ ns: [String]) throws(PolicyParseError) -> RawSchema.RawType {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > SchemaTextParser.maximumNesting {
            throw error("types nest deeper than \(SchemaTextParser.maximumNesting) levels")
        }
        if isPunct("{") { return try recordType(ns) }
        if isKeyword("Set"), next.kind == .punct("<") {
            advance()
            advance()
            let element = try type(ns)
            try expect(">")
            return .set(element)
        }
        return .reference(try path())
    }

    private mutating func recordType(_ ns: [String]) throws(PolicyParseError) -> RawSchema.RawType {
        try expect("{")
        var attributes: [RawSchema.RawAttribute] = []
        while !isPunct("}") {
            try skipAnnotations()
            let n = try name()
            let required = !eat("?")
            try expect(":")
            attributes.append(.init(name: n, type: try type(ns), isRequired: required))
            if !eat(",") { break }
        }
        try expect("}")
        return .record(attributes, isOpen: false)
    }
}
