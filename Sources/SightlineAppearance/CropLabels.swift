import Foundation
import SightlineData

/// Hand labels of vehicle crops (`../shared/data/vehicle-crops/labels.csv`): the colour and
/// type by eye, with a second choice where the label is genuinely ambiguous.
public struct CropLabel: Sendable, Equatable {
    public var trackID: String
    public var colour: VehicleColor?
    public var colourAlt: VehicleColor?
    public var type: BodyType?
    public var typeAlt: BodyType?

    /// Reads the CSV (header `track_id,colour,colour_alt,type,type_alt,...`, quoted fields allowed).
    public static func load(from url: URL) throws -> [CropLabel] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let rows = CSV.rows(text)
        guard let header = rows.first else { return [] }
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw CropLabelError.missingColumn(file: url.path, column: name) }
            return i
        }
        let id = try column("track_id"), c = try column("colour"), ca = try column("colour_alt"), t = try column("type"), ta = try column("type_alt")
        return rows.dropFirst().filter { $0.count > max(id, c, ca, t, ta) }.map { r in
            CropLabel(trackID: r[id], colour: VehicleColor(rawValue: r[c]), colourAlt: VehicleColor(rawValue: r[ca]),
                      type: BodyType(rawValue: r[t]), typeAlt: BodyType(rawValue: r[ta]))
        }
    }
}

public enum CropLabelError: Error, CustomStringConvertible {
    case missingColumn(file: String, column: String)
    public var description: String {
        switch self { case let .missingColumn(file, column): "\(file): missing column '\(column)'" }
    }
}

/// A minimal RFC 4180 reader: commas, quoted fields, doubled quotes.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? chars.next() {
            pending = nil
            if quoted {
                if ch == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(ch) }
                continue
            }
            switch ch {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n":
                row.append(field); field = ""
                rows.append(row); row = []
            case "\r": break
            default: field.append(ch)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}

extension CropLabel {
    /// The most types a namer gets right (label or alternative) when it names every other vehicle
    /// right but cannot tell the car types apart, as the vehicle-types head cannot: the best single
    /// car type for all cars.
    public static func carSplitCeiling(_ labels: [CropLabel]) -> (type: BodyType, right: Int, scored: Int) {
        let scored = labels.compactMap { l in l.type.map { (type: $0, alternative: l.typeAlt) } }
        func right(naming car: BodyType) -> Int {
            scored.filter { l in
                let named = BodyTypeNamer.carTypes.contains(l.type) ? car : l.type
                return named == l.type || named == l.alternative
            }.count
        }
        var best: (type: BodyType, right: Int) = (.sedan, -1)
        for car in BodyTypeNamer.carTypes.sorted() where right(naming: car) > best.right { best = (car, right(naming: car)) }
        return (best.type, max(best.right, 0), scored.count)
    }
}
