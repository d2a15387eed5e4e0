package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The vectors every language's tests read (tests/vectors/identifier.json).
type identifierVectors struct {
	Sign []struct {
		Name, Secret, Identifier, Hash string
	}
	Verify []struct {
		Name, Secret, Identifier, Hash string
		Valid                          bool
	}
	Errors []struct {
		Name, Operation, Secret, Identifier, Hash, Error string
	}
}

func load(t *testing.T) identifierVectors {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "tests", "vectors", "identifier.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v identifierVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// The snippet's inputs give SPEC §1.1's known answer, the vectors' first case.
func TestSnippetKnownAnswer(t *testing.T) {
	want := load(t).Sign[0]
	if want.Secret != "<widget-hmac-token>" || want.Identifier != "<identifier>" {
		t.Fatalf("identifier.json's first case is not the vendor snippet's: %+v", want)
	}
	got, err := SignIdentifier([]byte("<widget-hmac-token>"), []byte("<identifier>"))
	if err != nil || got != want.Hash {
		t.Fatalf("got %q, %v; want %q", got, err, want.Hash)
	}
}

func TestSignVectors(t *testing.T) {
	for _, c := range load(t).Sign {
		t.Run(c.Name, func(t *testing.T) {
			got, err := SignIdentifier([]byte(c.Secret), []byte(c.Identifier))
			if err != nil || got != c.Hash {
				t.Fatalf("got %q, %v; want %q", got, err, c.Hash)
			}
		})
	}
}

func TestVerifyVectors(t *testing.T) {
	for _, c := range load(t).Verify {
		t.Run(c.Name, func(t *testing.T) {
			got, err := VerifyIdentifier([]byte(c.Secret), []byte(c.Identifier), c.Hash)
			if err != nil || got != c.Valid {
				t.Fatalf("got %v, %v; want %v", got, err, c.Valid)
			}
		})
	}
}

func TestErrorVectors(t *testing.T) {
	for _, c := range load(t).Errors {
		t.Run(c.Name, func(t *testing.T) {
			var err error
			if c.Operation == "sign" {
				_, err = SignIdentifier([]byte(c.Secret), []byte(c.Identifier))
			} else {
				_, err = VerifyIdentifier([]byte(c.Secret), []byte(c.Identifier), c.Hash)
			}
			var e *Error
			if !errors.As(err, &e) || e.Name != c.Error {
				t.Fatalf("got %v; want %s", err, c.Error)
			}
		})
	}
}
