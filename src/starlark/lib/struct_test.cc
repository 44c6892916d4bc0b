#include "starlark/lib/struct.h"

#include <gtest/gtest.h>

#include "starlark/lib/lib_test_util.h"

namespace slant::starlark::lib {
namespace {

using namespace testing;  // NOLINT: the value constructors

class StructTest : public LibTest {
 protected:
  Result<Value> makeWith(const Kwargs& kwargs) {
    return callValue(makeStructBuiltin(), {}, kwargs);
  }
};

TEST_F(StructTest, PrintsSortedFields) {
  EXPECT_EQ(str(makeStructBuiltin()), "<built-in function struct>");
  Value s = *makeWith({{"port", I(80)}, {"host", S("localhost")}});
  EXPECT_EQ(typeName(s), "struct");
  EXPECT_EQ(str(s), "struct(host = \"localhost\", port = 80)");
  EXPECT_EQ(show(call("dir", {s})), "[\"host\", \"port\"]");
  EXPECT_EQ(show(makeWith({})), "struct()");
  EXPECT_EQ(show(callValue(makeStructBuiltin(), {I(1)})),
            "error: struct: unexpected positional arguments");
  EXPECT_TRUE(truth(*makeWith({})));
}

TEST_F(StructTest, ComparesAndHashesByFields) {
  Value s = *makeWith({{"host", S("localhost")}, {"port", I(80)}});
  Value same = *makeWith({{"port", I(80)}, {"host", S("localhost")}});
  Value other = *makeWith({{"host", S("localhost")}, {"port", I(81)}});
  EXPECT_TRUE(*equal(s, s));
  EXPECT_TRUE(*equal(s, same));
  EXPECT_FALSE(*equal(s, other));
  EXPECT_EQ(*hash(s), *hash(same));
  EXPECT_EQ(hash(*makeWith({{"x", L({})}})).error().message(), "unhashable type: list");
}

TEST_F(StructTest, HasAttributes) {
  Value s = *makeWith({{"host", S("localhost")}, {"port", I(80)}});
  EXPECT_EQ(show(call("getattr", {s, S("port")})), "80");
  EXPECT_EQ(show(call("hasattr", {s, S("host")})), "True");
  EXPECT_EQ(show(call("hasattr", {s, S("protocol")})), "False");
  EXPECT_EQ(show(call("getattr", {s, S("protocol")})),
            "error: getattr: struct has no .protocol attribute");
  EXPECT_EQ(show(call("getattr", {s, S("protocol"), I(1)})), "1");
  auto attr = s.object()->attr(thread_, "protocol");
  ASSERT_TRUE(attr);
  EXPECT_FALSE(attr->has_value());
  EXPECT_EQ(s.object()->noSuchAttr("protocol"), "struct has no .protocol attribute");
  // A close spelling gets go.starlark.net's hint, from x.name and (better than Go) getattr.
  EXPECT_EQ(noSuchAttrMessage(s, "prt"), "struct has no .prt attribute (did you mean .port?)");
  EXPECT_EQ(show(call("getattr", {s, S("hst")})),
            "error: getattr: struct has no .hst attribute (did you mean .host?)");
}

TEST_F(StructTest, AddsStructsWithTheSameConstructor) {
  Value bob = *makeWith({{"name", S("bob")}, {"age", I(50)}});
  Value alice = *makeWith({{"name", S("alice")}, {"city", S("NYC")}});
  auto sum = bob.object()->binaryOp(syntax::Token::kPlus, alice, Object::Side::kLeft);
  ASSERT_TRUE(sum && *sum);
  EXPECT_EQ(str(**sum), "struct(age = 50, city = \"NYC\", name = \"alice\")");
  sum = bob.object()->binaryOp(syntax::Token::kPlus, alice, Object::Side::kRight);
  EXPECT_EQ(str(**sum), "struct(age = 50, city = \"NYC\", name = \"bob\")");
  auto none = bob.object()->binaryOp(syntax::Token::kPlus, I(1), Object::Side::kLeft);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  Value branded = make<Struct>(S("hostport"), Members{{"x", I(1)}});
  EXPECT_EQ(str(branded), "\"hostport\"(x = 1)");
  auto mixed = branded.object()->binaryOp(syntax::Token::kPlus, bob, Object::Side::kLeft);
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().message(),
            "cannot add structs of different constructors: \"hostport\" + \"struct\"");
}

TEST_F(StructTest, FreezesItsFields) {
  Value list = L({});
  Value s = *makeWith({{"l", list}});
  freeze(s);
  EXPECT_TRUE(isFrozen(list));
}

TEST_F(StructTest, ModulesPrintTheirNameAndListMembers) {
  Value m = *callValue(makeModuleBuiltin(), {S("assert")}, {{"eq", I(1)}, {"fails", I(2)}});
  EXPECT_EQ(typeName(m), "module");
  EXPECT_EQ(str(m), "<module \"assert\">");
  EXPECT_EQ(show(call("dir", {m})), "[\"eq\", \"fails\"]");
  EXPECT_EQ(show(call("getattr", {m, S("eq")})), "1");
  EXPECT_EQ(show(call("getattr", {m, S("nope")})),
            "error: getattr: module has no .nope field or method");
  EXPECT_EQ(hash(m).error().message(), "unhashable: module");
  EXPECT_EQ(show(callValue(makeModuleBuiltin(), {})), "error: module: got 0 arguments, want 1");
  Value host = makeModule("os", {{"name", S("posix")}});
  EXPECT_TRUE(isFrozen(host));
  EXPECT_EQ(host.as<ModuleObject>()->member("name")->str(), "posix");
}

}  // namespace
}  // namespace slant::starlark::lib
