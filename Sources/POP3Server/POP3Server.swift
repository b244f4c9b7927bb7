// Placeholder replaced below.
import NIOCore
