public enum FacteurVersion {
    public static let current = "0.1.0"
}
