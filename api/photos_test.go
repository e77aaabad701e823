package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"gocloud.dev/blob/memblob"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/photo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// multipartFiles is a form with each file under "file" and extra fields.
func multipartFiles(t *testing.T, files map[string][]byte, fields ...string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, data := range files {
		w, err := mw.CreateFormFile("file", name)
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		require.NoError(t, mw.WriteField(fields[i], fields[i+1]))
	}
	require.NoError(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

func TestProductPhotosAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := storetest.Operator()
		lib := photo.New(memblob.OpenBucket(nil))
		srv := startServer(t, api.Deps{Store: st, Photos: &api.PhotoDeps{Store: st, Library: lib}})
		f := storetest.NewFixture(t, st, "PH")
		p := f.Product("MAT-ONG", 51, 2)
		require.NoError(t, st.CreateProduct(ctx, &p))
		path := "/api/v1/products/" + itoa(p.ID) + "/images"
		upload := func(files map[string][]byte, fields ...string) response {
			body, ct := multipartFiles(t, files, fields...)
			return srv.do(http.MethodPost, path, body, "Content-Type", ct)
		}

		// The contract: one file → 201 with id, width, height and URLs.
		r := upload(map[string][]byte{"anh.jpg": photo.Sample(800, 600, "jpeg")}, "variant_id", itoa(p.Variants[1].ID))
		img := decode[api.Image](t, r, http.StatusCreated)
		requireSchema(t, "Image", r.Body)
		require.Positive(t, img.ID)
		require.Equal(t, 800, img.Width)
		require.Equal(t, 600, img.Height)
		require.Equal(t, p.Variants[1].ID, *img.VariantID)
		for _, u := range []string{img.URLs.Original, img.URLs.Thumb, img.URLs.Square} {
			got := srv.get(u)
			require.Equal(t, http.StatusOK, got.Status, u)
			require.Equal(t, "image/jpeg", got.Header.Get("Content-Type"))
			require.Equal(t, photo.CacheControl, got.Header.Get("Cache-Control"))
		}

		// Refusals: nothing stored, a stable reason beside the field.
		pdf := append([]byte("%PDF-1.7\n1 0 obj\n"), bytes.Repeat([]byte("x"), 4000)...)
		for name, c := range map[string]struct {
			files  map[string][]byte
			status int
			reason string
		}{
			"pdf renamed .jpg": {map[string][]byte{"giay-to.jpg": pdf}, 400, photo.ReasonNotAnImage},
			"0-byte file":      {map[string][]byte{"rong.jpg": {}}, 400, photo.ReasonEmpty},
			"10×10 image":      {map[string][]byte{"nho.png": photo.Sample(10, 10, "png")}, 400, photo.ReasonTooSmall},
			"25 MB photo":      {map[string][]byte{"to.jpg": append(photo.Sample(600, 600, "jpeg"), make([]byte, 25<<20)...)}, 400, photo.ReasonTooLarge},
			"a good and a bad": {map[string][]byte{"a.jpg": photo.Sample(700, 700, "jpeg"), "b.jpg": pdf}, 400, photo.ReasonNotAnImage},
		} {
			r := upload(c.files)
			fields := requireError(t, r, c.status, catalog.CodeInvalidArgument)
			require.Equal(t, c.reason, fields["file"], name)
		}
		// A 40 MB photo: refused by its size, unread; a body over the
		// request cap is refused before it is parsed.
		big := append(photo.Sample(600, 600, "jpeg"), make([]byte, 40<<20)...)
		body, ct := multipartFiles(t, map[string][]byte{"40mb.jpg": big})
		r = srv.do(http.MethodPost, path, body, "Content-Type", ct)
		require.Equal(t, photo.ReasonTooLarge, requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument)["file"])
		body, ct = multipartFiles(t, map[string][]byte{"a.jpg": big, "b.jpg": big})
		r = srv.do(http.MethodPost, path, body, "Content-Type", ct)
		requireError(t, r, http.StatusRequestEntityTooLarge, "payload_too_large")
		requireError(t, srv.send(http.MethodPost, path, map[string]any{}), http.StatusUnsupportedMediaType, "unsupported_media_type")

		list := decode[struct{ Items []api.Image }](t, srv.get(path), http.StatusOK)
		require.Len(t, list.Items, 1, "refused uploads stored nothing")

		// Several at once.
		r = upload(map[string][]byte{"b.png": photo.Sample(600, 900, "png"), "c.jpg": photo.Sample(1200, 700, "jpeg")})
		many := decode[struct{ Items []api.Image }](t, r, http.StatusCreated)
		require.Len(t, many.Items, 2)
		list = decode[struct{ Items []api.Image }](t, srv.get(path), http.StatusOK)
		requireSchema(t, "ImageList", srv.get(path).Body)
		require.Len(t, list.Items, 3)
		require.Equal(t, img.ID, list.Items[0].ID, "the first is the cover")

		// Reorder and delete.
		order := []int64{list.Items[2].ID, list.Items[0].ID, list.Items[1].ID}
		re := decode[struct{ Items []api.Image }](t, srv.send(http.MethodPut, path+"/order", map[string]any{"ids": order}), http.StatusOK)
		require.Equal(t, order, []int64{re.Items[0].ID, re.Items[1].ID, re.Items[2].ID})
		requireError(t, srv.send(http.MethodPut, path+"/order", map[string]any{"ids": order[:2]}), http.StatusBadRequest, catalog.CodeInvalidArgument)
		r = srv.do(http.MethodDelete, path+"/"+itoa(order[0]), nil)
		require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
		require.Equal(t, http.StatusNotFound, srv.get(re.Items[0].URLs.Square).Status, "an unshared photo's files go with it")
		list = decode[struct{ Items []api.Image }](t, srv.get(path), http.StatusOK)
		require.Equal(t, []int64{order[1], order[2]}, []int64{list.Items[0].ID, list.Items[1].ID})

		// Another co-op's manager: every route answers 404, nothing changes.
		other := storetest.NewFixture(t, st, "PH2")
		tok := newToken(t, st, catalog.APIToken{Name: "other", Role: catalog.RoleCoopManager, CoopID: other.Coop.ID})
		auth := []string{"Authorization", "Bearer " + tok}
		requireError(t, srv.get(path, auth...), http.StatusNotFound, catalog.CodeNotFound)
		body, ct = multipartFiles(t, map[string][]byte{"x.jpg": photo.Sample(600, 600, "jpeg")})
		requireError(t, srv.do(http.MethodPost, path, body, append(auth, "Content-Type", ct)...), http.StatusNotFound, catalog.CodeNotFound)
		requireError(t, srv.send(http.MethodPut, path+"/order", map[string]any{"ids": []int64{order[2], order[1]}}, auth...), http.StatusNotFound, catalog.CodeNotFound)
		requireError(t, srv.do(http.MethodDelete, path+"/"+itoa(order[1]), nil, auth...), http.StatusNotFound, catalog.CodeNotFound)
		// A seller of the co-op may look, not change.
		seller := newToken(t, st, catalog.APIToken{Name: "seller", Role: catalog.RoleCoopSeller, CoopID: f.Coop.ID})
		require.Equal(t, http.StatusOK, srv.get(path, "Authorization", "Bearer "+seller).Status)
		requireError(t, srv.do(http.MethodDelete, path+"/"+itoa(order[1]), nil, "Authorization", "Bearer "+seller), http.StatusForbidden, catalog.CodePermissionDenied)
		after := decode[struct{ Items []api.Image }](t, srv.get(path), http.StatusOK)
		require.Equal(t, list, after)
		_ = json.Valid
	})
}
