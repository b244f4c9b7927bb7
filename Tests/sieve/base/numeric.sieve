require ["fileinto", "relational", "comparator-i;ascii-numeric"];
if header :value "gt" :comparator "i;ascii-numeric" "x-caffeine" "7" {
    fileinto "Numbers";
}
