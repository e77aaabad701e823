// Package webui will hold the server-rendered, Vietnamese-first pages (the
// web UI issue).
package webui
