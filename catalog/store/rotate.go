package store

import (
	"context"
	"fmt"

	"ocophub/catalog"
)

// RotateShopTokens re-seals every shop token not sealed with the current
// key, so an old key can then be dropped from OCOPHUB_SECRET_KEYS. Each
// shop is one conditional write (same key id and ciphertext as read): a
// token a worker refreshed meanwhile is already under the current key and
// is left alone. It returns how many tokens it re-sealed; a token whose key
// is not configured is an error naming the shop, never the token.
func (s *Store) RotateShopTokens(ctx context.Context) (int, error) {
	if sc, err := scopeOf(ctx); err != nil || !sc.IsOperator() {
		return 0, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the operator rotates keys"}
	}
	if s.keys == nil {
		return 0, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "no secret keys configured: set OCOPHUB_SECRET_KEYS"}
	}
	current := s.keys.Current()
	var rows []shopRow
	err := s.db.WithContext(ctx).Select("id", "token_key_id", "token_ciphertext").
		Where("token_ciphertext IS NOT NULL AND token_key_id <> ?", current).Order("id").Find(&rows).Error
	if err != nil {
		return 0, translate(err, "shop")
	}
	rotated := 0
	for _, r := range rows {
		plain, err := s.keys.Open(r.TokenKeyID, r.TokenCiphertext, tokenAD(r.ID))
		if err != nil {
			return rotated, fmt.Errorf("shop %d: token sealed with key %q cannot be opened: %w", r.ID, r.TokenKeyID, err)
		}
		keyID, sealed := s.keys.Seal(plain, tokenAD(r.ID))
		clear(plain)
		res := s.db.WithContext(ctx).Model(&shopRow{}).
			Where("id = ? AND token_key_id = ? AND token_ciphertext = ?", r.ID, r.TokenKeyID, r.TokenCiphertext).
			Updates(map[string]any{"token_key_id": keyID, "token_ciphertext": sealed})
		if res.Error != nil {
			return rotated, translate(res.Error, "shop")
		}
		rotated += int(res.RowsAffected)
	}
	return rotated, nil
}
