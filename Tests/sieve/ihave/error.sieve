require "ihave";
error "Sorry, no.";
