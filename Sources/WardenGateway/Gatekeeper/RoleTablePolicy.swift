import WardenCore

/// The interim tool policy: each role may use tools of the listed effect classes. A principal with no
/// known role may use nothing.
public struct RoleTablePolicy: ToolPolicy {
    public var table: [String: Set<EffectClass>]

    public init(table: [String: Set<EffectClass>]) {
        self.table = table
    }

    public var identity: String {
        let rows = table.keys.sorted().map { role in
            JSONValue.array([.string(role), .array((table[role] ?? []).map(\.rawValue).sorted().map { .string($0) })])
        }
        return "role-table:" + CanonicalJSON.sha256Hex(.array(rows))
    }

    func allowedEffects(for principal: Principal) -> Set<EffectClass> {
        principal.roles.reduce(into: Set<EffectClass>()) { result, role in result.formUnion(table[role] ?? []) }
    }

    public func decide(_ call: ToolCallRequest) -> Decision {
        guard let effect = call.entry.effect else {
            return .deny(Refusal(rule: "catalog.unclassified-tool", message: "tool has no effect class"))
        }
        guard allowedEffects(for: call.principal).contains(effect) else {
            return .deny(
                Refusal(
                    rule: "policy.role-table",
                    message: "none of the caller's roles may use \(effect.rawValue) tools"
                )
            )
        }
        return .allow(reasons: ["policy.role-table"])
    }

    public func mayList(principal: Principal, entry: CatalogEntry) -> Bool {
        guard let effect = entry.effect else { return false }
        return allowedEffects(for: principal).contains(effect)
    }

    /// The table as Cedar: one permit per role over its effect classes. The cell decides with this text
    /// (through `CedarToolPolicy`), so a table and a policy file are held to the same engine and checks.
    public static func cedarText(_ table: [String: Set<EffectClass>]) -> String {
        var lines = ["// Generated from the configuration's roles table."]
        for role in table.keys.sorted() {
            let classes = (table[role] ?? []).map(\.rawValue).sorted()
            guard !classes.isEmpty else { continue }
            let actions = classes.map { "Action::\"\($0)\"" }.joined(separator: ", ")
            lines.append("permit (principal in Role::\(quoted(role)), action in [\(actions)], resource);")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Refuses every call of one effect class until the control that governs it is configured.
///
/// Send tools need a send grant and spend tools a human approval; until those controls are wired in, the
/// safe answer is no.
public struct EffectClassHold: ToolCallGate {
    public var effect: EffectClass
    public var refusal: Refusal

    public init(effect: EffectClass, refusal: Refusal) {
        self.effect = effect
        self.refusal = refusal
    }

    public func check(_ call: ToolCallRequest) async -> CheckVerdict {
        call.entry.effect == effect ? .refuse(refusal) : .notApplicable
    }
}
