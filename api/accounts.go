package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// accountHandlers serve people, API tokens, consent grants and the audit
// log; the store decides who may see and change which.
type accountHandlers struct {
	accounts catalog.Accounts
}

func (h accountHandlers) routes(g *gin.RouterGroup) {
	a := h.accounts
	g.GET("/users", listHandler(a.ListUsers))
	g.POST("/users", h.createUser)
	g.GET("/users/:id", getHandler(a.User, func(u *catalog.User) int64 { return u.Version }))
	g.PUT("/users/:id", h.updateUser)

	g.GET("/tokens", listHandler(a.ListAPITokens))
	g.POST("/tokens", h.createToken)
	g.GET("/tokens/:id", getHandler(a.APIToken, nil))
	g.DELETE("/tokens/:id", getHandler(a.RevokeAPIToken, nil)) // answers the revoked token

	g.GET("/grants", listHandler(a.ListGrants))
	g.POST("/grants", h.createGrant)
	g.GET("/grants/:id", getHandler(a.Grant, nil))
	g.DELETE("/grants/:id", getHandler(a.RevokeGrant, nil))

	g.GET("/coops/:id/audit", h.auditLog)
}

// userRequest is a user as written: the user's fields and, to set or
// reset it, a password.
type userRequest struct {
	catalog.User
	Password string `json:"password"`
}

func (h accountHandlers) createUser(c *gin.Context) {
	var req userRequest
	if err := decodeJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	u := req.User
	if err := h.accounts.CreateUser(c.Request.Context(), &u, req.Password); err != nil {
		abortWithError(c, err)
		return
	}
	created(c, u.ID, etag(u.Version), &u)
}

// updateUser changes a user's name, role or disabled flag, and sets a new
// password when one is sent; the version read is required as for any
// update.
func (h accountHandlers) updateUser(c *gin.Context) {
	var req userRequest
	id, ok := pathIDAndBody(c, &req)
	if !ok {
		return
	}
	u := req.User
	u.ID = id
	if err := versionFromRequest(c, &u.Version); err != nil {
		abortWithError(c, err)
		return
	}
	if err := h.accounts.UpdateUser(c.Request.Context(), &u, req.Password); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("ETag", etag(u.Version))
	c.JSON(http.StatusOK, &u)
}

// newToken is the answer to POST /tokens: the token and its secret, which
// is shown this once.
type newToken struct {
	Token  catalog.APIToken `json:"token"`
	Secret string           `json:"secret"`
}

func (h accountHandlers) createToken(c *gin.Context) {
	var t catalog.APIToken
	if err := decodeJSON(c, &t); err != nil {
		abortWithError(c, err)
		return
	}
	secret, err := h.accounts.CreateAPIToken(c.Request.Context(), &t)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	created(c, t.ID, "", &newToken{Token: t, Secret: secret})
}

func (h accountHandlers) createGrant(c *gin.Context) {
	var g catalog.Grant
	if err := decodeJSON(c, &g); err != nil {
		abortWithError(c, err)
		return
	}
	if err := h.accounts.CreateGrant(c.Request.Context(), &g); err != nil {
		abortWithError(c, err)
		return
	}
	created(c, g.ID, "", &g)
}

// created answers 201 with the new object's Location (and ETag when it
// has a version).
func created(c *gin.Context, id int64, tag string, body any) {
	c.Header("Location", c.Request.URL.Path+"/"+strconv.FormatInt(id, 10))
	if tag != "" {
		c.Header("ETag", tag)
	}
	c.JSON(http.StatusCreated, body)
}

// auditLog lists a co-op's audit log, newest first.
func (h accountHandlers) auditLog(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	listHandler(func(ctx context.Context, q catalog.ListQuery) ([]catalog.AuditEntry, string, error) {
		return h.accounts.AuditLog(ctx, id, q)
	})(c)
}
