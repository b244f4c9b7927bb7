if true {
    stop;
}
discard;
