package photo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"ocophub/catalog/photo"
)

// TestLibraryOnS3 runs the library through s3blob against gofakes3, a
// real S3 server in-process: the production path (OCOPHUB_BLOB_URL=s3://…).
func TestLibraryOnS3(t *testing.T) {
	backend := s3mem.New()
	require.NoError(t, backend.CreateBucket("ocophub-photos"))
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")

	ctx := context.Background()
	lib, err := photo.Open(ctx, "s3://ocophub-photos?region=us-east-1&use_path_style=true&endpoint="+srv.URL)
	require.NoError(t, err)
	t.Cleanup(func() { lib.Close() })
	p, err := photo.Process(photo.Sample(900, 700, "jpeg"))
	require.NoError(t, err)
	require.NoError(t, lib.Save(ctx, p))

	obj, err := backend.HeadObject("ocophub-photos", p.Square.Key)
	require.NoError(t, err, "the square is in the S3 bucket")
	require.Equal(t, int64(len(p.Square.Data)), obj.Size)
	got, err := lib.Read(ctx, p.Original.Key)
	require.NoError(t, err)
	require.Equal(t, p.Original.Data, got)

	rec := httptest.NewRecorder()
	lib.Serve(rec, httptest.NewRequest(http.MethodGet, "/media/"+p.Square.Key, nil), p.Square.Key)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "image/jpeg", rec.Header().Get("Content-Type"))
	require.Equal(t, p.Square.Data, rec.Body.Bytes())
}
