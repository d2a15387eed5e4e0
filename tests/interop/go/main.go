// Command interop checks tests/vectors with Go's own crypto/hmac and
// crypto/sha256 (see ../README.md).
//
//	cd tests/interop/go && go run . ../../vectors
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

var passed, failed int

func check(ok bool, file, name, what string) {
	if ok {
		passed++
	} else {
		failed++
		fmt.Printf("FAIL %s: %s: %s\n", file, name, what)
	}
}

func sign(secret, message string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil))
}

func load(dir, file string, v any) {
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		check(false, file, "(file)", "cannot read: "+err.Error())
	}
}

func queryHas(url, pair string) bool {
	beforeFragment, _, _ := strings.Cut(url, "#")
	_, query, found := strings.Cut(beforeFragment, "?")
	if !found {
		return false
	}
	// A loop, not slices.Contains: Debian 12's Go is 1.19, before package slices.
	for _, p := range strings.Split(query, "&") {
		if p == pair {
			return true
		}
	}
	return false
}

type identityCase struct {
	Name      string `json:"name"`
	Secret    string `json:"secret"`
	OrgID     string `json:"org_id"`
	Email     string `json:"email"`
	Timestamp string `json:"timestamp"`
	Nonce     string `json:"nonce"`
	Message   string `json:"message"`
	UserHash  string `json:"user_hash"`
	URL       string `json:"url"`
}

func (c identityCase) message() string {
	return c.Email + "|" + c.Timestamp + "|" + c.OrgID + "|" + c.Nonce
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run . <vectors-dir>")
		os.Exit(2)
	}
	dir := os.Args[1]

	var identifier struct {
		Sign []struct {
			Name       string `json:"name"`
			Secret     string `json:"secret"`
			Identifier string `json:"identifier"`
			Hash       string `json:"hash"`
		} `json:"sign"`
	}
	load(dir, "identifier.json", &identifier)
	for _, c := range identifier.Sign {
		check(sign(c.Secret, c.Identifier) == c.Hash, "identifier.json", c.Name, "hash")
	}

	var identity struct {
		Sign []identityCase `json:"sign"`
	}
	load(dir, "identity.json", &identity)
	for _, c := range identity.Sign {
		check(c.message() == c.Message, "identity.json", c.Name, "message")
		check(sign(c.Secret, c.message()) == c.UserHash, "identity.json", c.Name, "user_hash")
	}

	var widget struct {
		Cases []identityCase `json:"cases"`
	}
	load(dir, "widget_url.json", &widget)
	for _, c := range widget.Cases {
		userHash := sign(c.Secret, c.message())
		check(userHash == c.UserHash, "widget_url.json", c.Name, "user_hash")
		check(queryHas(c.URL, "user_hash="+userHash), "widget_url.json", c.Name, "url has user_hash")
	}

	fmt.Printf("interop-go: %d passed, %d failed\n", passed, failed)
	if failed != 0 || passed == 0 {
		os.Exit(1)
	}
}
