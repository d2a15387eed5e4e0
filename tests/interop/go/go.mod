module userhash/interop

go 1.21
