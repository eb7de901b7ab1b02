// Command immudb is the official immudb server, built from its Go module.
//
// immudb's go.mod carries replace directives, so `go install` of its
// cmd/immudb is refused; this launcher module repeats them (see build.py).
package main

import immudb "github.com/codenotary/immudb/cmd/immudb/command"

func main() {
	immudb.Execute()
}
