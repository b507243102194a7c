/// Recursive-descent parser for Cedar policies (the human-readable syntax).
struct Parser {
    private let lexer: Lexer
    private let tokens: [Token]
    private var position = 0
    /// Whether `?principal` / `?resource` may appear in the scope (parsing a template).
    var allowsSlots = false

    init(text: String, fileName: String) throws(PolicyParseError) {
        lexer = Lexer(text, fileName: fileName)
        tokens = try lexer.tokenize()
    }

    /// Evaluation and validation recurse over expressions; bounding the depth keeps hostile policy text from
    /// exhausting a thread's stack.
    static let maximumDepth = 200

    /// Bounds parser recursion (parentheses, sets, records, `if`) for the same reason.
    private var nesting = 0

    static let reservedWords: Set<String> = [
        "true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar",
    ]

    // MARK: - token helpers

    private var current: Token { tokens[position] }
    private var next: Token { tokens[min(position + 1, tokens.count - 1)] }

    private func error(_ message: String, at token: Token? = nil) -> PolicyParseError {
        lexer.error(message, at: (token ?? current).location)
    }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func isPunct(_ p: String) -> Bool { current.kind == .punct(p) }
    private func isKeyword(_ k: String) -> Bool { current.kind == .identifier(k) }

    private mutating func eat(_ p: String) -> Bool {
        if isPunct(p) {
            advance()
            return true
        }
        return false
    }

    private mutating func expect(_ p: String, _ context: String) throws(PolicyParseError) {
        guard eat(p) else { throw error("expected `\(p)` \(context), found \(describe(current))") }
    }

    private mutating func expectKeyword(_ k: String) throws(PolicyParseError) {
        guard isKeyword(k) else { throw error("expected `\(k)`, found \(describe(current))") }
        advance()
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .identifier(let s): return "`\(s)`"
        case .string: return "a string literal"
        case .integer(let s): return "`\(s)`"
        case .punct(let p): return "`\(p)`"
        case .slot(let s): return "`?\(s)`"
        case .eof: return "end of input"
        }
    }

    private mutating func identifier(_ what: String) throws(PolicyParseError) -> String {
        guard case .identifier(let s) = current.kind else {
            throw error("expected \(what), found \(describe(current))")
        }
        advance()
        return s
    }

    private mutating func stringLiteral(_ what: String) throws(PolicyParseError) -> String {
        guard case .string(let raw) = current.kind else { throw error("expected \(what), found \(describe(current))") }
        switch StringUnescaper.unescape(raw) {
        case .success(let s):
            advance()
            return s
        case .failure(let m):
            throw error(m.message)
        }
    }

    // MARK: - policies

    mutating func parsePolicies(ids: [PolicyID]?) throws(PolicyParseError) -> [Policy] {
        var policies: [Policy] = []
        while current.kind != .eof {
            let index = policies.count
            let id: PolicyID
            if let ids {
                guard index < ids.count else { throw error("more policies than supplied policy ids") }
                id = ids[index]
            } else {
                id = "policy\(index)"
            }
            policies.append(try parsePolicy(id: id))
        }
        return policies
    }

    private mutating func parsePolicy(id: PolicyID) throws(PolicyParseError) -> Policy {
        let start = current.location
        var annotations: [Policy.Annotation] = []
        while isPunct("@") {
            advance()
            let keyToken = current
            let key = try identifier("an annotation name")
            if annotations.contains(where: { $0.key == key }) {
                throw error("duplicate annotation `@\(key)`", at: keyToken)
            }
            var value = ""
            if eat("(") {
                value = try stringLiteral("an annotation value")
                try expect(")", "after the annotation value")
            }
            annotations.append(.init(key: key, value: value))
        }
        let effectToken = current
        let effectName = try identifier("`permit` or `forbid`")
        guard let effect = Effect(rawValue: effectName) else {
            throw error("expected `permit` or `forbid`, found `\(effectName)`", at: effectToken)
        }
        try expect("(", "after `\(effectName)`")
        try expectKeyword("principal")
        let principal = try parseScopeConstraint(variable: "principal")
        try expect(",", "after the principal constraint")
        try expectKeyword("action")
        let action = try parseActionConstraint()
        try expect(",", "after the action constraint")
        try expectKeyword("resource")
        let resource = try parseScopeConstraint(variable: "resource")
        _ = eat(",")
        try expect(")", "to close the policy scope")
        var conditions: [Condition] = []
        while case .identifier(let word) = current.kind, word == "when" || word == "unless" {
            let clauseLocation = current.location
            advance()
            try expect("{", "to open the `\(word)` clause")
            if isPunct("}") { throw error("the `\(word)` clause is empty") }
            let bodyToken = current
            let body = try parseExpr()
            if body.isDeeper(than: Parser.maximumDepth) {
                throw error("the `\(word)` clause nests deeper than \(Parser.maximumDepth) levels", at: bodyToken)
            }
            try expect("}", "to close the `\(word)` clause")
            conditions.append(
                Condition(kind: word == "when" ? .when : .unless, body: body, location: clauseLocation))
        }
        try expect(";", "at the end of the policy")
        return Policy(
            id: id, effect: effect, annotations: annotations, principal: principal, action: action,
            resource: resource, conditions: conditions, location: start)
    }

    private mutating func parseScopeConstraint(variable: String) throws(PolicyParseError) -> ScopeConstraint {
        if eat("==") {
            return .equals(try parseScopeEntity(slot: variable))
        }
        if isKeyword("in") {
            advance()
            if isPunct("[") { throw error("`\(variable) in [...]` is not allowed; only `action` takes a list") }
            return .in(try parseScopeEntity(slot: variable))
        }
        if isKeyword("is") {
            advance()
            let type = try parsePath()
            if isKeyword("in") {
                advance()
                return .isIn(type, try parseScopeEntity(slot: variable))
            }
            return .is(type)
        }
        return .any
    }

    /// The placeholder a template slot stands for until it is linked; `?` cannot start a parsed name, so it never
    /// collides with a real entity.
    static func slotPlaceholder(_ slot: String) -> EntityUID { EntityUID(type: Name(["?" + slot]), id: "") }

    private mutating func parseScopeEntity(slot: String? = nil) throws(PolicyParseError) -> EntityUID {
        if case .slot(let s) = current.kind {
            guard allowsSlots else {
                throw error("template slot `?\(s)` found; parse templates with `PolicyTemplate` and link them")
            }
            guard s == slot else { throw error("slot `?\(s)` is not allowed here; use `?\(slot ?? "principal")`") }
            advance()
            return Parser.slotPlaceholder(s)
        }
        let start = current
        let path = try parsePath()
        guard eat("::") else { throw error("expected an entity reference such as `Type::\"id\"`", at: start) }
        return EntityUID(type: path, id: try stringLiteral("an entity id"))
    }

    private mutating func parseActionEntity() throws(PolicyParseError) -> EntityUID {
        let start = current
        let uid = try parseScopeEntity()
        guard uid.type.isActionType else {
            throw error("the action scope takes entities of type `Action`, found `\(uid.type)`", at: start)
        }
        return uid
    }

    private mutating func parseActionConstraint() throws(PolicyParseError) -> ActionConstraint {
        if eat("==") { return .equals(try parseActionEntity()) }
        if isKeyword("in") {
            advance()
            if eat("[") {
                var list: [EntityUID] = []
                if !isPunct("]") {
                    repeat {
                        if isPunct("]") { break }
                        list.append(try parseActionEntity())
                    } while eat(",")
                }
                try expect("]", "to close the action list")
                return .in(list)
            }
            return .in([try parseActionEntity()])
        }
        if isKeyword("is") { throw error("`action is …` is not allowed in the policy scope") }
        return .any
    }

    /// A `::`-separated path of identifiers, stopping before `::"…"` so entity references work.
    private mutating func parsePath() throws(PolicyParseError) -> Name {
        var components = [try identifier("a name")]
        while isPunct("::"), case .identifier = next.kind {
            advance()
            components.append(try identifier("a name"))
        }
        return Name(components)
    }

    // MARK: - expressions

    mutating func parseStandaloneExpr() throws(PolicyParseError) -> Expr {
        let e = try parseExpr()
        if e.isDeeper(than: Parser.maximumDepth) {
            throw error("expression nests deeper than \(Parser.maximumDepth) levels")
        }
        guard current.kind == .eof else { throw error("unexpected \(describe(current)) after the expression") }
        return e
    }

    mutating func parseExpr() throws(PolicyParseError) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maximumDepth { throw error("expression nests deeper than \(Parser.maximumDepth) levels") }
        if isKeyword("if") {
            advance()
            let c = try parseExpr()
            try expectKeyword("then")
            let t = try parseExpr()
            try expectKeyword("else")
            let e = try parseExpr()
            return .ifThenElse(c, t, e)
        }
        return try parseOr()
    }

    private mutating func parseOr() throws(PolicyParseError) -> Expr {
        var lhs = try parseAnd()
        while eat("||") { lhs = .or(lhs, try parseAnd()) }
        return lhs
    }

    private mutating func parseAnd() throws(PolicyParseError) -> Expr {
        var lhs = try parseRelation()
        while eat("&&") { lhs = .and(lhs, try parseRelation()) }
        return lhs
    }

    private static let relationalOps: [String: BinaryOp] = [
        "==": .eq, "!=": .notEq, "<": .less, "<=": .lessEq, ">": .greater, ">=": .greaterEq,
    ]

    private func atRelationalOperator() -> Bool {
        if case .punct(let p) = current.kind, Parser.relationalOps[p] != nil { return true }
        if case .identifier(let w) = current.kind, ["in", "has", "like", "is"].contains(w) { return true }
        return false
    }

    private mutating func parseRelation() throws(PolicyParseError) -> Expr {
        let lhs = try parseAdd()
        let result: Expr
        if case .punct(let p) = current.kind, let op = Parser.relationalOps[p] {
            advance()
            result = .binary(op, lhs, try parseAdd())
        } else if isPunct("=") {
            throw error("`=` is not an operator; use `==` to compare")
        } else if isKeyword("in") {
            advance()
            result = .binary(.in, lhs, try parseAdd())
        } else if isKeyword("has") {
            advance()
            var attrs: [String] = []
            if case .string = current.kind {
                attrs.append(try stringLiteral("an attribute name"))
            } else {
                attrs.append(try attributeIdentifier())
                while eat(".") { attrs.append(try attributeIdentifier()) }
            }
            var expr: Expr = .has(lhs, attrs[0])
            var base: Expr = lhs
            for i in 1..<attrs.count {
                base = .getAttr(base, attrs[i - 1])
                expr = .and(expr, .has(base, attrs[i]))
            }
            result = expr
        } else if isKeyword("like") {
            advance()
            guard case .string(let raw) = current.kind else {
                throw error("expected a pattern string after `like`, found \(describe(current))")
            }
            switch StringUnescaper.pattern(raw) {
            case .success(let elements):
                advance()
                result = .like(
                    lhs,
                    elements.map { e in
                        switch e {
                        case .literal(let c): return PatternElement.literal(c)
                        case .wildcard: return PatternElement.wildcard
                        }
                    })
            case .failure(let m): throw error(m.message)
            }
        } else if isKeyword("is") {
            advance()
            let type = try parsePath()
            if isKeyword("in") {
                advance()
                let target = try parseAdd()
                result = .and(.isType(lhs, type), .binary(.in, lhs, target))
            } else {
                result = .isType(lhs, type)
            }
        } else {
            return lhs
        }
        if atRelationalOperator() { throw error("comparison operators cannot be chained; add parentheses") }
        return result
    }

    private mutating func attributeIdentifier() throws(PolicyParseError) -> String {
        try identifier("an attribute name")
    }

    private mutating func parseAdd() throws(PolicyParseError) -> Expr {
        var lhs = try parseMul()
        while true {
            if eat("+") {
                lhs = .binary(.add, lhs, try parseMul())
            } else if eat("-") {
                lhs = .binary(.sub, lhs, try parseMul())
            } else {
                return lhs
            }
        }
    }

    private mutating func parseMul() throws(PolicyParseError) -> Expr {
        var lhs = try parseUnary()
        while eat("*") {
            lhs = .binary(.mul, lhs, try parseUnary())
        }
        if isPunct("/") || isPunct("%") { throw error("division and remainder are not Cedar operators") }
        return lhs
    }

    private mutating func parseUnary() throws(PolicyParseError) -> Expr {
        var ops: [String] = []
        while isPunct("!") || isPunct("-") {
            if case .punct(let p) = current.kind { ops.append(p) }
            advance()
        }
        if ops.count > 4 { throw error("too many unary operators in a row") }
        var expr: Expr
        if ops.last == "-", case .integer(let digits) = current.kind {
            // Fold the innermost minus into the literal so that -9223372036854775808 is representable.
            guard let v = Int64("-" + digits) else {
                throw error("integer literal `-\(digits)` does not fit in 64 bits")
            }
            advance()
            ops.removeLast()
            expr = try parseAccessors(.literal(.long(v)))
        } else {
            expr = try parseMember()
        }
        for op in ops.reversed() {
            expr = op == "!" ? .not(expr) : .negate(expr)
        }
        return expr
    }

    private mutating func parseMember() throws(PolicyParseError) -> Expr {
        try parseAccessors(try parsePrimary())
    }

    static let extensionMethods: [String: Int] = [
        "lessThan": 1, "lessThanOrEqual": 1, "greaterThan": 1, "greaterThanOrEqual": 1,
        "isIpv4": 0, "isIpv6": 0, "isLoopback": 0, "isMulticast": 0, "isInRange": 1,
        "offset": 1, "durationSince": 1, "toDate": 0, "toTime": 0,
        "toMilliseconds": 0, "toSeconds": 0, "toMinutes": 0, "toHours": 0, "toDays": 0,
    ]

    static let extensionFunctions: Set<String> = ["ip", "decimal", "datetime", "duration"]

    private mutating func parseAccessors(_ base: Expr) throws(PolicyParseError) -> Expr {
        var expr = base
        while true {
            if isPunct(".") {
                advance()
                let nameToken = current
                let name = try identifier("an attribute or method name")
                if eat("(") {
                    let args = try parseArguments()
                    expr = try methodCall(name, receiver: expr, args: args, at: nameToken)
                } else {
                    expr = .getAttr(expr, name)
                }
            } else if isPunct("[") {
                advance()
                let key = try stringLiteral("a string attribute name inside `[ ]`")
                try expect("]", "after the attribute name")
                expr = .getAttr(expr, key)
            } else {
                return expr
            }
        }
    }

    private mutating func parseArguments() throws(PolicyParseError) -> [Expr] {
        var args: [Expr] = []
        if eat(")") { return args }
        repeat { args.append(try parseExpr()) } while eat(",")
        try expect(")", "to close the argument list")
        return args
    }

    private func methodCall(_ name: String, receiver: Expr, args: [Expr], at token: Token) throws(PolicyParseError)
        -> Expr
    {
        func arity(_ n: Int) throws(PolicyParseError) {
            guard args.count == n else {
                throw error("`\(name)` takes \(n) argument\(n == 1 ? "" : "s"), found \(args.count)", at: token)
            }
        }
        switch name {
        case "contains", "containsAll", "containsAny", "getTag", "hasTag":
            try arity(1)
            let op: BinaryOp =
                switch name {
                case "contains": .contains
                case "containsAll": .containsAll
                case "containsAny": .containsAny
                case "getTag": .getTag
                default: .hasTag
                }
            return .binary(op, receiver, args[0])
        case "isEmpty":
            try arity(0)
            return .isEmpty(receiver)
        default:
            // Cedar checks extension arity when evaluating, so a wrong count is an evaluation error, not a parse error.
            guard Parser.extensionMethods[name] != nil else { throw error("unknown method `\(name)`", at: token) }
            return .call(name, [receiver] + args)
        }
    }

    private mutating func parsePrimary() throws(PolicyParseError) -> Expr {
        let token = current
        switch token.kind {
        case .integer(let digits):
            guard let v = Int64(digits) else { throw error("integer literal `\(digits)` does not fit in 64 bits") }
            advance()
            return .literal(.long(v))
        case .string:
            return .literal(.string(try stringLiteral("a string")))
        case .slot(let s):
            throw error("template slot `?\(s)` may appear only in the policy scope")
        case .punct("("):
            advance()
            let e = try parseExpr()
            try expect(")", "to close the parenthesis")
            return e
        case .punct("["):
            advance()
            var elements: [Expr] = []
            if !isPunct("]") {
                repeat {
                    if isPunct("]") { break }
                    elements.append(try parseExpr())
                } while eat(",")
            }
            try expect("]", "to close the set")
            return .set(elements)
        case .punct("{"):
            advance()
            var fields: [String: Expr] = [:]
            if !isPunct("}") {
                repeat {
                    if isPunct("}") { break }
                    let keyToken = current
                    let key: String
                    if case .string = current.kind {
                        key = try stringLiteral("a record key")
                    } else {
                        key = try identifier("a record key")
                    }
                    try expect(":", "after the record key")
                    if fields[key] != nil { throw error("duplicate record key `\(key)`", at: keyToken) }
                    fields[key] = try parseExpr()
                } while eat(",")
            }
            try expect("}", "to close the record")
            return .record(fields)
        case .identifier(let word):
            if word == "true" || word == "false" {
                advance()
                return .literal(.bool(word == "true"))
            }
            let path = try parsePath()
            if eat("::") {
                return .literal(.entity(EntityUID(type: path, id: try stringLiteral("an entity id"))))
            }
            if eat("(") {
                let name = path.description
                guard Parser.extensionFunctions.contains(name) else {
                    throw error("unknown function `\(name)`", at: token)
                }
                return .call(name, try parseArguments())
            }
            if path.components.count == 1, let v = Variable(rawValue: word) {
                return .variable(v)
            }
            if Parser.reservedWords.contains(word) {
                throw error("unexpected keyword `\(word)`", at: token)
            }
            throw error("unknown variable `\(path)`; expected principal, action, resource or context", at: token)
        default:
            throw error("expected an expression, found \(describe(token))")
        }
    }
}
