module userhash/example

// The oldest Go this needs (os.ReadFile is Go 1.16); Debian 12's golang-go,
// which `cargo xtask test` installs, is Go 1.19.
go 1.16
