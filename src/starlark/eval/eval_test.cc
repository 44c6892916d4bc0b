#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
// From <sanitizer/allocator_interface.h>, which GCC does not install.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

#include "starlark/starlark.h"

namespace slant::starlark {
namespace {

// One execution environment: a Heap, a Thread that records print() output.
struct Env {
  Heap heap;
  HeapScope scope{&heap};
  Thread thread;
  std::string printed;

  Env() {
    thread.setPrint([this](Thread&, std::string_view s) {
      printed += s;
      printed += '\n';
    });
  }

  Result<Module> exec(std::string_view src, FileOptions opts = FileOptions::tilt(),
                      const StringDict& predeclared = {}) {
    return execFile(thread, "test.star", src, predeclared, opts);
  }

  // Executes src and returns repr() of global `name`, or the error's message.
  std::string global(std::string_view src, std::string_view name,
                     FileOptions opts = FileOptions::tilt()) {
    auto m = exec(src, opts);
    if (!m) return "error: " + m.error().message();
    const Value* v = m->find(name);
    return v != nullptr ? repr(*v) : "<unbound>";
  }

  std::string error(std::string_view src, FileOptions opts = FileOptions::tilt()) {
    auto m = exec(src, opts);
    if (m) return "<no error>";
    return m.error().message();
  }
};

TEST(Eval, ComputesArithmeticAndControlFlow) {
  Env env;
  EXPECT_EQ(env.global("x = 1 + 2 * 3", "x"), "7");
  EXPECT_EQ(env.global("def f(n):\n  s = 0\n  for i in range(n):\n    if i % 2:\n      continue\n"
                       "    s += i\n  return s\nx = f(10)\n",
                       "x"),
            "20");
  EXPECT_EQ(env.global("x = [i * i for i in range(5) if i != 2]", "x"), "[0, 1, 9, 16]");
  EXPECT_EQ(env.global("x = {k: v for k, v in [(1, 2), (3, 4)]}", "x"), "{1: 2, 3: 4}");
  EXPECT_EQ(env.global("x = 1 if False else 2", "x"), "2");
  EXPECT_EQ(env.global("x = 0 or [] or 'a'", "x"), "\"a\"");
  EXPECT_EQ(env.global("x = 1 and 0", "x"), "0");
  EXPECT_EQ(env.global("x = 9223372036854775807 + 1", "x"), "9223372036854775808");
  EXPECT_EQ(env.global("x = -7 // 2, -7 % 2", "x"), "(-4, 1)");
  EXPECT_EQ(env.global("x = 0\nwhile x < 10:\n  x += 3\n", "x"), "12");
}

TEST(Eval, ClosuresShareCapturedVariables) {
  Env env;
  const char* src = R"(
def counter():
    n = 0
    def inc():
        return n + 1
    n = 41
    return inc
x = counter()()

def outer():
    a = [1]
    def middle():
        def inner():
            a.append(2)
            return a
        return inner
    return middle()()
y = outer()

fs = [lambda: i for i in range(3)]
z = [f() for f in fs]
)";
  auto m = env.exec(src);
  ASSERT_TRUE(m) << m.error().backtrace();
  EXPECT_EQ(repr(*m->find("x")), "42");
  EXPECT_EQ(repr(*m->find("y")), "[1, 2]");
  // As in go.starlark.net, a comprehension variable is one slot shared by every iteration.
  EXPECT_EQ(repr(*m->find("z")), "[2, 2, 2]");
}

TEST(Eval, EvaluatesDefaultsAtDefinitionTime) {
  Env env;
  EXPECT_EQ(env.global("d = 1\ndef f(x = d):\n  return x\nd = 2\nr = f()\n", "r"), "1");
}

TEST(Eval, BindsArgumentsAsGoStarlark) {
  Env env;
  const char* def =
      "def f(a, b = 2, *args, c, d = 4, **kwargs):\n  return (a, b, args, c, d, kwargs)\n";
  EXPECT_EQ(env.global(std::string(def) + "r = f(1, c = 3)", "r"), "(1, 2, (), 3, 4, {})");
  EXPECT_EQ(env.global(std::string(def) + "r = f(1, 5, 6, 7, c = 3, e = 8)", "r"),
            "(1, 5, (6, 7), 3, 4, {\"e\": 8})");
  EXPECT_EQ(env.global(std::string(def) + "r = f(*[1, 2], **{'c': 9})", "r"),
            "(1, 2, (), 9, 4, {})");
  EXPECT_EQ(env.error(std::string(def) + "f(1)"), "function f missing 1 argument (c)");
  EXPECT_EQ(env.error("def f(x, y):\n  pass\nf()"), "function f missing 2 arguments (x, y)");
  EXPECT_EQ(env.error("def f():\n  pass\nf(1)"), "function f accepts no arguments (1 given)");
  EXPECT_EQ(env.error("def f(x):\n  pass\nf(1, 2)"),
            "function f accepts 1 positional argument (2 given)");
  EXPECT_EQ(env.error("def f(x, y=1):\n  pass\nf(1, 2, 3)"),
            "function f accepts at most 2 positional arguments (3 given)");
  EXPECT_EQ(env.error("def f(x):\n  pass\nf(1, x=2)"),
            "function f got multiple values for parameter \"x\"");
  EXPECT_EQ(env.error("def f(x):\n  pass\nf(y=2)"),
            "function f got an unexpected keyword argument \"y\"");
  EXPECT_EQ(env.error("def f(x):\n  pass\nf(*1)"), "argument after * must be iterable, not int");
  EXPECT_EQ(env.error("def f(x):\n  pass\nf(**1)"), "argument after ** must be a mapping, not int");
  EXPECT_EQ(env.error("def f(x):\n  pass\nf(**{1: 2})"), "keywords must be strings, not int");
  EXPECT_EQ(env.error("x = 1\nx()"), "invalid call of non-function (int)");
}

// A call with keywords binds through its call site's cache of parameter slots, filled by the
// first def it calls; other defs at the same site, and every error, take the general path.
TEST(Eval, BindsKeywordsThroughTheCallSitesCache) {
  Env env;
  const std::string defs = R"(
def scale(x, factor = 2, offset = 0):
    return x * factor + offset
def swapped(x, offset = 5, factor = 1):
    return (x, factor, offset)
def kwonly(a, *, b, c = 3):
    return (a, b, c)
def varargs(*args, **kwargs):
    return (args, kwargs)
def need(x, offset, y):
    pass
def first(offset, x = 0):
    pass
def call(f, n):
    return f(n, offset = 1)
)";
  const char* src = R"(
r1 = [call(scale, i) for i in range(3)]
r2 = [call(g, 7) for g in [scale, swapped, varargs, scale, swapped]]
r3 = [kwonly(1, b = i) for i in range(2)] + [kwonly(1, c = 0, b = 9)]
r4 = sorted([1, 3, 2], reverse = True)
)";
  auto m = env.exec(defs + src);
  ASSERT_TRUE(m) << m.error().backtrace();
  EXPECT_EQ(repr(*m->find("r1")), "[1, 3, 5]");
  EXPECT_EQ(repr(*m->find("r2")), "[15, (7, 1, 1), ((7,), {\"offset\": 1}), 15, (7, 1, 1)]");
  EXPECT_EQ(repr(*m->find("r3")), "[(1, 0, 3), (1, 1, 3), (1, 9, 0)]");
  EXPECT_EQ(repr(*m->find("r4")), "[3, 2, 1]");

  // After the site has cached scale's slots, other callees still get go.starlark.net's errors.
  EXPECT_EQ(env.error(defs + "call(scale, 1)\ncall(kwonly, 7)"),
            "function kwonly got an unexpected keyword argument \"offset\"");
  EXPECT_EQ(env.error(defs + "call(scale, 1)\ncall(need, 7)"),
            "function need missing 1 argument (y)");
  EXPECT_EQ(env.error(defs + "call(scale, 1)\ncall(first, 7)"),
            "function first got multiple values for parameter \"offset\"");
  EXPECT_EQ(env.error(defs + "kwonly(1)"), "function kwonly missing 1 argument (b)");
  EXPECT_EQ(env.error(defs + "scale(1, offset = 1 // 0)"), "floored division by zero");

  // An error in the callee has the caller's frame in its backtrace.
  auto failed = env.exec(defs + "call(scale, 'a')");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().backtrace(),
            "Traceback (most recent call last):\n"
            "  test.star:16:5: in <toplevel>\n"
            "  test.star:15:13: in call\n"
            "  test.star:3:23: in scale\n"
            "Error: unknown binary op: string + int");
}

TEST(Eval, ReportsUnpackingErrors) {
  Env env;
  EXPECT_EQ(env.error("a, b = 1, 2, 3"), "too many values to unpack (got 3, want 2)");
  EXPECT_EQ(env.error("a, b, c = [1, 2]"), "too few values to unpack (got 2, want 3)");
  EXPECT_EQ(env.error("a, b = 1"), "got int in sequence assignment");
  EXPECT_EQ(env.error("a, b = 'ab'"), "got string in sequence assignment");
  EXPECT_EQ(env.global("[a, (b, c)] = (1, [2, 3])\nr = (a, b, c)", "r"), "(1, 2, 3)");
  EXPECT_EQ(env.global("x = [1, 2]\nx[0], x[1] = x[1], x[0]\n", "x"), "[2, 1]");
}

TEST(Eval, ReportsUnboundVariables) {
  Env env;
  EXPECT_EQ(env.error("def f():\n  x += 1\n  return x\nf()"),
            "local variable x referenced before assignment");
  EXPECT_EQ(env.error("def f():\n  return g\nf()\ng = 1\n"),
            "global variable g referenced before assignment");
}

TEST(Eval, AugmentedAssignmentExtendsListsInPlace) {
  Env env;
  EXPECT_EQ(env.global("a = [1]\nb = a\nb += [2]\nb += (3,)\nr = a", "r"), "[1, 2, 3]");
  EXPECT_EQ(env.global("a = [1]\na += a\n", "a"), "[1, 1]");
  // The index is evaluated once.
  EXPECT_EQ(env.global("n = [0]\ndef i():\n  n[0] += 1\n  return 0\nx = [5]\nx[i()] += 1\n"
                       "r = (x, n)\n",
                       "r"),
            "([6], [1])");
  EXPECT_EQ(env.global("t = (1,)\nu = t\nu += (2,)\nr = (t, u)", "r"), "((1,), (1, 2))");
}

TEST(Eval, RecursionIsAnErrorUnlessEnabled) {
  Env env;
  const char* src = "def fib(n):\n  return n if n < 2 else fib(n - 1) + fib(n - 2)\nr = fib(10)\n";
  FileOptions no_recursion = FileOptions::tilt();
  no_recursion.recursion = false;
  EXPECT_EQ(env.error(src, no_recursion), "function fib called recursively");
  EXPECT_EQ(env.global(src, "r"), "55");
}

TEST(Eval, FailsCleanlyOnRunawayRecursion) {
  Env env;
  EXPECT_EQ(env.error("def f(n):\n  return f(n + 1)\nf(0)\n"), "maximum recursion depth exceeded");
}

TEST(Eval, FormatsBacktracesAsGoStarlark) {
  Env env;
  auto m = env.exec("def f(x):\n  return 1 // x\n\nf(0)\n");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().backtrace(),
            "Traceback (most recent call last):\n"
            "  test.star:4:2: in <toplevel>\n"
            "  test.star:2:12: in f\n"
            "Error: " +
                m.error().message());
  ASSERT_EQ(m.error().stack().size(), 2u);
  EXPECT_EQ(m.error().stack()[1].function, "f");
  EXPECT_EQ(m.error().stack()[1].line, 2);

  auto b = env.exec("def g():\n  return len(1)\ng()\n");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().backtrace(),
            "Traceback (most recent call last):\n"
            "  test.star:3:2: in <toplevel>\n"
            "  test.star:2:13: in g\n"
            "Error in len: " +
                b.error().message());

  auto s = env.exec("x = )\n");
  ASSERT_FALSE(s);
  EXPECT_FALSE(s.error().hasStack());
  EXPECT_EQ(s.error().backtrace(), s.error().message());
  EXPECT_EQ(s.error().message().rfind("test.star:1:5: ", 0), 0u) << s.error().message();
}

TEST(Eval, ReportsAttributeErrorsWithHints) {
  Env env;
  EXPECT_EQ(env.error("x = 1\nx.foo"), "int has no .foo field or method");
  EXPECT_EQ(env.error("[].apend(1)"), "list has no .apend field or method (did you mean .append?)");
  EXPECT_EQ(env.error("x = 1\nx.foo = 2"), "can't assign to .foo field of int");
  EXPECT_EQ(env.global("f = [].append\nr = type(f)", "r"), "\"builtin_function_or_method\"");
}

TEST(Eval, ForbidsMutationDuringIteration) {
  Env env;
  std::string msg = env.error("def f():\n  x = [1, 2]\n  for a in x:\n    x.append(a)\nf()\n");
  EXPECT_NE(msg.find("during iteration"), std::string::npos) << msg;
  // The iteration guard is released when the loop ends, even by break or return.
  EXPECT_EQ(env.global("def f():\n  x = [1, 2]\n  for a in x:\n    break\n  x.append(3)\n"
                       "  return x\nr = f()\n",
                       "r"),
            "[1, 2, 3]");
}

TEST(Eval, FreezesModuleGlobals) {
  Env env;
  auto m = env.exec("x = [1]\ndef f():\n  x.append(2)\n");
  ASSERT_TRUE(m);
  const Value* f = m->find("f");
  ASSERT_NE(f, nullptr);
  auto r = call(env.thread, *f, CallArgs{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("frozen"), std::string::npos) << r.error().message();
}

TEST(Eval, StopsAtTheStepLimit) {
  Env env;
  env.thread.setMaxSteps(1000);
  EXPECT_EQ(env.error("for i in range(1000000):\n  pass\n"),
            "Starlark computation cancelled: too many steps");
}

TEST(Eval, CanBeCancelledFromAnotherThread) {
  Env env;
  std::thread canceller([&env] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    env.thread.cancel("user request");
  });
  std::string msg = env.error("def f():\n  while True:\n    pass\nf()\n");
  canceller.join();
  EXPECT_EQ(msg, "Starlark computation cancelled: user request");
}

TEST(Eval, PrintsThroughTheCallback) {
  Env env;
  ASSERT_TRUE(env.exec("print('a', 1)\nprint('b')\n"));
  EXPECT_EQ(env.printed, "a 1\nb\n");
}

TEST(Eval, PassesPredeclaredNames) {
  Env env;
  StringDict pre{{"answer", Value::smallInt(42)}};
  auto m = env.exec("x = answer + 1\n", FileOptions::tilt(), pre);
  ASSERT_TRUE(m);
  EXPECT_EQ(repr(*m->find("x")), "43");
}

Result<Loader::Source> readFrom(const std::map<std::string, std::string>& files, std::string_view,
                                std::string_view module) {
  auto it = files.find(std::string(module));
  if (it == files.end()) return makeError("no such file: " + std::string(module));
  return Loader::Source{it->first, it->second};
}

TEST(Loader, CachesModulesAndBindsLoadedNames) {
  Env env;
  std::map<std::string, std::string> files = {
      {"lib.star", "print('loading lib')\nanswer = 42\n"},
      {"mid.star", "load('lib.star', 'answer')\nvalue = answer\n"},
  };
  Loader loader([&](std::string_view from, std::string_view m) { return readFrom(files, from, m); },
                {}, FileOptions::tilt());
  env.thread.setLoad([&](Thread& t, std::string_view m) { return loader(t, m); });
  auto m = env.exec("load('lib.star', 'answer')\nload('mid.star', v = 'value')\nx = (answer, v)\n");
  ASSERT_TRUE(m) << m.error().backtrace();
  EXPECT_EQ(repr(*m->find("x")), "(42, 42)");
  EXPECT_EQ(env.printed, "loading lib\n");
  // Loaded names are file-local: they are not globals of the module.
  EXPECT_EQ(m->find("answer"), nullptr);
}

TEST(Loader, DetectsCycles) {
  Env env;
  std::map<std::string, std::string> files = {
      {"a.star", "load('b.star', 'b')\na = 1\n"},
      {"b.star", "load('a.star', 'a')\nb = 1\n"},
  };
  Loader loader([&](std::string_view from, std::string_view m) { return readFrom(files, from, m); },
                {}, FileOptions::tilt());
  env.thread.setLoad([&](Thread& t, std::string_view m) { return loader(t, m); });
  EXPECT_EQ(env.error("load('a.star', 'a')\n"),
            "cannot load a.star: cannot load b.star: cannot load a.star: cycle in load graph");
}

TEST(Loader, ReportsMissingNamesWithHints) {
  Env env;
  std::map<std::string, std::string> files = {{"lib.star", "answer = 42\n"}};
  Loader loader([&](std::string_view from, std::string_view m) { return readFrom(files, from, m); },
                {}, FileOptions::tilt());
  env.thread.setLoad([&](Thread& t, std::string_view m) { return loader(t, m); });
  EXPECT_EQ(env.error("load('lib.star', 'answr')\n"),
            "load: name answr not found in module lib.star (did you mean answer?)");
  EXPECT_EQ(env.error("load('nope.star', 'x')\n"),
            "cannot load nope.star: no such file: nope.star");
}

TEST(Eval, EvaluatesExpressionsAndReplChunks) {
  Heap heap;
  HeapScope scope(&heap);
  Thread thread;
  auto v = evalExpr(thread, "<expr>", "[x * 2 for x in range(3)]", {}, FileOptions::tilt());
  ASSERT_TRUE(v) << v.error().backtrace();
  EXPECT_EQ(repr(*v), "[0, 2, 4]");

  StringDict globals;
  ASSERT_TRUE(execRepl(thread, "x = 1\ndef f():\n  return x + 1\n", globals, FileOptions::tilt()));
  auto r = execRepl(thread, "f() + x\n", globals, FileOptions::tilt());
  ASSERT_TRUE(r) << r.error().backtrace();
  EXPECT_EQ(repr(*r), "3");
  ASSERT_TRUE(execRepl(thread, "x = 10\n", globals, FileOptions::tilt()));
  EXPECT_EQ(repr(globals["x"]), "10");
}

TEST(Eval, CachesMethodsPerReceiverType) {
  Env env;
  EXPECT_EQ(env.global(
                "def f(x):\n  return x.index('a')\nr = [f('banana'), f(['b', 'a']), f('xa')]", "r"),
            "[1, 1, 1]");
  EXPECT_EQ(env.error("def f(x):\n  return x.index('a')\nf('a')\nf({})"),
            "dict has no .index field or method");
}

TEST(Eval, IndexesWithALiteralKeyWhateverTheDictsShape) {
  Env env;
  // One call site sees dicts whose "k" sits in different slots, is absent, was deleted and
  // re-added, is in a table big enough to be hashed, or has an equal key made at run time.
  EXPECT_EQ(env.global("def get(d):\n  return d['k']\n"
                       "a = {'k': 1, 'x': 2}\nb = {'x': 3, 'k': 4}\n"
                       "c = {'k': 5, 'y': 0}\nc.pop('k')\nc['k'] = 6\n"
                       "big = {str(i): i for i in range(100)}\nbig['k'] = 7\n"
                       "made = {'' + 'k'.upper().lower(): 8}\n"
                       "r = [get(a), get(b), get(c), get(big), get(made), get(a), get(b)]\n",
                       "r"),
            "[1, 4, 6, 7, 8, 1, 4]");
  EXPECT_EQ(env.error("def get(d):\n  return d['k']\nget({'k': 1})\nget({'x': 1})"),
            "key \"k\" not in dict");
  EXPECT_EQ(env.error("x = [1]['k']"), "list index: got string, want int");
  EXPECT_EQ(env.global("x = {'k': 2}['k'] + 1", "x"), "3");
}

TEST(Eval, RunsSimpleListComprehensions) {
  Env env;
  EXPECT_EQ(env.global("x = [i * i for i in range(5)]", "x"), "[0, 1, 4, 9, 16]");
  EXPECT_EQ(env.global("x = [i for i in (3, 4, 5, 6) if i % 2]", "x"), "[3, 5]");
  EXPECT_EQ(
      env.global("def f(xs):\n  return [k for k in xs if xs[k]]\nx = f({'a': 1, 'b': 0})", "x"),
      "[\"a\"]");
  // The loop variable belongs to the comprehension, not to the enclosing function.
  EXPECT_EQ(env.global("def f():\n  i = 'outer'\n  y = [i for i in [1, 2]]\n  return (i, y)\n"
                       "x = f()",
                       "x"),
            "(\"outer\", [1, 2])");
  EXPECT_EQ(env.error("x = [i for i in 3]"), "int value is not iterable");
  EXPECT_EQ(env.error("x = [i for i in [1, 0] if 1 // i]"), "floored division by zero");
  EXPECT_EQ(env.error("def f(xs):\n  return [xs.append(1) for x in xs]\nf([1])"),
            "append: cannot append to list during iteration");
}

TEST(Eval, FoldsConstantTuplesOnly) {
  Env env;
  EXPECT_EQ(env.global("def f(x):\n  return x in ('dict', 'list')\nr = [f('dict'), f('set')]", "r"),
            "[True, False]");
  // A tuple holding a list is made anew by every evaluation.
  EXPECT_EQ(env.global("def f():\n  return (1, [])\nf()[1].append(2)\nx = f()", "x"), "(1, [])");
  EXPECT_EQ(env.global("x = ((), ('a', (1, 2.5, None, True)))", "x"),
            "((), (\"a\", (1, 2.5, None, True)))");
}

TEST(Eval, NamesTypesInEveryHeap) {
  for (int i = 0; i < 2; ++i) {
    Env env;
    EXPECT_EQ(env.global("x = [type(v) for v in [None, True, 1, 1 << 70, 1.5, 's', [], (), {}, "
                         "set(), range(1), len, lambda: 0]]",
                         "x"),
              "[\"NoneType\", \"bool\", \"int\", \"int\", \"float\", \"string\", "
              "\"list\", \"tuple\", \"dict\", \"set\", \"range\", "
              "\"builtin_function_or_method\", \"function\"]");
  }
}

TEST(Eval, UnpacksPairsInForLoops) {
  Env env;
  EXPECT_EQ(env.global("def f(d):\n  out = []\n  for k, v in d.items():\n    out.append(k + v)\n"
                       "  for i, x in enumerate(['a', 'b']):\n    out.append(i)\n"
                       "  for a, b in [[1, 2], (3, 4)]:\n    out.append(b)\n  return out\n"
                       "x = f({'a': 'b', 'c': 'd'})",
                       "x"),
            "[\"ab\", \"cd\", 0, 1, 2, 4]");
  EXPECT_EQ(env.error("def f():\n  for a, b in [(1, 2, 3)]:\n    pass\nf()"),
            "too many values to unpack (got 3, want 2)");
  EXPECT_EQ(env.error("def f():\n  for a, b in [1]:\n    pass\nf()"),
            "got int in sequence assignment");
  EXPECT_EQ(env.global("x = ['a' in ['b', 1, 'a'], 2 in ('a', 2.0), 'c' in ('a', 'b')]", "x"),
            "[True, True, False]");
}

TEST(Eval, AppendsInPlaceAndReportsAsTheMethodDoes) {
  Env env;
  EXPECT_EQ(env.global("def f():\n  xs = []\n  for i in range(3):\n    xs.append(i * i)\n"
                       "  xs.append(xs.pop())\n  return xs\nx = f()",
                       "x"),
            "[0, 1, 4]");
  EXPECT_EQ(env.error("xs = [1]\ndef f():\n  for x in xs:\n    xs.append(x)\nf()"),
            "append: cannot append to list during iteration");
  EXPECT_EQ(env.error("def f(xs):\n  return xs.append(1)\nf({})"),
            "dict has no .append field or method");
  auto m = env.exec("xs = [1]\n");
  ASSERT_TRUE(m);
  auto frozen = env.exec("xs.append(2)", FileOptions::tilt(), {{"xs", *m->find("xs")}});
  ASSERT_FALSE(frozen);
  EXPECT_EQ(frozen.error().message(), "append: cannot append to frozen list");
}

TEST(Eval, CallsTypeAndLenInPlaceOnlyWhenTheyAreTheUniverses) {
  Env env;
  EXPECT_EQ(
      env.global("x = [len('abc'), len([1]), len({}), len(()), len(range(4)), type(len)]", "x"),
      "[3, 1, 0, 0, 4, \"builtin_function_or_method\"]");
  // len of a value without a length fails in the builtin, with its frame in the backtrace.
  auto m = env.exec("def f(x):\n  return len(x)\nf(1)\n");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message(), "len: value of type int has no len");
  EXPECT_NE(m.error().backtrace().find("in len"), std::string::npos) << m.error().backtrace();
  EXPECT_EQ(env.error("x = len(1, 2)"), "len: got 2 arguments, want 1");
  // A global or predeclared name shadows the builtin.
  EXPECT_EQ(env.global("def type(x):\n  return 'mine'\nx = type(1)", "x"), "\"mine\"");
  auto mine = env.exec("def len(s):\n  return -1\n");
  ASSERT_TRUE(mine);
  auto own = env.exec("x = len('abc')", FileOptions::tilt(), {{"len", *mine->find("len")}});
  ASSERT_TRUE(own) << own.error().backtrace();
  EXPECT_EQ(repr(*own->find("x")), "-1");
}

TEST(Eval, DescribesFunctions) {
  Env env;
  EXPECT_EQ(env.global("def f():\n  pass\nr = (str(f), type(f), str(lambda: 1))", "r"),
            "(\"<function f>\", \"function\", \"<function lambda>\")");
}

// Records the call stack and caller file seen by a builtin.
Result<Value> whereBuiltin(Thread& thread, const BuiltinCall&) {
  std::string out = thread.callerFile();
  for (const StackFrame& f : thread.callStack()) {
    out += " " + f.function + "@" + std::to_string(f.line);
  }
  return makeString(out);
}

TEST(Thread, ExposesTheCallStackToBuiltins) {
  Env env;
  StringDict pre{{"where", make<Builtin>("where", whereBuiltin)}};
  auto m = env.exec("def f():\n  return where()\nr = f()\n", FileOptions::tilt(), pre);
  ASSERT_TRUE(m) << m.error().backtrace();
  EXPECT_EQ(m->find("r")->str(), "test.star <toplevel>@3 f@2 where@0");
  EXPECT_TRUE(env.thread.callStack().empty());
}

// A host callable: adds its positional arguments.
class Adder final : public Callable {
 public:
  std::string_view typeName() const override { return "adder"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    out += "<adder>";
  }
  std::string_view name() const override { return "adder"; }
  Result<Value> call(Thread&, CallArgs args) override {
    int64_t sum = 0;
    for (const Value& v : args.positional) {
      if (!v.isSmallInt()) return makeError("adder: want ints");
      sum += v.asSmallInt();
    }
    return Value::smallInt(sum);
  }
};

TEST(Eval, CallsHostCallables) {
  Env env;
  StringDict pre{{"adder", make<Adder>()}};
  auto m = env.exec("r = adder(1, 2, 3)\n", FileOptions::tilt(), pre);
  ASSERT_TRUE(m) << m.error().backtrace();
  EXPECT_EQ(repr(*m->find("r")), "6");
  auto e = env.exec("adder('x')\n", FileOptions::tilt(), pre);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().backtrace(),
            "Traceback (most recent call last):\n  test.star:1:6: in <toplevel>\n"
            "Error in adder: adder: want ints");
}

size_t allocatedBytes() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

TEST(Eval, ReexecutingInFreshHeapsDoesNotGrowMemory) {
  const char* src = R"(
x = []
x.append(x)              # a cycle, freed only with the Heap
d = {"self": None}
d["self"] = d
def f(n):
    return [str(i) for i in range(n)]
def g():
    y = [1]
    def h():
        return y
    return h
k = g()
r = f(20)
)";
  auto once = [&] {
    Heap heap;
    HeapScope scope(&heap);
    Thread thread;
    auto m = execFile(thread, "mem.star", src, {}, FileOptions::tilt());
    ASSERT_TRUE(m) << m.error().backtrace();
  };
  for (int i = 0; i < 20; ++i) once();  // warm up static state and allocator caches
  size_t before = allocatedBytes();
  for (int i = 0; i < 1000; ++i) once();
  size_t after = allocatedBytes();
  EXPECT_LT(after, before + 64 * 1024) << "before " << before << " after " << after;
}

}  // namespace
}  // namespace slant::starlark
