import Glibc

/// Seconds on the monotonic clock and of this process's CPU (user + system), read through the
/// vDSO: cheap enough to take around every command.
enum Clock {
    static func monotonic() -> Double { seconds(CLOCK_MONOTONIC) }

    static func processCPU() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var now = timespec()
        clock_gettime(clock, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
