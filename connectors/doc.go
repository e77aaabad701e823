// Package connectors will hold the portable Channel type over the
// marketplace drivers (connectors/driver) and their sandboxes
// (connectors/sandbox), following the go-cloud driver + conformance-suite
// pattern (the sandboxes and connectors issues).
package connectors
