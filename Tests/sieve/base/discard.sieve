if header :contains "subject" "present" {
    discard;
}
