import Foundation
import WardenPolicy

extension GeneratedWorkload {
    /// Writes the workload as `policies.cedar`, `entities.json` and `requests.json` so another engine (cedarpy)
    /// can be timed on exactly the same inputs.
    func dump(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try policyText.write(to: folder.appendingPathComponent("policies.cedar"), atomically: true, encoding: .utf8)
        func uid(_ u: EntityUID) -> [String: String] { ["type": u.type.description, "id": u.id] }
        func json(_ v: Value) -> Any {
            switch v {
            case .bool(let b): return b
            case .long(let i): return i
            case .string(let s): return s
            case .entity(let e): return ["__entity": uid(e)]
            case .set(let s): return s.map(json)
            case .record(let r): return r.mapValues(json)
            case .ext: return NSNull()
            }
        }
        let entityList: [[String: Any]] = entities.all.map { e in
            ["uid": uid(e.uid), "attrs": e.attributes.mapValues(json), "parents": e.parents.map(uid)]
        }
        let requestList: [[String: Any]] = requests.map { r in
            [
                "principal": "\(r.principal)", "action": "\(r.action)", "resource": "\(r.resource)",
                "context": r.context.mapValues(json),
            ]
        }
        try JSONSerialization.data(withJSONObject: entityList).write(to: folder.appendingPathComponent("entities.json"))
        try JSONSerialization.data(withJSONObject: requestList).write(
            to: folder.appendingPathComponent("requests.json"))
    }
}
