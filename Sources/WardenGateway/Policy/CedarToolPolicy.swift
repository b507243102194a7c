import Foundation
import Synchronization
import WardenCore
import WardenPolicy

/// The Cedar tool policy (replaces the role table when `policy.file` is configured).
///
/// Mapping (docs/policy.md): principal `Agent::"<sub>"` in `Role::"<role>"` for each role; action
/// `Action::"<server>.<tool>"` in its effect class `Action::"read"|"mutate"|"send"|"spend"`; resource
/// `System::"<server>"`; context `{args, run}` with `args` typed from the tool's input schema. Decisions use
/// strict mode: if any policy whose scope matches errors, the answer is deny.
public struct CedarToolPolicy: ToolPolicy {
    public let identity: String
    let authorizer: Authorizer
    /// Permits annotated `@hold("why")`: a call they allow waits for a person (id → reason).
    let holds: [PolicyID: String]
    /// The entities of each agent and tool, built once (see `EntityCache`).
    let entities = EntityCache()

    /// Parses and validates `text` against `schema`; any parse or validation error refuses the whole set.
    public init(text: String, fileName: String, schema: Schema) throws(PolicyLoadError) {
        let policies: PolicySet
        do {
            policies = try PolicySet(text: text, fileName: fileName)
        } catch {
            throw PolicyLoadError(rule: "policy.parse-error", details: [error.description])
        }
        let problems = Validator.validate(policies, schema: schema)
        guard problems.isEmpty else {
            throw PolicyLoadError(rule: "policy.validation-error", details: problems.map { "\(fileName): \($0)" })
        }
        var holds: [PolicyID: String] = [:]
        var misplaced: [String] = []
        for policy in policies.policies {
            guard let reason = policy.annotation("hold") else { continue }
            if policy.effect == .forbid {
                misplaced.append("\(fileName): \(policy.id): @hold belongs on a permit (a forbid never allows a call)")
            }
            holds[policy.id] = reason.isEmpty ? "a policy holds this call for a person" : reason
        }
        guard misplaced.isEmpty else { throw PolicyLoadError(rule: "policy.validation-error", details: misplaced) }
        self.holds = holds
        self.identity = "cedar:" + Digest.sha256Hex(Array(text.utf8))
        self.authorizer = Authorizer(policies: policies, strict: true)
    }

    public func decide(_ call: ToolCallRequest) -> WardenCore.Decision {
        let (request, entities) = Self.request(
            for: call.principal, entry: call.entry, arguments: call.arguments, run: call.run, cache: entities)
        let response = authorizer.isAuthorized(request, entities: entities)
        switch response.decision {
        case .allow:
            // A satisfied @hold permit holds the call even when another permit allows it outright.
            let held = response.reasons.filter { holds[$0] != nil }.map { "policy.hold:\($0)" }
            return .allow(reasons: response.reasons.map { "policy.cedar:\($0)" } + held)
        case .deny:
            if let failed = response.errors.first {
                return .deny(
                    Refusal(
                        rule: "policy.cedar-error",
                        message:
                            "policy \(failed.policyID) could not be evaluated (strict mode denies): \(failed.message)"
                    )
                )
            }
            if let forbid = response.reasons.first {
                return .deny(Refusal(rule: "policy.cedar-forbid", message: "forbidden by policy \(forbid)"))
            }
            return .deny(Refusal(rule: "policy.cedar-no-permit", message: "no policy permits this call"))
        }
    }

    /// Every policy whose scope matches the call, and whether it held, failed to hold, or errored.
    public func explain(_ call: ToolCallRequest) -> [String] {
        let (request, entities) = Self.request(
            for: call.principal, entry: call.entry, arguments: call.arguments, run: call.run)
        return authorizer.explain(request, entities: entities).map { trace in
            let outcome: String
            switch trace.outcome {
            case .satisfied: outcome = "satisfied"
            case .notSatisfied: outcome = "not satisfied"
            case .error(let message): outcome = "error: \(message)"
            }
            return "\(trace.policyID) (\(trace.effect)): \(outcome)"
        }
    }

    public func hold(allowedBy reasons: [String]) -> Refusal? {
        let ids = reasons.compactMap { $0.hasPrefix("policy.hold:") ? String($0.dropFirst("policy.hold:".count)) : nil }
        guard let first = ids.first else { return nil }
        let why = ids.compactMap { holds[$0] }.joined(separator: "; ")
        return Refusal(rule: "policy.hold", message: "policy \(first) holds this call for a person: \(why)")
    }

    public func mayList(principal: Principal, entry: CatalogEntry) -> Bool {
        let (request, entities) = Self.request(for: principal, entry: entry, arguments: [:], run: nil)
        return authorizer.couldPermit(
            principal: request.principal,
            action: request.action,
            resource: request.resource,
            entities: entities
        )
    }

    static func request(
        for principal: Principal,
        entry: CatalogEntry,
        arguments: [String: WardenCore.JSONValue],
        run: RunContext?,
        now: Date = Date(),
        cache: EntityCache? = nil
    ) -> (WardenPolicy.Request, Entities) {
        let agent = EntityUID(type: Self.agentType, id: principal.subject)
        let action = EntityUID(type: Self.actionType, id: entry.name.description)
        let system = EntityUID(type: Self.systemType, id: entry.name.server)
        // Arguments were validated against the schema before policy; each is typed from it.
        let args = entry.argumentSchema?.cedarValue(.object(arguments)) ?? .record([:])
        let context: [String: Value] = [
            "args": args,
            "run": .record([
                "id": .string(run?.id ?? ""),
                "session": .string(run?.sessionID ?? ""),
                "tainted": .bool(run?.tainted ?? false),
                "calls": .long(Int64(run?.calls ?? 0)),
                "delivered": .bool(run?.delivered ?? false),
                "untrustedArgs": .set(Set((run?.untrustedArgs ?? []).map { .string($0) })),
                "untrustedSources": .set(Set((run?.untrustedSources ?? []).map { .string($0) })),
            ]),
            "time": timeRecord(now),
        ]
        let key = EntityCache.Key(
            subject: principal.subject, roles: Array(principal.roles), tool: entry.name.description,
            effect: entry.effect)
        let build = {
            Self.entities(agent: agent, action: action, system: system, roles: principal.roles, effect: entry.effect)
        }
        let entities = cache.map { $0.entities(for: key, build: build) } ?? build()
        return (WardenPolicy.Request(principal: agent, action: action, resource: system, context: context), entities)
    }

    static let agentType = Name(qualified: "Agent")
    static let actionType = Name(qualified: "Action")
    static let systemType = Name(qualified: "System")
    static let roleType = Name(qualified: "Role")

    /// The agent in its roles, the tool's server, the tool in its effect class, and the effect classes.
    static func entities(
        agent: EntityUID, action: EntityUID, system: EntityUID, roles: Set<String>, effect: EffectClass?
    ) -> Entities {
        let roles = Set(roles.map { EntityUID(type: roleType, id: $0) })
        var entities = [
            Entity(uid: agent, parents: roles),
            Entity(uid: system),
            Entity(uid: action, parents: effect.map { [EntityUID(type: actionType, id: $0.rawValue)] } ?? []),
        ]
        entities += roles.map { Entity(uid: $0) }
        entities += EffectClass.allCases.map { Entity(uid: EntityUID(type: actionType, id: $0.rawValue)) }
        return Entities(entities)
    }

    /// `context.time`: seconds since the epoch, and the UTC hour (0–23) and weekday (0 = Sunday) for
    /// business-hours rules.
    static func timeRecord(_ now: Date) -> Value {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return .record([
            "epochSeconds": .long(seconds),
            "hourUTC": .long(((seconds % 86_400) + 86_400) % 86_400 / 3_600),
            "weekdayUTC": .long(((days + 4) % 7 + 7) % 7),
        ])
    }

}

/// The entities of one agent (subject and roles) calling one tool: the same on every such call, and building them (the
/// ancestor closure) cost more than deciding. At most `capacity` are kept; the set starts over when full.
final class EntityCache: Sendable {
    /// UTF-8 bytes, not `String`s: `String` equality is canonical equivalence, Cedar's is byte for byte, and two
    /// agents whose subjects differ only so must not share entities.
    struct Key: Hashable, Sendable {
        var subject: [UInt8]
        var roles: [[UInt8]]
        var tool: [UInt8]
        var effect: EffectClass?

        init(subject: String, roles: [String], tool: String, effect: EffectClass?) {
            self.subject = Array(subject.utf8)
            self.roles = roles.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            self.tool = Array(tool.utf8)
            self.effect = effect
        }
    }

    static let capacity = 4096
    private let built = Mutex<[Key: Entities]>([:])

    func entities(for key: Key, build: () -> Entities) -> Entities {
        if let known = built.withLock({ $0[key] }) { return known }
        let entities = build()
        built.withLock { built in
            if built.count >= Self.capacity { built.removeAll(keepingCapacity: true) }
            built[key] = entities
        }
        return entities
    }

    var count: Int { built.withLock { $0.count } }
}

/// A policy set that was refused at load: parse or validation errors, each with file, line and column.
public struct PolicyLoadError: Error, Sendable, CustomStringConvertible, LogSafeError {
    /// The rule and the number of problems (policy text is the admin's, but logs carry rule ids only).
    public var logDescription: String { "policy refused (\(rule), \(details.count) problem(s))" }

    public var rule: String
    public var details: [String]
    public var description: String { "policy refused (\(rule)):\n" + details.joined(separator: "\n") }
}
