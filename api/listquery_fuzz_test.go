package api

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// FuzzListQuery fuzzes the query string of the list routes: a bad query
// is always an invalid_argument naming its fields (a 400, never a 500), a
// good one is normalized (limit in 1..200, known stars and group, the
// search text folded). Seeds in testdata/fuzz.
func FuzzListQuery(f *testing.F) {
	for _, q := range []string{"", "limit=50", "limit=0", "limit=201", "limit=-1", "limit=9223372036854775808", "coop_id=1&alliance_id=2",
		"stars=4&group=beverage", "stars=6&group=nope", "q=Tr%C3%A0%20Xanh", "cursor=MTIz&limit=2", "q=%ff%fe&limit=1e3",
		"limit=1&limit=2", "stars=%E2%98%85%E2%98%85%E2%98%85", "group=%C4%90%E1%BB%93%20u%E1%BB%91ng", "coop_id=0x10"} {
		f.Add(q)
	}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, rawQuery string) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/api/v1/products", nil)
		c.Request.URL.RawQuery = rawQuery
		q, err := parseListQuery(c)
		if err != nil {
			require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err), "%v", err)
			require.Equal(t, 400, statusOf[catalog.ErrorCode(err)])
			return
		}
		require.GreaterOrEqual(t, q.Limit, 1)
		require.LessOrEqual(t, q.Limit, catalog.MaxLimit)
		if q.Stars != 0 {
			require.NoError(t, q.Stars.Validate())
		}
		if q.Group != "" {
			require.NoError(t, q.Group.Validate())
		}
		require.Equal(t, catalog.Fold(q.Q), q.Q, "the search text is folded once")
	})
}
