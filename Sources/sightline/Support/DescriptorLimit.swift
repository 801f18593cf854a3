#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The open-file limit as it bounds a server's connections: each takes a descriptor, and
/// `accept` failing for want of one stalls every client, so the cap must fit under the limit.
enum DescriptorLimit {
    /// Descriptors kept for everything but connections: the index, frames, logs, the listener.
    static let reserve = 128

    /// Raises the soft limit towards the hard one so that `connections` fit beside `reserve`;
    /// returns how many connections fit afterwards (at most `connections`).
    static func fit(connections: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return connections }
        let wanted = rlim_t(connections + reserve)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = min(wanted, limit.rlim_max)
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return max(1, min(connections, Int(clamping: limit.rlim_cur) - reserve))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
