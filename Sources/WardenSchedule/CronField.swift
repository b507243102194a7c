/// The five fields of a cron expression, in order, with their value ranges and names.
enum CronField: Int, CaseIterable, Sendable {
    case minute
    case hour
    case dayOfMonth
    case month
    case dayOfWeek

    /// How messages name the field.
    var label: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values the field accepts; day-of-week takes 7 as a second spelling of Sunday.
    var bounds: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Three-letter names, upper case, indexed from the field's lowest value; empty for numeric-only fields.
    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }
}

/// Parses one field's text (`*`, values, names, ranges, steps and lists of them) into a bit set of allowed values.
struct CronFieldParser {
    let field: CronField
    let text: Substring

    /// Bit n is set when value n is allowed. Day-of-week 7 is folded into 0.
    func parse() throws(CronError) -> UInt64 {
        var bits: UInt64 = 0
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !element.isEmpty else { throw failure("empty list element") }
            bits |= try parseElement(element)
        }
        if field == .dayOfWeek, bits & (1 << 7) != 0 {
            bits = (bits & ~(1 << 7)) | 1
        }
        return bits
    }

    func failure(_ reason: String) -> CronError {
        CronError(message: "\(field.label) field '\(text)': \(reason)")
    }

    private func parseElement(_ element: Substring) throws(CronError) -> UInt64 {
        let parts = element.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw failure("'\(element)' has more than one '/'") }
        let rangeText = parts[0]
        let step = parts.count == 2 ? try parseStep(parts[1]) : nil
        let low: Int
        let high: Int
        if rangeText == "*" {
            low = field.bounds.lowerBound
            high = field.bounds.upperBound
        } else if rangeText.contains("*") {
            throw failure("'*' must stand alone, optionally followed by a step, as in '*/5'")
        } else {
            let ends = rangeText.split(separator: "-", omittingEmptySubsequences: false)
            switch ends.count {
            case 1:
                low = try parseValue(ends[0], isRangeEnd: false)
                // `a/n` means every n-th value from a to the end of the field.
                high = step == nil ? low : field.bounds.upperBound
            case 2:
                guard !ends[0].isEmpty, !ends[1].isEmpty else { throw failure("range '\(rangeText)' is incomplete") }
                low = try parseValue(ends[0], isRangeEnd: false)
                let end = try parseValue(ends[1], isRangeEnd: true)
                // `MON-SUN` and `FRI-SUN` mean what they say: Sunday as a range end is 7 unless the range starts on it.
                high = field == .dayOfWeek && end == 0 && low > 0 && isName(ends[1]) ? 7 : end
                guard low <= high else { throw failure("range '\(rangeText)' is reversed") }
            default:
                throw failure("'\(rangeText)' has more than one '-'")
            }
        }
        var bits: UInt64 = 0
        for value in stride(from: low, through: high, by: step ?? 1) {
            bits |= 1 << UInt64(value)
        }
        return bits
    }

    private func parseStep(_ stepText: Substring) throws(CronError) -> Int {
        guard !stepText.isEmpty else { throw failure("step is missing after '/'") }
        guard stepText.allSatisfy(\.isASCIIDigit) else { throw failure("step '\(stepText)' is not a number") }
        // Four digits are plenty for any field; longer ones must not overflow `Int`.
        guard stepText.count <= 4, let step = Int(stepText) else {
            throw failure("step '\(stepText)' is too large")
        }
        guard step >= 1 else { throw failure("step must be at least 1") }
        return step
    }

    private func isName(_ valueText: Substring) -> Bool {
        valueText.allSatisfy(\.isASCIILetter)
    }

    private func parseValue(_ valueText: Substring, isRangeEnd: Bool) throws(CronError) -> Int {
        guard !valueText.isEmpty else { throw failure("a value is missing") }
        if let bad = valueText.first(where: { !$0.isASCIIDigit && !$0.isASCIILetter }) {
            throw failure("unexpected character '\(bad)'")
        }
        if valueText.allSatisfy(\.isASCIIDigit) {
            let bounds = field.bounds
            guard valueText.count <= 4, let value = Int(valueText), bounds.contains(value) else {
                throw failure("\(valueText) is outside \(bounds.lowerBound)-\(bounds.upperBound)")
            }
            return value
        }
        guard isName(valueText) else { throw failure("'\(valueText)' is neither a number nor a name") }
        guard !field.names.isEmpty else {
            throw failure("names like '\(valueText)' are only allowed in the month and day-of-week fields")
        }
        guard let index = field.names.firstIndex(of: valueText.uppercased()) else {
            throw failure("unknown name '\(valueText)'")
        }
        return field.bounds.lowerBound + index
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
}
