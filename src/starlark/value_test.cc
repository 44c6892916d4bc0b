// Tests of the object types: printing, hashing, freezing, equality, the hash table, iteration and
// the Heap that frees cycles.
#include "starlark/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "starlark/int.h"

namespace slant::starlark {
namespace {

using syntax::Token;

Value S(std::string s) { return makeString(std::move(s)); }
Value I(int64_t i) { return Value::smallInt(i); }
Value F(double f) { return Value::floating(f); }
Value L(ValueVector v) { return make<List>(std::move(v)); }
Value T(ValueVector v) { return make<Tuple>(std::move(v)); }
Value D(std::vector<std::pair<Value, Value>> items) {
  Value d = make<Dict>();
  for (auto& [k, v] : items) EXPECT_TRUE(d.as<Dict>()->set(k, v).has_value());
  return d;
}
Value SetOf(ValueVector elems) {
  Value s = make<Set>();
  for (auto& e : elems) EXPECT_TRUE(s.as<Set>()->add(e).has_value());
  return s;
}

// ---- printing -------------------------------------------------------------------------------

TEST(Value, PrintsScalars) {
  EXPECT_EQ(repr(Value()), "None");
  EXPECT_EQ(repr(Value::boolean(true)), "True");
  EXPECT_EQ(repr(Value::boolean(false)), "False");
  EXPECT_EQ(repr(I(-42)), "-42");
  EXPECT_EQ(repr(I(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(str(S("abc")), "abc");
  EXPECT_EQ(repr(S("abc")), "\"abc\"");
}

TEST(Value, NamesTypesAsGoStarlark) {
  EXPECT_EQ(typeName(Value()), "NoneType");
  EXPECT_EQ(typeName(Value::boolean(true)), "bool");
  EXPECT_EQ(typeName(I(1)), "int");
  EXPECT_EQ(typeName(makeIntFromDecimal("100000000000000000000")), "int");
  EXPECT_EQ(typeName(F(1)), "float");
  EXPECT_EQ(typeName(S("")), "string");
  EXPECT_EQ(typeName(L({})), "list");
  EXPECT_EQ(typeName(T({})), "tuple");
  EXPECT_EQ(typeName(D({})), "dict");
  EXPECT_EQ(typeName(SetOf({})), "set");
  EXPECT_EQ(typeName(make<Range>(0, 1, 1)), "range");
}

TEST(Value, QuotesStringsAsGoStrconvQuote) {
  EXPECT_EQ(repr(S("a\"b\\c")), R"("a\"b\\c")");
  EXPECT_EQ(repr(S("\a\b\f\n\r\t\v")), R"("\a\b\f\n\r\t\v")");
  EXPECT_EQ(repr(S(std::string("\x00\x01\x1f\x7f", 4))), R"("\x00\x01\x1f\x7f")");
  EXPECT_EQ(repr(S("'")), R"("'")");
  // Printable UTF-8 is kept; invalid bytes are escaped one by one.
  EXPECT_EQ(repr(S("Hello, 世界! é 😿")), "\"Hello, 世界! é 😿\"");
  EXPECT_EQ(repr(S("\xe4")), R"("\xe4")");
  EXPECT_EQ(repr(S("\xff\xfe")), R"("\xff\xfe")");
  EXPECT_EQ(repr(S("\xed\xa0\x80")), R"("\xed\xa0\x80")");  // a surrogate is malformed
  EXPECT_EQ(repr(S("\xc0\xaf")), R"("\xc0\xaf")");          // overlong
  EXPECT_EQ(repr(S("\xef\xbf\xbd")), "\"\xef\xbf\xbd\"");   // U+FFFD itself is printable
  // Non-printable code points use \u and \U.
  EXPECT_EQ(repr(S("\xc2\xa0")), R"("\u00a0")");              // no-break space
  EXPECT_EQ(repr(S("\xc2\xad")), R"("\u00ad")");              // soft hyphen (Cf)
  EXPECT_EQ(repr(S("\xe2\x80\xa8")), R"("\u2028")");          // line separator
  EXPECT_EQ(repr(S("\xf3\xa0\x80\x81")), R"("\U000e0001")");  // language tag
}

TEST(Value, PrintsContainers) {
  EXPECT_EQ(repr(L({I(1), S("a")})), R"([1, "a"])");
  EXPECT_EQ(str(L({I(1), S("a")})), R"([1, "a"])");
  EXPECT_EQ(repr(L({})), "[]");
  EXPECT_EQ(repr(T({})), "()");
  EXPECT_EQ(repr(T({I(1)})), "(1,)");
  EXPECT_EQ(repr(T({I(1), I(2)})), "(1, 2)");
  EXPECT_EQ(repr(D({{S("a"), I(1)}, {I(2), L({})}})), R"({"a": 1, 2: []})");
  EXPECT_EQ(repr(SetOf({I(1), I(2)})), "set([1, 2])");
  EXPECT_EQ(repr(SetOf({})), "set([])");
  EXPECT_EQ(repr(D({{F(INFINITY), I(1)}, {F(-INFINITY), I(2)}})), "{+inf: 1, -inf: 2}");
}

TEST(Value, PrintsRangesAsGoStarlark) {
  EXPECT_EQ(repr(make<Range>(0, 10, 1)), "range(10)");
  EXPECT_EQ(repr(make<Range>(1, 10, 1)), "range(1, 10)");
  EXPECT_EQ(repr(make<Range>(0, 10, -1)), "range(0, 10, -1)");
  EXPECT_EQ(repr(make<Range>(0, 10, 2)), "range(0, 10, 2)");
}

Result<Value> dummyBuiltin(Thread&, const BuiltinCall&) { return Value(); }

TEST(Value, PrintsBuiltins) {
  EXPECT_EQ(repr(make<Builtin>("len", dummyBuiltin)), "<built-in function len>");
  EXPECT_EQ(repr(make<Builtin>("append", dummyBuiltin, L({}))),
            "<built-in method append of list value>");
  EXPECT_EQ(typeName(make<Builtin>("len", dummyBuiltin)), "builtin_function_or_method");
}

TEST(Value, PrintsCyclesAsEllipsis) {
  // misc.star: cyclic = [1, 2, 3]; cyclic[1] = cyclic
  Heap heap;
  HeapScope scope(&heap);
  Value cyclic = L({I(1), I(2), I(3)});
  cyclic.as<List>()->mutableElems()[1] = cyclic;
  EXPECT_EQ(str(cyclic), "[1, [...], 3]");

  Value cyclic3 = L({I(1), L({I(2), I(3)})});  // list-list cycle
  cyclic3.as<List>()->elems()[1].as<List>()->mutableElems()[0] = cyclic3;
  EXPECT_EQ(str(cyclic3), "[1, [[...], 3]]");

  Value cyclic4 = D({{S("x"), I(1)}});
  ASSERT_TRUE(cyclic4.as<Dict>()->set(S("x"), cyclic4));
  EXPECT_EQ(str(cyclic4), R"({"x": {...}})");

  Value cyclic5 = L({I(0), D({{S("x"), I(1)}})});  // list-dict cycle
  ASSERT_TRUE(cyclic5.as<List>()->elems()[1].as<Dict>()->set(S("x"), cyclic5));
  EXPECT_EQ(str(cyclic5), R"([0, {"x": [...]}])");
  EXPECT_EQ(str(cyclic5), R"([0, {"x": [...]}])");
}

TEST(Value, FormatsFloatsAsGoStarlark) {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1.0, "1.0"},
      {123.0, "123.0"},
      {123456.0, "123456.0"},
      {1234567.0, "1.234567e+06"},
      {1e6, "1e+06"},
      {1e5, "100000.0"},
      {1e100, "1e+100"},
      {1e21, "1e+21"},
      {0.1, "0.1"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.2e-7, "1.2e-07"},
      {1.23e45, "1.23e+45"},
      {-1.23e-45, "-1.23e-45"},
      {1.110, "1.11"},
      {100.0 / 7.0, "14.285714285714286"},
      {0.1 + 0.2, "0.30000000000000004"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {1.23e-45 - (1.23 / 1e45), "-1.5557538194652854e-61"},
      {INFINITY, "+inf"},
      {-INFINITY, "-inf"},
      {NAN, "nan"},
  };
  for (auto [f, want] : cases) EXPECT_EQ(repr(F(f)), want) << f;
}

TEST(Value, FormatsFloatConversions) {
  auto fmt = [](double f, char conv) {
    std::string s;
    writeFloat(s, f, conv);
    return s;
  };
  EXPECT_EQ(fmt(0, 'e'), "0.000000e+00");
  EXPECT_EQ(fmt(123, 'e'), "1.230000e+02");
  EXPECT_EQ(fmt(1.23e45, 'e'), "1.230000e+45");
  EXPECT_EQ(fmt(-1.23e-45, 'e'), "-1.230000e-45");
  EXPECT_EQ(fmt(-0.0, 'e'), "-0.000000e+00");
  EXPECT_EQ(fmt(1.5, 'E'), "1.500000E+00");
  EXPECT_EQ(fmt(0, 'f'), "0.000000");
  EXPECT_EQ(fmt(123, 'f'), "123.000000");
  EXPECT_EQ(fmt(1.23e45, 'f'), "1229999999999999973814869011019624571608236032.000000");
  EXPECT_EQ(fmt(-1.23e-45, 'f'), "-0.000000");
  EXPECT_EQ(fmt(-0.0, 'f'), "-0.000000");
  EXPECT_EQ(fmt(NAN, 'f'), "nan");
  EXPECT_EQ(fmt(INFINITY, 'e'), "+inf");
  EXPECT_EQ(fmt(-INFINITY, 'g'), "-inf");
  EXPECT_EQ(fmt(1e6, 'G'), "1E+06");
  EXPECT_EQ(fmt(1.5, 'G'), "1.5");
  EXPECT_EQ(fmt(1.5, 'F'), "%F");  // Go's FormatFloat has no 'F' verb
}

// ---- truth, hash, freeze --------------------------------------------------------------------

TEST(Value, HasTruthValues) {
  EXPECT_FALSE(truth(Value()));
  EXPECT_FALSE(truth(I(0)));
  EXPECT_TRUE(truth(I(-1)));
  EXPECT_FALSE(truth(F(0.0)));
  EXPECT_TRUE(truth(F(-1e-45)));
  EXPECT_TRUE(truth(F(NAN)));
  EXPECT_FALSE(truth(S("")));
  EXPECT_TRUE(truth(S(std::string(1, '\0'))));
  EXPECT_FALSE(truth(L({})));
  EXPECT_TRUE(truth(L({I(0)})));
  EXPECT_TRUE(truth(T({Value::boolean(false)})));
  EXPECT_FALSE(truth(D({})));
  EXPECT_TRUE(truth(D({{Value::boolean(false), Value::boolean(false)}})));
  EXPECT_FALSE(truth(SetOf({})));
  EXPECT_TRUE(truth(make<Range>(1, 2, 1)));
  EXPECT_FALSE(truth(make<Range>(2, 1, 1)));
  EXPECT_TRUE(truth(makeIntFromDecimal("123456789012345678901234567890")));
}

TEST(Value, HashesEqualValuesEqually) {
  EXPECT_EQ(*hash(S("hello")), *hash(S(std::string("hel") + "lo")));
  const std::string longer(100, 'x');
  EXPECT_EQ(*hash(S(longer)), *hash(S(std::string(longer))));
  EXPECT_NE(*hash(S("hello")), *hash(S("hellp")));
  EXPECT_EQ(*hash(T({I(1), S("a")})), *hash(T({I(1), S("a")})));
  EXPECT_EQ(*hash(I(123)), *hash(F(123.0)));
  EXPECT_EQ(*hash(I(0)), *hash(F(-0.0)));
  EXPECT_EQ(*hash(T({I(1)})), *hash(T({F(1.0)})));
}

TEST(Value, ReportsUnhashableTypes) {
  EXPECT_EQ(hash(L({})).error().message(), "unhashable type: list");
  EXPECT_EQ(hash(D({})).error().message(), "unhashable type: dict");
  EXPECT_EQ(hash(SetOf({})).error().message(), "unhashable type: set");
  EXPECT_EQ(hash(T({I(1), L({})})).error().message(), "unhashable type: list");
  EXPECT_EQ(hash(make<Range>(0, 10, 1)).error().message(), "unhashable: range");
  EXPECT_TRUE(hash(make<Builtin>("len", dummyBuiltin)).has_value());
}

TEST(Value, FreezesRecursivelyAndToleratesCycles) {
  Heap heap;
  HeapScope scope(&heap);
  Value inner = L({I(1)});
  Value d = D({{S("k"), inner}});
  Value outer = L({T({d}), SetOf({I(1)})});
  outer.as<List>()->mutableElems().push_back(outer);  // a cycle
  EXPECT_FALSE(isFrozen(outer));
  freeze(outer);
  EXPECT_TRUE(isFrozen(outer));
  EXPECT_TRUE(isFrozen(inner));
  EXPECT_TRUE(isFrozen(d));
  EXPECT_TRUE(isFrozen(outer.as<List>()->elems()[1]));
  EXPECT_TRUE(isFrozen(I(1)));
  EXPECT_TRUE(isFrozen(S("x")));
  EXPECT_EQ(inner.as<List>()->checkMutable("append to").error().message(),
            "cannot append to frozen list");
  EXPECT_EQ(d.as<Dict>()->set(S("a"), I(3)).error().message(),
            "cannot insert into frozen hash table");
  EXPECT_EQ(d.as<Dict>()->checkMutable("clear").error().message(),
            "cannot clear frozen hash table");
}

TEST(Value, FreezingABoundMethodFreezesItsReceiver) {
  Value list = L({});
  Value method = make<Builtin>("append", dummyBuiltin, list);
  freeze(method);
  EXPECT_TRUE(isFrozen(list));
}

// ---- equality -------------------------------------------------------------------------------

TEST(Value, ComparesContainersElementwise) {
  EXPECT_TRUE(*equal(L({}), L({})));
  EXPECT_TRUE(*equal(L({I(1), I(2)}), L({I(1), I(2)})));
  EXPECT_FALSE(*equal(L({I(1), I(2), I(3)}), L({I(1), I(2), I(4)})));
  EXPECT_FALSE(*equal(L({I(1)}), T({I(1)})));
  EXPECT_TRUE(*equal(T({I(1), F(2.0)}), T({F(1.0), I(2)})));
  EXPECT_TRUE(*equal(D({{S("a"), I(1)}, {S("b"), I(2)}}), D({{S("b"), I(2)}, {S("a"), I(1)}})));
  EXPECT_TRUE(*equal(D({{S("a"), I(1)}}), D({{S("a"), F(1.0)}})));
  EXPECT_FALSE(*equal(D({{S("a"), I(1)}}), D({{S("a"), I(2)}})));
  EXPECT_TRUE(*equal(SetOf({I(1), I(2), I(3)}), SetOf({I(3), I(2), I(1)})));
  EXPECT_FALSE(*equal(SetOf({I(1), I(2)}), SetOf({I(3), I(2)})));
  EXPECT_TRUE(*equal(make<Range>(0, 5, 10), make<Range>(0, 5, 11)));
  EXPECT_TRUE(*equal(make<Range>(0, 3, 1), make<Range>(0, 3, 1)));
  EXPECT_TRUE(*equal(make<Range>(5, 5, 1), make<Range>(7, 2, 1)));
  EXPECT_FALSE(*equal(make<Range>(0, 3, 1), make<Range>(1, 3, 1)));
  EXPECT_TRUE(*equal(L({F(NAN)}), L({F(NAN)})));  // NaN equals NaN in Starlark
  EXPECT_FALSE(*equal(Value(), Value::boolean(false)));
  EXPECT_FALSE(*equal(Value::boolean(true), I(1)));
  EXPECT_FALSE(*equal(Value::boolean(false), F(0.0)));
}

TEST(Value, FailsToCompareCyclesBeyondTheDepthLimit) {
  Heap heap;
  HeapScope scope(&heap);
  Value cyclic = L({I(1), I(2), I(3)});
  cyclic.as<List>()->mutableElems()[1] = cyclic;
  Value cyclic2 = L({I(1), I(2), I(3)});
  cyclic2.as<List>()->mutableElems()[1] = cyclic2;
  EXPECT_EQ(equal(cyclic, cyclic).error().message(), "comparison exceeded maximum recursion depth");
  EXPECT_EQ(equal(cyclic2, cyclic).error().message(),
            "comparison exceeded maximum recursion depth");
  EXPECT_EQ(compare(Token::kLt, cyclic, cyclic).error().message(),
            "comparison exceeded maximum recursion depth");
  // Nine levels of nesting are fine; the tenth is not.
  Value a = I(0), b = I(0);
  for (int i = 0; i < 9; ++i) {
    a = L({a});
    b = L({b});
  }
  EXPECT_TRUE(*equal(a, b));
  EXPECT_FALSE(equal(L({a}), L({b})).has_value());
}

TEST(Value, ComparesBuiltinsByIdentity) {
  Value list = L({});
  Value f = make<Builtin>("len", dummyBuiltin);
  EXPECT_TRUE(*equal(f, f));
  EXPECT_FALSE(*equal(make<Builtin>("append", dummyBuiltin, list),
                      make<Builtin>("append", dummyBuiltin, list)));
}

// ---- hash table -----------------------------------------------------------------------------

TEST(HashTable, KeepsInsertionOrderAcrossGrowthAndDeletion) {
  Value d = make<Dict>();
  Dict& dict = *d.as<Dict>();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(dict.set(I(i * 7919 % 1000), I(i)));
  EXPECT_EQ(dict.table.size(), 1000u);
  for (int i = 0; i < 1000; i += 2) {
    auto removed = dict.table.remove(I(i * 7919 % 1000));
    ASSERT_TRUE(removed && *removed);
    EXPECT_EQ((*removed)->asSmallInt(), i) << i;
  }
  EXPECT_EQ(dict.table.size(), 500u);
  std::vector<int64_t> keys;
  dict.table.forEach([&](const HashTable::Entry& e) {
    keys.push_back(e.key.asSmallInt());
    return true;
  });
  ASSERT_EQ(keys.size(), 500u);
  for (int j = 0; j < 500; ++j) EXPECT_EQ(keys[j], (2 * j + 1) * 7919 % 1000);
  for (int i = 1; i < 1000; i += 2) {
    auto got = dict.table.get(I(i * 7919 % 1000));
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->asSmallInt(), i);
  }
  for (int i = 0; i < 1000; i += 2) EXPECT_FALSE(*dict.table.get(I(i * 7919 % 1000)));
}

TEST(HashTable, ReplacesValuesInPlace) {
  // dict([("b", 0), ("a", 1), ("b", 2), ("c", 3)]) has keys b, a, c and d["b"] == 2.
  Value d = D({{S("b"), I(0)}, {S("a"), I(1)}, {S("b"), I(2)}, {S("c"), I(3)}});
  EXPECT_EQ(repr(d), R"({"b": 2, "a": 1, "c": 3})");
}

TEST(HashTable, DeletesHeadMiddleAndTail) {
  // dict.star's test_delete.
  Value d = make<Dict>();
  Dict& dict = *d.as<Dict>();
  auto pop = [&](const char* k) { ASSERT_TRUE(dict.table.remove(S(k))); };
  ASSERT_TRUE(dict.set(S("one"), I(1)));
  ASSERT_TRUE(dict.set(S("two"), I(2)));
  pop("two");
  EXPECT_EQ(str(d), R"({"one": 1})");
  pop("one");
  EXPECT_EQ(str(d), "{}");
  ASSERT_TRUE(dict.set(S("one"), I(1)));
  ASSERT_TRUE(dict.set(S("two"), I(2)));
  pop("one");
  EXPECT_EQ(str(d), R"({"two": 2})");
  pop("two");
  EXPECT_EQ(str(d), "{}");
  ASSERT_TRUE(dict.set(S("one"), I(1)));
  ASSERT_TRUE(dict.set(S("two"), I(2)));
  ASSERT_TRUE(dict.set(S("three"), I(3)));
  pop("two");
  EXPECT_EQ(str(d), R"({"one": 1, "three": 3})");
  pop("three");
  EXPECT_EQ(str(d), R"({"one": 1})");
  ASSERT_TRUE(dict.set(S("four"), I(4)));
  EXPECT_EQ(str(d), R"({"one": 1, "four": 4})");
}

TEST(HashTable, TreatsEqualIntsAndFloatsAsOneKey) {
  // float.star: d = {123.0: "x"}; d[123] = "y"
  Value d = D({{F(123.0), S("x")}});
  ASSERT_TRUE(d.as<Dict>()->set(I(123), S("y")));
  EXPECT_EQ(d.as<Dict>()->table.size(), 1u);
  EXPECT_EQ(str(**d.as<Dict>()->table.get(F(123.0))), "y");
  // All NaNs are one key.
  Value nans = D({{F(NAN), I(1)}});
  ASSERT_TRUE(nans.as<Dict>()->set(F(NAN), I(2)));
  ASSERT_TRUE(nans.as<Dict>()->set(F(std::nan("1")), I(3)));
  EXPECT_EQ(str(nans), "{nan: 3}");
  // Big ints and floats beyond int64.
  Value big = makeIntFromDecimal("1229999999999999973814869011019624571608236032");
  Value d2 = D({{F(1.23e45), S("f")}});
  ASSERT_TRUE(d2.as<Dict>()->set(big, S("i")));
  EXPECT_EQ(str(d2), R"({1.23e+45: "i"})");
}

TEST(HashTable, RejectsUnhashableKeys) {
  Value d = make<Dict>();
  EXPECT_EQ(d.as<Dict>()->set(L({}), I(2)).error().message(), "unhashable type: list");
  EXPECT_EQ(d.as<Dict>()->table.get(D({})).error().message(), "unhashable type: dict");
  Value s = make<Set>();
  EXPECT_EQ(s.as<Set>()->add(D({})).error().message(), "unhashable type: dict");
}

TEST(HashTable, UsesTuplesAsKeys) {
  Value d = D({{T({I(1), I(2)}), I(3)}});
  auto got = d.as<Dict>()->table.get(T({I(1), F(2.0)}));
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->asSmallInt(), 3);
}

TEST(HashTable, ClearsAndReserves) {
  Value d = make<Dict>();
  HashTable& t = d.as<Dict>()->table;
  t.reserve(100);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(t.insert(S(std::to_string(i)), I(i)));
  EXPECT_EQ(t.entries().size(), 100u);
  EXPECT_EQ(t.entries()[42]->key.str(), "42");
  t.clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(*t.get(S("1")));
  ASSERT_TRUE(t.insert(S("x"), I(1)));
  EXPECT_EQ(str(d), R"({"x": 1})");
}

// ---- iteration ------------------------------------------------------------------------------

std::string iterate(const Value& x) {
  auto it = Iterator::of(x);
  if (!it) return it.error().message();
  std::string out;
  Value v;
  while ((*it)->next(v)) out += repr(v) + " ";
  return out;
}

TEST(Iterator, IteratesEveryIterableType) {
  EXPECT_EQ(iterate(L({I(1), S("a")})), "1 \"a\" ");
  EXPECT_EQ(iterate(T({I(1), I(2)})), "1 2 ");
  EXPECT_EQ(iterate(D({{S("a"), I(1)}, {S("b"), I(2)}})), "\"a\" \"b\" ");
  EXPECT_EQ(iterate(SetOf({I(3), I(1), I(3)})), "3 1 ");
  EXPECT_EQ(iterate(make<Range>(10, 2, -3)), "10 7 4 ");
  EXPECT_EQ(iterate(make<Range>(-5, -2, 1)), "-5 -4 -3 ");
  EXPECT_EQ(iterate(make<Range>(0, -5, 1)), "");
}

TEST(Iterator, RejectsNonIterables) {
  EXPECT_EQ(iterate(S("abc")), "string value is not iterable");
  EXPECT_EQ(iterate(F(0.0)), "float value is not iterable");
  EXPECT_EQ(iterate(I(1)), "int value is not iterable");
  EXPECT_EQ(collect(Value()).error().message(), "NoneType value is not iterable");
}

TEST(Iterator, ForbidsMutationWhileIterating) {
  Value list = L({I(0), I(1)});
  Value dict = D({{I(1), I(1)}});
  Value set = SetOf({I(1)});
  {
    auto it = Iterator::of(list);
    auto it2 = Iterator::of(dict);
    auto it3 = Iterator::of(set);
    EXPECT_EQ(list.as<List>()->checkMutable("append to").error().message(),
              "cannot append to list during iteration");
    EXPECT_EQ(setIndex(list, I(0), I(5)).error().message(),
              "cannot assign to element of list during iteration");
    EXPECT_EQ(setIndex(dict, I(2), I(2)).error().message(),
              "cannot insert into hash table during iteration");
    EXPECT_EQ(dict.as<Dict>()->checkMutable("delete from").error().message(),
              "cannot delete from hash table during iteration");
    EXPECT_EQ(set.as<Set>()->add(I(2)).error().message(),
              "cannot insert into hash table during iteration");
  }
  EXPECT_TRUE(list.as<List>()->checkMutable("append to"));
  EXPECT_TRUE(setIndex(dict, I(2), I(2)));
  EXPECT_TRUE(set.as<Set>()->add(I(2)));
}

TEST(Iterator, LeavesFrozenContainersUntouched) {
  Value list = L({I(0)});
  freeze(list);
  auto it = Iterator::of(list);
  EXPECT_EQ(list.as<List>()->iterating, 0);
}

/// A host type iterable over 0..n-1.
class Count final : public Object {
 public:
  explicit Count(int64_t n) : Object(ObjType::kOther), n_(n) {}
  std::string_view typeName() const override { return "count"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    out += "count()";
  }
  std::unique_ptr<Iterator> iterate() const override {
    struct It final : Iterator {
      int64_t i = 0, n = 0;
      bool next(Value& out) override {
        if (i >= n) return false;
        out = I(i++);
        return true;
      }
    };
    auto it = std::make_unique<It>();
    it->n = n_;
    return it;
  }

 private:
  int64_t n_;
};

TEST(Iterator, IteratesHostTypes) {
  EXPECT_EQ(iterate(make<Count>(3)), "0 1 2 ");
  EXPECT_EQ(repr(make<List>(*collect(make<Count>(2)))), "[0, 1]");
}

TEST(Iterator, CollectsElements) {
  auto v = collect(make<Range>(0, 3, 1));
  ASSERT_TRUE(v);
  EXPECT_EQ(repr(make<List>(*v)), "[0, 1, 2]");
  EXPECT_EQ(repr(make<List>(*collect(D({{S("a"), I(1)}})))), R"(["a"])");
  EXPECT_EQ(repr(make<List>(*collect(T({I(1), I(2)})))), "[1, 2]");
}

// ---- strings --------------------------------------------------------------------------------

TEST(String, SharesShortStringsWithinAHeap) {
  Heap heap;
  HeapScope scope(&heap);
  EXPECT_TRUE(S("a").identical(S("a")));
  EXPECT_TRUE(S("").identical(S("")));
  EXPECT_FALSE(S("a").identical(S("b")));
  EXPECT_EQ(S(std::string(1, '\xff')).str(), "\xff");
  EXPECT_EQ(str(S("a")), "a");
}

TEST(String, ComparesBytewise) {
  EXPECT_TRUE(*compare(Token::kLt, S("a"), S("b")));
  EXPECT_TRUE(*compare(Token::kLt, S("a"), S("ab")));
  EXPECT_TRUE(*compare(Token::kLt, S("z"), S("\xc3\xa9")));  // bytes, not chars
  EXPECT_TRUE(*compare(Token::kEql, S("abc"), S("abc")));
  EXPECT_EQ(*compare3(S("b"), S("a")), 1);
}

// ---- heap -----------------------------------------------------------------------------------

TEST(Heap, CountsAndUnlinksObjects) {
  Heap heap;
  {
    HeapScope scope(&heap);
    EXPECT_EQ(Heap::current(), &heap);
    Value a = L({});
    Value b = S("hello world");
    EXPECT_EQ(heap.size(), 2u);
  }
  EXPECT_EQ(Heap::current(), nullptr);
  EXPECT_EQ(heap.size(), 0u);
  Value outside = L({});  // no heap current: not linked
  EXPECT_EQ(heap.size(), 0u);
}

TEST(Heap, NestsScopes) {
  Heap a, b;
  HeapScope sa(&a);
  {
    HeapScope sb(&b);
    Value x = L({});
    EXPECT_EQ(b.size(), 1u);
    EXPECT_EQ(a.size(), 0u);
  }
  EXPECT_EQ(Heap::current(), &a);
}

TEST(Heap, FreesCyclicStructures) {
  // Run under AddressSanitizer: a leak or a use-after-free fails the test binary.
  auto heap = std::make_unique<Heap>();
  {
    HeapScope scope(heap.get());
    Value x = L({});
    x.as<List>()->mutableElems().push_back(x);  // x.append(x)
    Value d = make<Dict>();
    ASSERT_TRUE(d.as<Dict>()->set(S("self"), d));
    ASSERT_TRUE(d.as<Dict>()->set(S("list"), x));
    Value y = L({T({x, d}), S("a"), makeIntFromDecimal("123456789012345678901234567890")});
    x.as<List>()->mutableElems().push_back(y);
    Value s = make<Set>();
    ASSERT_TRUE(s.as<Set>()->add(T({S("k")})));
    ASSERT_TRUE(d.as<Dict>()->set(S("set"), s));
    Value m = make<Builtin>("append", dummyBuiltin, x);
    x.as<List>()->mutableElems().push_back(m);
  }
  // The values above are gone, but the cycles keep everything alive.
  EXPECT_GE(heap->size(), 8u);
  heap.reset();
}

/// Counts its destructions, to see that a Heap really deletes what it frees.
class Tracker final : public Object {
 public:
  explicit Tracker(int* deaths) : Object(ObjType::kOther), deaths_(deaths) {}
  ~Tracker() override { ++*deaths_; }
  std::string_view typeName() const override { return "tracker"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    out += "tracker";
  }

 private:
  int* deaths_;
};

TEST(Heap, DeletesEveryObjectOfACycle) {
  int deaths = 0;
  {
    Heap heap;
    HeapScope scope(&heap);
    {
      Value x = L({make<Tracker>(&deaths)});
      x.as<List>()->mutableElems().push_back(L({x, make<Tracker>(&deaths)}));
      Value d = D({{S("x"), x}, {S("t"), make<Tracker>(&deaths)}});
      ASSERT_TRUE(d.as<Dict>()->set(S("d"), d));
    }
    EXPECT_EQ(heap.size(), 9u);  // two lists, a dict, three trackers, three one-byte keys
    EXPECT_EQ(deaths, 0);
  }
  EXPECT_EQ(deaths, 3);
}

TEST(Heap, LeavesObjectsReferencedFromOutsideAlive) {
  Value survivor;
  {
    Heap heap;
    HeapScope scope(&heap);
    Value cycle = L({});
    cycle.as<List>()->mutableElems().push_back(cycle);
    survivor = L({S("kept")});
  }
  // The heap is gone; the list referenced from outside it is intact (and freed by `survivor`).
  EXPECT_EQ(repr(survivor), "[]");  // its children were released with the heap
}

TEST(Heap, ReleasesNonHeapChildren) {
  Value outside = L({I(1)});  // made with no heap current
  {
    Heap heap;
    HeapScope scope(&heap);
    Value cycle = L({outside});
    cycle.as<List>()->mutableElems().push_back(cycle);
  }
  EXPECT_EQ(repr(outside), "[1]");
}

}  // namespace
}  // namespace slant::starlark
