require ["date", "index"];
if date "date" "fortnight" "1" { keep; }
if date :zone "CET" "date" "year" "2025" { keep; }
if header :last "received" "x" { keep; }
