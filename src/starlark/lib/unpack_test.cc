#include "starlark/lib/unpack.h"

#include <gtest/gtest.h>

#include "starlark/lib/lib_test_util.h"

namespace slant::starlark::lib {
namespace {

using testing::I;
using testing::L;
using testing::LibTest;
using testing::None;
using testing::S;

class Unpack : public LibTest {
 protected:
  // Unpacks into (a string, b int = 7, c any = unbound) named "f".
  std::string run(ValueVector args, testing::Kwargs kwargs = {}) {
    std::vector<Kwarg> named;
    for (const auto& [k, v] : kwargs) named.push_back(Kwarg{k, v});
    a_ = "";
    b_ = 7;
    c_ = Value::unbound();
    auto r = unpackArgs("f", args, named, {{"a", &a_}, {"b?", &b_}, {"c?", &c_}});
    if (!r) return "error: " + r.error().message();
    return a_ + "," + std::to_string(b_) + "," + (c_.isUnbound() ? "unbound" : repr(c_));
  }

  std::string a_;
  int64_t b_ = 7;
  Value c_;
};

TEST_F(Unpack, FillsParametersFromPositionalAndKeywordArguments) {
  EXPECT_EQ(run({S("x")}), "x,7,unbound");
  EXPECT_EQ(run({S("x"), I(1)}), "x,1,unbound");
  EXPECT_EQ(run({S("x"), I(1), None()}), "x,1,None");
  EXPECT_EQ(run({}, {{"a", S("y")}, {"c", L({})}}), "y,7,[]");
  EXPECT_EQ(run({S("x")}, {{"b", I(-3)}}), "x,-3,unbound");
}

TEST_F(Unpack, ReportsArgumentErrorsAsGoStarlark) {
  EXPECT_EQ(run({S("x"), I(1), I(2), I(3)}), "error: f: got 4 arguments, want at most 3");
  EXPECT_EQ(run({}), "error: f: missing argument for a");
  EXPECT_EQ(run({S("x")}, {{"d", I(1)}}), "error: f: unexpected keyword argument \"d\"");
  EXPECT_EQ(run({S("x")}, {{"a", S("y")}}),
            "error: f: got multiple values for keyword argument \"a\"");
  EXPECT_EQ(run({I(1)}), "error: f: for parameter a: got int, want string");
  EXPECT_EQ(run({S("x")}, {{"b", S("no")}}), "error: f: for parameter \"b\": got string, want int");
}

TEST_F(Unpack, ChecksIntRanges) {
  int32_t small = 0;
  Value big = *parseInt("99999999999999999999", 10);
  auto r = unpackPositionalArgs("g", ValueVector{I(int64_t{1} << 40)}, {}, 1, {&small});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "g: for parameter 1: 1099511627776 out of range (want value in signed 32-bit range)");
  int64_t wide = 0;
  r = unpackPositionalArgs("g", ValueVector{big}, {}, 1, {&wide});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "g: for parameter 1: 99999999999999999999 out of range (want value in signed 64-bit "
            "range)");
  uint8_t byte = 0;
  r = unpackPositionalArgs("g", ValueVector{I(-1)}, {}, 1, {&byte});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "g: for parameter 1: -1 out of range (want value in unsigned 8-bit range)");
  EXPECT_TRUE(unpackPositionalArgs("g", ValueVector{I(255)}, {}, 1, {&byte}));
  EXPECT_EQ(byte, 255);
}

TEST_F(Unpack, CountsPositionalArguments) {
  Value x, y;
  ValueVector none, three{I(1), I(2), I(3)};
  auto r = unpackPositionalArgs("h", none, {}, 1, {&x, &y});
  EXPECT_EQ(r.error().message(), "h: got 0 arguments, want at least 1");
  r = unpackPositionalArgs("h", none, {}, 2, {&x, &y});
  EXPECT_EQ(r.error().message(), "h: got 0 arguments, want 2");
  r = unpackPositionalArgs("h", three, {}, 1, {&x, &y});
  EXPECT_EQ(r.error().message(), "h: got 3 arguments, want at most 2");
  r = unpackPositionalArgs("h", three, {}, 0, {});
  EXPECT_EQ(r.error().message(), "h: got 3 arguments, want 0");
  std::vector<Kwarg> named{Kwarg{"k", I(1)}};
  r = unpackPositionalArgs("h", none, named, 0, {&x});
  EXPECT_EQ(r.error().message(), "h: unexpected keyword arguments");
}

TEST_F(Unpack, ChecksTypedTargets) {
  List* list = nullptr;
  Dict* dict = nullptr;
  IterableArg iterable;
  CallableArg callable;
  std::optional<std::string> maybe = "unset";
  bool flag = false;
  double f = 0;
  auto one = [&](Value v, Target t) {
    auto r = unpackPositionalArgs("u", ValueVector{v}, {}, 1, {t});
    return r ? std::string("ok") : r.error().message();
  };
  EXPECT_EQ(one(L({}), &list), "ok");
  EXPECT_NE(list, nullptr);
  EXPECT_EQ(one(S("x"), &list), "u: for parameter 1: got string, want list");
  EXPECT_EQ(one(L({}), &dict), "u: for parameter 1: got list, want dict");
  EXPECT_EQ(one(S("abc"), &iterable), "u: for parameter 1: got string, want iterable");
  EXPECT_EQ(one(L({}), &iterable), "ok");
  EXPECT_EQ(one(None(), &callable), "u: for parameter 1: got NoneType, want callable");
  EXPECT_EQ(one(builtin("len"), &callable), "ok");
  EXPECT_EQ(one(None(), &maybe), "ok");
  EXPECT_FALSE(maybe.has_value());
  EXPECT_EQ(one(S("s"), &maybe), "ok");
  EXPECT_EQ(*maybe, "s");
  EXPECT_EQ(one(I(1), &maybe), "u: for parameter 1: got int, want string or None");
  EXPECT_EQ(one(I(1), &flag), "u: for parameter 1: got int, want bool");
  EXPECT_EQ(one(I(1), &f), "u: for parameter 1: got int, want float");
  EXPECT_EQ(one(testing::F(1.5), &f), "ok");
  EXPECT_EQ(f, 1.5);
}

TEST_F(Unpack, LeavesTargetsUntouchedOnFailure) {
  std::string s = "keep";
  auto r = unpackPositionalArgs("u", ValueVector{I(1)}, {}, 1, {&s});
  EXPECT_FALSE(r);
  EXPECT_EQ(s, "keep");
}

TEST_F(Unpack, HandlesMoreThanSixtyFourParameters) {
  std::vector<int64_t> vars(70, -1);
  std::vector<std::string> names;
  for (int i = 0; i < 70; ++i) names.push_back("p" + std::to_string(i) + "?");
  std::vector<Kwarg> named{Kwarg{"p69", I(5)}, Kwarg{"p69", I(6)}};
  // initializer_list cannot be built at run time, so exercise the large path through a fixed list.
  auto r = unpackArgs("big", {}, std::span(named.data(), 1),
                      {{names[0], &vars[0]},   {names[1], &vars[1]},   {names[2], &vars[2]},
                       {names[3], &vars[3]},   {names[4], &vars[4]},   {names[5], &vars[5]},
                       {names[6], &vars[6]},   {names[7], &vars[7]},   {names[8], &vars[8]},
                       {names[9], &vars[9]},   {names[10], &vars[10]}, {names[11], &vars[11]},
                       {names[12], &vars[12]}, {names[13], &vars[13]}, {names[14], &vars[14]},
                       {names[15], &vars[15]}, {names[16], &vars[16]}, {names[17], &vars[17]},
                       {names[18], &vars[18]}, {names[19], &vars[19]}, {names[20], &vars[20]},
                       {names[21], &vars[21]}, {names[22], &vars[22]}, {names[23], &vars[23]},
                       {names[24], &vars[24]}, {names[25], &vars[25]}, {names[26], &vars[26]},
                       {names[27], &vars[27]}, {names[28], &vars[28]}, {names[29], &vars[29]},
                       {names[30], &vars[30]}, {names[31], &vars[31]}, {names[32], &vars[32]},
                       {names[33], &vars[33]}, {names[34], &vars[34]}, {names[35], &vars[35]},
                       {names[36], &vars[36]}, {names[37], &vars[37]}, {names[38], &vars[38]},
                       {names[39], &vars[39]}, {names[40], &vars[40]}, {names[41], &vars[41]},
                       {names[42], &vars[42]}, {names[43], &vars[43]}, {names[44], &vars[44]},
                       {names[45], &vars[45]}, {names[46], &vars[46]}, {names[47], &vars[47]},
                       {names[48], &vars[48]}, {names[49], &vars[49]}, {names[50], &vars[50]},
                       {names[51], &vars[51]}, {names[52], &vars[52]}, {names[53], &vars[53]},
                       {names[54], &vars[54]}, {names[55], &vars[55]}, {names[56], &vars[56]},
                       {names[57], &vars[57]}, {names[58], &vars[58]}, {names[59], &vars[59]},
                       {names[60], &vars[60]}, {names[61], &vars[61]}, {names[62], &vars[62]},
                       {names[63], &vars[63]}, {names[64], &vars[64]}, {names[65], &vars[65]},
                       {names[66], &vars[66]}, {names[67], &vars[67]}, {names[68], &vars[68]},
                       {names[69], &vars[69]}});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(vars[69], 5);
  EXPECT_EQ(vars[0], -1);
}

}  // namespace
}  // namespace slant::starlark::lib
