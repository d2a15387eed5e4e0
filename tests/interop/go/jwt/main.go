// Checks tests/vectors/jwt.json with golang-jwt (see ../../README.md).
//
//	cd tests/interop/go/jwt && go run . ../../../vectors           # check
//	cd tests/interop/go/jwt && go run . ../../../vectors --print   # golang-jwt's tokens, for jwt_vectors.py
//
// golang-jwt verifies every token userhash writes, its algorithm pinned to
// the case's and its clock set to the case's time, and reads back the same
// claims; a changed signature byte, another algorithm or a later clock is
// refused. It signs each library case and must make the pinned token.
package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

type signCase struct {
	Name        string            `json:"name"`
	Alg         string            `json:"alg"`
	Key         map[string]string `json:"key"`
	NowMs       int64             `json:"now_ms"`
	HeaderJSON  string            `json:"header_json"`
	PayloadJSON string            `json:"payload_json"`
	Token       string            `json:"token"`
}

type libraryCase struct {
	Name   string                 `json:"name"`
	Alg    string                 `json:"alg"`
	Key    map[string]string      `json:"key"`
	Header map[string]string      `json:"header"`
	Claims map[string]interface{} `json:"claims"`
	Tokens map[string]string      `json:"tokens"`
}

type vectors struct {
	Keys    map[string]string `json:"keys"`
	Sign    []signCase        `json:"sign"`
	Library []libraryCase     `json:"library"`
}

var passed, failed int

func check(ok bool, name, what string) {
	if ok {
		passed++
	} else {
		failed++
		fmt.Printf("FAIL jwt.json: %s: %s\n", name, what)
	}
}

func method(alg string) jwt.SigningMethod {
	if alg == "HS256" {
		return jwt.SigningMethodHS256
	}
	return jwt.SigningMethodEdDSA
}

func sign(c libraryCase) (string, error) {
	t := jwt.NewWithClaims(method(c.Alg), jwt.MapClaims(c.Claims))
	for k, v := range c.Header {
		t.Header[k] = v
	}
	if c.Alg == "HS256" {
		return t.SignedString([]byte(c.Key["hs256"]))
	}
	key, err := jwt.ParseEdPrivateKeyFromPEM([]byte(c.Key["private_pem"]))
	if err != nil {
		return "", err
	}
	return t.SignedString(key)
}

func flipSignatureByte(token string) string {
	dot := strings.LastIndex(token, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(token[dot+1:])
	sig[0] ^= 1
	return token[:dot+1] + base64.RawURLEncoding.EncodeToString(sig)
}

func main() {
	text, err := os.ReadFile(filepath.Join(os.Args[1], "jwt.json"))
	if err != nil {
		fmt.Println("FAIL jwt.json:", err)
		fmt.Println("interop-golang-jwt: 0 passed, 1 failed")
		os.Exit(1)
	}
	var v vectors
	if err := json.Unmarshal(text, &v); err != nil {
		fmt.Println("FAIL jwt.json:", err)
		fmt.Println("interop-golang-jwt: 0 passed, 1 failed")
		os.Exit(1)
	}
	if len(os.Args) > 2 && os.Args[2] == "--print" {
		out := map[string]string{}
		for _, c := range v.Library {
			t, err := sign(c)
			if err != nil {
				panic(err)
			}
			out[c.Name] = t
		}
		b, _ := json.MarshalIndent(out, "", " ")
		fmt.Println(string(b))
		return
	}

	public, err := jwt.ParseEdPublicKeyFromPEM([]byte(v.Keys["ed25519_public_pem"]))
	check(err == nil, "keys", fmt.Sprint("the public PEM: ", err))
	for _, c := range v.Sign {
		var key interface{} = []byte(c.Key["hs256"])
		if c.Alg == "EdDSA" {
			key = public.(ed25519.PublicKey)
		}
		now := time.UnixMilli(c.NowMs + 1000)
		parse := func(token, alg string, at time.Time) (jwt.MapClaims, *jwt.Token, error) {
			claims := jwt.MapClaims{}
			t, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (interface{}, error) { return key, nil },
				jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(func() time.Time { return at }),
				jwt.WithIssuedAt(), jwt.WithExpirationRequired())
			return claims, t, err
		}
		claims, t, err := parse(c.Token, c.Alg, now)
		if err != nil {
			check(false, c.Name, fmt.Sprint("golang-jwt refused userhash's token: ", err))
		} else {
			var want, header map[string]interface{}
			_ = json.Unmarshal([]byte(c.PayloadJSON), &want)
			_ = json.Unmarshal([]byte(c.HeaderJSON), &header)
			check(reflect.DeepEqual(map[string]interface{}(claims), want), c.Name, fmt.Sprint("golang-jwt read claims ", claims))
			check(reflect.DeepEqual(t.Header, header), c.Name, fmt.Sprint("header differs: ", t.Header))
		}
		other := "HS256"
		if c.Alg == "HS256" {
			other = "EdDSA"
		}
		exp := int64(0)
		var payload map[string]interface{}
		_ = json.Unmarshal([]byte(c.PayloadJSON), &payload)
		exp = int64(payload["exp"].(float64))
		for _, bad := range []struct {
			token, alg string
			at         time.Time
			what       string
		}{
			{flipSignatureByte(c.Token), c.Alg, now, "a changed signature"},
			{c.Token, other, now, "another algorithm"},
			{c.Token, c.Alg, time.Unix(exp+1, 0), "an expired token"},
		} {
			_, _, err := parse(bad.token, bad.alg, bad.at)
			check(err != nil, c.Name, "golang-jwt accepted "+bad.what)
		}
	}
	for _, c := range v.Library {
		made, err := sign(c)
		check(err == nil && made == c.Tokens["golang-jwt"], c.Name,
			fmt.Sprintf("golang-jwt made %s (%v), the vectors pin %s", made, err, c.Tokens["golang-jwt"]))
	}
	fmt.Printf("interop-golang-jwt: %d passed, %d failed\n", passed, failed)
	if failed > 0 || passed == 0 {
		os.Exit(1)
	}
}
