package webui

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
)

// maxImportFile is the largest catalog the page takes. The checked file
// travels back to the browser in the confirm form (nothing is kept on the
// server between the check and the import, so any replica can take the
// confirm), which is fine at the size of a co-op's catalog.
const maxImportFile = 4 << 20

type importData struct {
	FileName string
	// File is the checked file, base64, for the confirm form.
	File   string
	Report *catalog.ImportReport
	// Done is true once the import was written.
	Done  bool
	Error string
}

func (ui *UI) importPage(c *gin.Context) {
	ui.render(c, http.StatusOK, "import", ui.newPage(c, "import", "import.title", &importData{}))
}

// importCheck parses the uploaded file and tries it without writing: every
// bad row is listed; a clean file comes back with a confirm button.
func (ui *UI) importCheck(c *gin.Context) {
	d := &importData{}
	p := ui.newPage(c, "import", "import.title", d)
	body, name, err := uploadedFile(c)
	if err != nil {
		d.Error = p.T("import.no_file")
		ui.render(c, http.StatusUnprocessableEntity, "import", p)
		return
	}
	ui.runImport(c, p, d, body, name, true)
}

// importConfirm imports the checked file for real.
func (ui *UI) importConfirm(c *gin.Context) {
	d := &importData{}
	p := ui.newPage(c, "import", "import.title", d)
	body, err := base64.StdEncoding.DecodeString(c.PostForm("file"))
	if err != nil || len(body) == 0 || len(body) > maxImportFile {
		d.Error = p.T("import.no_file")
		ui.render(c, http.StatusUnprocessableEntity, "import", p)
		return
	}
	ui.runImport(c, p, d, body, path.Base(c.PostForm("file_name")), false)
}

func (ui *UI) runImport(c *gin.Context, p *page, d *importData, body []byte, name string, dryRun bool) {
	d.FileName = name
	report, err := csvimport.ImportFile(c.Request.Context(), ui.d.Store, body, name,
		catalog.ImportOptions{DryRun: dryRun, Actor: "web:" + p.User.Name})
	d.Report = &report
	var ce *catalog.Error
	switch {
	case err != nil && len(report.Errors) > 0:
		ui.render(c, http.StatusUnprocessableEntity, "import", p)
		return
	case errors.As(err, &ce) && ce.Code == catalog.CodeInvalidArgument:
		d.Error = ce.Message
		ui.render(c, http.StatusUnprocessableEntity, "import", p)
		return
	case err != nil:
		ui.fail(c, err)
		return
	}
	if dryRun {
		d.File = base64.StdEncoding.EncodeToString(body)
	} else {
		d.Done = true
		ui.d.Wake()
	}
	ui.render(c, http.StatusOK, "import", p)
}

func uploadedFile(c *gin.Context) ([]byte, string, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, "", err
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxImportFile+1))
	if err != nil {
		return nil, "", err
	}
	if len(body) == 0 || len(body) > maxImportFile {
		return nil, "", errors.New("empty or too large")
	}
	return body, path.Base(fh.Filename), nil
}

// importHints are the columns whose refused or missing value gets a hint,
// in the page's language, of what the cell must hold (import.hint.<column>;
// every stock@CODE column shares "stock@").
var importHints = []string{"price_vnd", "gtin13", "sku", "ocop_stars", "ocop_group", "ocop_certified_on",
	"ocop_expires_on", "ocop_certified_year", "stock", "stock@", "stock_exported", "net_weight_g"}

// RowError is an import problem in the page's language: what is wrong, by
// its stable code, and for a refused value what the column must hold. The
// importer's own reason (English, naming the value) goes beside it.
func (p *page) RowError(e catalog.RowError) string {
	msg := p.known("import.code." + e.Code)
	if msg == "" {
		msg = p.T("import.code.invalid_value")
	}
	if e.Code != csvimport.CodeInvalidValue && e.Code != csvimport.CodeRequired {
		return msg
	}
	col := e.Column
	if strings.HasPrefix(col, "stock@") {
		col = "stock@"
	}
	if hint := p.known("import.hint." + col); hint != "" {
		msg += ": " + hint
	}
	return msg
}
