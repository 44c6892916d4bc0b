// Command goref is the reference side of slant's Starlark benchmarks: it runs the same
// workloads as bench/starlark/starlark_bench.cc, with go.starlark.net (Debian's
// golang-starlark-dev, read in place), and prints results in the same format.
//
// Usage:
//
//	goref bench FILE [-mintime SECONDS] [-n N] [-only NAME]
//	goref run   FILE [-mintime SECONDS] [-n N]
//	goref parse FILE [-mintime SECONDS] [-n N]
//
// bench executes FILE, then calls each global function named bench_* with a value b that has
// b.n (the iteration count) and b.restart(), b.start(), b.stop() (go.starlark.net's
// starlark/bench_test.go protocol). run executes the whole file (parse, resolve, compile, run)
// as one operation; parse only parses and resolves it. Each operation is repeated with n chosen
// as Go's testing.B chooses it (start at 1, grow until the run takes at least -mintime), unless
// -n fixes n. Every result is one line: NAME<TAB>N<TAB>NS_PER_OP<TAB>CPU_NS_PER_OP, the second
// figure being the CPU time (user+system, all threads: the garbage collector's too) per
// operation; a failing benchmark prints NAME<TAB>FAIL<TAB>message and makes the exit status 1.
//
// The dialect is Tilt's: sets, global reassignment (which in this version also allows if/for
// at top level), while loops and recursion; lambda and nested def are always on.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	mode, file := os.Args[1], os.Args[2]
	flags := flag.NewFlagSet("goref", flag.ExitOnError)
	mintime := flags.Float64("mintime", 1.0, "minimum duration of a measured run, in seconds")
	fixedN := flags.Int64("n", 0, "fixed iteration count (0: calibrate as testing.B does)")
	only := flags.String("only", "", "run only the benchmark function with this name")
	flags.Parse(os.Args[3:])

	resolve.AllowSet = true
	resolve.AllowGlobalReassign = true
	resolve.AllowRecursion = true

	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "goref:", err)
		os.Exit(2)
	}
	m := measurer{goal: time.Duration(*mintime * float64(time.Second)), fixedN: *fixedN}
	ok := true
	switch mode {
	case "bench":
		ok = benchFile(file, src, *only, m)
	case "run":
		ok = m.report("exec", func(t *timer, n int64) error {
			for i := int64(0); i < n; i++ {
				if _, err := starlark.ExecFile(newThread(), file, src, nil); err != nil {
					return err
				}
			}
			return nil
		})
	case "parse":
		ok = m.report("parse+resolve", func(t *timer, n int64) error {
			for i := int64(0); i < n; i++ {
				f, err := syntax.Parse(file, src, 0)
				if err != nil {
					return err
				}
				if err := resolve.File(f, func(string) bool { return false }, starlark.Universe.Has); err != nil {
					return err
				}
			}
			return nil
		})
	default:
		usage()
	}
	if !ok {
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: goref bench|run|parse FILE [-mintime SECONDS] [-n N] [-only NAME]")
	os.Exit(2)
}

func newThread() *starlark.Thread {
	return &starlark.Thread{
		Name:  "goref",
		Print: func(_ *starlark.Thread, msg string) { fmt.Fprintln(os.Stderr, msg) },
	}
}

// benchFile executes the file once, then measures each bench_* function in name order.
func benchFile(file string, src []byte, only string, m measurer) bool {
	thread := newThread()
	globals, err := starlark.ExecFile(thread, file, src, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, errorText(err))
		return false
	}
	names := globals.Keys() // sorted
	sort.Strings(names)
	ok := true
	for _, name := range names {
		fn, isFn := globals[name].(*starlark.Function)
		if !isFn || !strings.HasPrefix(name, "bench_") || (only != "" && name != only) {
			continue
		}
		ok = m.report(name, func(t *timer, n int64) error {
			_, err := starlark.Call(thread, fn, starlark.Tuple{&benchmark{t: t, n: n}}, nil)
			return err
		}) && ok
	}
	return ok
}

func errorText(err error) string {
	if e, ok := err.(*starlark.EvalError); ok {
		return e.Backtrace()
	}
	return err.Error()
}

// timer measures one run of n operations, in wall time and in the process's CPU time;
// restart/stop/start act on it as on testing.B's timer.
type timer struct {
	running    bool
	start      time.Time
	startCPU   time.Duration
	elapsed    time.Duration
	elapsedCPU time.Duration
}

// cpuTime returns the user+system time of the whole process (every thread).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (t *timer) reset() {
	t.elapsed, t.elapsedCPU = 0, 0
	t.start, t.startCPU = time.Now(), cpuTime()
}

func (t *timer) stop() {
	if t.running {
		t.elapsed += time.Since(t.start)
		t.elapsedCPU += cpuTime() - t.startCPU
		t.running = false
	}
}

func (t *timer) resume() {
	if !t.running {
		t.start, t.startCPU = time.Now(), cpuTime()
		t.running = true
	}
}

type measurer struct {
	goal   time.Duration
	fixedN int64
}

// runN runs body once with n, after a GC (as testing.B does), and returns the measured time.
func runN(body func(*timer, int64) error, n int64) (*timer, error) {
	runtime.GC()
	t := &timer{}
	t.resume()
	err := body(t, n)
	t.stop()
	return t, err
}

// report measures body and prints NAME, N and ns/op. n grows as in testing.B's launch: predict
// the count that reaches the goal from the last run, add 20%, grow at most 100x, at least +1.
func (m measurer) report(name string, body func(*timer, int64) error) bool {
	n := int64(1)
	if m.fixedN > 0 {
		n = m.fixedN
	}
	t, err := runN(body, n)
	for err == nil && m.fixedN == 0 && t.elapsed < m.goal && n < 1e9 {
		last := n
		prevns := t.elapsed.Nanoseconds()
		if prevns <= 0 {
			prevns = 1
		}
		n = int64(float64(m.goal.Nanoseconds()) * float64(last) / float64(prevns))
		n += n / 5
		n = min(n, 100*last)
		n = max(n, last+1)
		n = min(n, 1e9)
		t, err = runN(body, n)
	}
	if err != nil {
		fmt.Printf("%s\tFAIL\t%s\n", name, strings.ReplaceAll(errorText(err), "\n", " | "))
		return false
	}
	fmt.Printf("%s\t%d\t%.1f\t%.1f\n", name, n, float64(t.elapsed.Nanoseconds())/float64(n),
		float64(t.elapsedCPU.Nanoseconds())/float64(n))
	return true
}

// benchmark is the value b passed to each bench_* function.
type benchmark struct {
	t *timer
	n int64
}

var (
	benchmarkRestart = starlark.NewBuiltin("restart", func(_ *starlark.Thread, fn *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		fn.Receiver().(*benchmark).t.reset()
		return starlark.None, nil
	})
	benchmarkStart = starlark.NewBuiltin("start", func(_ *starlark.Thread, fn *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		fn.Receiver().(*benchmark).t.resume()
		return starlark.None, nil
	})
	benchmarkStop = starlark.NewBuiltin("stop", func(_ *starlark.Thread, fn *starlark.Builtin, _ starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		fn.Receiver().(*benchmark).t.stop()
		return starlark.None, nil
	})
)

func (*benchmark) Freeze()               {}
func (*benchmark) Truth() starlark.Bool  { return true }
func (*benchmark) Type() string          { return "benchmark" }
func (*benchmark) String() string        { return "<benchmark>" }
func (*benchmark) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: benchmark") }
func (*benchmark) AttrNames() []string   { return []string{"n", "restart", "start", "stop"} }
func (b *benchmark) Attr(name string) (starlark.Value, error) {
	switch name {
	case "n":
		return starlark.MakeInt64(b.n), nil
	case "restart":
		return benchmarkRestart.BindReceiver(b), nil
	case "start":
		return benchmarkStart.BindReceiver(b), nil
	case "stop":
		return benchmarkStop.BindReceiver(b), nil
	}
	return nil, nil
}
