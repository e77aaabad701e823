package api

import "github.com/gin-gonic/gin"

// routes registers the shop, listing and order routes.
func (h syncHandlers) routes(g *gin.RouterGroup) {}
