import Foundation

/// Where Sightline keeps what it can recompute (camera backgrounds, crop features): `$SIGHTLINE_CACHE`,
/// else `$XDG_CACHE_HOME/sightline`, else `~/.cache/sightline`, so that running a command does not
/// leave a cache folder in whatever directory it ran from.
enum CacheFolder {
    static var standard: String { path(environment: ProcessInfo.processInfo.environment) }

    static func path(environment: [String: String]) -> String {
        if let own = environment["SIGHTLINE_CACHE"], !own.isEmpty { return own }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/sightline" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/sightline" }
        return ".sightline-cache"
    }
}
