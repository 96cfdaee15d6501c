import Foundation

/// `xs:dateTime` as SAML uses it: UTC, written with millisecond precision and `Z` as Entra does.
///
/// Hand-written rather than `ISO8601DateFormatter`: verification parses half a dozen instants per message, the
/// Foundation formatter costs microseconds and allocations each, and its lenient parsing accepts forms
/// (missing seconds, week dates) that a SAML verifier should not.
public enum SAMLInstant {
    /// `2025-05-01T12:00:00.245Z`.
    /// - Parameter date: The instant to write, in UTC with milliseconds.
    public static func format(_ date: Date) -> String {
        // Written digit by digit into 24 bytes: this runs for every instant of every serialised message.
        let text = String(unsafeUninitializedCapacity: 24) { write(date, into: $0) ? 24 : 0 }
        if !text.isEmpty { return text }
        let (y, m, d, secOfDay, millis) = fields(date)
        // xs:dateTime allows more (and negative) year digits; no IdP sends them, but the text must still be right.
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, secOfDay / 3600, secOfDay / 60 % 60,
                      secOfDay % 60, millis)
    }

    /// Appends ``format(_:)``'s text for `date` to `bytes` without making a String (the serialiser writes six
    /// instants per response).
    static func append(_ date: Date, to bytes: inout [UInt8]) {
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            guard write(date, into: buffer) else { return false }
            bytes.append(contentsOf: UnsafeBufferPointer(buffer))
            return true
        }
        if !written { bytes.append(contentsOf: format(date).utf8) }
    }

    private static func fields(_ date: Date) -> (year: Int, month: Int, day: Int, secondOfDay: Int, millis: Int) {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.toNearestOrAwayFromZero))
        let millis = Int(((totalMillis % 1000) + 1000) % 1000)
        let seconds = (totalMillis - Int64(millis)) / 1000
        let days = Int(floorDiv(seconds, 86_400))
        let secOfDay = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = civil(fromDays: days)
        return (y, m, d, secOfDay, millis)
    }

    /// Writes the 24 bytes of `2025-05-01T12:00:00.245Z` digit by digit into `buffer` (at least 24 long); false,
    /// with nothing written, for a year outside 0...9999.
    private static func write(_ date: Date, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let (y, m, d, secOfDay, millis) = fields(date)
        guard (0...9999).contains(y), buffer.count >= 24 else { return false }
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var v = value
            for i in stride(from: offset + width - 1, through: offset, by: -1) {
                buffer[i] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        put(y, 4, at: 0)
        buffer[4] = 45
        put(m, 2, at: 5)
        buffer[7] = 45
        put(d, 2, at: 8)
        buffer[10] = 84
        put(secOfDay / 3600, 2, at: 11)
        buffer[13] = 58
        put(secOfDay / 60 % 60, 2, at: 14)
        buffer[16] = 58
        put(secOfDay % 60, 2, at: 17)
        buffer[19] = 46
        put(millis, 3, at: 20)
        buffer[23] = 90
        return true
    }

    /// Parses `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`; `nil` for anything else. A missing zone is read as UTC,
    /// as SAML core 1.3.3 requires UTC and several IdPs omit the `Z`.
    /// - Parameter text: The `xs:dateTime` text, such as an `IssueInstant` value.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// ``parse(_:)`` over UTF-8 bytes in place (verification reads them straight from the parsed tree).
    static func parse(utf8: UnsafeBufferPointer<UInt8>) -> Date? {
        guard utf8.count >= 19 else { return nil }
        func num(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                let c = utf8[i]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard utf8[4] == 45, utf8[7] == 45, utf8[10] == 84, utf8[13] == 58, utf8[16] == 58,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo), h <= 23, mi <= 59, s <= 59
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < utf8.count, utf8[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                fraction += Double(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if index < utf8.count {
            if utf8[index] == 90, index + 1 == utf8.count {
                index += 1
            } else if utf8[index] == 43 || utf8[index] == 45, utf8.count - index == 6, utf8[index + 3] == 58,
                      let oh = num(index + 1, 2), let om = num(index + 4, 2), oh <= 14, om <= 59 {
                offset = (oh * 3600 + om * 60) * (utf8[index] == 45 ? -1 : 1)
                index += 6
            } else {
                return nil
            }
        }
        let days = daysFromCivil(y, mo, d)
        let seconds = Double(days) * 86_400 + Double(h * 3600 + mi * 60 + s - offset)
        // Round to the millisecond so a parsed instant formats back to the same text.
        return Date(timeIntervalSince1970: ((seconds + fraction) * 1000).rounded() / 1000)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

    private static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
    private static func daysFromCivil(_ year: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
