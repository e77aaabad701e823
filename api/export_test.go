package api

// PolicyOf exposes the route policy table to the black-box tests.
var PolicyOf = policyOf
