module userhash/example

go 1.19
