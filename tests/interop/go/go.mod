module userhash/interop

// The oldest Go this needs (strings.Cut and `any` are Go 1.18); Debian 12's
// golang-go, which `cargo xtask test` installs, is Go 1.19.
go 1.18
