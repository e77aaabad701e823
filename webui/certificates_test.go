package webui_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestDashboardWarnsOfCertificates: the alliance's dashboard lists Hảo
// Đạt's expired certificate (stars withdrawn) and La Bằng's ending in 20
// days (the 30-day warning); a certificate far from its end is not listed.
// A manager sees only their co-op's.
func TestDashboardWarnsOfCertificates(t *testing.T) {
	h := startHub(t, true)
	labang, err := h.productByCode("CHE-LABANG")
	require.NoError(t, err)
	ends := catalog.Today(time.Now()).AddDays(20)
	labang.Certificate = catalog.Certificate{Number: "2197/QĐ-UBND", CertifiedOn: ends.AddMonths(-36), ExpiresOn: ends}
	require.NoError(t, h.st.UpdateProduct(h.ctx, &labang))
	phudo, err := h.productByCode("TRA-PHUDO") // far from its end, whatever day the test runs
	require.NoError(t, err)
	phudo.Certificate = catalog.Certificate{Number: "3987/QĐ-UBND", CertifiedOn: catalog.Today(time.Now()).AddMonths(-6)}
	require.NoError(t, h.st.UpdateProduct(h.ctx, &phudo))
	coop, err := h.st.Coop(h.ctx, labang.CoopID)
	require.NoError(t, err)
	admin := catalog.User{Username: "lienminh.tn", Name: "Liên minh", Role: catalog.RoleAllianceAdmin, AllianceID: coop.AllianceID}
	require.NoError(t, h.st.CreateUser(h.ctx, &admin, password))
	h.addUser(t, "quanly.labang", catalog.RoleCoopManager, "HTX-LABANG")

	status, body := signInPages(t, h.url, "lienminh.tn").get("/")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `data-product="CHE-HAODAT" data-level="expired"`)
	require.Contains(t, body, "sao OCOP đã được gỡ khỏi mọi sàn")
	require.Contains(t, body, `data-product="CHE-LABANG" data-level="30"`)
	require.Contains(t, body, "Còn 20 ngày")
	require.NotContains(t, body, `data-product="TRA-PHUDO"`, "30 months left")

	status, body = signInPages(t, h.url, "quanly.labang").get("/")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `data-product="CHE-LABANG"`)
	require.NotContains(t, body, `data-product="CHE-HAODAT"`, "another co-op's")
}
