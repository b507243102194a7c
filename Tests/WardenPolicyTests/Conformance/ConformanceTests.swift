import Foundation
import Testing
import WardenPolicy

/// Cedar's integration tests (or any corpus in their layout), run when `WARDEN_CEDAR_TESTS` names a root folder.
///
/// Prints per-category counts and fails if any category passes fewer tests or requests than the committed
/// baseline in `ConformanceBaseline.swift`; a category with no baseline must pass every test.
@Suite struct ConformanceTests {
    static let root = ProcessInfo.processInfo.environment["WARDEN_CEDAR_TESTS"]

    @Test(
        "Cedar conformance does not regress below the committed baseline",
        .enabled(if: root != nil, "set WARDEN_CEDAR_TESTS to a folder of Cedar integration tests to run them"))
    func conformanceMeetsBaseline() throws {
        let root = try #require(ConformanceTests.root)
        var runner = ConformanceRunner(root: URL(fileURLWithPath: root))
        let counts = runner.runAll()
        #expect(!counts.isEmpty, "no test files found under \(root)")
        var total = ConformanceRunner.Counts()
        for category in counts.keys.sorted() {
            guard let c = counts[category] else { continue }
            total.add(c)
            print(ConformanceTests.line(category, c))
        }
        print(ConformanceTests.line("TOTAL", total))
        if let limit = ProcessInfo.processInfo.environment["WARDEN_CEDAR_SHOW_FAILURES"].flatMap(Int.init) {
            for f in runner.failures.prefix(limit) { print("FAIL \(f.file): \(f.message)") }
        }
        // A category without a committed baseline (e.g. a generated differential corpus) must pass completely.
        for (category, got) in counts where ConformanceBaseline.counts[category] == nil {
            #expect(got.authorizationPassed == got.tests, "\(category): authorization mismatches")
            #expect(got.validationPassed == got.tests, "\(category): validation mismatches")
        }
        // The suite's own run (scripts/test) sets this: every baseline category must then be present.
        let requireAll = ProcessInfo.processInfo.environment["WARDEN_CEDAR_REQUIRE_BASELINE"] == "1"
        for (category, expected) in ConformanceBaseline.counts {
            guard let got = counts[category] else {
                #expect(!requireAll, "\(category): no tests found under \(root)")
                continue
            }
            #expect(got.authorizationPassed >= expected.authorizationPassed, "\(category): authorization regressed")
            #expect(got.validationPassed >= expected.validationPassed, "\(category): validation regressed")
            #expect(got.requestsPassed >= expected.requestsPassed, "\(category): requests regressed")
        }
        if let out = ProcessInfo.processInfo.environment["WARDEN_CEDAR_WRITE_COUNTS"] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(counts).write(to: URL(fileURLWithPath: out))
        }
    }

    static func line(_ category: String, _ c: ConformanceRunner.Counts) -> String {
        "conformance \(category): tests \(c.tests), authorization \(c.authorizationPassed)/\(c.tests), "
            + "validation \(c.validationPassed)/\(c.tests), requests \(c.requestsPassed)/\(c.requests)"
    }
}
