if environment "name" "x" { keep; }
