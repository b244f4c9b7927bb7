require ["body", "relational"];
if body :count "gt" "1" { keep; }
if body :raw :text "x" { keep; }
