require "ihave";
if ihave "vnd.example.teleport" {
    teleport :now "mars";
} else {
    discard;
}
