package shopee

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
)

// sign is Shopee's request signature ("Calculating the sign parameter",
// https://open.shopee.com/developer-guide/20): lower-case hex
// HMAC-SHA256 under the partner key (raw bytes, never hex-decoded) of the
// base string parts concatenated with no separator:
//
//	public API: partner_id + api_path + timestamp
//	shop API:   partner_id + api_path + timestamp + access_token + shop_id
//
// api_path is the path alone, without host or query. The body is not
// signed.
func sign(partnerKey string, parts ...string) string {
	mac := hmac.New(sha256.New, []byte(partnerKey))
	for _, p := range parts {
		mac.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(mac.Sum(sum[:0]))
}

// publicQuery is the common query of a public API call (the token
// endpoints, upload_image, the authorization link) at unix time ts.
func (d *Driver) publicQuery(path string, ts int64) url.Values {
	t := strconv.FormatInt(ts, 10)
	return url.Values{
		"partner_id": {d.partnerID},
		"timestamp":  {t},
		"sign":       {sign(d.cfg.PartnerKey, d.partnerID, path, t)},
	}
}

// shopQuery is the common query of a shop API call made with accessToken.
func (d *Driver) shopQuery(path string, ts int64, accessToken string) url.Values {
	t := strconv.FormatInt(ts, 10)
	return url.Values{
		"partner_id":   {d.partnerID},
		"timestamp":    {t},
		"access_token": {accessToken},
		"shop_id":      {d.shopID},
		"sign":         {sign(d.cfg.PartnerKey, d.partnerID, path, t, accessToken, d.shopID)},
	}
}
