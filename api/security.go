package api

import (
	"github.com/gin-gonic/gin"
)

// contentSecurityPolicy allows what the hub's own pages need (their
// scripts, styles and images from this origin) and nothing else: no
// inline script, no plug-ins, no framing by any site.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the browser protections on every response, pages
// and JSON alike; a handler may still replace one. HSTS is sent over HTTPS
// only (a browser ignores it over HTTP, and a plain-HTTP development
// server must stay reachable). API answers are not to be stored by caches
// on the way: they carry one tenant's data.
func securityHeaders(a *Auth) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if a.isTLS(c.Request) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		c.Next()
	}
}

// noStore keeps API answers out of shared and browser caches.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}
