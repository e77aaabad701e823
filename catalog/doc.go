// Package catalog is the domain of OCOP Hub: alliances, co-ops, warehouses,
// OCOP products and their variants, and the stock spine (levels, ledger,
// outbox events). It is the leaf of the module: it imports no I/O library and
// nothing else of ours, so every rule here can be read and tested on its own.
//
// Persistence is described by the Store interface and implemented in
// catalog/store for PostgreSQL and SQLite.
package catalog
