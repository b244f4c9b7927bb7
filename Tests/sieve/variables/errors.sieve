require "variables";
set "1abc" "x";
set :lower :upper "a" "x";
