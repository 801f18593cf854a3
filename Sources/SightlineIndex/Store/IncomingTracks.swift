import Foundation
import SightlineData

/// Incoming tracks with their pixels, frames root and gallery order; a repeated id keeps its
/// first place and its last content.
struct IncomingTracks {
    var tracks: [StoredTrack]

    init(_ input: [Track], options: AddOptions, stamp: Int64) {
        var position: [String: Int] = [:]
        var out: [StoredTrack] = []
        for track in input {
            let stored = StoredTrack(track: track, ord: IndexLocation.ord(stamp: stamp, position: out.count),
                                     framesRoot: options.framesRoot, appearance: options.appearance[track.id])
            if let at = position[track.id] {
                let ord = out[at].ord
                out[at] = stored
                out[at].ord = ord
            } else {
                position[track.id] = out.count
                out.append(stored)
            }
        }
        tracks = out
    }
}
