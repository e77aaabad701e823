package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sync"

	"github.com/alexedwards/argon2id"
)

// passwordParams are OWASP's argon2id settings (19 MiB, 2 passes, 1
// lane): about 30 ms a hash here, so guessing offline stays slow while a
// login stays quick on a small server.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func hashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, passwordParams)
}

// checkPassword reports whether password matches hash, and whether the hash
// was made with other parameters and should be made again.
func checkPassword(password, hash string) (match, rehash bool) {
	ok, params, err := argon2id.CheckHash(password, hash)
	if err != nil || !ok {
		return false, false
	}
	return true, *params != *passwordParams
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// burnPasswordCheck does the work of a password check for a username that
// does not exist, so the time a failed login takes does not say whether
// the account exists.
func burnPasswordCheck(password string) {
	dummyOnce.Do(func() { dummyHash, _ = hashPassword(randomSecret(16)) })
	_, _, _ = argon2id.CheckHash(password, dummyHash)
}

// randomSecret is n random bytes in URL-safe base64.
func randomSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// secretHash is how sessions and API tokens are kept: their secrets have
// 256 bits of entropy, so a fast hash is enough and a leaked table opens
// nothing.
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
