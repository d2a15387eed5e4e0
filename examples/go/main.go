// The vendor doc's Go snippet, with the hash computed by libuserhash through
// cgo instead of crypto/hmac:
//
//	secret := []byte("<widget-hmac-token>")
//	message := []byte("<identifier>")
//	hash := hmac.New(sha256.New, secret)
//	hash.Write(message)
//	hex.EncodeToString(hash.Sum(nil))
//
// Build against an installed libuserhash (see the README's "C library"):
//
//	cargo xtask install-c --prefix "$HOME/.local"
//	export PKG_CONFIG_PATH="$HOME/.local/lib/pkgconfig" LD_LIBRARY_PATH="$HOME/.local/lib"
//	go run .
package main

/*
#cgo pkg-config: userhash
#include <userhash.h>
*/
import "C"

import (
	"fmt"
	"log"
	"runtime"
	"unsafe"
)

// Error is a rejection by libuserhash: the status's name as SPEC.md spells
// it ("WeakSecret", "Malformed", ...) and the library's message.
type Error struct {
	Name    string
	Message string
}

func (e *Error) Error() string { return e.Name + ": " + e.Message }

// text passes Go bytes to C as (pointer, length) without a copy; the C side
// never keeps the pointer. An empty slice still gets a non-NULL pointer.
func text(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return (*C.char)(unsafe.Pointer(&empty)), 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

var empty byte

// call runs one libuserhash function and turns its status into an error.
// The library keeps the last error per OS thread, so the goroutine stays on
// its thread from the call until the message is read.
func call(f func() C.userhash_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	status := f()
	if status == C.USERHASH_OK {
		return nil
	}
	return &Error{
		Name:    C.GoString(C.userhash_status_name(C.int(status))),
		Message: C.GoString(C.userhash_last_error_message()),
	}
}

// SignIdentifier is hex(HMAC-SHA256(secret, identifier)) (SPEC §1.1).
func SignIdentifier(secret, identifier []byte) (string, error) {
	var out [C.USERHASH_HEX_LEN + 1]C.char
	s, sl := text(secret)
	id, il := text(identifier)
	err := call(func() C.userhash_status {
		return C.userhash_sign_identifier(s, sl, id, il, &out[0], C.size_t(len(out)))
	})
	runtime.KeepAlive(secret)
	runtime.KeepAlive(identifier)
	if err != nil {
		return "", err
	}
	return C.GoString(&out[0]), nil
}

// VerifyIdentifier checks a received hash in constant time.
func VerifyIdentifier(secret, identifier []byte, hash string) (bool, error) {
	var valid C.bool
	s, sl := text(secret)
	id, il := text(identifier)
	h, hl := text([]byte(hash))
	err := call(func() C.userhash_status {
		return C.userhash_verify_identifier(s, sl, id, il, h, hl, &valid)
	})
	runtime.KeepAlive(secret)
	runtime.KeepAlive(identifier)
	return bool(valid), err
}

func main() {
	secret := []byte("<widget-hmac-token>")
	message := []byte("<identifier>")

	hash, err := SignIdentifier(secret, message)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hash)
}
