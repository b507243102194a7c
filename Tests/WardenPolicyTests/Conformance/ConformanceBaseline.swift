/// Committed conformance counts: the suite fails if any category passes fewer tests or requests than this.
///
/// Categories are the folders holding the tests, relative to the root in `WARDEN_CEDAR_TESTS`: `corpus-tests` for
/// the extracted `corpus-tests.tar.gz`, `tests/…` for the hand-written tests. After an improvement, run with
/// `WARDEN_CEDAR_WRITE_COUNTS=/tmp/counts.json` and copy the numbers here.
enum ConformanceBaseline {
    static let counts: [String: ConformanceRunner.Counts] = [
        "corpus-tests": .init(
            tests: 7809, authorizationPassed: 7809, validationPassed: 7809, requests: 62472, requestsPassed: 62472),
        "tests/decimal": .init(tests: 2, authorizationPassed: 2, validationPassed: 2, requests: 5, requestsPassed: 5),
        "tests/example_use_cases": .init(
            tests: 12, authorizationPassed: 12, validationPassed: 12, requests: 46, requestsPassed: 46),
        "tests/ip": .init(tests: 3, authorizationPassed: 3, validationPassed: 3, requests: 8, requestsPassed: 8),
        "tests/multi": .init(tests: 5, authorizationPassed: 5, validationPassed: 5, requests: 15, requestsPassed: 15),
    ]
}
