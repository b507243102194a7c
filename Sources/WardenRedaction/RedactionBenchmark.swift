import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A labelled value in a benchmark corpus: its type and UTF-8 byte offsets.
public struct LabeledSpan: Sendable, Hashable, Codable {
    public var type: FindingType
    public var start: Int
    public var end: Int

    public init(type: FindingType, start: Int, end: Int) {
        self.type = type
        self.start = start
        self.end = end
    }

    var byteRange: Range<Int> { start..<max(start, end) }
}

/// Measures the redactor on a labelled corpus: throughput, and recall and precision per type.
///
/// A label counts as recalled when a finding of the same type covers all of it (a partial match would leak the
/// rest). A finding counts as correct when it overlaps a label of its type; findings where nothing is labelled
/// are false positives. `leaked` counts labels that no finding of any type fully covers: the number that matters
/// for logs.
public enum RedactionBenchmark {
    public struct TypeScore: Sendable, Codable, Equatable {
        public var labels = 0
        public var findings = 0
        /// Labels fully covered by a finding of their type.
        public var recalled = 0
        /// Findings overlapping a label of their type.
        public var correct = 0
        /// Labels not fully covered by any finding at all.
        public var leaked = 0

        /// `recalled / labels` (1 when nothing is labelled).
        public var recall: Double = 1
        /// `correct / findings` (1 when nothing was found).
        public var precision: Double = 1

        mutating func updateRatios() {
            recall = labels == 0 ? 1 : Double(recalled) / Double(labels)
            precision = findings == 0 ? 1 : Double(correct) / Double(findings)
        }
    }

    public struct Report: Sendable, Codable {
        public var bytes: Int
        public var iterations: Int
        /// The fastest of `iterations` full `redact` passes, wall clock.
        public var bestSeconds: Double
        public var bytesPerSecond: Double
        /// The fastest pass in CPU time of the calling thread: throughput per core, unaffected by other load.
        public var bestCPUSeconds: Double
        public var bytesPerCPUSecond: Double
        public var byType: [String: TypeScore]
        public var total: TypeScore
    }

    /// Parses `labels.jsonl` as written by `bench/redaction/make_corpus.py`: one `{"type", "start", "end"}`
    /// object per line; extra members (`rule`) are ignored, blank lines skipped.
    public static func labels(fromJSONLines text: String) throws -> [LabeledSpan] {
        let decoder = JSONDecoder()
        return try text.split(whereSeparator: \.isNewline).map { line in
            try decoder.decode(LabeledSpan.self, from: Data(line.utf8))
        }
    }

    /// Scores `Redactor()` (label mode) on `corpus` against `labels`, timing `iterations` redaction passes.
    public static func evaluate(
        corpus: String, labels: [LabeledSpan], redactor: Redactor = Redactor(), iterations: Int = 5
    ) -> Report {
        let clock = ContinuousClock()
        var best = Duration.seconds(Int64.max)
        var bestCPU = Double.infinity
        var sink = 0
        for _ in 0..<max(1, iterations) {
            let cpuStart = threadCPUSeconds()
            let elapsed = clock.measure { sink &+= redactor.redact(corpus).utf8.count }
            best = min(best, elapsed)
            bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) * 1e-18
        let bytes = corpus.utf8.count
        let findings = redactor.findings(in: corpus)
        var scores: [FindingType: TypeScore] = [:]
        score(findings: findings, labels: labels, into: &scores)
        var total = TypeScore()
        for score in scores.values {
            total.labels += score.labels
            total.findings += score.findings
            total.recalled += score.recalled
            total.correct += score.correct
            total.leaked += score.leaked
        }
        _ = sink
        total.updateRatios()
        for key in scores.keys { scores[key]?.updateRatios() }
        return Report(
            bytes: bytes, iterations: max(1, iterations), bestSeconds: seconds,
            bytesPerSecond: seconds > 0 ? Double(bytes) / seconds : 0,
            bestCPUSeconds: bestCPU, bytesPerCPUSecond: bestCPU > 0 ? Double(bytes) / bestCPU : 0,
            byType: Dictionary(uniqueKeysWithValues: scores.map { ($0.key.rawValue, $0.value) }), total: total)
    }

    /// CPU time consumed by the calling thread, in seconds (0 where the platform has no thread clock).
    private static func threadCPUSeconds() -> Double {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
            var time = timespec()
            guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
            return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
        #else
            return 0
        #endif
    }

    static func score(findings: [Finding], labels: [LabeledSpan], into scores: inout [FindingType: TypeScore]) {
        // Both lists sorted by start; findings are disjoint, so a sweep finds the candidates for each label.
        let sortedLabels = labels.sorted { $0.start < $1.start }
        for label in sortedLabels {
            var score = scores[label.type, default: TypeScore()]
            score.labels += 1
            if let covering = finding(covering: label.byteRange, in: findings) {
                if covering.type == label.type { score.recalled += 1 }
            } else {
                score.leaked += 1
            }
            scores[label.type] = score
        }
        var labelsByType: [FindingType: [Range<Int>]] = [:]
        for label in sortedLabels { labelsByType[label.type, default: []].append(label.byteRange) }
        for finding in findings {
            var score = scores[finding.type, default: TypeScore()]
            score.findings += 1
            if let ranges = labelsByType[finding.type], overlapsAny(finding.byteRange, ranges) { score.correct += 1 }
            scores[finding.type] = score
        }
    }

    /// The finding that fully covers `range`, by binary search in the disjoint, start-sorted findings.
    private static func finding(covering range: Range<Int>, in findings: [Finding]) -> Finding? {
        var low = 0
        var high = findings.count
        while low < high {
            let mid = (low + high) / 2
            if findings[mid].byteRange.upperBound <= range.lowerBound { low = mid + 1 } else { high = mid }
        }
        guard low < findings.count else { return nil }
        let candidate = findings[low]
        return candidate.byteRange.lowerBound <= range.lowerBound && candidate.byteRange.upperBound >= range.upperBound
            ? candidate : nil
    }

    /// Binary search in start-sorted, non-overlapping ranges.
    private static func overlapsAny(_ range: Range<Int>, _ sorted: [Range<Int>]) -> Bool {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid].upperBound <= range.lowerBound { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low].lowerBound < range.upperBound
    }
}
