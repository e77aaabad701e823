package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Keys encrypt channel credentials at rest with AES-256-GCM. Each
// ciphertext is stored beside the id of the key that sealed it, so keys can
// rotate: new tokens are sealed with Current, old ones still open with
// theirs until they are re-sealed.
type Keys struct {
	current string
	aeads   map[string]cipher.AEAD
}

// ParseKeys reads "id1:base64key,id2:base64key"; the first is current.
// Each key is 32 bytes (AES-256).
func ParseKeys(s string) (*Keys, error) {
	k := &Keys{aeads: map[string]cipher.AEAD{}}
	for i, part := range strings.Split(s, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || id == "" {
			return nil, errors.New("secret keys: want id:base64key[,id:base64key…]")
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("secret key %q: want 32 bytes in base64", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads[id] = aead
		if i == 0 {
			k.current = id
		}
	}
	return k, nil
}

// Current is the id of the key new ciphertexts are sealed with.
func (k *Keys) Current() string { return k.current }

// NewKey returns a fresh "id:base64key" for ParseKeys.
func NewKey(id string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return id + ":" + base64.StdEncoding.EncodeToString(b)
}

// Seal encrypts plaintext with the current key; additional data binds the
// ciphertext to its row (a token copied to another shop will not open).
func (k *Keys) Seal(plaintext []byte, additional string) (keyID string, ciphertext []byte) {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return k.current, aead.Seal(nonce, nonce, plaintext, []byte(additional))
}

// Open decrypts what Seal made.
func (k *Keys) Open(keyID string, ciphertext []byte, additional string) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("secret key %q is not configured", keyID)
	}
	if len(ciphertext) < aead.NonceSize() {
		return nil, errors.New("ciphertext too short")
	}
	nonce, body := ciphertext[:aead.NonceSize()], ciphertext[aead.NonceSize():]
	return aead.Open(nil, nonce, body, []byte(additional))
}
