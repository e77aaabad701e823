package zalo

import (
	"encoding/json"
	"net/http"
	"strconv"

	"ocophub/connectors/sandbox"
)

// categoryView is a store category as getcategoryofoa answers it.
type categoryView struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// listCategories is GET /v2.0/store/category/getcategoryofoa?offset=&limit=:
// the OA's store categories, flat (Zalo has no platform tree and no
// category attributes).
func (f *front) listCategories(w http.ResponseWriter, r *http.Request, _ int64) {
	offset, limit, ok := paging(w, r)
	if !ok {
		return
	}
	cats := f.e.Taxonomy().Categories()
	total := len(cats)
	cats = cats[min(offset, total):min(offset+limit, total)]
	out := struct {
		Categories []categoryView `json:"categories"`
		Total      int            `json:"total"`
	}{Categories: []categoryView{}, Total: total}
	for _, c := range cats {
		out.Categories = append(out.Categories, categoryView{ID: strconv.FormatInt(c.ID, 10), Name: c.Name, Status: statusShow})
	}
	writeData(w, out)
}

// unknownCategory returns the first id of a categories field that is not
// one of the OA's categories, "" when all are. It reads ids as numbers,
// strings or {id} objects.
func (f *front) unknownCategory(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", false
	}
	var ids []flexString
	if json.Unmarshal(raw, &ids) != nil {
		var objs []struct {
			ID flexString `json:"id"`
		}
		if json.Unmarshal(raw, &objs) != nil {
			return string(raw), true
		}
		for _, o := range objs {
			ids = append(ids, o.ID)
		}
	}
	t := f.e.Taxonomy()
	for _, id := range ids {
		n, ok := sandbox.ParseID(string(id))
		if _, known := t.Category(n); !ok || !known {
			return string(id), true
		}
	}
	return "", false
}
