redirect :copy "other@example.net";
