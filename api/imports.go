package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
)

// importResponse is the body of POST /imports, on success and on rejection
// (then with "error" set): the report lists every bad row.
type importResponse struct {
	Error  *errorDetail         `json:"error,omitempty"`
	Report catalog.ImportReport `json:"report"`
}

// importCatalog takes a CSV or xlsx catalog file, as the raw body or as the
// multipart field "file". Query: skip_invalid=true writes the good rows
// only; dry_run=true checks everything and writes nothing. A file with bad
// rows gets 422 with the report and nothing is written.
func (h handlers) importCatalog(c *gin.Context) {
	body, name, err := readImportFile(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	fe := catalog.FieldErrors{}
	opts := catalog.ImportOptions{Actor: actor(c),
		SkipInvalid: boolQuery(c, "skip_invalid", fe), DryRun: boolQuery(c, "dry_run", fe)}
	if err := fe.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	report, err := csvimport.ImportFile(c.Request.Context(), h.store, body, name, opts)
	if report.Errors == nil {
		report.Errors = []catalog.RowError{} // [] in JSON, never null
	}
	var ce *catalog.Error
	if err != nil && len(report.Errors) > 0 && errors.As(err, &ce) && ce.Code == catalog.CodeInvalidArgument {
		c.JSON(http.StatusUnprocessableEntity, importResponse{
			Error: &errorDetail{Code: ce.Code, Message: ce.Message}, Report: report})
		return
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	if report.Written {
		h.changed()
	}
	c.JSON(http.StatusOK, importResponse{Report: report})
}

func readImportFile(c *gin.Context) (body []byte, name string, err error) {
	var r io.Reader = c.Request.Body
	name = c.Query("filename")
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		fh, err := c.FormFile("file")
		if err != nil {
			return nil, "", tooBigOr(err, invalid("file", "attach the catalog as the form field \"file\""))
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		r, name = f, fh.Filename
	}
	body, err = io.ReadAll(r)
	if err != nil {
		return nil, "", tooBigOr(err, err)
	}
	if len(body) == 0 {
		return nil, "", invalid("file", "the file is empty")
	}
	return body, name, nil
}

func tooBigOr(err, otherwise error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &catalog.Error{Code: codePayloadTooLarge,
			Message: "file is larger than " + strconv.FormatInt(tooBig.Limit>>20, 10) + " MiB"}
	}
	return otherwise
}

func boolQuery(c *gin.Context, name string, fe catalog.FieldErrors) bool {
	s := c.Query(name)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		fe.Add(name, name+" must be true or false")
	}
	return b
}
