/// Turns raw detector candidates into disjoint findings.
///
/// Overlapping candidates are merged into one finding covering their union, so no byte of any candidate is
/// left unredacted; the merged finding takes the type and rule of the best member: the longest, then the most
/// specific type, then the earliest, then the rule id. The order of detectors therefore never changes the result.
enum OverlapResolver {
    static func resolve(_ candidates: [Finding]) -> [Finding] {
        guard candidates.count > 1 else { return candidates }
        let sorted = candidates.sorted { a, b in
            a.byteRange.lowerBound != b.byteRange.lowerBound
                ? a.byteRange.lowerBound < b.byteRange.lowerBound
                : a.byteRange.upperBound > b.byteRange.upperBound
        }
        var resolved: [Finding] = []
        resolved.reserveCapacity(sorted.count)
        var cluster = sorted[0]
        var best = sorted[0]
        for candidate in sorted.dropFirst() {
            if candidate.byteRange.lowerBound < cluster.byteRange.upperBound {
                let upper = max(cluster.byteRange.upperBound, candidate.byteRange.upperBound)
                cluster.byteRange = cluster.byteRange.lowerBound..<upper
                if isBetter(candidate, than: best) { best = candidate }
            } else {
                resolved.append(Finding(type: best.type, rule: best.rule, byteRange: cluster.byteRange))
                cluster = candidate
                best = candidate
            }
        }
        resolved.append(Finding(type: best.type, rule: best.rule, byteRange: cluster.byteRange))
        return resolved
    }

    private static func isBetter(_ a: Finding, than b: Finding) -> Bool {
        if a.byteRange.count != b.byteRange.count { return a.byteRange.count > b.byteRange.count }
        if a.type.specificity != b.type.specificity { return a.type.specificity > b.type.specificity }
        if a.byteRange.lowerBound != b.byteRange.lowerBound { return a.byteRange.lowerBound < b.byteRange.lowerBound }
        return a.rule < b.rule
    }
}
