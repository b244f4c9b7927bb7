# RFC 5228 §4.2: redirect cancels the implicit keep, so the copy in INBOX needs an explicit keep.
redirect "elmer@hunt.example.net";
keep;
