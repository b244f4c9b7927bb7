if header :contains "subject" "${hex:24}" {
    keep;
} else {
    discard;
}
