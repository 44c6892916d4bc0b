// The reference runner for bench/. It builds offline against Debian's golang-starlark-dev and
// golang-golang-x-sys-dev (scripts/bench-starlark.sh sets GOPROXY=off, GOFLAGS=-mod=mod):
// the replace directives read both from /usr/share/gocode/src, and the exclude directives drop
// the requirements of go.starlark.net's go.mod (a go 1.13, unpruned module) that the packages we
// import never use, so that no module is ever looked up or downloaded.
module slant/bench/goref

go 1.21

require go.starlark.net v0.0.0

require golang.org/x/sys v0.0.0-20200803210538-64077c9b5642 // indirect

replace go.starlark.net => /usr/share/gocode/src/go.starlark.net

replace golang.org/x/sys => /usr/share/gocode/src/golang.org/x/sys

exclude (
	github.com/chzyer/logex v1.1.10
	github.com/chzyer/readline v0.0.0-20180603132655-2972be24d48e
	github.com/chzyer/test v0.0.0-20180213035817-a1ea475d72b1
	google.golang.org/protobuf v1.25.0
)
