/// One entity: its attributes, direct parents and tags.
public struct Entity: Hashable, Sendable {
    public let uid: EntityUID
    public var attributes: [String: Value]
    /// Direct parents as given; `Entities` computes the transitive closure.
    public var parents: Set<EntityUID>
    public var tags: [String: Value]

    public init(
        uid: EntityUID, attributes: [String: Value] = [:], parents: Set<EntityUID> = [], tags: [String: Value] = [:]
    ) {
        self.uid = uid
        self.attributes = attributes
        self.parents = parents
        self.tags = tags
    }
}

/// An entity store with every entity's ancestors precomputed, so `in` is a set lookup at evaluation time.
public struct Entities: Sendable {
    struct Stored: Sendable {
        let entity: Entity
        let ancestors: Set<EntityUID>
    }

    private let storage: [EntityUID: Stored]

    /// Builds the store and the transitive ancestor closure. Parents that are not themselves in the store still
    /// count as ancestors (Cedar does the same), but contribute no further ancestors.
    public init(_ entities: [Entity]) {
        var byUID: [EntityUID: Entity] = [:]
        for e in entities {
            if var existing = byUID[e.uid] {
                existing.parents.formUnion(e.parents)
                existing.attributes.merge(e.attributes) { _, new in new }
                existing.tags.merge(e.tags) { _, new in new }
                byUID[e.uid] = existing
            } else {
                byUID[e.uid] = e
            }
        }
        // Breadth-first walk per entity; finished closures are reused, so chains are walked once.
        var closure: [EntityUID: Set<EntityUID>] = [:]
        var stored: [EntityUID: Stored] = [:]
        stored.reserveCapacity(byUID.count)
        for (uid, entity) in byUID {
            var result: Set<EntityUID> = []
            var queue = Array(entity.parents)
            while let p = queue.popLast() {
                guard result.insert(p).inserted else { continue }
                if let done = closure[p] {
                    result.formUnion(done)
                } else if let parent = byUID[p] {
                    queue.append(contentsOf: parent.parents)
                }
            }
            closure[uid] = result
            stored[uid] = Stored(entity: entity, ancestors: result)
        }
        storage = stored
    }

    public static let empty = Entities([])

    /// The entity with `uid`, or nil when the store does not hold it.
    public func entity(_ uid: EntityUID) -> Entity? { storage[uid]?.entity }

    /// All ancestors of `uid` (transitively); empty when the entity is unknown.
    public func ancestors(of uid: EntityUID) -> Set<EntityUID> { storage[uid]?.ancestors ?? [] }

    /// Cedar's `in` on entities: equal, or `ancestor` is among `uid`'s ancestors.
    public func isDescendant(_ uid: EntityUID, of ancestor: EntityUID) -> Bool {
        uid == ancestor || (storage[uid]?.ancestors.contains(ancestor) ?? false)
    }

    /// Every entity in the store (in no particular order).
    public var all: [Entity] { storage.values.map(\.entity) }
    /// How many entities the store holds.
    public var count: Int { storage.count }

    /// A new store with `extra` entities added (later definitions win for duplicate uids).
    public func adding(_ extra: [Entity]) -> Entities {
        Entities(all + extra)
    }
}

/// An authorization request: who (principal) wants to do what (action) to which resource, in which context.
public struct Request: Sendable {
    public let principal: EntityUID
    public let action: EntityUID
    public let resource: EntityUID
    /// The `context` record (typed from the schema when parsed with `CedarJSON.context`).
    public let context: [String: Value]

    public init(principal: EntityUID, action: EntityUID, resource: EntityUID, context: [String: Value] = [:]) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
    }
}
