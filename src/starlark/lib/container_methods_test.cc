#include <gtest/gtest.h>

#include <algorithm>

#include "starlark/lib/lib_test_util.h"

namespace slant::starlark::lib {
namespace {

using namespace testing;  // NOLINT: the value constructors

class ListMethods : public LibTest {};

TEST_F(ListMethods, TablesAreSortedAndFound) {
  for (const Value& x : {L({}), D({}), *call("set", {}), S("")}) {
    std::vector<std::string> names = methodNames(x);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << typeName(x);
    for (const std::string& name : names) {
      const Method* m = findMethod(x, name);
      ASSERT_NE(m, nullptr) << name;
      EXPECT_EQ(m->name, name);
      EXPECT_EQ(findMethod(x, name + "x"), nullptr);
      EXPECT_EQ(findMethod(x, name.substr(0, name.size() - 1)), nullptr);
    }
  }
  EXPECT_EQ(methodNames(L({})), (std::vector<std::string>{"append", "clear", "extend", "index",
                                                          "insert", "pop", "remove"}));
  EXPECT_EQ(findMethod(L({}), ""), nullptr);
  EXPECT_EQ(findMethod(L({}), "Append"), nullptr);
  EXPECT_EQ(findMethod(None(), "append"), nullptr);
}

TEST_F(ListMethods, AppendExtendInsert) {
  Value x = L({I(1), I(2), I(3)});
  EXPECT_EQ(show(method(x, "append", {I(4)})), "None");
  EXPECT_EQ(show(method(x, "append", {S("abc")})), "None");
  EXPECT_EQ(repr(x), "[1, 2, 3, 4, \"abc\"]");
  EXPECT_EQ(show(method(x, "append", {})), "error: append: got 0 arguments, want 1");
  EXPECT_EQ(show(method(x, "append", {I(1), I(2)})), "error: append: got 2 arguments, want 1");

  Value y = L({I(1)});
  EXPECT_EQ(show(method(y, "extend", {*method(S("ab"), "elems", {})})), "None");
  EXPECT_EQ(show(method(y, "extend", {T({B(true)})})), "None");
  EXPECT_EQ(show(method(y, "extend", {y})), "None");
  EXPECT_EQ(repr(y), "[1, \"a\", \"b\", True, 1, \"a\", \"b\", True]");
  EXPECT_EQ(show(method(y, "extend", {S("bc")})),
            "error: extend: for parameter 1: got string, want iterable");

  auto insert_at = [&](int64_t i) {
    Value z = L({I(0), I(1), I(2)});
    EXPECT_TRUE(method(z, "insert", {I(i), I(42)}));
    return repr(z);
  };
  EXPECT_EQ(insert_at(-99), "[42, 0, 1, 2]");
  EXPECT_EQ(insert_at(-2), "[0, 42, 1, 2]");
  EXPECT_EQ(insert_at(-1), "[0, 1, 42, 2]");
  EXPECT_EQ(insert_at(0), "[42, 0, 1, 2]");
  EXPECT_EQ(insert_at(3), "[0, 1, 2, 42]");
  EXPECT_EQ(insert_at(4), "[0, 1, 2, 42]");
}

TEST_F(ListMethods, PopRemoveIndexClear) {
  Value x = L({I(1), I(2), I(3), I(4), I(5)});
  EXPECT_EQ(show(method(x, "pop", {I(-6)})), "error: pop: list index -6 out of range [-5:4]");
  EXPECT_EQ(show(method(x, "pop", {I(6)})), "error: pop: list index 6 out of range [-5:4]");
  EXPECT_EQ(show(method(x, "pop", {})), "5");
  EXPECT_EQ(show(method(x, "pop", {I(1)})), "2");
  EXPECT_EQ(show(method(x, "pop", {I(-2)})), "3");
  EXPECT_EQ(repr(x), "[1, 4]");
  EXPECT_EQ(show(method(L({}), "pop", {})), "error: pop: index -1 out of range: empty list");

  Value r = L({I(3), I(1), I(4), I(1)});
  EXPECT_EQ(show(method(r, "remove", {I(1)})), "None");
  EXPECT_EQ(repr(r), "[3, 4, 1]");
  EXPECT_EQ(show(method(r, "remove", {I(42)})), "error: remove: element not found");

  Value b = *call("list", {*method(S("bananas"), "elems", {})});
  EXPECT_EQ(show(method(b, "index", {S("a")})), "1");
  EXPECT_EQ(show(method(b, "index", {S("a"), I(2)})), "3");
  EXPECT_EQ(show(method(b, "index", {S("n"), I(-3)})), "4");
  EXPECT_EQ(show(method(b, "index", {S("n"), I(-2)})), "error: index: value not in list");
  EXPECT_EQ(show(method(b, "index", {S("s"), I(-1000), I(7)})), "6");
  EXPECT_EQ(show(method(b, "index", {S("s"), I(-1000), I(6)})), "error: index: value not in list");

  EXPECT_EQ(show(method(b, "clear", {})), "None");
  EXPECT_EQ(repr(b), "[]");
}

TEST_F(ListMethods, RefuseToMutateFrozenLists) {
  Value x = L({I(0)});
  freeze(x);
  EXPECT_EQ(show(method(x, "clear", {})), "error: clear: cannot clear frozen list");
  EXPECT_EQ(show(method(x, "append", {I(1)})), "error: append: cannot append to frozen list");
  EXPECT_EQ(show(method(x, "pop", {})), "error: pop: cannot pop from frozen list");
  EXPECT_EQ(show(method(x, "index", {I(0)})), "0");
}

class DictMethods : public LibTest {};

TEST_F(DictMethods, PopPopitemKeysValues) {
  Value x = D({{S("a"), I(1)}, {S("b"), I(2)}});
  EXPECT_EQ(show(method(x, "pop", {S("a")})), "1");
  EXPECT_EQ(repr(x), "{\"b\": 2}");
  EXPECT_EQ(show(method(x, "pop", {S("c")})), "error: pop: missing key");
  EXPECT_EQ(show(method(x, "pop", {S("c"), I(3)})), "3");
  EXPECT_EQ(show(method(x, "pop", {S("c"), None()})), "None");
  EXPECT_EQ(show(method(x, "pop", {L({})})), "error: pop: unhashable type: list");

  Value y = D({{S("a"), I(1)}, {S("b"), I(2)}});
  EXPECT_EQ(show(method(y, "keys", {})), "[\"a\", \"b\"]");
  EXPECT_EQ(show(method(y, "values", {})), "[1, 2]");
  EXPECT_EQ(show(method(y, "items", {})), "[(\"a\", 1), (\"b\", 2)]");
  EXPECT_EQ(show(method(y, "popitem", {})), "(\"a\", 1)");
  EXPECT_EQ(show(method(y, "popitem", {})), "(\"b\", 2)");
  EXPECT_EQ(show(method(y, "popitem", {})), "error: popitem: empty dict");
}

TEST_F(DictMethods, GetSetdefaultUpdateClear) {
  Value x = D({{S("a"), I(1)}});
  EXPECT_EQ(show(method(x, "get", {S("a")})), "1");
  EXPECT_EQ(show(method(x, "get", {S("b")})), "None");
  EXPECT_EQ(show(method(x, "get", {S("b"), I(2)})), "2");
  EXPECT_EQ(show(method(x, "get", {L({})})), "error: get: unhashable type: list");
  EXPECT_EQ(show(method(x, "setdefault", {S("a")})), "1");
  EXPECT_EQ(show(method(x, "setdefault", {S("b")})), "None");
  EXPECT_EQ(show(method(x, "setdefault", {S("c"), I(2)})), "2");
  EXPECT_EQ(show(method(x, "setdefault", {S("c"), I(3)})), "2");
  EXPECT_EQ(repr(x), "{\"a\": 1, \"b\": None, \"c\": 2}");

  Value u = D({{S("a"), I(1)}});
  EXPECT_EQ(show(method(u, "update", {}, {{"a", I(2)}, {"b", I(3)}})), "None");
  EXPECT_EQ(show(method(u, "update", {L({T({S("b"), I(4)}), T({S("c"), I(5)})})})), "None");
  EXPECT_EQ(show(method(u, "update", {D({{S("c"), I(6)}, {S("d"), I(7)}})})), "None");
  EXPECT_EQ(repr(u), "{\"a\": 2, \"b\": 4, \"c\": 6, \"d\": 7}");
  EXPECT_EQ(show(method(u, "update", {None()})), "error: update: got NoneType, want iterable");
  EXPECT_EQ(show(method(u, "update", {L({}), L({})})),
            "error: update: got 2 arguments, want at most 1");
  EXPECT_EQ(show(method(u, "update", {u})), "None");

  EXPECT_EQ(show(method(u, "clear", {})), "None");
  EXPECT_EQ(repr(u), "{}");
}

TEST_F(DictMethods, RefuseToMutateFrozenDicts) {
  Value x = D({{S("a"), I(1)}});
  freeze(x);
  EXPECT_EQ(show(method(x, "clear", {})), "error: cannot clear frozen hash table");
  EXPECT_EQ(show(method(x, "setdefault", {S("a"), I(1)})), "1");
  EXPECT_EQ(show(method(x, "setdefault", {S("d"), I(1)})),
            "error: setdefault: cannot insert into frozen hash table");
  EXPECT_EQ(show(method(x, "update", {D({{S("a"), I(8)}})})),
            "error: update: cannot insert into frozen hash table");
  EXPECT_EQ(show(method(x, "pop", {S("zz"), I(0)})),
            "error: pop: cannot delete from frozen hash table");
}

class SetMethods : public LibTest {};

TEST_F(SetMethods, UnionAcceptsAnyIterable) {
  Value x = *call("set", {L({I(1), I(2), I(3)})});
  EXPECT_EQ(show(method(x, "union", {L({I(5), I(1)})})), "set([1, 2, 3, 5])");
  EXPECT_EQ(show(method(x, "union", {T({I(6), I(5), I(4)})})), "set([1, 2, 3, 6, 5, 4])");
  EXPECT_EQ(show(method(x, "union", {L({I(1), I(2), D({})})})),
            "error: union: unhashable type: dict");
  EXPECT_EQ(show(method(*call("set", {}), "union", {L({})})), "set([])");
  EXPECT_EQ(repr(x), "set([1, 2, 3])");
  EXPECT_EQ(methodNames(x).size(), 11u);
}

TEST_F(SetMethods, MutateAndCompareAsTiltsStarlarkDoes) {
  Value s = *call("set", {L({I(1), I(2), I(3)})});
  EXPECT_EQ(show(method(s, "add", {I(4)})), "None");
  EXPECT_EQ(show(method(s, "remove", {I(1)})), "None");
  EXPECT_EQ(show(method(s, "remove", {I(1)})), "error: remove: missing key");
  EXPECT_EQ(show(method(s, "discard", {I(1)})), "None");
  EXPECT_EQ(show(method(s, "intersection", {L({I(2), I(9)})})), "set([2])");
  EXPECT_EQ(show(method(s, "symmetric_difference", {L({I(4), I(5)})})), "set([2, 3, 5])");
  EXPECT_EQ(show(method(s, "issubset", {L({I(2), I(3), I(4), I(7)})})), "True");
  EXPECT_EQ(show(method(s, "pop", {})), "2");
  freeze(s);
  EXPECT_EQ(show(method(s, "add", {I(8)})), "error: add: cannot insert into frozen hash table");
}

}  // namespace
}  // namespace slant::starlark::lib
