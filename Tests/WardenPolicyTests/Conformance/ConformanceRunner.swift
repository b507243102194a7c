import Foundation
import WardenPolicy

/// Runs test files in the layout of Cedar's integration tests (`{policies, entities, schema, shouldValidate,
/// requests}`) found under a root folder, resolving the paths inside each test against that root.
struct ConformanceRunner {
    struct Counts: Codable, Equatable {
        var tests = 0
        /// Tests whose every request matched decision, reasons and errors.
        var authorizationPassed = 0
        /// Tests whose validator verdict matched `shouldValidate`.
        var validationPassed = 0
        var requests = 0
        var requestsPassed = 0

        mutating func add(_ other: Counts) {
            tests += other.tests
            authorizationPassed += other.authorizationPassed
            validationPassed += other.validationPassed
            requests += other.requests
            requestsPassed += other.requestsPassed
        }
    }

    struct Failure {
        let file: String
        let message: String
    }

    let root: URL
    var failures: [Failure] = []

    init(root: URL) { self.root = root }

    /// Every `**/*.json` under the root except `*.entities.json`, sorted.
    func testFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let rel = walker.nextObject() as? String {
            if rel.hasSuffix(".json") && !rel.hasSuffix(".entities.json") { files.append(rel) }
        }
        return files.sorted()
    }

    /// The category of a test: the folder that holds it, relative to the root.
    static func category(of relativePath: String) -> String {
        let dir = (relativePath as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    mutating func runAll() -> [String: Counts] {
        var result: [String: Counts] = [:]
        for file in testFiles() {
            guard let counts = run(file) else { continue }
            result[ConformanceRunner.category(of: file), default: Counts()].add(counts)
        }
        return result
    }

    /// Runs one test file; nil when the file is not a test (e.g. a sample entities file).
    mutating func run(_ file: String) -> Counts? {
        var counts = Counts(tests: 1)
        let test: JSONValue
        do {
            test = try JSONValue.parse(try read(file))
        } catch {
            failures.append(Failure(file: file, message: "unreadable test: \(error)"))
            return counts
        }
        guard test["requests"] != nil else { return nil }
        guard case .array(let requests) = test["requests"] ?? .array([]) else { return counts }
        counts.requests = requests.count
        let shouldValidate: Bool
        if case .bool(let b) = test["shouldValidate"] { shouldValidate = b } else { shouldValidate = true }

        let policies: PolicySet
        let schema: Schema
        do {
            guard let pPath = test["policies"]?.stringValue, let sPath = test["schema"]?.stringValue else {
                throw CedarJSONError("test names no policies or schema")
            }
            policies = try PolicySet(text: try read(pPath), fileName: pPath)
            schema = try Schema.parse(try read(sPath), fileName: sPath)
        } catch {
            failures.append(Failure(file: file, message: "\(error)"))
            return counts
        }

        let validationErrors = Validator.validate(policies, schema: schema)
        if validationErrors.isEmpty == shouldValidate {
            counts.validationPassed = 1
        } else {
            let detail = validationErrors.prefix(3).map(\.description).joined(separator: "; ")
            failures.append(
                Failure(
                    file: file,
                    message: "validation: expected \(shouldValidate), got \(validationErrors.isEmpty) \(detail)"))
        }

        let entities: Entities
        do {
            guard let ePath = test["entities"]?.stringValue else { throw CedarJSONError("test names no entities") }
            entities = try CedarJSON.entities(try JSONValue.parse(try read(ePath)), schema: schema)
        } catch {
            failures.append(Failure(file: file, message: "entities: \(error)"))
            return counts
        }

        let authorizer = Authorizer(policies: policies)
        var allPassed = true
        for (n, r) in requests.enumerated() {
            do {
                guard let p = r["principal"], let a = r["action"], let res = r["resource"] else {
                    throw CedarJSONError("request lacks principal, action or resource")
                }
                let action = try CedarJSON.entityUID(a)
                let principal = try CedarJSON.entityUID(p)
                let resource = try CedarJSON.entityUID(res)
                // `validateRequest: false` skips the type check of principal/action/resource; the context is
                // always parsed with the schema.
                if r["validateRequest"] != .bool(false) {
                    try schema.validateRequest(principal: principal, action: action, resource: resource)
                }
                let context = try CedarJSON.context(r["context"] ?? .object([]), schema: schema, action: action)
                let request = Request(principal: principal, action: action, resource: resource, context: context)
                let response = authorizer.isAuthorized(request, entities: entities)
                let expectedDecision = r["decision"]?.stringValue ?? ""
                let expectedReasons = Set(ConformanceRunner.strings(r["reason"]))
                let expectedErrors = Set(ConformanceRunner.strings(r["errors"]))
                let gotErrors = Set(response.errors.map(\.policyID))
                if response.decision.rawValue == expectedDecision && Set(response.reasons) == expectedReasons
                    && gotErrors == expectedErrors
                {
                    counts.requestsPassed += 1
                } else {
                    allPassed = false
                    failures.append(
                        Failure(
                            file: file,
                            message:
                                "request \(n): expected \(expectedDecision) \(expectedReasons.sorted()) errors \(expectedErrors.sorted()), got \(response.decision) \(response.reasons) errors \(response.errors)"
                        ))
                }
            } catch {
                allPassed = false
                failures.append(Failure(file: file, message: "request \(n): \(error)"))
            }
        }
        if allPassed { counts.authorizationPassed = 1 }
        return counts
    }

    static func strings(_ json: JSONValue?) -> [String] {
        guard case .array(let items) = json else { return [] }
        return items.compactMap { item in
            if case .string(let s) = item { return s }
            return nil
        }
    }
}
