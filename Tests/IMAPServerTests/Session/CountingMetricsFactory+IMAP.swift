// What IMAP tests read from the shared counting metrics backend (NetworkTestSupport).

import NetworkTestSupport

extension CountingMetricsFactory {
    /// How often sessions of the plain `imap` listener read the store to catch up with changes.
    var catchUpsFromStore: Int64 { total("facteur_imap_catch_ups_total", [("listener", "imap"), ("source", "store")]) }
    /// How often they caught up from their own writes alone, without reading.
    var catchUpsFromOwnChanges: Int64 { total("facteur_imap_catch_ups_total", [("listener", "imap"), ("source", "own")]) }
    var sortCacheHits: Int64 { total("facteur_imap_sort_cache_total", [("listener", "imap"), ("result", "hit")]) }
    var sortCacheMisses: Int64 { total("facteur_imap_sort_cache_total", [("listener", "imap"), ("result", "miss")]) }
}
