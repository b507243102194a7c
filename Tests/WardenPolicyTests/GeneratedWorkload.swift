import WardenPolicy

/// A deterministic pseudo-random generator (SplitMix64) so generated workloads repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A uniformly chosen element of a non-empty array.
func pick<T>(_ items: [T], _ rng: inout SeededGenerator) -> T {
    items[Int.random(in: 0..<items.count, using: &rng)]
}

/// Gateway-shaped policies, entities and requests: agents in roles, one action per tool in an effect class,
/// systems as resources, and conditions over context and attributes (some of which error on purpose).
struct GeneratedWorkload {
    let policyText: String
    let entities: Entities
    let requests: [Request]

    static let effectClasses = ["read", "mutate", "send", "spend"]

    init(policies count: Int, requests requestCount: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let tools = (0..<200).map { "srv\($0 % 20).tool\($0)" }
        let roles = (0..<10).map { "role\($0)" }
        let agents = (0..<50).map { "agent\($0)" }
        var entityList: [Entity] = []
        for (i, tool) in tools.enumerated() {
            entityList.append(
                Entity(
                    uid: EntityUID("Action", tool),
                    parents: [EntityUID("Action", GeneratedWorkload.effectClasses[i % 4])]))
        }
        for (i, a) in agents.enumerated() {
            entityList.append(
                Entity(
                    uid: EntityUID("Agent", a), attributes: ["level": .long(Int64(i % 5))],
                    parents: [
                        EntityUID("Role", roles[i % roles.count]), EntityUID("Role", roles[(i * 7) % roles.count]),
                    ]
                ))
        }
        for s in 0..<20 {
            entityList.append(
                Entity(
                    uid: EntityUID("System", "srv\(s)"), attributes: ["owner": .entity(EntityUID("Agent", agents[s]))]))
        }
        entities = Entities(entityList)

        var text = ""
        for _ in 0..<count {
            let effect = Int.random(in: 0..<5, using: &rng) == 0 ? "forbid" : "permit"
            let principal: String
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: principal = "principal"
            case 1: principal = "principal == Agent::\"\(pick(agents, &rng))\""
            case 2: principal = "principal in Role::\"\(pick(roles, &rng))\""
            default: principal = "principal is Agent"
            }
            let action: String
            switch effect == "forbid" ? 99 : Int.random(in: 0..<100, using: &rng) {
            case 0: action = "action"
            case 1..<6: action = "action in Action::\"\(pick(GeneratedWorkload.effectClasses, &rng))\""
            case 6..<16:
                action =
                    "action in [Action::\"\(pick(tools, &rng))\", Action::\"\(pick(tools, &rng))\"]"
            default: action = "action == Action::\"\(pick(tools, &rng))\""
            }
            let resource =
                Bool.random(using: &rng)
                ? "resource" : "resource == System::\"srv\(Int.random(in: 0..<20, using: &rng))\""
            let conditions = [
                "", "when { context.amount < \(Int.random(in: 0..<1000, using: &rng)) }",
                "when { principal.level >= \(Int.random(in: 0..<5, using: &rng)) }",
                "unless { context.tainted }", "when { resource.owner == principal }",
                "when { context has grant && context.grant == \"g\(Int.random(in: 0..<3, using: &rng))\" }",
                "when { context.missing > 1 }", "when { 9223372036854775807 + context.amount > 0 }",
            ]
            text += "\(effect)(\(principal), \(action), \(resource)) \(pick(conditions, &rng));\n"
        }
        policyText = text

        var reqs: [Request] = []
        for _ in 0..<requestCount {
            var context: [String: Value] = [
                "amount": .long(Int64.random(in: 0..<1000, using: &rng)), "tainted": .bool(Bool.random(using: &rng)),
            ]
            if Bool.random(using: &rng) { context["grant"] = .string("g\(Int.random(in: 0..<3, using: &rng))") }
            reqs.append(
                Request(
                    principal: EntityUID("Agent", pick(agents, &rng)),
                    action: EntityUID("Action", pick(tools, &rng)),
                    resource: EntityUID("System", "srv\(Int.random(in: 0..<20, using: &rng))"), context: context))
        }
        requests = reqs
    }
}
