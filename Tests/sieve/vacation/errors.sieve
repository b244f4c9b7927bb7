require ["vacation", "vacation-seconds"];
vacation :days 1 :seconds 60 "x";
vacation :from "not an address" "y";
