// Package docs holds the project's documentation and the tests that check deployment files stay valid.
package docs
