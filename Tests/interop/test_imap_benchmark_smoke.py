"""The IMAP large-mailbox benchmark (Benchmarks/imap_large_mailbox.py) on a small mailbox, so a
broken benchmark or a server answer it cannot read shows up here and not in the middle of a
comparison run."""
import sys

from imap_support import ALICE, PASSWORD, ROOT, imap_peer  # noqa: F401 (fixture)

sys.path.append(str(ROOT / "Benchmarks"))
import imap_large_mailbox  # noqa: E402


def test_benchmark_loads_lists_and_searches(imap_peer):
    loaded = imap_large_mailbox.load(imap_peer.host, imap_peer.imap_port, ALICE, PASSWORD, count=300)
    assert loaded["loaded"] == 300 and loaded["load_octets"] > 300 * 500
    result = imap_large_mailbox.run(imap_peer.host, imap_peer.imap_port, ALICE, PASSWORD, runs=2)
    assert result["messages"] == 300
    assert result["search_hits"] == result["expected_hits"] == 3
    assert result["fetch_bytes"] > 300 * 200  # an ENVELOPE line per message
    assert all(result[key] >= 0 for key in ("select_s", "fetch_s", "search_s"))
