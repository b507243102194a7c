import Testing
import WardenRedaction

@Suite("Redaction benchmark scoring")
struct BenchmarkTests {
    @Test func recallAndPrecisionAreCountedPerType() throws {
        let corpus = "a bob@example.com b 4111111111111112 c 203.0.113.7 d 4111111111111111\n"
        func span(_ type: FindingType, _ value: String) throws -> LabeledSpan {
            let range = try #require(corpus.range(of: value))
            let start = corpus.utf8.distance(from: corpus.startIndex, to: range.lowerBound)
            return LabeledSpan(type: type, start: start, end: start + value.utf8.count)
        }
        // The invalid-Luhn "card" is labelled to force a miss; the IP is unlabelled to force a false positive.
        let labels = [
            try span(.email, "bob@example.com"), try span(.card, "4111111111111112"),
            try span(.card, "4111111111111111"),
        ]
        let report = RedactionBenchmark.evaluate(corpus: corpus, labels: labels, iterations: 1)
        let card = try #require(report.byType["card"])
        #expect(card.labels == 2)
        #expect(card.recalled == 1)
        #expect(card.leaked == 1)
        #expect(card.recall == 0.5)
        #expect(card.precision == 1)
        let ip = try #require(report.byType["ipv4"])
        #expect(ip.findings == 1)
        #expect(ip.precision == 0)
        #expect(report.byType["email"]?.recall == 1)
        #expect(report.total.labels == 3)
        #expect(report.bytes == corpus.utf8.count)
    }

    @Test func labelsParseFromJSONLinesIgnoringExtraMembers() throws {
        let text =
            #"{"type": "api_key", "start": 3, "end": 43, "rule": "github-pat"}"# + "\n\n"
            + #"{"type": "email", "start": 50, "end": 65}"# + "\n"
        let labels = try RedactionBenchmark.labels(fromJSONLines: text)
        #expect(
            labels == [LabeledSpan(type: .apiKey, start: 3, end: 43), LabeledSpan(type: .email, start: 50, end: 65)])
    }

    @Test func unknownLabelTypesAreRejected() {
        #expect(throws: (any Error).self) {
            try RedactionBenchmark.labels(fromJSONLines: #"{"type": "shoe_size", "start": 0, "end": 2}"#)
        }
    }
}
